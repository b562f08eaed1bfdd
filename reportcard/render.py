"""Charts to files: SVG rendered by vl-convert, cached on disk by a hash of the spec, plus the spec and CSV.

An unchanged chart is never rendered twice: the SVG is stored under the SHA-256 of the spec (and the
vl-convert version) and copied from there. New charts are rendered in worker processes started
afresh (`chart_worker`: specs in, SVGs out), never forked, because vl-convert's runtime hangs in a
forked child.

Starting vl-convert's runtime takes a third of a second, longer than rendering ten charts, and a
commit that changes one indicator renders a dozen or so. So the build starts one worker before the
pages are made (`ChartWorkers`), and the charts the pages ask for find it ready.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing
import os
import queue
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, wait
from dataclasses import dataclass
from pathlib import Path

from .chart_worker import read_message, write_message
from .charts import Chart
from .downloads import csv_text
from .site_files import link_file, write_file

#: Below this many new charts, starting worker processes costs more than it saves.
POOL_THRESHOLD = 48


@dataclass
class RenderStats:
    rendered: int = 0
    reused: int = 0
    ahead: int = 0  # of those rendered, how many were sent while the pages were made (`ChartWorkers.send`)


def spec_json(spec: dict) -> str:
    return json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def renderer_version() -> str:
    import vl_convert

    return vl_convert.__version__


def spec_key(text: str, version: str) -> str:
    return hashlib.sha256(f"{version}\n{text}".encode()).hexdigest()


def keyed_spec(spec: dict, version: str) -> tuple[str, str]:
    """(cache key, spec JSON) of a chart."""
    text = spec_json(spec)
    return spec_key(text, version), text


_SVG_ID = re.compile(r"\b(gradient|clip|pattern|marker)_(\d+)\b")


def numbered_ids(svg: str) -> str:
    """Number a chart's internal ids (gradient_12...) from 1 in order of appearance.

    vl-convert numbers them with a counter that runs across every chart a process renders, so the
    same spec gave different bytes depending on what was rendered before it; now it never does.
    """
    numbers: dict[str, str] = {}

    def renumber(match: re.Match) -> str:
        return numbers.setdefault(match.group(0), f"{match.group(1)}_{len(numbers) + 1}")

    return _SVG_ID.sub(renumber, svg)


#: A chart small enough to render in no time, to start a worker's runtime with.
_WARM_UP = {"data": {"values": [{"x": 1}]}, "mark": "point", "encoding": {"x": {"field": "x", "type": "quantitative"}}}


class _Worker:
    """One chart worker process (`chart_worker`) and the thread that hands it charts from the shared queue, one at a time."""

    def __init__(self, tasks: queue.SimpleQueue):
        package_root = str(Path(__file__).resolve().parents[1])
        paths = os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH")) if p)
        self.process = subprocess.Popen([sys.executable, "-m", "reportcard.chart_worker"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": paths})
        self.thread = threading.Thread(target=self._serve, args=(tasks,), daemon=True)
        self.thread.start()

    def _serve(self, tasks: queue.SimpleQueue) -> None:
        for future, text in iter(tasks.get, None):
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(self._render(text))
            except BaseException as error:  # noqa: BLE001 (raised again where the chart is wanted)
                future.set_exception(error)

    def _render(self, text: str) -> str:
        try:
            write_message(self.process.stdin, "spec", text)
            reply = read_message(self.process.stdout)
        except (OSError, EOFError, ValueError):
            reply = None
        if reply is None:
            raise RuntimeError(f"the chart worker stopped (exit status {self.process.poll()})")
        word, body = reply
        if word != "ok":
            raise RuntimeError(f"vl-convert could not render a chart: {body}")
        return body

    def stop(self) -> None:
        self.process.kill()
        self.thread.join()
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                pipe.close()


class ChartWorkers:
    """Chart worker processes: one started at once with its runtime warmed up, more when many charts are wanted.

    Charts can be sent ahead (`send`) while the pages are made, from this process or a page process forked from it:
    they are rendered one at a time on the warmed-up worker, using what the page processes leave of the cores, so a
    commit's dozen new charts are ready when the pages are (rendered after them, they took one worker 1.3 s at
    England scale with the other core idle). `svgs` then asks for all the charts wanted and stops the sending.

    Close it (`close`, or use it as a context manager): the workers are separate processes.
    """

    def __init__(self, workers: int | None = None):
        self.workers = workers if workers is not None else min(2, os.cpu_count() or 1)
        self._tasks: queue.SimpleQueue = queue.SimpleQueue()  # (future, spec JSON), taken by whichever worker is free
        self._started = [_Worker(self._tasks)]
        self._submit(spec_json(_WARM_UP))  # starts its runtime; an error here shows again when a chart is rendered
        self._inbox = multiprocessing.SimpleQueue()  # (key, spec JSON), from this process and forked ones
        self.sent: dict[str, Future] = {}
        self._waiting: queue.SimpleQueue = queue.SimpleQueue()
        self._hurry = threading.Event()  # set once `svgs` is called: what is still waiting goes to every worker
        self._threads = [threading.Thread(target=self._receive, daemon=True), threading.Thread(target=self._render_sent, daemon=True)]
        for thread in self._threads:
            thread.start()

    def _submit(self, text: str) -> Future:
        future: Future = Future()
        self._tasks.put((future, text))
        return future

    def send(self, key: str, text: str) -> None:
        """Render this chart soon (safe to call in a forked page process: it only writes to a pipe)."""
        self._inbox.put((key, text))

    def _receive(self) -> None:
        """Reads the pipe as soon as something is in it, so a page process never waits for a chart to be rendered."""
        for message in iter(self._inbox.get, None):
            self._waiting.put(message)
        self._waiting.put(None)

    def _render_sent(self) -> None:
        for key, text in iter(self._waiting.get, None):
            if key in self.sent:
                continue
            future = self.sent[key] = self._submit(text)
            if not self._hurry.is_set():  # one at a time, while the pages are being made
                wait([future])

    def _stop_sending(self) -> None:
        if not self._hurry.is_set():
            self._hurry.set()
            self._inbox.put(None)
            for thread in self._threads:
                thread.join()
            self._inbox.close()

    def svgs(self, texts: dict[str, str]) -> Iterator[str]:
        """The SVG of each chart (key -> spec JSON), in order as they come; those sent ahead are not rendered again.
        A few charts are left to the warmed-up worker (a second one would spend longer starting than rendering
        them); for many, the other workers are started too."""
        self._stop_sending()
        futures = {key: self.sent.get(key) or self._submit(text) for key, text in texts.items()}
        if len(texts) - len(futures.keys() & self.sent.keys()) >= POOL_THRESHOLD:
            self._started += [_Worker(self._tasks) for _ in range(self.workers - len(self._started))]
        return (future.result() for future in futures.values())

    def close(self) -> None:
        """The workers are stopped, not asked to exit: by now every chart asked for has been collected, and a worker's
        runtime took 0.15 s to shut down (0.4 s while still warming up, which every warm build of the demo waited for).
        Charts still waiting are cancelled."""
        self._stop_sending()
        with contextlib.suppress(queue.Empty):
            while True:
                self._tasks.get_nowait()[0].cancel()
        for _ in self._started:
            self._tasks.put(None)
        for worker in self._started:
            worker.stop()

    def __enter__(self) -> ChartWorkers:
        return self

    def __exit__(self, *_) -> None:
        self.close()


def _svgs(texts: list[str], workers: int) -> list[str]:
    """In worker processes, even a few: vl-convert's runtime started in this process would be copied, hung, into every
    process forked from it later (the page processes of the next build)."""
    if not texts:
        return []
    with ChartWorkers(workers) as started:
        return list(started.svgs({str(i): text for i, text in enumerate(texts)}))


def chart_texts(chart: Chart) -> dict[str, str]:
    """A chart's spec and figures, by site path: people can reuse them (and the page cache keeps them)."""
    base = Path(chart.path)
    return {base.with_suffix(".vl.json").as_posix(): json.dumps(chart.spec, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
            base.with_suffix(".csv").as_posix(): csv_text(chart.columns, chart.csv_rows)}


def cached_svg(cache: Path, key: str) -> Path:
    """Where the chart cache keeps the SVG of the spec with this key."""
    return cache / key[:2] / f"{key}.svg"


def svg_path(chart_path: str) -> str:
    return Path(chart_path).with_suffix(".svg").as_posix()


def start_svgs(wanted: dict[str, str], specs: dict[str, str], output: Path, cache: Path, workers: int | None = None,
               started: ChartWorkers | None = None) -> Callable[[], RenderStats]:
    """Write each wanted SVG (site path -> spec key) from `cache`, first rendering the keys not there from `specs` (key -> spec JSON).

    With `started` workers the charts are sent to them now, and the function returned writes them once rendered (this
    process does other work meanwhile); without, they are rendered when it is called, by `workers` new processes.
    """
    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    pending = {key: specs[key] for key in dict.fromkeys(wanted.values()) if not cached_svg(cache, key).exists()}
    sent = started.svgs(pending) if started is not None and pending else None

    def finish() -> RenderStats:
        svgs = sent if sent is not None else _svgs(list(pending.values()), workers)
        for key, svg in zip(pending, svgs, strict=True):
            write_file(cached_svg(cache, key), numbered_ids(svg))
        for path, key in wanted.items():
            link_file(cached_svg(cache, key), output / path, f"svg:{key}")
        return RenderStats(rendered=len(pending), reused=len(wanted) - len(pending), ahead=len(started.sent.keys() & pending) if started else 0)

    return finish
