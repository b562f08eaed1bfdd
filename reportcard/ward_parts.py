"""The parts of a ward card or an area page kept from one build to the next: each figure line, and the rest of the page.

A ward card has a line for each of about fifty indicators, and working out and rendering those
lines is most of the cost of a card. When one ward-level indicator's figures change, every ward
card changes, but only in that indicator's line. So each line is kept as it was published (its
table row, rendered, and its CSV line) beside the key of the observation rows behind it
(`InputPrints.line`), and a card made again takes every line whose key is unchanged from the
card's last version instead of working it out. The rest of the card (councillors, targets,
commentary...) is kept the same way, rendered with a placeholder where the figures go, under a key
of what it shows (`InputPrints.ward_shell`) and which themes have lines.

An area page (a council, region or country) is made the same way: a council-only indicator changes
every council's page in one line, and its comparisons with similar councils are part of that line's key.

The page cache hands in the parts stored with the card's last version (`begin`) and stores the new
ones with the new version (`take`); nothing here reads or writes files.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from markupsafe import Markup

from . import formatting as fmt
from .downloads import csv_line
from .model import Area, Indicator
from .page_cache import Bundle, InputPrints
from .plots import AREA_COLUMNS
from .search import READ_ANYWHERE
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
    """One line as a ward card publishes it: the table row and the row of the card's CSV, as a CSV line;
    and the name and key of the part it is kept as (noted once the card is put together)."""

    html: Markup
    csv: str
    part: str
    key: str
    fresh: bool = True  # False when taken from the card's last version as it was


#: Where the figures go in a card's shell. It starts with "<", which no value on a page can (values are escaped,
#: commentary is sanitised), so the first one in a shell is always the template's.
FIGURES = "<!-- reportcard: figures -->"


@dataclass
class CardTemplates:
    """How a card's parts are rendered (the plugin's Jinja templates)."""

    row: Callable[[IndicatorLine, Area], str]  # one line's table row
    figures: Callable[[list, Area], str]  # the figures section, from themes and their rendered rows
    card: Callable[[Page], str]  # the whole card


class FigureParts:
    """Keys come from `prints`; `prints.site` (code, templates, names...) is stored once with each card's parts.
    `kind` is "ward" (ward cards) or "area" (area pages, whose lines also compare with similar councils' medians).

    A part stores no HTML: it points into the card's last page, which the page cache keeps anyway. A line is
    its key, then where its row is in that page and its CSV line; the shell is its key and where the figures
    were (the page around them is the shell).
    """

    def __init__(self, prints: InputPrints, templates: CardTemplates, kind: str = "ward"):
        self._prints, self._templates, self._compared = prints, templates, kind == "area"
        self._line_keys, self._shell_key = (prints.area_line_keys, prints.area_shell) if self._compared else (prints.line_keys, prints.ward_shell)
        self._kept: dict[str, str] = {}
        self._page = ""
        self._made: dict[str, str] = {}
        self._last_print: str | None = None
        #: The search print of the card just made, when it is its last version's (`_splice`); None when it must be worked out.
        self.indexed: str | None = None

    def begin(self, last: Bundle | None) -> None:
        """The card's last version (None for a card not made before); its parts are ignored if made from other code or names."""
        kept = last.parts if last is not None else {}
        self._kept = kept if kept.get("site") == self._prints.site else {}
        path = _page_path(last) if self._kept else None
        self._page = last.text(path) if path else ""
        self._last_print = last.search.get(path) if path else None
        self._made, self.indexed = {"site": self._prints.site}, None

    def _last_rows(self) -> list[tuple[int, int, str]]:
        """Where each row of the card's last version is in its page, in page order: (start, end, part name)."""
        rows = []
        for name, text in self._kept.items():
            where = text.partition("\n")[2] if name.startswith("line/") else ""
            if where:
                start, end, _ = where.split(" ", 2)
                rows.append((int(start), int(end), name))
        return sorted(rows)

    def take(self) -> dict[str, str]:
        """The parts of the card just made, to be stored with it."""
        made, self._kept, self._page, self._made, self._last_print = self._made, {}, "", {}, None
        return made

    def _reuse(self, name: str, key: str) -> str | None:
        kept = self._kept.get(name, "")
        return kept[len(key) + 1:] if kept.startswith(f"{key}\n") else None

    def lines_by_theme(self, views: Views, ward: Area) -> list[tuple[object, list[Row]]]:
        line_key = self._line_keys(ward, views.benchmark_areas(ward))

        def row(indicator: Indicator, area: Area) -> Row | None:
            if not self._prints.has_rows(indicator.id, ward.code):  # no figure, no line: nothing to keep either
                return None
            name, key = f"line/{indicator.id}", line_key(indicator.id)
            kept = self._reuse(name, key)
            if kept:
                start, end, csv = kept.split(" ", 2)
                return Row(Markup(self._page[int(start):int(end)]), csv, name, key, fresh=False)
            line = views.indicator_line(indicator, area) if kept is None else None
            if line is None:  # figures, but no latest one for the whole ward
                self._made[name] = f"{key}\n"
                return None
            if self._compared:
                views.comparator_lines(area, [line])
            with timed("pages"):
                return Row(Markup(self._templates.row(line, area)), csv_line(FIGURE_COLUMNS, figure_row(line, area)), name, key)

        return views.lines_by_theme(ward, row)

    def card(self, page: Page, ward: Area, rows: list[tuple[object, list[Row]]]) -> str:
        """The card's HTML: its kept shell (or one rendered now) with the figures put in; the parts note where each is.
        The page's context has the rows' HTML as its themes."""
        key = f"{self._shell_key(ward)} {' '.join(theme.id for theme, _ in rows)}"
        kept = self._reuse("shell", key)
        with timed("pages"):
            in_order = [row for _, theme_rows in rows for row in theme_rows]
            last_rows = self._last_rows() if kept else []
            if last_rows and [row.part for row in in_order] == [name for _, _, name in last_rows]:
                return self._splice(key, kept, in_order, last_rows)
            if kept is None:
                shell = self._templates.card(dataclasses.replace(page, context={**page.context, "figures": Markup(FIGURES)}))
            elif kept:
                start, end = (int(n) for n in kept.split(" "))
                shell = self._page[:start] + FIGURES + self._page[end:]
            else:  # no figures
                shell = self._page
            if not rows:
                self._made["shell"] = f"{key}\n"
                return shell
            figures = str(self._templates.figures(page.context["themes"], ward))  # plain text: adding Markup to a str would escape the str
            at = shell.index(FIGURES)
            self._made["shell"] = f"{key}\n{at} {at + len(figures)}"
            cursor = 0  # each row is found after the one before: rows are in the page's order
            for row in in_order:
                start = figures.index(row.html, cursor)
                cursor = start + len(row.html)
                self._made[row.part] = f"{row.key}\n{at + start} {at + cursor} {row.csv}"
            return shell[:at] + figures + shell[at + len(FIGURES):]

    def _splice(self, key: str, kept: str, rows: list[Row], last_rows: list[tuple[int, int, str]]) -> str:
        """The last page with each row put in where that row was. Only when the shell and the rows (which lines, in which
        order) are as they were: the figures section around the rows then renders the same, so this is the page the
        template would make, without rendering fifty rows' section again to find where they go."""
        at, end = (int(n) for n in kept.split(" "))
        pieces, cursor, shift, searched = [], 0, 0, False
        for (start, stop, _), row in zip(last_rows, rows, strict=True):
            searched = searched or (row.fresh and any(mark in text for text in (row.html, self._page[start:stop]) for mark in READ_ANYWHERE))
            pieces += [self._page[cursor:start], row.html]
            self._made[row.part] = f"{row.key}\n{start + shift} {start + shift + len(row.html)} {row.csv}"
            shift += len(row.html) - (stop - start)
            cursor = stop
        pieces.append(self._page[cursor:])
        self._made["shell"] = f"{key}\n{at} {end + shift}"
        # Rows are in tables, which the search index does not read, unless they carry what it reads anywhere.
        self.indexed = None if searched else self._last_print
        return "".join(pieces)


def _page_path(last: Bundle | None) -> str | None:
    """The page of a group's last version, whose parts point into it."""
    return next((path for path in last.texts if path.endswith(".html")), None) if last is not None else None


#: Where a kept section goes in its page (`SectionPart`), as `FIGURES` for a card's figures.
SECTION = "<!-- reportcard: section -->"


class SectionPart:
    """One costly section of a page, kept from the page's last version while what it shows is unchanged.

    The home page's ward finder lists every ward by council (7,380 at England scale: 0.4 s of rendering), and the page
    around it shows every target's status, so a commit changing any target's figures made the whole list again. The
    section is keyed by what it shows (`key_of` the page's context, hashed with the site digest), rendered apart
    (`render_section`) and put into the page where the template leaves `section`.
    """

    def __init__(self, site: str, key_of: Callable[[dict], object], render_section: Callable[[dict], str], render_page: Callable[[Page], str]):
        self._site, self._key_of, self._render_section, self._render_page = site, key_of, render_section, render_page
        self._kept, self._page, self._made = "", "", {}

    def begin(self, last: Bundle | None) -> None:
        """The page's last version (None for a page not made before)."""
        path = _page_path(last)
        self._kept, self._page = (last.parts.get("section", ""), last.text(path)) if path else ("", "")
        self._made = {}

    def take(self) -> dict[str, str]:
        made, self._kept, self._page, self._made = self._made, "", "", {}
        return made

    def page(self, page: Page) -> Page:
        """The page with its HTML: the section taken from the last version when its key is the same, else rendered."""
        key = hashlib.sha256(f"{self._site}\0{self._key_of(page.context)!r}".encode()).hexdigest()
        if self._kept.startswith(f"{key}\n"):
            start, end = (int(n) for n in self._kept[len(key) + 1:].split(" "))
            section = self._page[start:end]
        else:
            with timed("pages"):
                section = str(self._render_section(page.context))
        with timed("pages"):
            around = self._render_page(dataclasses.replace(page, context={**page.context, "section": Markup(SECTION)}))
        at = around.index(SECTION)
        self._made["section"] = f"{key}\n{at} {at + len(section)}"
        page.html = around[:at] + section + around[at + len(SECTION):]
        return page
