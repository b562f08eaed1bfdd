"""The charts each page shows, built from the model: trend, areas compared, map, target trajectory."""

from __future__ import annotations

from . import formatting as fmt
from .charts import Chart, areas_spec, map_spec, spread_sentence, trend_sentence, trend_spec
from .measures import rounded
from .model import Area, Figure, Indicator, Model
from .views import TargetView

TREND_COLUMNS = [("series", "Area"), ("period", "Period"), ("value", "Value"), ("lower", "Lower 95% limit"), ("upper", "Upper 95% limit")]
AREA_COLUMNS = [
    ("area_code", "Area code"),
    ("area", "Area"),
    ("period", "Period"),
    ("value", "Value"),
    ("lower", "Lower 95% limit"),
    ("upper", "Upper 95% limit"),
]


def _number(value: float | None, indicator: Indicator) -> float | None:
    return None if value is None else float(rounded(value, indicator.places))


def _moved(first: Figure, last: Figure, indicator: Indicator) -> int:
    a, b = rounded(first.value, indicator.places), rounded(last.value, indicator.places)
    return (b > a) - (b < a)


def _table_rows(rows: list[dict], indicator: Indicator) -> tuple[list[dict], list[dict]]:
    """Display rows (formatted) and CSV rows (rounded numbers) from chart rows."""
    shown, csv_rows = [], []
    for row in rows:
        shown.append(
            {
                k: (fmt.number(v, indicator.places) if k in {"value", "lower", "upper"} and v is not None else ("" if v is None else v))
                for k, v in row.items()
            }
        )
        csv_rows.append(
            {k: (fmt.csv_number(v, indicator.places) if k in {"value", "lower", "upper"} else ("" if v is None else v)) for k, v in row.items()}
        )
    return shown, csv_rows


def trend_chart(model: Model, indicator: Indicator, areas: list[Area], path: str, target: TargetView | None = None) -> Chart | None:
    """Latest years for the council(s) and England, with interval bands and the target trajectory."""
    rows, names, series_of = [], [], {}
    for area in areas:
        series = [f for f in model.series(indicator.id, area.code) if f.value is not None]
        if series:
            names.append(area.name)
            series_of[area.name] = series
            rows += [
                {
                    "series": area.name,
                    "period": f.period,
                    "order": f.end.toordinal(),
                    "value": _number(f.value, indicator),
                    "lower": _number(f.lower, indicator),
                    "upper": _number(f.upper, indicator),
                }
                for f in series
            ]
    if not rows:
        return None
    target_name = None
    if target is not None:
        target_name = "LAA target trajectory"
        for point in target.trajectory:
            rows.append(
                {
                    "series": target_name,
                    "period": point.period,
                    "order": point.end.toordinal(),
                    "value": _number(point.value, indicator),
                    "lower": None,
                    "upper": None,
                }
            )
    first_area = names[0]
    first, last = series_of[first_area][0], series_of[first_area][-1]
    others = [n for n in names[1:] if any(f.period == last.period for f in series_of[n])]
    benchmark = None
    if others:
        other = next(f for f in series_of[others[-1]] if f.period == last.period)
        benchmark = (others[-1], fmt.with_unit(other.value, indicator))
    summary = trend_sentence(
        f"{indicator.name} in {first_area}",
        (fmt.with_unit(first.value, indicator), first.period),
        (fmt.with_unit(last.value, indicator), last.period),
        _moved(first, last, indicator),
        benchmark,
    )
    if target is not None:
        summary = summary[:-1] + f"; the target is {target.final}."
    what = "figures against the target trajectory" if target is not None else "trend"
    title = f"{indicator.name}: {what}" + (f" ({indicator.unit_label})" if indicator.unit_label else "")
    rows.sort(key=lambda r: (r["series"] == target_name, names.index(r["series"]) if r["series"] in names else 0, r["order"]))
    shown, csv_rows = _table_rows([{k: r[k] for k, _ in TREND_COLUMNS} for r in rows], indicator)
    return Chart(path, title, summary, TREND_COLUMNS, shown, csv_rows, trend_spec(title, summary, rows, names, target_name))


