"""Seconds spent in each stage of a build, tallied for the benchmark (`scripts/bench_build.py`).

Stages: load (reading CSVs), validate (the rest of validation), measures (model, views, chart
specs: the domain work), pages (templates rendered and written), downloads (CSVs, packages, zip),
changes (change log and feeds), charts (SVG rendering or reuse), search (Pagefind index).
Seconds spent in forked page workers are added in (`parallel.fork_shares`), so with two workers the
stages add up to more than the wall-clock time.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

seconds: dict[str, float] = defaultdict(float)
_open: list[str] = []


@contextmanager
def timed(stage: str) -> Iterator[None]:
    """Time spent in a stage timed inside another (a ward card rendered while its group is made) counts for the inner one only."""
    start = time.perf_counter()
    _open.append(stage)
    try:
        yield
    finally:
        _open.pop()
        spent = time.perf_counter() - start
        seconds[stage] += spent
        if _open:
            seconds[_open[-1]] -= spent


def reset() -> None:
    seconds.clear()


def forked() -> None:
    """In a forked child: the stages its parent had open are the parent's to time."""
    _open.clear()
