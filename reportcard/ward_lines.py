"""A ward card's figure lines, kept from one build to the next, each with the key of the rows it reads.

A ward card has a line for each of about fifty indicators, and working out and rendering those
lines is most of the cost of a card. When one ward-level indicator's figures change, every ward
card changes, but only in that indicator's line. So each line is kept as it was published (its
table row, rendered, and its row of the ward's CSV) beside the key of the observation rows behind
it (`InputPrints.line`), and a card made again takes every line whose key is unchanged from the
card's last version instead of working it out.

The page cache hands in the lines stored with the card's last version (`begin`) and stores the new
ones with the new version (`take`); nothing here reads or writes files.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup

from . import formatting as fmt
from .model import Area, Indicator
from .plots import AREA_COLUMNS
from .views import IndicatorLine, Views

#: The columns of a ward's or council's CSV: one row per indicator line.
FIGURE_COLUMNS = [
    ("indicator_id", "Indicator id"),
    ("indicator", "Indicator"),
    *AREA_COLUMNS,
    ("unit", "Unit"),
    ("status", "Status"),
    ("trend", "Direction of travel"),
    ("note", "Note"),
]


def figure_row(line: IndicatorLine, area: Area) -> dict[str, str]:
    """A line as a row of the area's CSV: numbers rounded as on the page."""
    f, indicator = line.latest, line.indicator
    return {
        "indicator_id": indicator.id,
        "indicator": indicator.name,
        "area_code": area.code,
        "area": area.name,
        "period": f.period,
        "value": fmt.csv_number(f.value, indicator.places),
        "lower": fmt.csv_number(f.lower, indicator.places),
        "upper": fmt.csv_number(f.upper, indicator.places),
        "unit": indicator.unit_label or indicator.unit,
        "status": f.status or "",
        "trend": line.trend.label,
        "note": f.note or "",
    }


@dataclass
class Row:
    """One line as a ward card publishes it: the table row and the CSV row."""

    html: Markup
    figures: dict[str, str]


def _stored(key: str, row: Row | None) -> str:
    """Key, then the CSV row as JSON (one line: JSON escapes newlines), then the HTML; just the key where there is no line."""
    return f"{key}\n" if row is None else f"{key}\n{json.dumps(row.figures)}\n{row.html}"


def _row(stored: str) -> Row | None:
    figures, _, html = stored.partition("\n")
    return Row(Markup(html), json.loads(figures)) if figures else None


class WardLines:
    """`key(indicator_id, ward, benchmarks)` is a line's input key; `render_row(line, ward)` its table row as HTML;
    `site` the digest of everything else a line shows (code, templates, names...), stored once with each card's lines."""

    def __init__(self, key: Callable[[str, Area, list[Area]], str], render_row: Callable[[IndicatorLine, Area], str], site: str):
        self._key, self._render_row, self._site = key, render_row, site
        self._kept: dict[str, str] = {}
        self._made: dict[str, str] = {}

    def begin(self, kept: dict[str, str]) -> None:
        """The lines stored with the card's last version (none for a card not made before, or made from other code or names)."""
        self._kept = kept if kept.get("site") == self._site else {}
        self._made = {"site": self._site}

    def take(self) -> dict[str, str]:
        """The lines of the card just made, to be stored with it."""
        made, self._kept, self._made = self._made, {}, {}
        return made

    def lines_by_theme(self, views: Views, ward: Area) -> list[tuple[object, list[Row]]]:
        benchmarks = views.benchmark_areas(ward)

        def row(indicator: Indicator, area: Area) -> Row | None:
            name, key = f"line/{indicator.id}", self._key(indicator.id, ward, benchmarks)
            kept = self._kept.get(name, "")
            if kept.startswith(f"{key}\n"):
                self._made[name] = kept
                return _row(kept[len(key) + 1:])
            line = views.indicator_line(indicator, area)
            made = None if line is None else Row(Markup(self._render_row(line, area)), figure_row(line, area))
            self._made[name] = _stored(key, made)
            return made

        return views.lines_by_theme(ward, row)
