"""The built site: a page for everything, golden pages, two-tier areas, escaping, chart cache, determinism."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import numpy as np
import pytest
from fixture_packages import FIXTURES, assemble
from markupsafe import escape

from reportcard.build import build_site
from reportcard.dataset import Dataset
from reportcard.model import build_model
from reportcard.validate import validate_folder
from reportcard.ward_parts import FIGURES

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).resolve().parent / "golden"
HOSTILE = '<script>alert(1)</script>"onmouseover=alert(2)'


def _build(tmp: Path, overlay: Path | None = None, name: str = "site", commentary: Path | None = None):
    data = assemble(tmp / f"{name}-data", overlay)
    settings = {"REPORTCARD_CACHE": str(tmp / "chart-cache"), "REPORTCARD_COMMENTARY": str(commentary or FIXTURES / "commentary")}
    result = build_site(data, tmp / name, settings=settings)
    return tmp / name, result, data


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("fixture"))


@pytest.fixture(scope="module")
def two_tier_site(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("two-tier"), FIXTURES / "two-tier")


def _model(folder: Path):
    report, dataset = validate_folder(folder)
    assert report.valid
    return build_model(dataset)


def _text(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


# -- the demo: every page the issue lists -------------------------------------------------------


def test_demo_has_a_page_for_every_ward_indicator_target_partnership_and_organisation(demo_site):
    site, _ = demo_site
    model = _model(ROOT / "data")
    expected = (
        [f"wards/{a.code}/index.html" for a in model.areas.values() if a.is_ward]
        + [f"areas/{a.code}/index.html" for a in model.areas.values() if not a.is_ward]
        + [f"indicators/{i}/index.html" for i in model.indicators]
        + [f"targets/{t}/index.html" for t in model.targets]
        + [f"partnerships/{p}/index.html" for p in model.partnerships]
        + [f"organisations/{o}/index.html" for o in model.organisations]
        + [
            "index.html",
            "targets/index.html",
            "indicators/index.html",
            "areas/index.html",
            "partnerships/index.html",
            "organisations/index.html",
            "methodology/index.html",
            "about/index.html",
            "accessibility/index.html",
            "data/contract/index.html",
            "data/validation/index.html",
        ]
    )
    missing = [p for p in expected if not (site / p).is_file()]
    assert not missing
    assert len([a for a in model.areas.values() if a.is_ward]) == 42 and len(model.targets) == 6


def test_demo_ward_card_shows_councillors_themes_targets_and_download(demo_site):
    site, _ = demo_site
    page = _text(site, "wards/E05015239/index.html")
    for text in [
        "Altrincham",
        "Geraldine Coggins",
        "People and places",
        "Household waste recycled",
        "Trafford Partnership",
        "wards/E05015239/E05015239.csv",
        "What the council says",
        "How you can help",
        "fifth of Trafford",
    ]:
        assert text in page, text
    assert (site / "wards/E05015239/E05015239.csv").read_text().startswith("indicator_id,indicator,area_code")


def test_demo_charts_have_svg_spec_csv_and_text_alternative(demo_site):
    site, result = demo_site
    page = _text(site, "indicators/NI192/index.html")
    assert re.search(
        r'<img src="../../indicators/NI192/trend.svg" alt="Household waste recycled in Trafford rose from [\d.]+% in 2010/11 to [\d.]+% in 2021/22; '
        r"England was [\d.]+%; the target is 61.8% by 2021/22.",
        page,
    )
    for suffix in (".svg", ".vl.json", ".csv"):
        assert (site / "indicators/NI192" / f"trend{suffix}").is_file()
    assert (site / "indicators/ward-no-car/map-E08000009.svg").is_file()
    assert result.charts_rendered + result.charts_reused >= 60


def test_scorecard_counts_every_target_once(demo_site):
    site, _ = demo_site
    page = _text(site, "targets/index.html")
    counts = [int(n) for n in re.findall(r'<tr><th scope="row"><span class="status status-\w+">.*?</span></th><td>(\d+)</td></tr>', page)]
    assert len(counts) == 5 and sum(counts) == 6


def test_demo_pages_never_list_every_page_in_the_menu(demo_site):
    site, _ = demo_site
    assert "Altrincham" not in _text(site, "indicators/NI192/index.html").split("<main")[0]


# -- golden pages from the small fixture --------------------------------------------------------


@pytest.mark.parametrize("page", ["wards/E05015239/index.html", "indicators/NI192/index.html", "targets/recycling/index.html"])
def test_golden_pages(fixture_site, page):
    """The rendered HTML of three pages is pinned. After a deliberate change: UPDATE_GOLDEN=1 pytest tests/test_site.py"""
    site, _, _ = fixture_site
    golden = GOLDEN / (page.replace("/index.html", "").replace("/", "-") + ".html")
    html = _text(site, page)
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(html, encoding="utf-8")
    assert html == golden.read_text(encoding="utf-8")


def test_commentary_is_sanitised(fixture_site):
    site, _, _ = fixture_site
    page = _text(site, "wards/E05015239/index.html")
    assert "Recycling is below the council average." in page
    assert "<script>" not in page.split("<main")[1] and "onclick" not in page
    assert '<a href="https://example.org/recycling"' in page


# -- two-tier -----------------------------------------------------------------------------------


def test_two_tier_ward_shows_district_and_county(two_tier_site):
    site, _, _ = two_tier_site
    page = _text(site, "wards/E05900001/index.html")
    assert re.search(r"in <a [^>]*>Riverton</a> \(district\) and <a [^>]*>Northshire</a> \(county\)", page)
    assert "Riverton (44.0%)" in page and "Northshire (47.0%)" in page and "England (44.0%)" in page
    assert 'Northshire County Council</a> <span class="code">(county)</span>' in page  # the lead, and its tier
    assert "fifth of Riverton's wards" in page


def test_two_tier_builds_pages_for_both_districts_and_the_county(two_tier_site):
    site, _, _ = two_tier_site
    for code in ("E10000901", "E07000901", "E07000902"):
        assert (site / f"areas/{code}/index.html").is_file()
        assert (site / f"indicators/NI192/wards-{code}.svg").is_file()
    county = _text(site, "areas/E10000901/index.html")
    assert "Riverton" in county and "Hillford" in county
    target = _text(site, "targets/recycling/index.html")
    assert "the county council for" in target and "the district council for" in target
    home = _text(site, "index.html")
    assert home.count('class="ward-list"') == 3  # county, then each district


# -- escaping on every page ---------------------------------------------------------------------


def test_hostile_values_are_escaped_on_every_page(tmp_path):
    data = assemble(tmp_path / "data")
    replacements = {
        "places/areas.csv": ("Altrincham,ward", f'"{HOSTILE.replace(chr(34), chr(34) * 2)}",ward'),
        "places/councillors.csv": ("Geraldine Coggins", f'"{HOSTILE.replace(chr(34), chr(34) * 2)}"'),
        "indicators/indicators.csv": ("Household waste recycled,", f'"{HOSTILE.replace(chr(34), chr(34) * 2)}",'),
        "partnerships/organisations.csv": ("Trafford Housing Trust", f'"{HOSTILE.replace(chr(34), chr(34) * 2)}"'),
        "partnerships/partnerships.csv": ("The local strategic partnership.", f'"{HOSTILE.replace(chr(34), chr(34) * 2)}"'),
        "targets/targets.csv": (",Illustrative,", f',"{HOSTILE.replace(chr(34), chr(34) * 2)}",'),
    }
    for relative, (old, new) in replacements.items():
        path = data / relative
        text = path.read_text()
        assert old in text, relative
        path.write_text(text.replace(old, new, 1))
    build_site(data, tmp_path / "site", settings={"REPORTCARD_CACHE": str(tmp_path / "cache"), "REPORTCARD_COMMENTARY": str(tmp_path)})
    pages = list((tmp_path / "site").rglob("*.html")) + list((tmp_path / "site").rglob("*.svg"))
    assert len(pages) > 20
    shown = 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        scripts, handlers = _active_content(text)
        assert not [s for s in scripts if "alert" in s], page
        assert not handlers, page
        if page.suffix == ".html":
            assert '"onmouseover=' not in text, page  # attribute-breaking quotes are escaped in HTML
        shown += "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert shown >= 10  # the hostile text is really on the pages, escaped


def test_a_ward_named_like_the_figures_placeholder_keeps_its_figures_in_place(tmp_path):
    """A ward card's figures go into its kept shell at a placeholder no escaped value can spell (it starts with "<")."""
    data = assemble(tmp_path / "data")
    areas = data / "places" / "areas.csv"
    areas.write_text(areas.read_text().replace("Altrincham,ward", f"{FIGURES},ward", 1))
    build_site(data, tmp_path / "site", settings={"REPORTCARD_CACHE": str(tmp_path / "cache"), "REPORTCARD_COMMENTARY": str(tmp_path)})
    page = _text(tmp_path / "site", "wards/E05015239/index.html")
    assert FIGURES not in page and escape(FIGURES) in page
    assert '<div id="figures-body"><section class="theme"' in page


