"""Every page, chart and download of the site, at stable URLs made from codes and ids.

`site_groups` yields them a group at a time so a writer can render and forget each page: at England
scale (7,000 wards) no stage holds every page in memory. URLs never use names, which change.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from . import formatting as fmt
from .changes import Release
from .charts import Chart
from .commentary import commentary_for
from .downloads import Lines
from .model import ALL, Area, Indicator, Model, Organisation, Partnership
from .plots import areas_chart, map_chart, trend_chart
from .views import Views
from .ward_parts import FIGURE_COLUMNS, FigureParts, SectionPart, figure_row


@dataclass
class Page:
    path: str
    template: str
    context: dict
    html: str | None = None  # already rendered (a ward card assembled from kept parts), else rendered from the template
    indexed: str | None = None  # its `search.indexed_print`, when known without reading the page (a card spliced from its last version)


@dataclass
class Download:
    path: str
    columns: list[tuple[str, str]]
    rows: list[dict] | pd.DataFrame | Lines


def ward_url(code: str) -> str:
    return f"wards/{code}/index.html"


def ward_feed_url(code: str) -> str:
    return f"wards/{code}/feed.atom"


def area_url(area: Area) -> str:
    return ward_url(area.code) if area.is_ward else f"areas/{area.code}/index.html"


def indicator_url(indicator_id: str) -> str:
    return f"indicators/{indicator_id}/index.html"


def target_url(target_id: str) -> str:
    return f"targets/{target_id}/index.html"


def partnership_url(partnership_id: str) -> str:
    return f"partnerships/{partnership_id}/index.html"


def organisation_url(organisation_id: str) -> str:
    return f"organisations/{organisation_id}/index.html"


URLS = {
    "ward_url": ward_url,
    "ward_feed_url": ward_feed_url,
    "area_url": area_url,
    "indicator_url": indicator_url,
    "target_url": target_url,
    "partnership_url": partnership_url,
    "organisation_url": organisation_url,
}

def ward_card(model: Model, views: Views, ward: Area, commentary_dir: Path, kept: FigureParts | None = None) -> Iterator[Page | Download]:
    """With `kept`, the card comes assembled from the parts of its last version that did not change; else the template makes it all."""
    csv_path = f"wards/{ward.code}/{ward.code}.csv"
    figures, themes, rows = _figure_lines(views, ward, csv_path, kept, compared=False)
    yield figures
    page = Page(
        ward_url(ward.code),
        "ward",
        {
            "ward": ward,
            "councils": model.councils_of(ward),
            "councillors": model.councillors.get(ward.code, []),
            "themes": themes,
            "commentary": commentary_for(commentary_dir, ward.code),
            "targets": views.targets_covering(ward),
            "partnerships": model.partnerships_covering(ward),
            "csv": csv_path,
            "benchmarks": [a.name for a in views.benchmark_areas(ward)],
        },
    )
    yield _put_together(page, ward, kept, rows)


def _figure_lines(views: Views, area: Area, csv_path: str, kept: FigureParts | None, compared: bool) -> tuple[Download, list, list | None]:
    """An area's figure lines by theme (with similar councils' medians when `compared`) and its CSV of them; with `kept`,
    taken from the parts of its last version where unchanged (and the rows, for `_put_together`)."""
    if kept is None:
        themes = views.lines_by_theme(area)
        if compared:
            for _, lines in themes:
                views.comparator_lines(area, lines)
        return Download(csv_path, FIGURE_COLUMNS, [figure_row(line, area) for _, lines in themes for line in lines]), themes, None
    rows = kept.lines_by_theme(views, area)
    themes = [(theme, [row.html for row in theme_rows]) for theme, theme_rows in rows]
    return Download(csv_path, FIGURE_COLUMNS, Lines(row.csv for _, theme_rows in rows for row in theme_rows)), themes, rows


def _put_together(page: Page, area: Area, kept: FigureParts | None, rows: list | None) -> Page:
    """With `kept`, the page's HTML is its kept shell with the rows put in (`FigureParts.card`); else the template makes it."""
    if kept is not None:
        page.html = kept.card(page, area, rows)
        page.indexed = kept.indexed
    return page


