"""England scale: the generator's output validates, and the rules that keep an England-wide site to a sensible size."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from reportcard.model import build_model
from reportcard.site import indicator_page
from reportcard.validate import validate_folder
from reportcard.views import Views

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "data" / "real"


@pytest.mark.skipif(not REAL.is_dir(), reason="shared/data/real is not beside this checkout")
def test_england_generator_output_validates(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "scripts" / "build_england_data.py"), "--output", str(tmp_path / "england"),
                    "--ward-indicators", "2", "--council-indicators", "3"], check=True, capture_output=True)
    report, dataset = validate_folder(tmp_path / "england")
    assert report.valid, [p.message for p in report.errors][:5]
    areas = dataset.frame("places", "areas")
    counts = areas["type"].value_counts()
    assert counts["ward"] > 7000 and counts["region"] == 9 and counts["country"] == 1
    assert 300 < counts.drop(["ward", "region", "country"]).sum() < 400
    assert (tmp_path / "england" / "SOURCE.md").read_text().count("Synthetic") >= 1
    indicators = dataset.frame("indicators", "indicators")
    assert indicators["title"].str.startswith("Synthetic").all()


def test_indicator_pages_chart_council_wards_only_on_a_council_site():
    report, dataset = validate_folder(ROOT / "data")
    views = Views(build_model(dataset))
    assert [c.name for c in views.chart_councils(5)] == ["Trafford"]
    assert views.chart_councils(0) == []  # more councils than the limit: an England-wide site


def test_indicator_page_without_chart_councils_compares_regions_and_england():
    report, dataset = validate_folder(ROOT / "data")
    model = build_model(dataset)
    items = list(indicator_page(model, Views(model), model.indicators["NI192"], []))
    trend = next(i for i in items if getattr(i, "path", "").endswith("/trend"))
    names = {row["series"] for row in trend.csv_rows}
    assert "England" in names and "Trafford" not in names
    assert not [i for i in items if "wards-" in getattr(i, "path", "")]
