"""The judgements the site makes about figures: trend, comparison, target status, place among wards.

Every rule here is written out in words on the methodology page (content/pages/methodology.md);
change one and change the other. Each function is pure and takes plain figures, so the rules can be
tested one case at a time. A judgement always carries words and a symbol, never colour alone.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from .model import Figure

HIGHER, LOWER, NEUTRAL = "higher_is_better", "lower_is_better", "no_judgement"


@dataclass(frozen=True)
class Verdict:
    """A judgement: `key` for styling and tests, `label` in plain words, `symbol` as a text glyph."""

    key: str
    label: str
    symbol: str
    tested: bool = False


def rounded(value: float, places: int) -> Decimal:
    """Round half away from zero at the stated precision, the same on pages and in downloads."""
    return _quantized(repr(value), places)


@lru_cache(maxsize=1 << 16)
def _quantized(text: str, places: int) -> Decimal:
    """Kept by the written number (so -0.0 stays apart from 0.0): an England site rounds two million figures, few distinct."""
    return Decimal(text).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _intervals_overlap(a: Figure, b: Figure) -> bool:
    return a.lower <= b.upper and b.lower <= a.upper


def _sign(difference: float, polarity: str) -> int:
    """+1 when the difference is good news, -1 when bad, 0 when the indicator makes no judgement."""
    if polarity == HIGHER:
        return 1 if difference > 0 else -1
    if polarity == LOWER:
        return 1 if difference < 0 else -1
    return 0


# -- direction of travel ----------------------------------------------------------------------

def previous_comparable(series: Sequence[Figure], latest: Figure) -> Figure | None:
    """The figure before the latest one for a period of the same kind (a year against a year)."""
    earlier = [f for f in series if f.kind == latest.kind and f.end is not None and latest.start is not None and f.end < latest.start]
    return earlier[-1] if earlier else None


def direction_of_travel(latest: Figure | None, previous: Figure | None, polarity: str, places: int = 1) -> Verdict:
    """Latest against the previous comparable period.

    With intervals on both figures, overlapping intervals mean "no significant change". Without
    them the direction is given but marked "not tested". Values equal at the published precision
    are "no change".
    """
    if latest is None or latest.value is None:
        return Verdict("no_data", "No recent figure", "–")
    if previous is None or previous.value is None:
        return Verdict("no_trend", "No earlier figure to compare", "–")
    tested = latest.has_ci and previous.has_ci
    if tested and _intervals_overlap(latest, previous):
        return Verdict("no_significant_change", "No significant change", "↔", tested=True)
    difference = latest.value - previous.value
    if rounded(latest.value, places) == rounded(previous.value, places):
        return Verdict("no_change", "No change", "↔", tested=tested)
    arrow = "↑" if difference > 0 else "↓"
    suffix = "" if tested else " (not tested)"
    good = _sign(difference, polarity)
    if good == 0:
        return Verdict("increasing" if difference > 0 else "decreasing", ("Increasing" if difference > 0 else "Decreasing") + suffix, arrow, tested)
    return Verdict("improving" if good > 0 else "worsening", ("Improving" if good > 0 else "Getting worse") + suffix, arrow, tested)


# -- comparison with a benchmark --------------------------------------------------------------

def compare(area: Figure | None, benchmark: Figure | None, polarity: str, places: int = 1) -> Verdict:
    """An area against a benchmark (its council, England, a comparator group) in the same period.

    Tested when either figure has a confidence interval: similar if the intervals overlap (or the
    benchmark value lies inside the area's interval, or the other way round), otherwise better or
    worse by polarity. Without intervals: higher, lower or the same, "not tested".
    """
    if area is None or area.value is None or benchmark is None or benchmark.value is None:
        return Verdict("no_comparison", "No comparison", "–")
    difference = area.value - benchmark.value
    if area.has_ci or benchmark.has_ci:
        if area.has_ci and benchmark.has_ci:
            similar = _intervals_overlap(area, benchmark)
        elif area.has_ci:
            similar = area.lower <= benchmark.value <= area.upper
        else:
            similar = benchmark.lower <= area.value <= benchmark.upper
        if similar:
            return Verdict("similar", "Similar", "●", tested=True)
        good = _sign(difference, polarity)
        if good == 0:
            return Verdict("higher" if difference > 0 else "lower", "Higher" if difference > 0 else "Lower", "▲" if difference > 0 else "▼", True)
        return Verdict("better" if good > 0 else "worse", "Better" if good > 0 else "Worse", "▲" if good > 0 else "▼", True)
    if rounded(area.value, places) == rounded(benchmark.value, places):
        return Verdict("same", "The same (not tested)", "=")
    if difference > 0:
        return Verdict("higher", "Higher (not tested)", "△")
    return Verdict("lower", "Lower (not tested)", "▽")


# -- LAA target status ------------------------------------------------------------------------

STATUS_ORDER = ["met", "on_track", "at_risk", "off_track", "no_data"]
STATUS_WORDS = {"met": "Met", "on_track": "On track", "at_risk": "At risk", "off_track": "Off track", "no_data": "No data"}
#: Shapes as well as words, so status never depends on colour.
STATUS_SYMBOLS = {"met": "★", "on_track": "✓", "at_risk": "!", "off_track": "✗", "no_data": "?"}


@dataclass(frozen=True)
class Checkpoint:
    """A point on a target's trajectory: the baseline, a milestone or the final target."""

    period: str
    end: date
    value: float


@dataclass(frozen=True)
class TargetStatus:
    verdict: Verdict
    actual: Figure | None
    expected: float | None
    expected_from: str | None  # "milestone", "interpolated" or "final target"
    progress: float | None  # share of the way from baseline to final target, 0..1 (may exceed either end)


def _status(key: str) -> Verdict:
    return Verdict(key, STATUS_WORDS[key], STATUS_SYMBOLS[key])


def expected_value(at: date, checkpoints: list[Checkpoint]) -> tuple[float, str] | None:
    """The milestone due at a date, or a straight line between the checkpoints either side of it."""
    points = sorted(checkpoints, key=lambda c: c.end)
    for point in points:
        if point.end == at:
            return point.value, "milestone"
    before = [p for p in points if p.end < at]
    after = [p for p in points if p.end > at]
    if not before or not after:
        return (points[-1].value, "final target") if points and not after else None
    a, b = before[-1], after[0]
    share = (at - a.end).days / (b.end - a.end).days
    return a.value + share * (b.value - a.value), "interpolated"


def target_status(
    baseline: Checkpoint, milestones: list[Checkpoint], final: Checkpoint, actuals: Sequence[Figure], polarity: str, tolerance: float | None,
) -> TargetStatus:
    """Met / on track / at risk / off track / no data.

    The latest actual after the baseline period is judged against the milestone for its period (a
    straight line between the neighbouring milestones when there is none for that period). Met:
    the final target is reached. On track: at or beyond the expected value. At risk: short of it by
    no more than the tolerance. Off track: short by more. The direction of "beyond" follows the
    indicator's polarity, or the direction from baseline to target when the indicator makes no
    judgement.
    """
    after_baseline = [f for f in actuals if f.value is not None and f.end is not None and f.end > baseline.end]
    if not after_baseline:
        return TargetStatus(_status("no_data"), None, None, None, None)
    actual = after_baseline[-1]
    direction = {HIGHER: 1, LOWER: -1}.get(polarity) or (1 if final.value >= baseline.value else -1)
    span = final.value - baseline.value
    progress = (actual.value - baseline.value) / span if span else None
    if direction * (actual.value - final.value) >= 0:
        return TargetStatus(_status("met"), actual, final.value, "final target", progress)
    expected = expected_value(actual.end, [baseline, *milestones, final])
    if expected is None:
        return TargetStatus(_status("no_data"), actual, None, None, progress)
    value, source = expected
    shortfall = direction * (value - actual.value)
    if shortfall <= 0:
        key = "on_track"
    elif shortfall <= (tolerance or 0) + 1e-9:
        key = "at_risk"
    else:
        key = "off_track"
    return TargetStatus(_status(key), actual, value, source, progress)


# -- place among wards ------------------------------------------------------------------------

FIFTHS = ["lowest fifth", "second-lowest fifth", "middle fifth", "second-highest fifth", "highest fifth"]


@dataclass(frozen=True)
class Placing:
    """Where one area's value sits among its peers: a fifth (1 = lowest values) and a strip position."""

    quintile: int
    words: str
    position: float  # 0 = lowest value among the peers, 1 = highest
    peers: int


def ranked(peer_values: Iterable[float | None]) -> list[float]:
    """The peers' values a placing reads, lowest first: sorted once for all the wards of a council, not once a ward."""
    return sorted(v for v in peer_values if v is not None and not math.isnan(v))


def placing(value: float | None, peer_values: list[float | None]) -> Placing | None:
    """Fifths by value, not a league table: ties share the mid-rank, so equal values share a fifth."""
    return placing_among(value, ranked(peer_values))


def placing_among(value: float | None, values: list[float]) -> Placing | None:
    """`placing` among values already `ranked`."""
    if value is None or len(values) < 5:
        return None
    below = bisect_left(values, value)
    equal = bisect_right(values, value) - below
    mid_rank = below + (equal + 1) / 2  # 1-based rank, ties averaged
    quintile = min(5, max(1, math.ceil(5 * mid_rank / len(values))))
    low, high = values[0], values[-1]
    position = 0.5 if high == low else (value - low) / (high - low)
    return Placing(quintile, FIFTHS[quintile - 1], position, len(values))
