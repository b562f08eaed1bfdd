"""A ward card's and an area page's parts kept between builds: each taken back only while what it shows is unchanged."""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path

import pandas as pd
import pytest

from reportcard.downloads import csv_text
from reportcard.model import build_model
from reportcard.page_cache import Bundle, InputPrints, dataset_row_sums
from reportcard.search import indexed_print
from reportcard.site import Page, area_page, ward_card
from reportcard.validate import validate_folder
from reportcard.views import Views
from reportcard.ward_parts import FIGURES, CardTemplates, FigureParts, SectionPart

ROOT = Path(__file__).resolve().parents[1]
WARD, SIBLING, TRAFFORD = "E05015239", "E05015240", "E08000009"


@pytest.fixture(scope="module")
def model():
    report, dataset = validate_folder(ROOT / "data")
    assert report.valid
    return build_model(dataset)


def _with_value(model, indicator_id: str, area_code: str, value: float):
    """The model with one area's figures of one indicator changed (what a data commit does)."""
    observations = model.observations.copy()
    rows = (observations["indicator_id"] == indicator_id) & (observations["area_code"] == area_code)
    assert rows.any()
    observations.loc[rows, "value"] = value
    return dataclasses.replace(model, observations=observations)


class Renders(CardTemplates):
    """Stand-in templates that count the lines and cards they are asked to render."""

    def __init__(self):
        self.lines: list[str] = []
        self.cards = 0
        super().__init__(self._row, lambda themes, ward: "".join(html for _, rows in themes for html in rows), self._card)

    def _row(self, line, ward) -> str:
        self.lines.append(line.indicator.id)
        return f"<tr><th>{line.indicator.id}</th><td>{line.value}</td></tr>"

    def _card(self, page) -> str:
        self.cards += 1
        targets = "".join(t.status.verdict.key for t in page.context["targets"])
        place = page.context.get("ward") or page.context["area"]
        return f"<main data-pagefind-body><h1>{place.name}</h1><table>{page.context['figures']}</table><p>{targets}</p></main>"


def prints_of(model, site: str = "site") -> InputPrints:
    return InputPrints(model, site, ROOT)


def _parts(model, renders: Renders, site: str = "site") -> FigureParts:
    return FigureParts(InputPrints(model, site, ROOT), renders)


def _card(model, parts: FigureParts, last: Bundle | None, code: str = WARD) -> tuple[list, Bundle]:
    """The card made with the parts of its last version; returns its items and the bundle the page cache would keep."""
    parts.begin(last)
    items = list(ward_card(model, Views(model), model.areas[code], ROOT / "content" / "commentary", parts))
    html = items[1].html
    return items, Bundle({items[1].path: html}, search={items[1].path: items[1].indexed or indexed_print(html)}, parts=parts.take())


def test_an_unchanged_card_takes_every_part_back(model):
    renders = Renders()
    parts = _parts(model, renders)
    first, stored = _card(model, parts, None)
    assert renders.lines and renders.cards == 1
    with_rows = sum(1 for i in model.indicators if prints_of(model).has_rows(i, WARD))
    assert 0 < with_rows < len(model.indicators)
    assert len(stored.parts) == with_rows + 2  # a part for every indicator the ward has figures of, the shell, the site
    assert all("<" not in part for part in stored.parts.values()), "parts point into the page, they hold no HTML"
    rendered = len(renders.lines)
    again, stored_again = _card(model, parts, stored)
    assert len(renders.lines) == rendered and renders.cards == 1, "nothing is rendered again"
    assert again[0].rows == first[0].rows and again[1].html == first[1].html and stored_again == stored
    assert FIGURES not in first[1].html and "<tr><th>ward-population</th>" in first[1].html


def test_only_the_changed_indicators_line_is_worked_out_again(model):
    _, stored = _card(model, _parts(model, Renders()), None)
    changed = _with_value(model, "ward-population", WARD, 99999)
    renders = Renders()
    items, again = _card(changed, _parts(changed, renders), stored)
    assert renders.lines == ["ward-population"] and renders.cards == 0  # the rest of the card shows no figure
    fresh, _ = _card(changed, _parts(changed, Renders()), None)
    assert items[1].html == fresh[1].html and items[0].rows == fresh[0].rows  # as if made from nothing
    renders.lines.clear()
    _card(changed, _parts(changed, renders), again)  # and its parts point into the new page
    assert renders.lines == [] and renders.cards == 0
    csv_row = next(r for r in csv.DictReader(io.StringIO(csv_text(items[0].columns, items[0].rows))) if r["indicator_id"] == "ward-population")
    assert csv_row["value"] == "99999"
    assert f"<th>ward-population</th><td>{line_value(changed)}</td>" in items[1].html


