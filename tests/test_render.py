"""Chart SVGs: the workers started early render what vl-convert renders here, in order, and the cache is used."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reportcard import render
from reportcard.chart_worker import read_message, write_message
from reportcard.parallel import fork_shares
from reportcard.render import ChartWorkers, keyed_spec, numbered_ids, start_svgs


def svg_of(text: str) -> str:
    """What vl-convert renders in this process, to hold the workers' SVGs to."""
    import vl_convert

    return vl_convert.vegalite_to_svg(json.loads(text))


def bar_spec(n: int) -> dict:
    return {"data": {"values": [{"ward": f"W{i}", "value": i * n} for i in range(3)]}, "mark": "bar",
            "encoding": {"x": {"field": "ward", "type": "nominal"}, "y": {"field": "value", "type": "quantitative"}}}


def test_started_workers_render_as_this_process_does_in_order():
    texts = dict(keyed_spec(bar_spec(n), "v") for n in range(1, 4))
    with ChartWorkers(2) as workers:
        assert list(workers.svgs(texts)) == [svg_of(t) for t in texts.values()]


def test_many_charts_are_shared_out_and_come_back_in_order(monkeypatch):
    monkeypatch.setattr(render, "POOL_THRESHOLD", 4)
    texts = dict(keyed_spec(bar_spec(n), "v") for n in range(render.POOL_THRESHOLD + 2))
    with ChartWorkers(2) as workers:
        svgs = list(workers.svgs(texts))
    assert [numbered_ids(s) for s in svgs[:3]] == [numbered_ids(svg_of(t)) for t in list(texts.values())[:3]]
    assert len(set(svgs)) == len(texts)  # each its own chart


def test_charts_are_written_when_finished_and_rendered_once(tmp_path):
    specs = dict(keyed_spec(bar_spec(n), "v") for n in (1, 2))
    wanted = {f"indicators/I{i}/trend.svg": key for i, key in enumerate(specs)}
    site, cache = tmp_path / "site", tmp_path / "charts"
    with ChartWorkers(1) as workers:
        finish = start_svgs(wanted, specs, site, cache, started=workers)
        assert not site.exists()  # sent to the worker; nothing written yet
        assert vars(finish()) == {"rendered": 2, "reused": 0, "ahead": 0}
    assert (site / "indicators/I0/trend.svg").read_text() == numbered_ids(svg_of(next(iter(specs.values()))))
    again = start_svgs(wanted, specs, tmp_path / "site2", cache)()  # no workers: nothing left to render anyway
    assert vars(again) == {"rendered": 0, "reused": 2, "ahead": 0}
    assert (tmp_path / "site2/indicators/I1/trend.svg").read_bytes() == (site / "indicators/I1/trend.svg").read_bytes()


def test_charts_sent_ahead_from_this_process_and_a_forked_one_are_used_not_rendered_again(tmp_path):
    specs = dict(keyed_spec(bar_spec(n), "v") for n in (1, 2, 3))
    first, second, _ = specs
    wanted = {f"targets/T{i}/trajectory.svg": key for i, key in enumerate(specs)}
    with ChartWorkers(1) as workers:
        workers.send(first, specs[first])
        fork_shares(lambda share, count: workers.send(second, specs[second]) if share == 1 else None, 2)
        stats = start_svgs(wanted, specs, tmp_path / "site", tmp_path / "charts", started=workers)()
        assert set(workers.sent) == {first, second}  # the third, not sent ahead, was rendered when start_svgs asked
    assert vars(stats) == {"rendered": 3, "reused": 0, "ahead": 2}
    for i, key in enumerate(specs):
        assert (tmp_path / f"site/targets/T{i}/trajectory.svg").read_text() == numbered_ids(svg_of(specs[key]))


def test_a_chart_vl_convert_cannot_render_fails_where_it_is_wanted_and_the_worker_goes_on():
    broken, fine = keyed_spec({"mark": "no-such-mark", "data": {"values": []}}, "v"), keyed_spec(bar_spec(1), "v")
    with ChartWorkers(1) as workers:
        with pytest.raises(RuntimeError, match="vl-convert could not render a chart"):
            list(workers.svgs(dict([broken, fine])))
        assert list(workers.svgs(dict([fine]))) == [svg_of(fine[1])]


def test_a_worker_that_stops_fails_the_charts_it_was_given():
    with ChartWorkers(1) as workers:
        list(workers.svgs(dict([keyed_spec(bar_spec(1), "v")])))  # started and warmed up
        workers._started[0].process.kill()
        with pytest.raises(RuntimeError, match="the chart worker stopped"):
            list(workers.svgs(dict([keyed_spec(bar_spec(2), "v")])))


def test_closing_cancels_charts_still_waiting():
    with ChartWorkers(1) as workers:
        waiting = [workers._submit(keyed_spec(bar_spec(n), "v")[1]) for n in range(1, 30)]
    assert all(f.done() for f in waiting)
    assert any(f.cancelled() for f in waiting)


def test_the_worker_imports_only_vl_convert_and_the_standard_library():
    probe = ("import sys, reportcard.chart_worker; heavy = {'pandas', 'altair', 'pelican', 'numpy', 'jinja2'} & sys.modules.keys(); "
             "assert not heavy, heavy")
    subprocess.run([sys.executable, "-c", probe], check=True, cwd=Path(render.__file__).parents[1])


@given(st.lists(st.tuples(st.sampled_from(["spec", "ok", "error"]), st.text()), max_size=5))
def test_messages_come_back_as_they_were_sent(messages):
    stream = io.BytesIO()
    for word, text in messages:
        write_message(stream, word, text)
    stream.seek(0)
    assert list(iter(lambda: read_message(stream), None)) == messages


def test_a_message_cut_short_is_an_error():
    with pytest.raises(EOFError):
        read_message(io.BytesIO(b"ok 10\n<svg>"))
