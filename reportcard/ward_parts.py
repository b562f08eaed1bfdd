"""The parts of a ward card kept from one build to the next: each figure line, and the rest of the card.

A ward card has a line for each of about fifty indicators, and working out and rendering those
lines is most of the cost of a card. When one ward-level indicator's figures change, every ward
card changes, but only in that indicator's line. So each line is kept as it was published (its
table row, rendered, and its CSV line) beside the key of the observation rows behind it
(`InputPrints.line`), and a card made again takes every line whose key is unchanged from the
card's last version instead of working it out. The rest of the card (councillors, targets,
commentary...) is kept the same way, rendered with a placeholder where the figures go, under a key
of what it shows (`InputPrints.ward_shell`) and which themes have lines.

The page cache hands in the parts stored with the card's last version (`begin`) and stores the new
ones with the new version (`take`); nothing here reads or writes files.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from markupsafe import Markup

from . import formatting as fmt
from .downloads import csv_line
from .model import Area, Indicator
from .page_cache import Bundle, InputPrints
from .plots import AREA_COLUMNS
from .stages import timed
from .views import IndicatorLine, Views

if TYPE_CHECKING:  # site imports this module
    from .site import Page

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
    """One line as a ward card publishes it: the table row and the row of the card's CSV, as a CSV line."""

    html: Markup
    csv: str


#: Where the figures go in a card's shell. It starts with "<", which no value on a page can (values are escaped,
#: commentary is sanitised), so the first one in a shell is always the template's.
FIGURES = "<!-- reportcard: figures -->"


@dataclass
class CardTemplates:
    """How a card's parts are rendered (the plugin's Jinja templates)."""

    row: Callable[[IndicatorLine, Area], str]  # one line's table row
    figures: Callable[[list, Area], str]  # the figures section, from themes and their rendered rows
    card: Callable[[Page], str]  # the whole card


class WardParts:
    """Keys come from `prints`; `prints.site` (code, templates, names...) is stored once with each card's parts.

    A part stores no HTML: it points into the card's last page, which the page cache keeps anyway. A line is
    its key, then where its row is in that page and its CSV line; the shell is its key and where the figures
    were (the page around them is the shell).
    """

    def __init__(self, prints: InputPrints, templates: CardTemplates):
        self._prints, self._templates = prints, templates
        self._kept: dict[str, str] = {}
        self._page = ""
        self._lines: dict[str, tuple[str, Row | None]] = {}
        self._made: dict[str, str] = {}

    def begin(self, last: Bundle | None) -> None:
        """The card's last version (None for a card not made before); its parts are ignored if made from other code or names."""
        kept = last.parts if last is not None else {}
        self._kept = kept if kept.get("site") == self._prints.site else {}
        self._page = next((text for path, text in last.texts.items() if path.endswith(".html")), "") if self._kept else ""
        self._lines, self._made = {}, {"site": self._prints.site}

    def take(self) -> dict[str, str]:
        """The parts of the card just made, to be stored with it."""
        made, self._kept, self._page, self._made = self._made, {}, "", {}
        return made

    def _reuse(self, name: str, key: str) -> str | None:
        kept = self._kept.get(name, "")
        return kept[len(key) + 1:] if kept.startswith(f"{key}\n") else None

    def lines_by_theme(self, views: Views, ward: Area) -> list[tuple[object, list[Row]]]:
        benchmarks = views.benchmark_areas(ward)

        def row(indicator: Indicator, area: Area) -> Row | None:
            if not self._prints.has_rows(indicator.id, ward.code):  # no figure, no line: nothing to keep either
                return None
            name, key = f"line/{indicator.id}", self._prints.line(indicator.id, ward, benchmarks)
            kept = self._reuse(name, key)
            if kept is not None:
                made = None
                if kept:
                    start, end, csv = kept.split(" ", 2)
                    made = Row(Markup(self._page[int(start):int(end)]), csv)
            elif (line := views.indicator_line(indicator, area)) is None:
                made = None
            else:
                with timed("pages"):
                    made = Row(Markup(self._templates.row(line, area)), csv_line(FIGURE_COLUMNS, figure_row(line, area)))
            self._lines[name] = (key, made)
            return made

        return views.lines_by_theme(ward, row)

    def card(self, page: Page, ward: Area, themes: list[tuple[object, list[Markup]]]) -> str:
        """The card's HTML: its kept shell (or one rendered now) with the figures put in; the parts note where each is."""
        key = f"{self._prints.ward_shell(ward)} {' '.join(theme.id for theme, _ in themes)}"
        kept = self._reuse("shell", key)
        with timed("pages"):
            if kept is None:
                shell = self._templates.card(dataclasses.replace(page, context={**page.context, "figures": Markup(FIGURES)}))
            elif kept:
                start, end = (int(n) for n in kept.split(" "))
                shell = self._page[:start] + FIGURES + self._page[end:]
            else:  # no figures
                shell = self._page
            if not themes:
                self._made["shell"] = f"{key}\n"
                self._note_lines(themes, "", 0)
                return shell
            figures = str(self._templates.figures(themes, ward))  # plain text: adding Markup to a str would escape the str
            at = shell.index(FIGURES)
            self._made["shell"] = f"{key}\n{at} {at + len(figures)}"
            self._note_lines(themes, figures, at)
            return shell[:at] + figures + shell[at + len(FIGURES):]

    def _note_lines(self, themes: list[tuple[object, list[Markup]]], figures: str, offset: int) -> None:
        """Each line's key, and where its row is in the page: rows are found one after another, in the page's order."""
        names = {id(row.html): name for name, (_, row) in self._lines.items() if row is not None}
        cursor = 0
        for _, rows in themes:
            for html in rows:
                start = figures.index(html, cursor)
                cursor = start + len(html)
                key, row = self._lines[names[id(html)]]
                self._made[names[id(html)]] = f"{key}\n{offset + start} {offset + cursor} {row.csv}"
        for name, (key, row) in self._lines.items():
            if row is None:
                self._made[name] = f"{key}\n"
