"""What each page shows, worked out from the model and the measures, ready for a template.

Pure functions of the model: no Pelican, no files. Templates only lay these out.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar

from . import formatting as fmt
from .measures import (
    STATUS_ORDER,
    STATUS_SYMBOLS,
    STATUS_WORDS,
    Checkpoint,
    Placing,
    TargetStatus,
    Verdict,
    compare,
    direction_of_travel,
    placing_among,
    previous_comparable,
    ranked,
    target_status,
)
from .model import LAA_THEMES, Area, Figure, Indicator, Model, Target


@dataclass
class Benchmark:
    name: str
    value: str
    verdict: Verdict

Line = TypeVar("Line")


@dataclass
class IndicatorLine:
    """One indicator on an area's page: latest value, trend and comparisons in words and symbols."""

    indicator: Indicator
    latest: Figure | None
    value: str
    interval: str
    trend: Verdict
    previous: Figure | None
    benchmarks: list[Benchmark]
    placing: Placing | None = None
    placing_of: str | None = None


@dataclass
class TargetView:
    target: Target
    indicator: Indicator
    area: Area
    status: TargetStatus
    baseline: str
    final: str
    latest: str
    expected: str
    trajectory: list[Checkpoint] = field(default_factory=list)  # baseline, milestones, final target
    milestones: list[dict] = field(default_factory=list)
    partners: list[dict] = field(default_factory=list)

    @property
    def theme_title(self) -> str:
        return LAA_THEMES.get(self.target.theme, fmt.words(self.target.theme))


