"""Real dirty inputs from shared/data/real: each is read correctly or refused clearly."""

import shutil
from pathlib import Path

import pytest

from reportcard.tables import check_file, read_raw

REAL = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "real"
pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason="shared/data/real is not beside this checkout")


def _read(path: Path):
    problems = check_file("real", {"name": path.stem}, path)
    if problems:
        return problems, None
    from reportcard.tables import read_header

    labels = read_header(path)
    return [], read_raw("real", path.stem, path, labels)


def test_bom_is_read_correctly():
    problems, table = _read(REAL / "mysociety_uk_local_authorities" / "lad21_to_county21_england.csv")
    assert problems == []
    assert table.labels[0] == "FID"  # not "\ufeffFID"
    assert table.num_rows > 100 and not table.structure


def test_cr_only_line_endings_and_stray_byte_are_refused_with_the_row():
    odm = REAL / "opendatamanchester_ward_councillors_2018"
    problems, _ = _read(odm / "raw_excerpt_maidstone_LPR_LSOA_WD_LAD_IMD15.csv")
    assert [p.code for p in problems] == ["encoding-error"]
    assert problems[0].row and problems[0].row > 1
    assert "Windows-1252" in problems[0].message


def test_real_cr_only_file_is_read():
    problems, table = _read(REAL / "opendatamanchester_ward_councillors_2018" / "LPP_LAD_ECID.csv")
    assert problems == [] and table.num_rows > 100 and not table.structure


def test_cr_only_line_endings_alone_are_read(tmp_path):
    path = tmp_path / "cr.csv"
    path.write_bytes(b"code,name\rE05000001,One\rE05000002,Two\r")
    problems, table = _read(path)
    assert problems == [] and table.num_rows == 2 and list(table.row_numbers) == [2, 3]


def test_duplicated_boundary_features_are_flagged(tmp_path):
    from fixture_packages import assemble

    from reportcard.validate import validate_folder

    folder = assemble(tmp_path / "data")
    areas = folder / "places" / "areas.csv"
    wards = REAL / "trafford_spatial" / "trafford_wards_2023_super_generalised.geojson"
    import json

    codes = sorted({f["properties"]["area_code"] for f in json.loads(wards.read_text())["features"]})
    areas.write_text(areas.read_text() + "".join(f"{c},Ward {c},ward,E08000009,2023-05-04,,ONS\n" for c in codes if c not in areas.read_text()))
    shutil.copy(wards, folder / "places" / "ward_boundaries.geojson")
    report, _ = validate_folder(folder)
    duplicates = [p for p in report.errors if p.code == "boundary-duplicate-feature"]
    assert len(duplicates) == 21