def area_page(model: Model, views: Views, area: Area, kept: FigureParts | None = None) -> Iterator[Page | Download]:
    """A council, region or country: its wards, its figures against England and similar councils. With `kept`, put
    together from the parts of its last version that did not change (`ward_parts`)."""
    csv_path = f"areas/{area.code}/{area.code}.csv"
    figures, themes, rows = _figure_lines(views, area, csv_path, kept, compared=True)
    yield figures
    children = model.children.get(area.code, [])
    page = Page(
        area_url(area),
        "area",
        {
            "area": area,
            "ancestors": model.ancestors(area),
            "themes": themes,
            "csv": csv_path,
            "wards": [c for c in children if c.is_ward and c.current],
            "former_wards": [c for c in children if c.is_ward and not c.current],
            "sub_areas": [c for c in children if not c.is_ward],
            "targets": views.targets_covering(area) if area.is_council else [],
            "partnerships": [p for p in model.partnerships.values() if p.area_code == area.code],
            "comparators": model.comparators_of(area),
        },
    )
    yield _put_together(page, area, kept, rows)


#: An indicator page lists every figure in a table up to this many; beyond it (every ward in England) wards are left to the CSV.
TABLE_LIMIT = 5000


FIGURES_TABLE_COLUMNS = [
    ("area_code", "Area code"),
    ("area", "Area"),
    ("breakdown", "Breakdown"),
    ("period", "Period"),
    ("value", "Value"),
    ("lower", "Lower 95% limit"),
    ("upper", "Upper 95% limit"),
    ("status", "Status"),
    ("note", "Note"),
]


def indicator_figures(model: Model, indicator: Indicator) -> pd.DataFrame:
    """Every figure of an indicator, by area name, code, breakdown (all first) and period end.

    Column-wise, because at England scale an indicator has 30,000+ figures and a dict per row was
    most of the time of an indicator page.
    """
    rows = model.indicator_rows(indicator.id)

    def column(name: str) -> pd.Series:
        return rows[name].reset_index(drop=True) if name in rows else pd.Series([None] * len(rows), dtype=object)

    codes, periods, breakdowns = (column(name).astype(str) for name in ("area_code", "period", "breakdown"))
    areas = model.areas

    def by_distinct(texts: pd.Series, value_of: Callable[[str], object]) -> np.ndarray:
        """`value_of` each cell, worked out once per distinct text (`Series.map` on Arrow text took 0.14 s an indicator)."""
        found, distinct = pd.factorize(texts)
        return np.array([value_of(text) for text in distinct.tolist()], dtype=object)[found]

    def end(text: str) -> int:
        period = model.period(text)
        return period.end.toordinal() if period else 0

    figures = pd.DataFrame({
        "area_code": codes,
        "area": pd.Series(by_distinct(codes, lambda c: areas[c].name if c in areas else c), dtype=codes.dtype),
        "breakdown": breakdowns,
        "period": periods,
        "value": column("value").astype(float),
        "lower": column("lower_ci").astype(float),
        "upper": column("upper_ci").astype(float),
        "status": column("status").astype(object).fillna(""),
        "note": column("note").astype(object).fillna(""),
        "is_ward": by_distinct(codes, lambda c: c in areas and areas[c].is_ward).astype(bool),
        "_other": breakdowns != ALL,
        "_end": by_distinct(periods, end).astype(np.int64),
    })
    figures = figures.sort_values(["area", "area_code", "_other", "breakdown", "_end", "period"], kind="stable")
    return figures.drop(columns=["_other", "_end"]).reset_index(drop=True)


