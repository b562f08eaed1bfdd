"""The validated data as domain objects: places, indicators, targets and partnerships.

Small tables become frozen dataclasses; observations stay one pandas frame with positional indices,
because at England scale (millions of rows) a Python object per row would cost more than the build.
A figure is made only when a page asks for one.
"""

from __future__ import annotations

import dataclasses
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache
from typing import NamedTuple

import numpy as np
import pandas as pd

from .contract import COUNCIL_TYPES
from .dataset import Dataset
from .periods import Period, PeriodError, parse_period

ALL = "all"


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    type: str
    parent_code: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    source: str | None = None

    @property
    def is_ward(self) -> bool:
        return self.type == "ward"

    @property
    def is_council(self) -> bool:
        return self.type in COUNCIL_TYPES

    @property
    def current(self) -> bool:
        return self.valid_to is None

    @property
    def type_label(self) -> str:
        return self.type.replace("_", " ")


@dataclass(frozen=True)
class Councillor:
    ward_code: str
    name: str
    party: str | None = None
    role: str | None = None
    page: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Theme:
    id: str
    title: str
    description: str | None = None
    order: int | None = None


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    theme: str
    unit: str
    polarity: str
    short_title: str | None = None
    unit_label: str | None = None
    decimals: int | None = None
    scales: str | None = None
    frequency: str | None = None
    source: str | None = None
    source_url: str | None = None
    definition: str | None = None
    perception: bool | None = None
    ni_number: str | None = None
    next_update: date | None = None
    licence: str | None = None
    illustrative: bool | None = None

    @property
    def name(self) -> str:
        return self.short_title or self.title

    @property
    def places(self) -> int:
        """Decimal places shown on pages and in downloads (one when the data does not say)."""
        return 1 if self.decimals is None else int(self.decimals)


class Figure(NamedTuple):
    """One published value for an area and period, with its interval and status.

    A named tuple, not a frozen dataclass: an England build makes millions and this is twice as quick to make.
    """

    period: str
    value: float | None
    lower: float | None = None
    upper: float | None = None
    status: str | None = None
    note: str | None = None
    start: date | None = None
    end: date | None = None
    kind: str | None = None

    @property
    def has_ci(self) -> bool:
        return self.value is not None and self.lower is not None and self.upper is not None


@dataclass(frozen=True)
class Agreement:
    id: str
    name: str
    area_code: str
    start: date
    end: date
    source: str | None = None
    illustrative: bool | None = None


@dataclass(frozen=True)
class Milestone:
    target_id: str
    period: str
    value: float
    illustrative: bool | None = None


@dataclass(frozen=True)
class Target:
    id: str
    agreement_id: str
    indicator_id: str
    type: str
    theme: str
    baseline_period: str
    baseline_value: float
    target_period: str
    target_value: float
    tolerance: float | None = None
    note: str | None = None
    illustrative: bool | None = None


@dataclass(frozen=True)
class TargetPartner:
    target_id: str
    organisation_id: str
    role: str
    illustrative: bool | None = None


@dataclass(frozen=True)
class Organisation:
    id: str
    name: str
    sector: str | None = None
    duty_to_cooperate: bool | None = None
    website: str | None = None
    area_code: str | None = None
    illustrative: bool | None = None


@dataclass(frozen=True)
class Partnership:
    id: str
    name: str
    type: str
    area_code: str | None = None
    parent_id: str | None = None
    description: str | None = None
    illustrative: bool | None = None


@dataclass(frozen=True)
class Membership:
    partnership_id: str
    organisation_id: str
    role: str
    from_: date | None = None
    to: date | None = None
    illustrative: bool | None = None


LAA_THEMES = {
    "children_and_young_people": "Children and young people",
    "healthier_communities_and_older_people": "Healthier communities and older people",
    "safer_and_stronger_communities": "Safer and stronger communities",
    "economic_development_and_environment": "Economic development and the environment",
}


