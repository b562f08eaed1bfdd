"""Every broken fixture gives exit 1 and exactly the problems its case.json names, by both engines."""

import json
import subprocess
import sys

import pandas as pd
import pytest
from fixture_packages import BROKEN, assemble, broken_cases, expected

from reportcard import schema_check
from reportcard.cli import main
from reportcard.validate import validate_folder

KEYS = ("package", "resource", "row", "field", "code")


def _found(report):
    return sorted((tuple(getattr(p, k) for k in KEYS) for p in report.errors), key=str)


@pytest.mark.parametrize("case", broken_cases())
@pytest.mark.parametrize("engine", ["frictionless", "vector"])
def test_broken_case_reports_exact_problem(tmp_path, case, engine):
    folder = assemble(tmp_path / "data", BROKEN / case)
    report, _ = validate_folder(folder, engine=engine)
    wanted = sorted((tuple(e[k] for k in KEYS) for e in expected(case)["errors"]), key=str)
    assert _found(report) == wanted
    assert all(p.message and p.hint for p in report.errors)


@pytest.mark.parametrize("case", broken_cases())
def test_columns_checked_in_threads_give_the_same_problems_in_order_and_tables(tmp_path, case, monkeypatch):
    folder = assemble(tmp_path / "data", BROKEN / case)
    report, dataset = validate_folder(folder, engine="vector")
    monkeypatch.setattr(schema_check, "THREADED_ROWS", 0)  # every table threaded, however small
    threaded, threaded_dataset = validate_folder(folder, engine="vector")
    assert [p.as_dict() for p in threaded.problems] == [p.as_dict() for p in report.problems]
    assert dataset.tables.keys() == threaded_dataset.tables.keys()
    for name, table in dataset.tables.items():
        pd.testing.assert_frame_equal(threaded_dataset.tables[name].frame, table.frame)


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory):
    """One verdict cache for every case, primed with the valid base: a cached verdict must never hide a break."""
    cache = tmp_path_factory.mktemp("verdicts")
    report, _ = validate_folder(assemble(tmp_path_factory.mktemp("base") / "data"), engine="frictionless", cache=cache)
    assert report.valid and list(cache.iterdir())
    return cache


@pytest.mark.parametrize("case", broken_cases())
def test_broken_case_is_found_through_the_verdict_cache(tmp_path, case, verdicts):
    folder = assemble(tmp_path / "data", BROKEN / case)
    for _ in range(2):  # first the verdict is made (or reused for packages the case leaves alone), then read back
        report, _ = validate_folder(folder, engine="frictionless", cache=verdicts)
        assert _found(report) == sorted((tuple(e[k] for k in KEYS) for e in expected(case)["errors"]), key=str)


@pytest.mark.parametrize("case", broken_cases())
def test_cli_exits_1_with_json_errors(tmp_path, case, capsys):
    folder = assemble(tmp_path / "data", BROKEN / case)
    assert main(["validate", str(folder), "--format", "json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["valid"] is False
    assert {e["code"] for e in result["errors"]} == {e["code"] for e in expected(case)["errors"]}
    assert set(result["errors"][0]) >= {"package", "resource", "row", "field", "code", "message", "hint"}


@pytest.mark.parametrize("case", ["wrong-type", "not-utf8", "missing-datapackage", "unknown-area-code"])
def test_build_writes_nothing_for_broken_data(tmp_path, case, capsys):
    folder = assemble(tmp_path / "data", BROKEN / case)
    output = tmp_path / "output"
    output.mkdir()
    (output / "index.html").write_text("last good site")
    assert main(["build", "--data", str(folder), "--output", str(output)]) == 1
    assert [p.name for p in output.iterdir()] == ["index.html"]
    assert (output / "index.html").read_text() == "last good site"
    assert not [p for p in tmp_path.iterdir() if "building" in p.name]
    assert "Nothing was written" in capsys.readouterr().err


def test_base_fixture_is_valid_with_warnings(tmp_path):
    report, _ = validate_folder(assemble(tmp_path / "data"))
    assert report.valid
    assert {w.code for w in report.warnings} == {"provisional-figure", "suppressed-value"}


def test_text_report_groups_caps_and_totals(tmp_path):
    folder = assemble(tmp_path / "data")
    observations = folder / "indicators" / "observations.csv"
    rows = observations.read_text().splitlines()
    bad = [f"NI192,E08000009,{2000 + i},all,lots,,,,,final,,false" for i in range(25)]
    observations.write_text("\n".join(rows + bad) + "\n")
    report, _ = validate_folder(folder)
    from reportcard.report import as_text

    text = as_text(report)
    assert "indicators/observations (25)" in text
    assert "[type-error] 25 x" in text
    assert "... and 5 more of this kind" in text
    assert "How to fix:" in text
    assert text.strip().endswith("INVALID: 25 error(s), 2 warning(s).")


def test_cli_exit_2_when_it_cannot_run(tmp_path):
    assert main(["validate", str(tmp_path / "nowhere")]) == 2
    assert main(["build", "--data", str(tmp_path / "nowhere")]) == 2


def test_installed_command_validates_demo_data():
    done = subprocess.run([sys.executable, "-m", "reportcard.cli", "validate", "data"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "VALID" in done.stdout