def figures_csv(figures: pd.DataFrame, places: int) -> pd.DataFrame:
    """The figures as written to CSV: numbers rounded as on the page (worked out once per distinct value)."""
    table = figures[[key for key, _ in FIGURES_TABLE_COLUMNS]].copy()
    for name in ("value", "lower", "upper"):
        distinct = {v: fmt.csv_number(v, places) for v in table[name].dropna().unique().tolist()}
        table[name] = table[name].map(distinct).astype(object).fillna("")
    return table


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts for a template, missing numbers as None."""
    frame = frame.astype(object).where(frame.notna(), None)
    return frame.to_dict("records")


def indicator_page(model: Model, views: Views, indicator: Indicator, councils: list[Area]) -> Iterator[Page | Download | Chart]:
    """`councils` are the councils whose wards are charted; with none (an England-wide site) the trend shows the regions."""
    base = f"indicators/{indicator.id}"
    england = [a for a in model.areas.values() if a.type == "country"]
    regions = [] if councils else sorted((a for a in model.areas.values() if a.type == "region"), key=lambda a: a.name)
    targets = [t for t in views.targets.values() if t.indicator.id == indicator.id]
    charts = []
    trend = trend_chart(model, indicator, councils + regions + england, f"{base}/trend", targets[0] if targets and councils else None)
    if trend:
        charts.append(trend)
    sections = []
    for council in councils:
        wards = model.wards_of(council)
        period = model.latest_period(indicator.id, [w.code for w in wards])
        if period is None:
            continue
        figures = [(w, model.figure(indicator.id, w.code, period)) for w in wards]
        bench = model.figure(indicator.id, council.code, period)
        section = {"council": council, "period": period, "charts": []}
        bars = areas_chart(
            indicator, figures, (council, bench) if bench and bench.value is not None else None, period, f"{base}/wards-{council.code}", "wards"
        )
        if bars:
            section["charts"].append(bars)
        if model.boundaries:
            choropleth = map_chart(indicator, council, figures, model.boundaries, period, f"{base}/map-{council.code}")
            if choropleth:
                section["charts"].append(choropleth)
        if section["charts"]:
            sections.append(section)
            charts += section["charts"]
    comparisons = []
    for council in councils:
        for gid, name, codes in model.comparators_of(council):
            period = model.latest_period(indicator.id, codes)
            if period is None:
                continue
            members = sorted((model.areas[c] for c in codes if c in model.areas), key=lambda a: a.name)
            figures = [(a, model.figure(indicator.id, a.code, period)) for a in members]
            bench_area = england[0] if england else None
            bench = model.figure(indicator.id, bench_area.code, period) if bench_area else None
            chart = areas_chart(
                indicator,
                figures,
                (bench_area, bench) if bench and bench.value is not None else None,
                period,
                f"{base}/{gid}",
                "councils",
                focus=council,
            )
            if chart:
                comparisons.append({"name": name, "chart": chart})
                charts.append(chart)
    figures = indicator_figures(model, indicator)
    csv_path = f"{base}/{indicator.id}.csv"
    yield Download(csv_path, FIGURES_TABLE_COLUMNS, figures_csv(figures, indicator.places))
    shown = figures
    if len(figures) > TABLE_LIMIT:  # an England-wide site: ward figures stay in the CSV and on each ward's card
        shown = figures[~figures["is_ward"]]
    table = _records(shown[[key for key, _ in FIGURES_TABLE_COLUMNS]])
    yield from charts
    breakdowns = [(c, views.breakdown_rows(indicator, c)) for c in councils + england]
    periods = [p for p in (model.period(t) for t in figures["period"].unique()) if p]
    dataset = {
        "name": indicator.title,
        "description": indicator.definition or indicator.title,
        "downloads": [(csv_path, "text/csv")],
        "measures": [indicator.unit_label or indicator.unit],
        "keywords": [k for k in (indicator.theme, indicator.ni_number) if k],
        "temporal": f"{min(p.start for p in periods).isoformat()}/{max(p.end for p in periods).isoformat()}" if periods else None,
    }
    yield Page(
        indicator_url(indicator.id),
        "indicator",
        {
            "indicator": indicator,
            "theme": next((t for t in model.themes if t.id == indicator.theme), None),
            "trend": trend,
            "sections": sections,
            "comparisons": comparisons,
            "table": table,
            "table_total": len(figures),
            "csv": csv_path,
            "targets": targets,
            "breakdowns": [(c, rows) for c, rows in breakdowns if rows],
            "dataset": dataset,
        },
    )


def target_page(model: Model, views: Views, target_id: str) -> Iterator[Page | Download | Chart]:
    view = views.targets[target_id]
    chart = trend_chart(model, view.indicator, [view.area], f"targets/{target_id}/trajectory", view)
    if chart:
        yield chart
    agreement = model.agreements[view.target.agreement_id]
    yield Page(target_url(target_id), "target", {"view": view, "agreement": agreement, "chart": chart})


CHANGE_COLUMNS = [("indicator_id", "Indicator id"), ("area_code", "Area code"), ("breakdown", "Breakdown"), ("period", "Period"),
                  ("kind", "Change"), ("before", "Value before"), ("after", "Value after")]


def changelog_download(release: Release, places: dict[str, int]) -> Iterator[Download]:
    """Every changed figure of a release, rounded as on the pages (the precision changes are judged at)."""
    rows = release.changed
    decimals = rows["indicator_id"].astype(object).map(places).fillna(1).astype(int)
    figures = {key: fmt.each_figure(rows[key], decimals, fmt.csv_number) for key in ("before", "after")}
    yield Download(f"changes/{release.short}.csv", CHANGE_COLUMNS, rows[[key for key, _ in CHANGE_COLUMNS]].assign(**figures))


def changelog_groups(releases: list[Release], places: dict[str, int]) -> Iterator[Group]:
    """A group per release with its CSV, keyed by the two versions compared (a release never changes; each commit
    adds one, and writing the others again took a second and a half at England scale); site-wide when the earlier
    version has no id."""
    for release in releases:
        if not release.first:
            key = ("changes", f"{release.earlier}--{release.version}") if release.earlier else None
            yield Group(key, partial(changelog_download, release, places))


#: More councils than this with wards (an England-wide site): indicator pages chart regions, not each council's wards.
CHART_COUNCILS_LIMIT = 5


@dataclass
class Group:
    """Pages, downloads and charts made together. `key` (kind, id) names what feeds them, for the page cache;
    None for site-wide pages (home, lists) that are cheap and always made."""

    key: tuple[str, str] | None
    make: Callable[[], Iterable[Page | Download | Chart]]
    batch: str | None = None  # groups of one batch (a council's wards) share worked-out figures, so are made in one process
    parts: FigureParts | SectionPart | None = None  # parts kept from the group's last version: the writer hands them in and stores the new ones


def ward_finder_key(context: dict) -> list:
    """What the home page's ward finder shows (`SectionPart`): each council's code, name and type, and its wards'."""
    return [((c.code, c.name, c.type_label) if c else None, [(w.code, w.name) for w in wards]) for c, wards in context["councils"]]