def line_value(model) -> str:
    return Views(model).indicator_line(model.indicators["ward-population"], model.areas[WARD]).value


def test_a_target_status_changing_renders_the_rest_of_the_card_again(model):
    """A target covering the ward is on its card: its council's figure of the target's indicator is read by the shell."""
    target = next(t for t in model.targets.values() if model.agreements[t.agreement_id].area_code == TRAFFORD)
    renders = Renders()
    _, stored = _card(model, _parts(model, renders), None)
    changed = _with_value(model, target.indicator_id, TRAFFORD, 0)
    _card(changed, _parts(changed, renders), stored)
    assert renders.cards == 2


def _with_council_figure(model):
    """The demo's ward indicators have no council figures: give Trafford one, copied from its ward's."""
    observations = model.observations
    row = observations[(observations["indicator_id"] == "ward-population") & (observations["area_code"] == WARD)].copy()
    row["area_code"] = TRAFFORD
    return dataclasses.replace(model, observations=pd.concat([observations, row], ignore_index=True))


@pytest.mark.parametrize("area_code", [SIBLING, TRAFFORD])
def test_a_line_reads_its_council_and_its_councils_other_wards(model, area_code):
    """A sibling's figure moves the ward's placing; the council's moves the comparison: both change the key."""
    model = _with_council_figure(model)
    before = InputPrints(model, "site", ROOT)
    after = InputPrints(_with_value(model, "ward-population", area_code, 12345), "site", ROOT)
    ward = model.areas[WARD]
    benchmarks = Views(model).benchmark_areas(ward)
    assert before.line("ward-population", ward, benchmarks) != after.line("ward-population", ward, benchmarks)
    other = next(i for i in sorted(model.indicators) if i != "ward-population" and model.series(i, WARD))
    assert before.line(other, ward, benchmarks) == after.line(other, ward, benchmarks)


def test_parts_kept_under_other_code_or_names_are_not_taken(model):
    renders = Renders()
    _, stored = _card(model, _parts(model, renders), None)
    rendered = len(renders.lines)
    _card(model, _parts(model, renders, "other site"), stored)
    assert len(renders.lines) == 2 * rendered and renders.cards == 2


def test_a_stored_part_of_another_key_is_not_taken(model):
    renders = Renders()
    parts = _parts(model, renders)
    _, stored = _card(model, parts, None)
    forged = {name: text if name == "site" else "0 " + text for name, text in stored.parts.items()}  # the same parts under other keys
    renders.lines.clear()
    _card(model, parts, Bundle(stored.texts, parts=forged))
    assert renders.cards == 2
    assert len(renders.lines) == sum(1 for name, text in stored.parts.items() if name.startswith("line/") and text.partition("\n")[2])


def test_a_line_gone_puts_the_figures_together_again(model):
    """Rows are spliced into the last page only while the same lines are there in the same order."""
    _, stored = _card(model, _parts(model, Renders()), None)
    gone = next(i for i in sorted(model.indicators) if i != "ward-population" and prints_of(model).has_rows(i, WARD))
    observations = model.observations
    changed = dataclasses.replace(model, observations=observations[~((observations["indicator_id"] == gone) & (observations["area_code"] == WARD))])
    items, again = _card(changed, _parts(changed, Renders()), stored)
    fresh, _ = _card(changed, _parts(changed, Renders()), None)
    assert items[1].html == fresh[1].html and f"<th>{gone}</th>" not in items[1].html
    assert f"line/{gone}" not in again.parts


def test_row_sums_from_the_tables_are_the_models(model):
    """The plugin makes the page keys' sums from the validated tables in another process, while the model is built."""
    _, dataset = validate_folder(ROOT / "data")
    assert dataset_row_sums(dataset) == prints_of(model).sums
    assert prints_of(model).sums.pair and prints_of(model).sums.area_ward_level


def test_a_spliced_card_keeps_its_search_print_unless_a_row_carries_what_search_reads(model):
    """Rows are in tables, which the search index does not read: a card spliced from its last version has its print."""
    _, stored = _card(model, _parts(model, Renders()), None)
    changed = _with_value(model, "ward-population", WARD, 99999)
    items, _ = _card(changed, _parts(changed, Renders()), stored)
    assert items[1].indexed is not None and items[1].indexed == indexed_print(items[1].html)

    class Pictured(Renders):
        def _row(self, line, ward) -> str:
            return super()._row(line, ward).replace("</td>", f'<img src="{line.value}.png" alt=""></td>')  # read even in tables

    items, _ = _card(changed, _parts(changed, Pictured()), stored)
    assert items[1].indexed is None