def _active_content(text: str) -> tuple[list[str], list[str]]:
    """Script bodies and event-handler attributes as a browser's parser would see them."""
    from html.parser import HTMLParser

    class Finder(HTMLParser):
        def __init__(self):
            super().__init__()
            self.in_script, self.scripts, self.handlers = False, [], []

        def handle_starttag(self, tag, attrs):
            self.in_script = tag == "script"
            if self.in_script:
                self.scripts.append("")
            self.handlers += [name for name, _ in attrs if name.startswith("on")]

        def handle_data(self, data):
            if self.in_script:
                self.scripts[-1] += data

        def handle_endtag(self, tag):
            self.in_script = False

    finder = Finder()
    finder.feed(text)
    return finder.scripts, finder.handlers


# -- cache and determinism ----------------------------------------------------------------------


def _digest(site: Path) -> dict[str, str]:
    return {str(p.relative_to(site)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(site.rglob("*")) if p.is_file()}


def test_rebuild_reuses_every_chart_and_is_byte_identical(tmp_path):
    first, result1, data = _build(tmp_path, name="first")
    second = tmp_path / "second"
    result2 = build_site(
        data, second, settings={"REPORTCARD_CACHE": str(tmp_path / "chart-cache"), "REPORTCARD_COMMENTARY": str(FIXTURES / "commentary")}
    )
    assert result1.charts_rendered > 0 and result1.charts_reused == 0
    assert result2.charts_rendered == 0 and result2.charts_reused == result1.charts_rendered
    assert _digest(first) == _digest(second)


def test_model_of_fixture_has_wards_and_targets(tmp_path):
    folder = assemble(tmp_path / "data")
    report, dataset = validate_folder(folder)
    model = build_model(dataset)
    assert isinstance(dataset, Dataset)
    assert [w.code for w in model.current_wards] == ["E05015239", "E05015240"]
    assert [a.code for a in model.councils_of(model.areas["E05015239"])] == ["E08000009"]


@pytest.mark.parametrize("demo", [True, False])
def test_each_series_has_the_rows_pandas_groups_for_it_in_file_order(demo, tmp_path):
    model = _model(ROOT / "data" if demo else assemble(tmp_path / "data"))
    grouped = model.observations.groupby(["indicator_id", "area_code", "breakdown"], observed=True, sort=False).indices
    assert model._series_index[1].keys() == grouped.keys()
    assert all(np.array_equal(model._series_rows(*key), rows) for key, rows in grouped.items())
    assert model._series_rows("no such indicator", "E05015239", "all") is None


@pytest.mark.parametrize("demo", [True, False])
def test_an_indicators_periods_are_those_of_its_rows(demo, tmp_path):
    model = _model(ROOT / "data" if demo else assemble(tmp_path / "data"))
    for indicator_id in model.indicators:
        rows = model.indicator_rows(indicator_id)
        assert sorted(model.periods_of(indicator_id)) == sorted({str(p) for p in rows["period"].dropna()})
    assert model.periods_of("no such indicator") == []