def site_groups(model: Model, commentary_dir: Path, chart_councils_limit: int = CHART_COUNCILS_LIMIT,
                ward_parts: FigureParts | None = None, area_parts: FigureParts | None = None, views: Views | None = None,
                home_parts: SectionPart | None = None) -> Iterator[Group]:
    """Everything the site publishes, in a fixed order so two builds of the same data are identical.

    Nothing is worked out until a group's `make` is called, so a cached group costs no domain work.
    With `ward_parts` (`area_parts`), a ward card (area page) made again keeps the parts of its last version that did not change.
    With `home_parts`, the home page made again keeps its ward finder while the wards are the same (`ward_finder_key`).
    `views` may come with the target views worked out already.
    """
    views = views or Views(model)
    scorecard = views.scorecard()  # worked out before the groups are shared between processes, so each has the target views
    councils = views.focus_councils()
    themes = _indicators_by_theme(model)

    changes = views.what_changed()

    def home() -> Iterator[Page]:
        page = Page("index.html", "home", {
            "councils": [(c, model.wards_of(c)) for c in councils] or [(None, model.current_wards)],
            "themes": model.themes,
            "scorecard": scorecard,
            "changes": changes,
            "indicators_by_theme": themes,
        })
        yield home_parts.page(page) if home_parts else page

    # Lists keyed like partnership pages (every target's status, and everything site-wide), the home page also by
    # its newest figures: at England scale it lists 7,000 wards, a second of rendering in every build.
    newest = hashlib.sha256(repr([(c["indicator"].id, c["period"]) for c in changes]).encode()).hexdigest()
    yield Group(("home", newest), home, parts=home_parts)
    # The pages with charts first: a new chart is sent to the chart workers as soon as it is made (`ChartWorkers.send`),
    # so what a commit changes is rendered while the ward cards are made, not after them.
    charted = views.chart_councils(chart_councils_limit)
    for indicator_id in sorted(model.indicators):
        yield Group(("indicator", indicator_id), partial(indicator_page, model, views, model.indicators[indicator_id], charted))
    yield Group(("list", "targets"), lambda: [Page("targets/index.html", "scorecard", {
        "scorecard": scorecard, "agreements": sorted(model.agreements.values(), key=lambda a: a.id)})])
    for target_id in sorted(model.targets):
        yield Group(("target", target_id), partial(target_page, model, views, target_id))
    # A council's wards one after another, in one process: a ward's placing reads every sibling's figures,
    # which then stay cached for the siblings' own cards.
    for ward in sorted((a for a in model.areas.values() if a.is_ward), key=lambda a: (a.parent_code or "", a.code)):
        yield Group(("ward", ward.code), partial(ward_card, model, views, ward, commentary_dir, ward_parts), batch=ward.parent_code,
                    parts=ward_parts)
    non_wards = sorted((a for a in model.areas.values() if not a.is_ward), key=lambda a: a.code)
    for area in non_wards:
        yield Group(("area", area.code), partial(area_page, model, views, area, area_parts), parts=area_parts)
    yield Group(("list", "areas"), lambda: [
        Page("areas/index.html", "areas", {"councils": model.councils, "others": [a for a in non_wards if not a.is_council], "focus": councils}),
        Page("indicators/index.html", "indicators", {"groups": themes}),
    ])
    partnerships = sorted(model.partnerships.values(), key=lambda p: p.name)
    yield Group(("list", "partnerships"), lambda: [Page("partnerships/index.html", "partnerships", {"partnerships": partnerships})])
    for partnership in partnerships:
        yield Group(("partnership", partnership.id), partial(partnership_page, model, views, partnership, partnerships))
    organisations = sorted(model.organisations.values(), key=lambda o: o.name)
    yield Group(("list", "organisations"), lambda: [Page("organisations/index.html", "organisations", {"organisations": organisations})])
    for organisation in organisations:
        yield Group(("organisation", organisation.id), partial(organisation_page, model, views, organisation))


