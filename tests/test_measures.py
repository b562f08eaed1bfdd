"""Every measure rule, one case at a time (the rules are written out on the methodology page)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reportcard.measures import (
    Checkpoint,
    compare,
    direction_of_travel,
    expected_value,
    placing,
    placing_among,
    previous_comparable,
    ranked,
    rounded,
    target_status,
)
from reportcard.model import Figure
from reportcard.periods import parse_period


def fig(period: str, value: float | None, lower: float | None = None, upper: float | None = None) -> Figure:
    p = parse_period(period)
    return Figure(period=period, value=value, lower=lower, upper=upper, start=p.start, end=p.end, kind=p.kind)


def point(period: str, value: float) -> Checkpoint:
    return Checkpoint(period, parse_period(period).end, value)


# -- direction of travel


@pytest.mark.parametrize(
    ("polarity", "before", "after", "key", "symbol"),
    [
        ("higher_is_better", 40, 45, "improving", "↑"),
        ("higher_is_better", 45, 40, "worsening", "↓"),
        ("lower_is_better", 45, 40, "improving", "↓"),
        ("lower_is_better", 40, 45, "worsening", "↑"),
        ("no_judgement", 40, 45, "increasing", "↑"),
        ("no_judgement", 45, 40, "decreasing", "↓"),
    ],
)
def test_direction_follows_polarity(polarity, before, after, key, symbol):
    verdict = direction_of_travel(fig("2021/22", after), fig("2020/21", before), polarity)
    assert (verdict.key, verdict.symbol, verdict.tested) == (key, symbol, False)
    assert verdict.label.endswith("(not tested)")


def test_overlapping_intervals_mean_no_significant_change():
    verdict = direction_of_travel(fig("2021", 45, 41, 49), fig("2020", 40, 36, 44), "higher_is_better")
    assert (verdict.key, verdict.tested) == ("no_significant_change", True)


def test_separate_intervals_are_a_tested_change():
    verdict = direction_of_travel(fig("2021", 50, 48, 52), fig("2020", 40, 38, 42), "lower_is_better")
    assert (verdict.key, verdict.label, verdict.tested) == ("worsening", "Getting worse", True)


def test_interval_on_one_figure_only_is_not_tested():
    assert not direction_of_travel(fig("2021", 50, 48, 52), fig("2020", 40), "higher_is_better").tested


def test_equal_at_published_precision_is_no_change():
    assert direction_of_travel(fig("2021", 40.04), fig("2020", 40.01), "higher_is_better", places=1).key == "no_change"


@pytest.mark.parametrize(
    ("latest", "previous", "key"),
    [
        (None, fig("2020", 40), "no_data"),
        (fig("2021", None), fig("2020", 40), "no_data"),
        (fig("2021", 40), None, "no_trend"),
        (fig("2021", 40), fig("2020", None), "no_trend"),
    ],
)
def test_missing_figures(latest, previous, key):
    assert direction_of_travel(latest, previous, "higher_is_better").key == key


def test_previous_comparable_skips_other_kinds_of_period():
    series = [fig("2019/20", 1), fig("2020", 2), fig("2020/21", 3), fig("2021/22", 4)]
    assert previous_comparable(series, series[-1]).period == "2020/21"
    assert previous_comparable([fig("2020", 2), fig("2021/22", 4)], fig("2021/22", 4)) is None


# -- comparison


@pytest.mark.parametrize(
    ("polarity", "area", "key"),
    [
        ("higher_is_better", fig("2021", 50, 48, 52), "better"),
        ("higher_is_better", fig("2021", 30, 28, 32), "worse"),
        ("lower_is_better", fig("2021", 50, 48, 52), "worse"),
        ("lower_is_better", fig("2021", 30, 28, 32), "better"),
        ("higher_is_better", fig("2021", 41, 38, 44), "similar"),
        ("no_judgement", fig("2021", 50, 48, 52), "higher"),
    ],
)
def test_comparison_with_interval(polarity, area, key):
    verdict = compare(area, fig("2021", 40), polarity)
    assert (verdict.key, verdict.tested) == (key, True)


def test_comparison_uses_benchmark_interval_when_area_has_none():
    assert compare(fig("2021", 41), fig("2021", 40, 39, 42), "higher_is_better").key == "similar"
    assert compare(fig("2021", 45), fig("2021", 40, 39, 42), "higher_is_better").key == "better"


def test_comparison_both_intervals_overlap_is_similar():
    assert compare(fig("2021", 45, 42, 48), fig("2021", 40, 38, 43), "lower_is_better").key == "similar"


@pytest.mark.parametrize(("value", "key"), [(45, "higher"), (35, "lower"), (40.02, "same")])
def test_comparison_without_intervals_is_not_tested(value, key):
    verdict = compare(fig("2021", value), fig("2021", 40), "higher_is_better")
    assert (verdict.key, verdict.tested) == (key, False)
    assert "not tested" in verdict.label


def test_comparison_with_missing_figure():
    assert compare(fig("2021", None), fig("2021", 40), "higher_is_better").key == "no_comparison"
    assert compare(fig("2021", 40), None, "higher_is_better").key == "no_comparison"


# -- target status: baseline 2018/19 = 40, milestones 42 (2019/20), 44 (2020/21), final 46 (2021/22), tolerance 1

BASE, FINAL = point("2018/19", 40), point("2021/22", 46)
MILESTONES = [point("2019/20", 42), point("2020/21", 44)]


def status(actuals, polarity="higher_is_better", milestones=MILESTONES, base=BASE, final=FINAL, tolerance=1.0):
    return target_status(base, milestones, final, actuals, polarity, tolerance)


@pytest.mark.parametrize(
    ("actual", "key"), [(44.5, "on_track"), (44.0, "on_track"), (43.2, "at_risk"), (43.0, "at_risk"), (42.5, "off_track"), (46.1, "met")]
)
def test_status_against_the_milestone_for_its_period(actual, key):
    result = status([fig("2019/20", 41.0), fig("2020/21", actual)])
    assert result.verdict.key == key
    assert result.actual.period == "2020/21"


def test_lower_is_better_target():
    base, final = point("2018/19", 20), point("2021/22", 14)
    milestones = [point("2019/20", 18), point("2020/21", 16)]
    assert status([fig("2020/21", 15.5)], "lower_is_better", milestones, base, final).verdict.key == "on_track"
    assert status([fig("2020/21", 16.8)], "lower_is_better", milestones, base, final).verdict.key == "at_risk"
    assert status([fig("2020/21", 19)], "lower_is_better", milestones, base, final).verdict.key == "off_track"
    assert status([fig("2021/22", 13.9)], "lower_is_better", milestones, base, final).verdict.key == "met"


def test_no_milestone_for_the_latest_period_interpolates():
    """Milestones only for 2019/20; an actual for 2020/21 is judged against the line to the final target."""
    result = status([fig("2020/21", 43.5)], milestones=[point("2019/20", 42)])
    assert result.expected_from == "interpolated"
    assert result.expected == pytest.approx(44.0, abs=0.02)
    assert result.verdict.key == "at_risk"


def test_target_without_milestones_uses_a_straight_line():
    result = status([fig("2019/20", 41.5)], milestones=[])
    assert (result.verdict.key, result.expected_from) == ("at_risk", "interpolated")
    assert result.expected == pytest.approx(42, abs=0.02)


def test_final_period_missed_is_off_track():
    result = status([fig("2021/22", 44.0)])
    assert (result.verdict.key, result.expected_from) == ("off_track", "milestone")


def test_no_actual_after_baseline_is_no_data():
    assert status([fig("2017/18", 39), fig("2018/19", 40)]).verdict.key == "no_data"
    assert status([]).verdict.key == "no_data"
    assert status([fig("2020/21", None)]).verdict.key == "no_data"


def test_no_judgement_indicator_takes_direction_from_target():
    base, final = point("2018/19", 50), point("2021/22", 40)
    assert status([fig("2020/21", 43)], "no_judgement", [], base, final).verdict.key == "on_track"


def test_progress_share():
    assert status([fig("2020/21", 43)]).progress == pytest.approx(0.5)


def test_expected_value_on_a_milestone_and_between():
    points = [point("2018/19", 40), point("2020/21", 44)]
    assert expected_value(date(2021, 3, 31), points) == (44, "milestone")
    value, how = expected_value(parse_period("2019/20").end, points)
    assert (round(value, 1), how) == (42.0, "interpolated")


# -- placing among wards


def test_placing_fifths_and_strip():
    peers = [float(v) for v in range(1, 11)]
    assert placing(1.0, peers).quintile == 1
    assert placing(10.0, peers).quintile == 5
    assert placing(5.0, peers).words == "middle fifth"
    assert placing(10.0, peers).position == 1.0
    assert placing(1.0, peers).position == 0.0


def test_placing_ties_share_a_fifth_and_missing_values_are_ignored():
    peers = [5.0] * 6 + [None, float("nan")]
    result = placing(5.0, peers)
    assert (result.quintile, result.position, result.peers) == (3, 0.5, 6)


def test_placing_needs_five_peers_and_a_value():
    assert placing(3.0, [1.0, 2.0, 3.0, 4.0]) is None
    assert placing(None, [1.0, 2.0, 3.0, 4.0, 5.0]) is None


@pytest.mark.parametrize(
    ("value", "places", "text"), [(2.25, 1, "2.3"), (2.35, 1, "2.4"), (-2.25, 1, "-2.3"), (12345.5, 0, "12346"), (0.125, 2, "0.13")]
)
def test_rounding_is_half_away_from_zero(value, places, text):
    assert str(rounded(value, places)) == text


@given(st.lists(st.one_of(st.none(), st.just(float("nan")), st.floats(-1e6, 1e6)), max_size=30), st.floats(-1e6, 1e6))
def test_placing_among_ranked_peers_is_placing(peers, value):
    """Views rank a council's peers once for all its wards: the placing must be the one made from the raw values."""
    assert placing_among(value, ranked(peers)) == placing(value, peers)
