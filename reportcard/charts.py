"""Charts: Altair specs filled with each area's figures, a sentence that says what they show, and the numbers.

Building an Altair chart costs ~25 ms and serialising it ~13 ms, so each kind of chart is built once
as a Vega-Lite template and every instance is that template with its own rows dropped in (well under
a millisecond). Rendering to SVG is `render.py`'s job.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache

import altair as alt

#: Okabe-Ito colours that keep 3:1 contrast on white; series also differ by dash and point shape.
PALETTE = ["#0072B2", "#D55E00", "#007D5C", "#B3498A", "#5C5C5C"]
TARGET_COLOUR = "#000000"
FONT = "Arial, Helvetica, sans-serif"


@dataclass
class Chart:
    """One chart: where its files go, what it says, and the numbers behind it."""

    path: str  # output path without extension: indicators/NI192/trend -> .svg, .vl.json, .csv
    title: str
    summary: str
    columns: list[tuple[str, str]]  # (row key, column heading) for the HTML table and the CSV
    rows: list[dict]  # display strings for the table, keyed like `columns`
    csv_rows: list[dict]  # the same rows, numbers rounded but unformatted
    spec: dict = field(repr=False)


def _config(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return (
        chart.configure(font=FONT)
        .configure_axis(labelFontSize=12, titleFontSize=12, labelColor="#0b0c0c", gridColor="#dddddd")
        .configure_legend(
            labelFontSize=12,
            symbolStrokeWidth=2,
            symbolOpacity=1,
            labelLimit=260,
        )
        .configure_view(stroke=None)
        .configure_title(fontSize=14, anchor="start")
    )


@cache
def _template(kind: str) -> str:
    """The Vega-Lite JSON of one kind of chart, without data; built with Altair once per process."""
    table = alt.Chart(alt.Data(name="table"))
    if kind == "trend":
        x = alt.X("period:N", sort=alt.EncodingSortField(field="order", op="min"), title=None, axis=alt.Axis(labelAngle=-40, labelOverlap=True))
        chart = (
            alt.layer(
                table.mark_area(opacity=0.18).encode(y="lower:Q", y2="upper:Q").transform_filter("isValid(datum.lower) && isValid(datum.upper)"),
                table.mark_line(strokeWidth=2.5).encode(
                    y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False)), strokeDash=alt.StrokeDash("series:N", legend=None)
                ),
                table.mark_point(filled=True, size=70, opacity=1).encode(y="value:Q", shape=alt.Shape("series:N", legend=None)),
            )
            .encode(x=x, color=alt.Color("series:N", legend=alt.Legend(orient="bottom", title=None, columns=1)))
            .properties(width=560, height=260)
        )
    elif kind == "areas":
        y = alt.Y("area:N", sort=None, title=None, axis=alt.Axis(labelLimit=200))
        ward = "datum.kind == 'area'"
        chart = alt.layer(
            table.mark_bar(height={"band": 0.7})
            .encode(
                y=y,
                x=alt.X("value:Q", title=None),
                color=alt.condition("datum.focus", alt.value(PALETTE[1]), alt.value(PALETTE[0])),
            )
            .transform_filter(ward),
            table.mark_rule(color="#0b0c0c", strokeWidth=1.5)
            .encode(y=y, x="lower:Q", x2="upper:Q")
            .transform_filter(f"{ward} && isValid(datum.lower)"),
            table.mark_rule(color="#0b0c0c", strokeDash=[6, 3], strokeWidth=2).encode(x="value:Q").transform_filter("datum.kind == 'benchmark'"),
            table.mark_text(align="left", dx=4, dy=-6, fontSize=12, color="#0b0c0c")
            .encode(x="value:Q", y=alt.value(0), text="label:N")
            .transform_filter("datum.kind == 'benchmark'"),
        ).properties(width=420, height=alt.Step(20))
    elif kind == "map":
        geo = alt.Chart(alt.Data(name="table"))
        chart = (
            alt.layer(
                geo.mark_geoshape(fill="#f3f2f1", stroke="#505a5f", strokeWidth=0.6),
                geo.mark_geoshape(stroke="#ffffff", strokeWidth=0.8)
                .encode(
                    color=alt.Color(
                        "properties.value:Q", scale=alt.Scale(scheme="viridis"), legend=alt.Legend(orient="bottom", title=None, gradientLength=260)
                    ),
                )
                .transform_filter("isValid(datum.properties.value)"),
            )
            .project("mercator")
            .properties(width=460, height=380)
        )
    else:
        raise ValueError(kind)
    spec = _config(chart).to_dict()
    spec.pop("datasets", None)
    return json.dumps(spec, sort_keys=True)


def _fill(kind: str, title: str, summary: str, rows: list[dict]) -> dict:
    """A fresh copy of the template (parsed from its JSON, so instances never share nested dicts)."""
    spec = json.loads(_template(kind))
    spec["title"] = title
    spec["description"] = summary
    spec["datasets"] = {"table": rows}
    return spec


def trend_spec(title: str, summary: str, rows: list[dict], series: list[str], target_series: str | None = None) -> dict:
    """Rows: series, period, order, value, lower, upper. The target trajectory, if any, is black and dashed."""
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(series))]
    domain = list(series)
    if target_series:
        domain.append(target_series)
        colours.append(TARGET_COLOUR)
    spec = _fill("trend", title, summary, rows)
    spec["encoding"]["color"]["scale"] = {"domain": domain, "range": colours}
    dashes = [[1, 0]] * len(series) + ([[6, 4]] if target_series else [])
    shapes = ["circle", "square", "triangle-up", "diamond", "cross"]
    shape_range = [shapes[i % len(shapes)] for i in range(len(series))] + (["triangle-down"] if target_series else [])
    for layer in spec["layer"]:
        enc = layer.get("encoding", {})
        if "strokeDash" in enc:
            enc["strokeDash"]["scale"] = {"domain": domain, "range": dashes}
        if "shape" in enc:
            enc["shape"]["scale"] = {"domain": domain, "range": shape_range}
    return spec


def areas_spec(title: str, summary: str, rows: list[dict]) -> dict:
    """Rows: kind ('area' or 'benchmark'), area, value, lower, upper, label (for the benchmark line)."""
    return _fill("areas", title, summary, rows)


def map_spec(title: str, summary: str, features: list[dict]) -> dict:
    """Features: GeoJSON features whose properties carry code, name and value (None where missing)."""
    return _fill("map", title, summary, features)


# -- one-sentence summaries (the charts' text alternatives) -----------------------------------


def trend_sentence(subject: str, first: tuple[str, str], last: tuple[str, str], moved: int, benchmark: tuple[str, str] | None = None) -> str:
    """'Recycling in Trafford rose from 31% in 2006/07 to 38% in 2009/10; England was 41%.'"""
    (v0, p0), (v1, p1) = first, last
    if p0 == p1:
        text = f"{subject} was {v1} in {p1}"
    else:
        verb = {1: "rose", -1: "fell", 0: "was unchanged"}[moved]
        text = f"{subject} {verb} from {v0} in {p0} to {v1} in {p1}" if moved else f"{subject} was {v1} in {p1}, the same as in {p0}"
    if benchmark:
        text += f"; {benchmark[0]} was {benchmark[1]}"
    return text + "."


def spread_sentence(
    subject: str, period: str, lowest: tuple[str, str], highest: tuple[str, str], count: int, benchmark: tuple[str, str] | None = None
) -> str:
    """'Household waste recycled in 2021/22 ranged from 38% in Ashton to 61% in Bowdon across 21 wards; Trafford was 57%.'"""
    text = f"{subject} in {period} ranged from {lowest[1]} in {lowest[0]} to {highest[1]} in {highest[0]} across {count} areas"
    if benchmark:
        text += f"; {benchmark[0]} as a whole was {benchmark[1]}"
    return text + "."
