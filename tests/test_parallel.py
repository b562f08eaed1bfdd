"""Forked shares: every share's result comes back in order, and a child's error is raised here."""

import time

import pytest

from reportcard import stages
from reportcard.parallel import fork_shares, workers


def test_each_share_runs_once_and_results_come_back_in_order():
    assert fork_shares(lambda share, count: (share, count), 3) == [(0, 3), (1, 3), (2, 3)]
    assert 1 <= workers() <= 2


def test_stage_seconds_of_a_child_are_counted_here():
    stages.reset()

    def work(share, count):
        stages.seconds["pages"] += 1.0 + share
        return share

    assert fork_shares(work, 2) == [0, 1]
    assert stages.seconds["pages"] == pytest.approx(3.0)


def test_what_the_shares_were_forked_with_is_left_out_of_garbage_collection_until_they_finish():
    import gc

    frozen = fork_shares(lambda share, count: gc.get_freeze_count(), 2)
    assert all(count > 0 for count in frozen) and gc.get_freeze_count() == 0
    with pytest.raises(ValueError):
        fork_shares(lambda share, count: (_ for _ in ()).throw(ValueError("bad")), 2)
    assert gc.get_freeze_count() == 0


def test_an_error_in_a_child_is_raised_with_its_traceback():
    def work(share, count):
        if share == 1:
            raise ValueError("bad ward")
        return share

    with pytest.raises(RuntimeError, match="bad ward"):
        fork_shares(work, 2)


def test_an_error_here_still_collects_the_children():
    def work(share, count):
        if share == 0:
            raise KeyError("here")
        return list(range(100_000))  # more than a pipe holds: the child must not be left waiting

    with pytest.raises(KeyError):
        fork_shares(work, 2)


def _groups():
    from reportcard.site import Group

    def make():
        return []

    return [Group(None, make), Group(("ward", "W1"), make, "C1"), Group(("area", "C1"), make), Group(("ward", "W2"), make, "C1"),
            Group(("ward", "W3"), make, "C2"), Group(None, make), Group(("area", "C2"), make), Group(None, make)]


def test_work_units_keep_a_batch_together_and_site_wide_groups_in_place():
    from reportcard.writing import work_units

    groups = _groups()
    first, units, last = work_units(groups)
    assert first == groups[:1]  # before any keyed group: made first, in this process
    assert units == [[groups[1], groups[3]], [groups[2]], [groups[4]], [groups[6]]]  # a batch where its first group was
    assert last == [groups[5], groups[7]]  # the data page waits for the zip: made after the keyed groups
    assert work_units([]) == ([], [], [])


def test_turns_give_every_unit_to_exactly_one_process_and_a_batch_to_one():
    from reportcard.parallel import Turns, fork_shares

    units = [[f"{unit}-{item}" for item in range(unit % 3 + 1)] for unit in range(200)]
    turns = Turns(2)

    def share(number: int, count: int) -> list[str]:
        return list(turns.take(units))

    taken = fork_shares(share, 2)
    assert sorted(taken[0] + taken[1]) == sorted(item for unit in units for item in unit)
    for unit in units:
        assert set(unit) <= set(taken[0]) or set(unit) <= set(taken[1])
    assert list(Turns(1).take(units[:2])) == units[0] + units[1]  # one process alone takes them all, in order


def test_write_file_makes_missing_folders_and_keeps_bytes(tmp_path):
    from reportcard.site_files import write_file

    write_file(tmp_path / "a" / "b" / "page.html", "line\r\nnext é\n")
    write_file(tmp_path / "a" / "b" / "other.csv", "x")
    assert (tmp_path / "a" / "b" / "page.html").read_bytes() == "line\r\nnext é\n".encode()
    assert (tmp_path / "a" / "b" / "other.csv").read_text() == "x"


def test_a_stage_timed_inside_another_counts_once():
    stages.reset()
    with stages.timed("measures"), stages.timed("pages"):
        time.sleep(0.05)
    assert stages.seconds["pages"] >= 0.05 and stages.seconds["measures"] < 0.04
