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


def test_a_batch_of_groups_is_made_in_one_process_and_batches_take_turns():
    from reportcard.site import Group
    from reportcard.writing import group_shares

    def make():
        return []

    groups = [Group(None, make), Group(("ward", "W1"), make, "C1"), Group(("ward", "W2"), make, "C1"), Group(("ward", "W3"), make, "C2"),
              Group(("area", "C1"), make), Group(("area", "C2"), make), Group(None, make)]
    assert group_shares(groups, 2) == [0, 1, 1, 0, 1, 0, 0]  # keyed ones start in the other process: this one has the site-wide ones
    assert group_shares(groups, 1) == [0] * 7


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
