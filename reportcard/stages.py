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


@contextmanager
def timed(stage: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        seconds[stage] += time.perf_counter() - start


def reset() -> None:
    seconds.clear()