class Views:
    """Builds page views, remembering what several pages share (target status, ward peer values)."""

    def __init__(self, model: Model):
        self.model = model
        self._peer_values: dict[tuple[str, str, str], dict[str, float | None]] = {}
        self._ranked_peers: dict[tuple[str, str, str], list[float]] = {}
        self._benchmark_areas: dict[str, list[Area]] = {}

    # -- indicators on an area's page ---------------------------------------------------------
    def benchmark_areas(self, area: Area) -> list[Area]:
        """The council(s) an area sits in (district and county in a two-tier area), then its country (asked once a line)."""
        if area.code not in self._benchmark_areas:
            country = self.model.country_of(area)
            self._benchmark_areas[area.code] = self.model.councils_of(area) + ([country] if country and country.code != area.code else [])
        return self._benchmark_areas[area.code]

    def peer_values(self, indicator_id: str, council: Area, period: str) -> dict[str, float | None]:
        """Every current ward of a council in one period: the peers a ward is placed among."""
        key = (indicator_id, council.code, period)
        if key not in self._peer_values:
            values = {}
            for ward in self.model.wards_of(council):
                figure = self.model.figure(indicator_id, ward.code, period)
                values[ward.code] = figure.value if figure else None
            self._peer_values[key] = values
        return self._peer_values[key]

    def ranked_peers(self, indicator_id: str, council: Area, period: str) -> list[float]:
        """`peer_values` as a placing reads them (`measures.ranked`), for every ward of the council."""
        key = (indicator_id, council.code, period)
        if key not in self._ranked_peers:
            self._ranked_peers[key] = ranked(self.peer_values(indicator_id, council, period).values())
        return self._ranked_peers[key]

    def indicator_line(self, indicator: Indicator, area: Area) -> IndicatorLine | None:
        series = self.model.series(indicator.id, area.code)
        if not series:
            return None
        latest = series[-1]
        previous = previous_comparable(series, latest)
        places = indicator.places
        benchmarks = []
        for other in self.benchmark_areas(area):
            figure = self.model.figure(indicator.id, other.code, latest.period)
            if figure is not None and figure.value is not None:
                benchmarks.append(Benchmark(other.name, fmt.with_unit(figure.value, indicator), compare(latest, figure, indicator.polarity, places)))
        line = IndicatorLine(
            indicator,
            latest,
            fmt.with_unit(latest.value, indicator),
            fmt.interval(latest.lower, latest.upper, indicator),
            direction_of_travel(latest, previous, indicator.polarity, places),
            previous,
            benchmarks,
        )
        parent = self.model.parent(area)
        if area.is_ward and area.current and parent is not None and latest.value is not None:
            line.placing = placing_among(latest.value, self.ranked_peers(indicator.id, parent, latest.period))
            line.placing_of = parent.name
        return line

    @cached_property
    def _indicators_by_name(self) -> list[Indicator]:
        """Every card lists its lines in this order (sorting fifty indicators for each of 7,380 cards took 0.3 s)."""
        return sorted(self.model.indicators.values(), key=lambda i: (i.name, i.id))

    def lines_by_theme(self, area: Area, line_of: Callable[[Indicator, Area], Line | None] | None = None) -> list[tuple[object, list[Line]]]:
        """Each theme with its indicators' lines, by indicator name; `line_of` makes a line (`ward_parts` takes kept ones)."""
        line_of = line_of or self.indicator_line
        by_theme: dict[str, list] = defaultdict(list)
        for indicator in self._indicators_by_name:
            line = line_of(indicator, area)
            if line is not None:
                by_theme[indicator.theme].append(line)
        return [(theme, by_theme[theme.id]) for theme in self.model.themes if by_theme.get(theme.id)]

    # -- targets ------------------------------------------------------------------------------
    def checkpoint(self, period: str, value: float) -> Checkpoint | None:
        parsed = self.model.period(period)
        return Checkpoint(period, parsed.end, value) if parsed else None

    @cached_property
    def targets(self) -> dict[str, TargetView]:
        views = {}
        for target in sorted(self.model.targets.values(), key=lambda t: t.id):
            indicator = self.model.indicators[target.indicator_id]
            agreement = self.model.agreements[target.agreement_id]
            area = self.model.areas[agreement.area_code]
            actuals = self.model.series(indicator.id, area.code)
            milestones = sorted(self.model.milestones.get(target.id, []), key=lambda m: self.model.period(m.period).end)
            baseline = self.checkpoint(target.baseline_period, target.baseline_value)
            steps = [self.checkpoint(m.period, m.value) for m in milestones]
            final = self.checkpoint(target.target_period, target.target_value)
            status = target_status(baseline, steps, final, actuals, indicator.polarity, target.tolerance)
            by_period = {f.period: f for f in actuals}
            view = TargetView(
                target,
                indicator,
                area,
                status,
                baseline=f"{fmt.with_unit(target.baseline_value, indicator)} in {target.baseline_period}",
                final=f"{fmt.with_unit(target.target_value, indicator)} by {target.target_period}",
                latest=f"{fmt.with_unit(status.actual.value, indicator)} in {status.actual.period}"
                if status.actual
                else "No figure since the baseline",
                expected=fmt.with_unit(status.expected, indicator) if status.expected is not None else "",
                trajectory=[baseline, *steps, final],
            )
            for m in milestones:
                actual = by_period.get(m.period)
                view.milestones.append(
                    {
                        "period": m.period,
                        "milestone": fmt.with_unit(m.value, indicator),
                        "actual": fmt.with_unit(actual.value, indicator) if actual else fmt.NOT_AVAILABLE,
                    }
                )
            for partner in sorted(self.model.target_partners.get(target.id, []), key=lambda p: (p.role != "lead", p.organisation_id)):
                organisation = self.model.organisations[partner.organisation_id]
                governs = self.model.areas.get(organisation.area_code) if organisation.area_code else None
                view.partners.append({"organisation": organisation, "role": partner.role, "governs": governs})
            views[target.id] = view
        return views

    def scorecard(self, targets: list[TargetView] | None = None) -> dict:
        """Targets grouped by LAA theme, with counts per status (every status listed, even at zero)."""
        targets = list(self.targets.values()) if targets is None else targets
        counts = Counter(t.status.verdict.key for t in targets)
        groups: dict[str, list[TargetView]] = defaultdict(list)
        for view in targets:
            groups[view.theme_title].append(view)
        return {
            "counts": [{"key": k, "label": STATUS_WORDS[k], "symbol": STATUS_SYMBOLS[k], "count": counts.get(k, 0)} for k in STATUS_ORDER],
            "themes": sorted(groups.items()),
            "total": len(targets),
        }

    def targets_covering(self, area: Area) -> list[TargetView]:
        return [self.targets[t.id] for t in sorted(self.model.targets_covering(area), key=lambda t: t.id)]

    def shared_targets(self, partnership_id: str) -> list[TargetView]:
        """Targets on which at least two of a partnership's members are named partners (`Model.shared_target_ids`)."""
        shared = self.model.shared_target_ids(partnership_id)
        return [view for view in self.targets.values() if view.target.id in shared]

    # -- comparisons at council level ---------------------------------------------------------
    def group_median(self, indicator: Indicator, codes: list[str], period: str, exclude: str) -> Figure | None:
        """A comparator group's benchmark: the median of its other members in the same period."""
        values = [f.value for c in codes if c != exclude for f in [self.model.figure(indicator.id, c, period)] if f and f.value is not None]
        return Figure(period=period, value=statistics.median(values)) if len(values) >= 3 else None

    def comparator_lines(self, area: Area, lines: list[IndicatorLine]) -> None:
        """Add 'similar councils' to each line of a council page, as a median benchmark (not tested)."""
        for _, name, codes in self.model.comparators_of(area):
            for line in lines:
                if line.latest is None or line.latest.value is None:
                    continue
                median = self.group_median(line.indicator, codes, line.latest.period, area.code)
                if median is not None:
                    line.benchmarks.append(
                        Benchmark(
                            f"{name} (median)",
                            fmt.with_unit(median.value, line.indicator),
                            compare(line.latest, median, line.indicator.polarity, line.indicator.places),
                        )
                    )

    def breakdown_rows(self, indicator: Indicator, area: Area) -> list[dict]:
        """The latest figure of each breakdown (sex, age, deprivation fifth...) for one area."""
        rows = []
        for breakdown in self.model.breakdowns(indicator.id):
            series = self.model.series(indicator.id, area.code, breakdown)
            if series:
                latest = series[-1]
                rows.append(
                    {
                        "breakdown": breakdown.split("=", 1)[-1].replace("-", " "),
                        "period": latest.period,
                        "value": fmt.with_unit(latest.value, indicator),
                        "interval": fmt.interval(latest.lower, latest.upper, indicator),
                    }
                )
        return rows

    def focus_councils(self) -> list[Area]:
        """Councils the site is about: those with current wards in the data (or with an agreement)."""
        with_agreements = {a.area_code for a in self.model.agreements.values()}
        return [c for c in self.model.councils if self.model.wards_of(c) or c.code in with_agreements]

    def chart_councils(self, limit: int) -> list[Area]:
        """Councils whose wards each indicator page charts and maps: a council's own site (a few), not all England.

        With more than `limit` councils the indicator pages compare England and its regions instead, and
        each ward's figures stay on its report card and its council's page.
        """
        focus = self.focus_councils()
        return focus if len(focus) <= limit else []

    def what_changed(self, limit: int = 6) -> list[dict]:
        """The indicators with the most recent periods: what a returning visitor looks for first."""
        latest = []
        for indicator in self.model.indicators.values():
            newest = self.model.newest_period(self.model.periods_of(indicator.id))
            if newest:
                latest.append({"indicator": indicator, "period": newest.label, "end": newest.end})
        return sorted(latest, key=lambda r: (r["end"], r["indicator"].id), reverse=True)[:limit]