def _area_page(model, parts: FigureParts, last: Bundle | None, code: str = TRAFFORD) -> tuple[list, Bundle]:
    parts.begin(last)
    items = list(area_page(model, Views(model), model.areas[code], parts))
    html = items[1].html
    return items, Bundle({items[1].path: html}, search={items[1].path: items[1].indexed or indexed_print(html)}, parts=parts.take())


def test_an_area_page_made_again_works_out_only_the_changed_line(model):
    """A council-only indicator without a target changes every council's page in one line: only that line is made."""
    _, stored = _area_page(model, FigureParts(prints_of(model), Renders(), "area"), None)
    changed = _with_value(model, "NI72", TRAFFORD, 55.5)
    renders = Renders()
    items, _ = _area_page(changed, FigureParts(prints_of(changed), renders, "area"), stored)
    assert renders.lines == ["NI72"] and renders.cards == 0
    fresh, _ = _area_page(changed, FigureParts(prints_of(changed), Renders(), "area"), None)
    assert items[1].html == fresh[1].html and items[0].rows == fresh[0].rows
    row = next(r for r in csv.DictReader(io.StringIO(csv_text(items[0].columns, items[0].rows))) if r["indicator_id"] == "NI72")
    assert row["value"] == "55.5"


def test_an_area_line_reads_the_councils_it_is_compared_with(model):
    """Similar councils' median is in each line of a council's page: a comparator's figure changes that line's key."""
    comparator = model.comparators_of(model.areas[TRAFFORD])[0][2][1]
    observations = model.observations
    row = observations[(observations["indicator_id"] == "NI72") & (observations["area_code"] == TRAFFORD)].copy()
    with_comparator = dataclasses.replace(model, observations=pd.concat([observations, row.assign(area_code=comparator)], ignore_index=True))
    trafford = model.areas[TRAFFORD]
    benchmarks = Views(model).benchmark_areas(trafford)
    before = InputPrints(with_comparator, "site", ROOT).area_line("NI72", trafford, benchmarks)
    after = InputPrints(_with_value(with_comparator, "NI72", comparator, 1.0), "site", ROOT).area_line("NI72", trafford, benchmarks)
    assert before != after
    assert InputPrints(with_comparator, "site", ROOT).area_line("NI116", trafford, benchmarks) == \
        InputPrints(_with_value(with_comparator, "NI72", comparator, 1.0), "site", ROOT).area_line("NI116", trafford, benchmarks)


def test_a_kept_section_is_taken_from_the_last_page_until_what_it_shows_changes():
    """The home page's ward finder (`SectionPart`): rendered once, then taken from the page's last version, whatever
    else on the page changed, and rendered again once its key does; the page is always the one a full render makes."""
    sections: list[str] = []

    def render_section(context: dict) -> str:
        sections.append(context["wards"])
        return f"<ul>{context['wards']}</ul>"

    def render_page(page: Page) -> str:
        section = page.context["section"] if "section" in page.context else render_section(page.context)
        return f"<main><p>{page.context['targets']}</p>{section}<p>{page.context['targets']}</p></main>"

    def made(context: dict, last: Bundle | None) -> tuple[str, Bundle]:
        parts = SectionPart("site", lambda c: c["wards"], render_section, render_page)
        parts.begin(last)
        html = parts.page(Page("index.html", "home", context)).html
        return html, Bundle({"index.html": html.encode()}, parts=parts.take())

    first, stored = made({"wards": "a b", "targets": "on track"}, None)
    assert first == "<main><p>on track</p><ul>a b</ul><p>on track</p></main>" and sections == ["a b"]
    again, stored = made({"wards": "a b", "targets": "off track, longer"}, stored)
    assert again == "<main><p>off track, longer</p><ul>a b</ul><p>off track, longer</p></main>" and sections == ["a b"]
    renamed, _ = made({"wards": "a c", "targets": "off track, longer"}, stored)
    assert renamed == "<main><p>off track, longer</p><ul>a c</ul><p>off track, longer</p></main>" and sections == ["a b", "a c"]
    other_site = SectionPart("other code", lambda c: c["wards"], render_section, render_page)
    other_site.begin(stored)
    other_site.page(Page("index.html", "home", {"wards": "a b", "targets": ""}))
    assert sections == ["a b", "a c", "a b"]