def plain(value):
    """pandas missing values become None, timestamps dates, numpy scalars Python ones."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _records(dataset: Dataset, package: str, resource: str, cls, rename: dict[str, str] | None = None) -> list:
    frame = dataset.frame(package, resource)
    if frame is None:
        return []
    names = {f.name for f in dataclasses.fields(cls)}
    rename = rename or {}
    columns = [c for c in frame.columns if rename.get(c, c) in names]
    rows = []
    for values in zip(*(frame[c].tolist() for c in columns), strict=True):
        rows.append(cls(**{rename.get(c, c): plain(v) for c, v in zip(columns, values, strict=True)}))
    return rows


@dataclass
class Model:
    """Everything the pages need, looked up by code or id. Built once per build from a valid dataset."""

    areas: dict[str, Area]
    councillors: dict[str, list[Councillor]]
    comparator_groups: dict[str, tuple[str, list[str]]]
    themes: list[Theme]
    indicators: dict[str, Indicator]
    observations: pd.DataFrame
    agreements: dict[str, Agreement]
    targets: dict[str, Target]
    milestones: dict[str, list[Milestone]]
    target_partners: dict[str, list[TargetPartner]]
    organisations: dict[str, Organisation]
    partnerships: dict[str, Partnership]
    memberships: list[Membership]
    boundaries: dict | None = None
    _periods: dict[str, Period | None] = field(default_factory=dict, repr=False)
    _wards: dict[tuple[str, bool], tuple[Area, ...]] = field(default_factory=dict, repr=False)

    # -- places -------------------------------------------------------------------------------
    def parent(self, area: Area) -> Area | None:
        return self.areas.get(area.parent_code) if area.parent_code else None

    def ancestors(self, area: Area) -> list[Area]:
        """Parent first, up to the country; guards against a loop in hand-edited data."""
        chain, seen = [], {area.code}
        parent = self.parent(area)
        while parent is not None and parent.code not in seen:
            chain.append(parent)
            seen.add(parent.code)
            parent = self.parent(parent)
        return chain

    def councils_of(self, area: Area) -> list[Area]:
        """The councils an area sits in, lowest tier first (a two-tier ward: district, then county)."""
        return [a for a in self.ancestors(area) if a.is_council]

    def country_of(self, area: Area) -> Area | None:
        return next((a for a in self.ancestors(area) if a.type == "country"), None)

    @cached_property
    def children(self) -> dict[str, list[Area]]:
        by_parent: dict[str, list[Area]] = defaultdict(list)
        for area in sorted(self.areas.values(), key=lambda a: (a.name, a.code)):
            if area.parent_code:
                by_parent[area.parent_code].append(area)
        return by_parent

    def wards_of(self, council: Area, current_only: bool = True) -> tuple[Area, ...]:
        """Wards under a council, at any depth (a county's wards sit under its districts). Kept once worked out: a
        ward-level commit asks for each ward's council's wards on every line of every card (75,000 times in England)."""
        key = (council.code, current_only)
        if key not in self._wards:
            wards, queue = [], list(self.children.get(council.code, []))
            while queue:
                area = queue.pop(0)
                if area.is_ward:
                    if area.current or not current_only:
                        wards.append(area)
                else:
                    queue.extend(self.children.get(area.code, []))
            self._wards[key] = tuple(sorted(wards, key=lambda a: (a.name, a.code)))
        return self._wards[key]

    @cached_property
    def current_wards(self) -> list[Area]:
        return sorted((a for a in self.areas.values() if a.is_ward and a.current), key=lambda a: (a.name, a.code))

    @cached_property
    def councils(self) -> list[Area]:
        return sorted((a for a in self.areas.values() if a.is_council), key=lambda a: (a.name, a.code))

    def comparators_of(self, area: Area) -> list[tuple[str, str, list[str]]]:
        """Comparator groups (id, name, member codes) that include this area."""
        return [(gid, name, codes) for gid, (name, codes) in sorted(self.comparator_groups.items()) if area.code in codes]

    # -- periods and figures ------------------------------------------------------------------
    def period(self, text: str) -> Period | None:
        if text not in self._periods:
            try:
                self._periods[text] = parse_period(text)
            except PeriodError:
                self._periods[text] = None
        return self._periods[text]

    @cached_property
    def _series_index(self) -> tuple[np.ndarray, dict[tuple[str, str, str], tuple[int, int]]]:
        """Row numbers ordered by series, and where each series' rows are in them (in file order). One stable sort of
        the three columns' category codes combined: pandas' groupby took 0.7 s at England scale (166,000 series), and
        splitting the rows into an array per series 0.5 s, before the page processes could start."""
        obs = self.observations
        if obs.empty:
            return np.array([], dtype=np.int64), {}
        columns = [obs[name].astype("category") for name in ("indicator_id", "area_code", "breakdown")]
        codes = [column.cat.codes.to_numpy().astype(np.int64) for column in columns]
        labels = [column.cat.categories.to_numpy(dtype=object) for column in columns]
        areas, breakdowns = len(labels[1]), len(labels[2])
        combined = (codes[0] * areas + codes[1]) * breakdowns + codes[2]
        order = np.argsort(combined, kind="stable")
        combined = combined[order]
        starts = np.flatnonzero(np.r_[True, combined[1:] != combined[:-1]])
        firsts = order[starts]
        keys = zip(labels[0][codes[0][firsts]].tolist(), labels[1][codes[1][firsts]].tolist(), labels[2][codes[2][firsts]].tolist(),
                   strict=True)
        missing = (codes[0][firsts] < 0) | (codes[1][firsts] < 0) | (codes[2][firsts] < 0)  # an empty key: no series
        spans = zip(starts.tolist(), [*starts[1:].tolist(), len(order)], strict=True)
        return order, {key: span for key, span, empty in zip(keys, spans, missing.tolist(), strict=True) if not empty}

    def _series_rows(self, indicator_id: str, area_code: str, breakdown: str) -> np.ndarray | None:
        """One series' row numbers in file order, None when it has none."""
        order, spans = self._series_index
        span = spans.get((indicator_id, area_code, breakdown))
        return None if span is None else order[span[0]:span[1]]

    @cached_property
    def _indicator_index(self) -> dict[str, np.ndarray]:
        obs = self.observations
        return obs.groupby("indicator_id", observed=True, sort=False).indices if not obs.empty else {}

    def __post_init__(self):
        # A council's series is asked for once per ward and indicator (as the ward's benchmark), and each
        # ward's once per page it appears on; pages go ward by ward, so a bounded cache keeps the hits.
        self._cached_series = lru_cache(maxsize=4096)(self._series)
        self._figures_by_period = lru_cache(maxsize=4096)(lambda *key: {f.period: f for f in self._cached_series(*key)})

    def series(self, indicator_id: str, area_code: str, breakdown: str = ALL) -> tuple[Figure, ...]:
        """Every figure for one area, oldest first. The cache key always has the breakdown, however it was called."""
        return self._cached_series(indicator_id, area_code, breakdown)

    @cached_property
    def _figure_columns(self) -> dict[str, tuple]:
        """The observation columns a Figure needs, as numpy arrays: numbers as floats, text as category codes.

        Taking a series' rows from these is ~50x faster than `DataFrame.iloc[...].to_dict()`, which
        dominated an England build (150,000 series). Text is coded so no column becomes millions of str objects.
        """
        obs, columns = self.observations, {}
        for name in ("value", "lower_ci", "upper_ci"):
            columns[name] = (obs[name].to_numpy(dtype=float, na_value=np.nan) if name in obs else np.full(len(obs), np.nan),)
        for name in ("period", "status", "note"):
            coded = pd.Categorical(obs[name]) if name in obs else pd.Categorical([None] * len(obs))
            columns[name] = (coded.codes, [str(c) for c in coded.categories])
        return columns

    @cached_property
    def _period_order(self) -> tuple[np.ndarray, list[tuple[date | None, date | None, str | None]]]:
        """For each distinct period text (by its code in `_figure_columns`): its rank oldest first, and its start, end and kind."""
        texts = self._figure_columns["period"][1]
        parsed = [self.period(text) for text in texts]
        ranks = np.empty(len(texts), dtype=np.int64)
        spans = [(p.start, p.end, p.kind) if p else (None, None, None) for p in parsed]
        by_age = sorted(range(len(texts)), key=lambda i: (spans[i][1] or date.min, spans[i][0] or date.min, texts[i]))
        ranks[by_age] = np.arange(len(texts))
        return ranks, spans

    def _series(self, indicator_id: str, area_code: str, breakdown: str = ALL) -> tuple[Figure, ...]:
        """Every figure for one area, oldest first (by period end, then start, then text)."""
        positions = self._series_rows(indicator_id, area_code, breakdown)
        if positions is None:
            return ()
        columns = self._figure_columns
        ranks, spans = self._period_order
        period_codes, period_texts = columns["period"]
        positions = positions[np.argsort(ranks[period_codes[positions]], kind="stable")]

        def numbers(name: str) -> list[float | None]:
            return [None if v != v else v for v in columns[name][0][positions].tolist()]

        def texts(name: str) -> list[str | None]:
            codes, categories = columns[name]
            return [None if c < 0 else categories[c] for c in codes[positions].tolist()]

        return tuple(
            Figure(period_texts[code], value, lower, upper, status, note, *spans[code])
            for code, value, lower, upper, status, note in zip(period_codes[positions].tolist(), numbers("value"), numbers("lower_ci"),
                                                               numbers("upper_ci"), texts("status"), texts("note"), strict=True)
        )

    def periods_of(self, indicator_id: str) -> list[str]:
        """The distinct periods an indicator has figures for (from the coded column: taking its rows copied every column)."""
        positions = self._indicator_index.get(indicator_id)
        if positions is None:
            return []
        codes, texts = self._figure_columns["period"]
        return [texts[c] for c in np.unique(codes[positions]).tolist() if c >= 0]

    def indicator_rows(self, indicator_id: str) -> pd.DataFrame:
        positions = self._indicator_index.get(indicator_id)
        return self.observations.iloc[positions] if positions is not None else self.observations.iloc[0:0]

    def breakdowns(self, indicator_id: str) -> list[str]:
        return self._breakdowns.get(indicator_id, [])

    @cached_property
    def _breakdowns(self) -> dict[str, list[str]]:
        """Each indicator's breakdowns besides all (asked for on every page that lists its figures)."""
        found: dict[str, set[str]] = defaultdict(set)
        for indicator_id, _, breakdown in self._series_index[1]:
            if breakdown != ALL:
                found[indicator_id].add(str(breakdown))
        return {indicator_id: sorted(breakdowns) for indicator_id, breakdowns in found.items()}

    def latest_period(self, indicator_id: str, area_codes: list[str], breakdown: str = ALL) -> str | None:
        """The most recent period with a figure for any of these areas: the period a comparison is made in."""
        rows = self.indicator_rows(indicator_id)
        rows = rows[rows["area_code"].isin(area_codes) & (rows["breakdown"] == breakdown)]
        newest = self.newest_period(rows["period"].unique())
        return newest.label if newest else None

    def newest_period(self, texts) -> Period | None:
        """The period that ends last (then starts last) among period strings."""
        periods = [p for p in (self.period(str(t)) for t in texts) if p is not None]
        return max(periods, key=lambda p: (p.end, p.start)) if periods else None

    def figure(self, indicator_id: str, area_code: str, period: str | None, breakdown: str = ALL) -> Figure | None:
        """One area's figure in one period (a benchmark's, or a peer's: asked for by every ward of a council)."""
        return None if period is None else self._figures_by_period(indicator_id, area_code, breakdown).get(period)

    # -- targets and partners -----------------------------------------------------------------
    def targets_covering(self, area: Area) -> list[Target]:
        """Targets of agreements made for this area or any area it sits in, in the order of the targets table."""
        codes = [area.code, *(a.code for a in self.ancestors(area))]
        order = self._target_order
        return sorted((t for code in codes for t in self._targets_by_area.get(code, [])), key=lambda t: order[t.id])

    @cached_property
    def _targets_by_area(self) -> dict[str, list[Target]]:
        """Every ward card asks for the targets covering it: looked up by area, not by scanning every agreement."""
        by_area: dict[str, list[Target]] = defaultdict(list)
        for target in self.targets.values():
            by_area[self.agreements[target.agreement_id].area_code].append(target)
        return by_area

    @cached_property
    def _target_order(self) -> dict[str, int]:
        return {target_id: i for i, target_id in enumerate(self.targets)}

    def partnerships_covering(self, area: Area) -> list[Partnership]:
        codes = {area.code} | {a.code for a in self.ancestors(area)}
        return [p for p in self.partnerships.values() if p.area_code in codes]

    def members_of(self, partnership_id: str) -> list[Membership]:
        return [m for m in self.memberships if m.partnership_id == partnership_id]

    def memberships_of(self, organisation_id: str) -> list[Membership]:
        return [m for m in self.memberships if m.organisation_id == organisation_id]

    def shared_target_ids(self, partnership_id: str) -> set[str]:
        """Targets on which at least two of a partnership's members are named partners (its page shows them; its key reads them)."""
        members = {m.organisation_id for m in self.members_of(partnership_id)}
        return {target_id for target_id, partners in self.target_partners.items()
                if len({p.organisation_id for p in partners} & members) >= 2}

    def targets_of_organisation(self, organisation_id: str) -> list[tuple[Target, str]]:
        return [
            (self.targets[p.target_id], p.role)
            for partners in self.target_partners.values() for p in partners if p.organisation_id == organisation_id
        ]



def build_model(dataset: Dataset, boundaries: dict | None = None) -> Model:
    """Turn a valid dataset into the model. Only call after validation passed."""
    councillors: dict[str, list[Councillor]] = defaultdict(list)
    for c in _records(dataset, "places", "councillors", Councillor):
        councillors[c.ward_code].append(c)
    groups: dict[str, tuple[str, list[str]]] = {}
    frame = dataset.frame("places", "comparator_groups")
    if frame is not None:
        for gid, name, code in zip(frame["group_id"].astype(str), frame["group_name"].astype(str), frame["area_code"].astype(str), strict=True):
            groups.setdefault(gid, (name, []))[1].append(code)
    milestones: dict[str, list[Milestone]] = defaultdict(list)
    for m in _records(dataset, "targets", "milestones", Milestone):
        milestones[m.target_id].append(m)
    partners: dict[str, list[TargetPartner]] = defaultdict(list)
    for p in _records(dataset, "targets", "target_partners", TargetPartner):
        partners[p.target_id].append(p)
    observations = dataset.frame("indicators", "observations")
    if observations is None:
        observations = pd.DataFrame(columns=["indicator_id", "area_code", "period", "breakdown", "value"])
    themes = sorted(_records(dataset, "indicators", "themes", Theme), key=lambda t: (t.order is None, t.order or 0, t.title))
    return Model(
        areas={a.code: a for a in _records(dataset, "places", "areas", Area)},
        councillors=dict(councillors),
        comparator_groups=groups,
        themes=themes,
        indicators={i.id: i for i in _records(dataset, "indicators", "indicators", Indicator)},
        observations=observations,
        agreements={a.id: a for a in _records(dataset, "targets", "agreements", Agreement)},
        targets={t.id: t for t in _records(dataset, "targets", "targets", Target)},
        milestones=dict(milestones),
        target_partners=dict(partners),
        organisations={o.id: o for o in _records(dataset, "partnerships", "organisations", Organisation)},
        partnerships={p.id: p for p in _records(dataset, "partnerships", "partnerships", Partnership)},
        memberships=_records(dataset, "partnerships", "memberships", Membership, rename={"from": "from_"}),
        boundaries=boundaries,
    )


def load_boundaries(dataset: Dataset) -> dict | None:
    """The ward boundaries GeoJSON, if the places package has one (already checked by validation)."""
    path = dataset.resource_path("places", "ward_boundaries")
    return json.loads(path.read_text(encoding="utf-8")) if path and path.is_file() else None
