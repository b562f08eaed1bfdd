"""The demo data validates and the site builds; the build is atomic and escapes data."""

from pathlib import Path

from fixture_packages import assemble

from reportcard.build import build_site
from reportcard.site_files import wait_for_removals
from reportcard.validate import validate_folder

ROOT = Path(__file__).resolve().parents[1]


def test_demo_data_is_valid_with_both_engines():
    for engine in ("frictionless", "vector"):
        report, dataset = validate_folder(ROOT / "data", engine=engine)
        assert report.valid, [p.as_dict() for p in report.errors[:5]]
    assert len(dataset.frame("places", "areas", ["type"]).query("type == 'ward'")) == 42


def test_demo_site_builds_with_generated_contract_page(tmp_path):
    output = tmp_path / "output"
    result = build_site(ROOT / "data", output)
    assert result.pages == len(list(output.rglob("*.html")))  # counted as written (the plugin's and Pelican's), not walked
    contract = (output / "data" / "contract" / "index.html").read_text()
    assert "indicator_id" in contract and "used by the site" in contract
    assert "Altrincham" in (output / "index.html").read_text()
    assert not [p for p in tmp_path.iterdir() if "building" in p.name]
    for _ in range(2):  # rebuilds: the old site is kept as the spare the next build is made in; what it replaced goes
        assert build_site(ROOT / "data", output).pages == result.pages
        wait_for_removals()
        assert sorted(p.name for p in tmp_path.iterdir()) == [".output-spare", "output"]


def test_data_values_are_escaped(tmp_path):
    folder = assemble(tmp_path / "data")
    areas = folder / "places" / "areas.csv"
    areas.write_text(areas.read_text().replace("Altrincham,ward", '<script>alert(1)</script>"onmouseover=x,ward', 1))
    build_site(folder, tmp_path / "output")
    page = (tmp_path / "output" / "index.html").read_text()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&#34;onmouseover=x" in page