def areas_chart(
    indicator: Indicator,
    areas: list[tuple[Area, Figure | None]],
    benchmark: tuple[Area, Figure] | None,
    period: str,
    path: str,
    what: str,
    focus: Area | None = None,
) -> Chart | None:
    """Every area's value in one period, in name order (not a league table), with the benchmark as a line."""
    present = [(a, f) for a, f in areas if f is not None and f.value is not None]
    if len(present) < 2:
        return None
    rows = [
        {
            "kind": "area",
            "focus": focus is not None and a.code == focus.code,
            "area_code": a.code,
            "area": a.name,
            "period": period,
            "value": _number(f.value if f else None, indicator),
            "lower": _number(f.lower if f else None, indicator),
            "upper": _number(f.upper if f else None, indicator),
            "label": None,
        }
        for a, f in areas
    ]
    bench_text = None
    if benchmark is not None:
        area, figure = benchmark
        bench_text = (area.name, fmt.with_unit(figure.value, indicator))
        rows.append(
            {
                "kind": "benchmark",
                "focus": False,
                "area_code": area.code,
                "area": area.name,
                "period": period,
                "value": _number(figure.value, indicator),
                "lower": None,
                "upper": None,
                "label": f"{area.name}: {fmt.with_unit(figure.value, indicator)}",
            }
        )
    low = min(present, key=lambda p: (p[1].value, p[0].name))
    high = max(present, key=lambda p: (p[1].value, p[0].name))
    summary = spread_sentence(
        f"{indicator.name}",
        period,
        (low[0].name, fmt.with_unit(low[1].value, indicator)),
        (high[0].name, fmt.with_unit(high[1].value, indicator)),
        len(present),
        bench_text,
    )
    summary = summary.replace(" areas", f" {what}")
    if focus is not None:
        summary = summary[:-1] + f"; {focus.name} is highlighted."
    title = f"{indicator.name}, {what} compared, {period}" + (f" ({indicator.unit_label})" if indicator.unit_label else "")
    shown, csv_rows = _table_rows([{k: r[k] for k, _ in AREA_COLUMNS} for r in rows if r["kind"] == "area"], indicator)
    return Chart(path, title, summary, AREA_COLUMNS, shown, csv_rows, areas_spec(title, summary, rows))


def _signed_area(ring: list) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0, *_), (x1, y1, *_) in zip(ring, ring[1:], strict=False)) / 2


def _rings_for_d3(polygon: list) -> list:
    """Vega draws with d3-geo, which takes an anticlockwise outer ring (RFC 7946's order) as
    "everything but this shape" and fills the whole map. Outer rings go clockwise, holes anticlockwise."""
    rings = []
    for i, ring in enumerate(polygon):
        clockwise = _signed_area(ring) < 0
        rings.append(ring if clockwise == (i == 0) else ring[::-1])
    return rings


def d3_geometry(geometry: dict) -> dict:
    if geometry.get("type") == "Polygon":
        return {"type": "Polygon", "coordinates": _rings_for_d3(geometry["coordinates"])}
    if geometry.get("type") == "MultiPolygon":
        return {"type": "MultiPolygon", "coordinates": [_rings_for_d3(p) for p in geometry["coordinates"]]}
    return geometry


def map_chart(indicator: Indicator, council: Area, wards: list[tuple[Area, Figure | None]], boundaries: dict, period: str, path: str) -> Chart | None:
    """A choropleth of the council's wards; wards without a figure are drawn grey and named in the table."""
    values = {a.code: (a, f) for a, f in wards}
    features = []
    for feature in boundaries.get("features", []):
        code = str(feature.get("properties", {}).get("area_code", ""))
        if code in values:
            area, figure = values[code]
            value = _number(figure.value, indicator) if figure and figure.value is not None else None
            features.append(
                {"type": "Feature", "geometry": d3_geometry(feature["geometry"]), "properties": {"code": code, "name": area.name, "value": value}}
            )
    if len(features) < 2:
        return None
    present = [(a, f) for a, f in wards if f is not None and f.value is not None]
    if not present:
        return None
    low = min(present, key=lambda p: (p[1].value, p[0].name))
    high = max(present, key=lambda p: (p[1].value, p[0].name))
    summary = (
        f"Map of {indicator.name.lower()} by ward in {council.name}, {period}: darker areas have lower values; "
        f"highest in {high[0].name} ({fmt.with_unit(high[1].value, indicator)}), lowest in {low[0].name} ({fmt.with_unit(low[1].value, indicator)})."
    )
    title = f"{indicator.name} by ward, {council.name}, {period}"
    rows = [
        {
            "area_code": a.code,
            "area": a.name,
            "period": period,
            "value": _number(f.value, indicator) if f else None,
            "lower": _number(f.lower, indicator) if f else None,
            "upper": _number(f.upper, indicator) if f else None,
        }
        for a, f in wards
    ]
    shown, csv_rows = _table_rows(rows, indicator)
    return Chart(path, title, summary, AREA_COLUMNS, shown, csv_rows, map_spec(title, summary, features))
