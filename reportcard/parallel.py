"""Share work between this process and forked copies of it, one share each, on a machine with several cores.

Making pages is pure Python over a model that takes seconds to build: a forked child has the model
already (copy-on-write), so nothing is rebuilt or sent across, only each share's small result comes
back (pickled through a pipe). Fork, not spawn, is safe here because the children never touch
vl-convert (whose runtime hangs in a forked child): they send their new charts down a pipe to this
process, which has them rendered in fresh worker processes (`render.ChartWorkers.send`).
The threads that may be running at fork time compress the data zip, remove old page bundles or wait for
charts sent ahead (holding the chart pipe's read lock); children never use the zip, the page cache's old
bundles, the read end of that pipe or the locks those threads may hold (Python 3.12 warns about forking
with threads for that reason).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import traceback
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from . import site_files, stages

Result = TypeVar("Result")
Item = TypeVar("Item")


def workers() -> int:
    """One share per core, at most two (the machines this runs on are small); one where fork does not exist."""
    return min(2, os.cpu_count() or 1) if hasattr(os, "fork") else 1


def fork_shares(work: Callable[[int, int], Result], count: int | None = None) -> list[Result]:
    """`work(share, count)` for each share: share 0 here, the others in forked children. Results in share order.

    Stage seconds spent in a child are added to this process's tally (so stages add up to more than the
    wall-clock time when shares ran at once), and the site files it wrote to the build's record
    (`site_files`). An error in a child is raised here with the child's traceback.
    """
    return start_shares(work, count)()


def start_shares(work: Callable[[int, int], Result], count: int | None = None) -> Callable[[], list[Result]]:
    """`fork_shares` with the children started now and the rest left for later: the function returned does share 0
    here and waits for the others, so this process can do other work (render charts) while they run."""
    count = workers() if count is None else count
    # What exists now is shared with the children copy-on-write. Left to the garbage collector, each full collection
    # walked all of it again in every process (4.7 s of each page process in an England cold build), and in a child
    # wrote to its pages as it went; frozen, the collector only looks at what the shares make.
    gc.freeze()
    children = [_fork(work, share, count) for share in range(1, count)]

    def finish() -> list[Result]:
        try:
            return _finish(work, count, children)
        finally:
            gc.unfreeze()

    return finish


def _finish(work: Callable[[int, int], Result], count: int, children: list[tuple[int, int]]) -> list[Result]:
    """Share 0 here, then each child's result."""
    try:
        results = [work(0, count)]
    except BaseException:
        for pid, read in children:  # the child's write fails on the closed pipe, and it exits
            os.close(read)
            os.waitpid(pid, 0)
        raise
    failures = []
    for pid, read in children:  # read before waiting: a child blocks until its result is read from the pipe
        with os.fdopen(read, "rb") as pipe:
            try:
                kind, value, seconds, files = pickle.load(pipe)
            except EOFError:
                kind, value, seconds, files = "error", "the worker stopped without a result", {}, {}
        os.waitpid(pid, 0)
        if kind == "error":
            failures.append(value)
            continue
        results.append(value)
        if site_files.current is not None:
            site_files.current.recorded.update(files)
        for stage, spent in seconds.items():
            stages.seconds[stage] += spent
    if failures:
        raise RuntimeError("a page worker failed:\n" + "\n".join(failures))
    return results


def _fork(work: Callable[[int, int], Result], share: int, count: int) -> tuple[int, int]:
    read, write = os.pipe()
    pid = os.fork()
    if pid:
        os.close(write)
        return pid, read
    status = 1  # the child: do one share, send it back, and leave without running the parent's clean-up
    try:
        os.close(read)
        stages.forked()
        before = dict(stages.seconds)
        if site_files.current is not None:  # send back only the site files this share writes
            site_files.current.recorded = {}
        try:
            outcome = ("ok", work(share, count), {k: v - before.get(k, 0.0) for k, v in stages.seconds.items()},
                       site_files.current.recorded if site_files.current is not None else {})
        except BaseException:
            outcome = ("error", traceback.format_exc(), {}, {})
        with os.fdopen(write, "wb") as pipe:
            pickle.dump(outcome, pipe, protocol=pickle.HIGHEST_PROTOCOL)
        status = 0 if outcome[0] == "ok" else 1
    finally:
        os._exit(status)


class Turns:
    """Hands out the units of a list of work to whichever of `count` processes asks next, each unit once: a counter in
    shared memory, made before the fork. A fixed split left one process idle while the other finished (0.4 s of an
    England ward-level commit build): the units are not the same size (a council's wards, one indicator's page).

    Only for processes forked from the one that made it (a fork-context counter); with one process, the units in order.
    """

    def __init__(self, count: int) -> None:
        self._next = multiprocessing.get_context("fork").Value("q", 0) if count > 1 else None

    def take(self, units: Sequence[Sequence[Item]]) -> Iterator[Item]:
        """The items of each unit this process is given, unit by unit, until none is left."""
        if self._next is None:
            for unit in units:
                yield from unit
            return
        while True:
            with self._next.get_lock():
                number = self._next.value
                self._next.value = number + 1
            if number >= len(units):
                return
            yield from units[number]