def partnership_page(model: Model, views: Views, partnership: Partnership, partnerships: list[Partnership]) -> Iterator[Page | Download]:
    members = sorted(model.members_of(partnership.id), key=lambda m: (m.role != "chair", model.organisations[m.organisation_id].name))
    csv_path = f"partnerships/{partnership.id}/{partnership.id}.csv"
    yield Download(
        csv_path,
        [("organisation_id", "Organisation id"), ("organisation", "Organisation"), ("role", "Role"), ("from", "From"), ("to", "To")],
        [
            {
                "organisation_id": m.organisation_id,
                "organisation": model.organisations[m.organisation_id].name,
                "role": m.role,
                "from": m.from_ or "",
                "to": m.to or "",
            }
            for m in members
        ],
    )
    yield Page(
        partnership_url(partnership.id),
        "partnership",
        {
            "partnership": partnership,
            "area": model.areas.get(partnership.area_code or ""),
            "parent": model.partnerships.get(partnership.parent_id or ""),
            "children": [p for p in partnerships if p.parent_id == partnership.id],
            "members": members,
            "targets": views.shared_targets(partnership.id),
            "csv": csv_path,
        },
    )


def organisation_page(model: Model, views: Views, organisation: Organisation) -> Iterator[Page]:
    yield Page(
        organisation_url(organisation.id),
        "organisation",
        {
            "organisation": organisation,
            "governs": model.areas.get(organisation.area_code or ""),
            "memberships": sorted(model.memberships_of(organisation.id), key=lambda m: model.partnerships[m.partnership_id].name),
            "targets": [(views.targets[t.id], role) for t, role in sorted(model.targets_of_organisation(organisation.id), key=lambda p: p[0].id)],
        },
    )


def _indicators_by_theme(model: Model) -> list[tuple[object, list[Indicator]]]:
    groups = []
    for theme in model.themes:
        members = sorted((i for i in model.indicators.values() if i.theme == theme.id), key=lambda i: i.name)
        if members:
            groups.append((theme, members))
    return groups
