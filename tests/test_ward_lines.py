"""A ward card's lines kept between builds: taken back only while the rows behind them are unchanged."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from reportcard.model import build_model
from reportcard.page_cache import InputPrints
from reportcard.site import ward_card
from reportcard.validate import validate_folder
from reportcard.views import Views
from reportcard.ward_lines import WardLines

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


class Renders:
    """A row renderer that counts the lines it is asked for."""

    def __init__(self):
        self.lines: list[str] = []

    def __call__(self, line, ward) -> str:
        self.lines.append(line.indicator.id)
        return f"<tr><th>{line.indicator.id}</th><td>{line.value}</td></tr>"


def _card(model, lines: WardLines, kept: dict[str, str], code: str = WARD) -> tuple[list, dict[str, str]]:
    lines.begin(kept)
    items = list(ward_card(model, Views(model), model.areas[code], ROOT / "content" / "commentary", lines))
    return items, lines.take()


def test_an_unchanged_card_takes_every_line_back(model):
    prints, renders = InputPrints(model, "site", ROOT), Renders()
    lines = WardLines(prints.line, renders, prints.site)
    first, stored = _card(model, lines, {})
    assert renders.lines and len(stored) == len(model.indicators) + 1  # a part for every indicator, a line or not, and the site
    rendered = len(renders.lines)
    again, stored_again = _card(model, lines, stored)
    assert len(renders.lines) == rendered, "no line is worked out again"
    assert again[0].rows == first[0].rows and again[1].context["themes"] == first[1].context["themes"]
    assert stored_again == stored


def test_only_the_changed_indicators_line_is_worked_out_again(model):
    _, stored = _card(model, WardLines(InputPrints(model, "site", ROOT).line, Renders(), "site"), {})
    changed = _with_value(model, "ward-population", WARD, 99999)
    renders = Renders()
    items, _ = _card(changed, WardLines(InputPrints(changed, "site", ROOT).line, renders, "site"), stored)
    assert renders.lines == ["ward-population"]
    csv_row = next(r for r in items[0].rows if r["indicator_id"] == "ward-population")
    assert csv_row["value"] == "99,999" or csv_row["value"].replace(",", "") == "99999"


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


def test_lines_kept_under_other_code_or_names_are_not_taken(model):
    prints, renders = InputPrints(model, "site", ROOT), Renders()
    _, stored = _card(model, WardLines(prints.line, renders, "site"), {})
    rendered = len(renders.lines)
    _card(model, WardLines(prints.line, renders, "other site"), stored)
    assert len(renders.lines) == 2 * rendered


def test_a_stored_line_of_another_key_is_not_taken(model):
    prints, renders = InputPrints(model, "site", ROOT), Renders()
    lines = WardLines(prints.line, renders, prints.site)
    _, stored = _card(model, lines, {})
    forged = {name: text if name == "site" else "0 " + text for name, text in stored.items()}  # the same lines under other keys
    renders.lines.clear()
    _card(model, lines, forged)
    assert len(renders.lines) == sum(1 for name, text in stored.items() if name != "site" and text.partition("\n")[2])
