"""Validate, then build the site into a fresh folder and swap it into place.

Nothing is written to the output folder unless the data is valid and Pelican finished: the new
site is built beside it and renamed over it, so a failed build leaves the last good site as it was.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .dataset import Dataset
from .problems import ValidationReport
from .validate import Engine, validate_folder

ROOT = Path(__file__).resolve().parents[1]


class BuildRefused(Exception):
    def __init__(self, report: ValidationReport):
        super().__init__("the data has errors")
        self.report = report


@dataclass
class BuildResult:
    report: ValidationReport
    pages: int
    charts_rendered: int = 0
    charts_reused: int = 0


#: The validated data of the build in progress, handed to the Pelican plugin (which cannot take arguments).
current: tuple[ValidationReport, Dataset] | None = None
#: What the plugin reports back about charts (rendered vs reused from the cache) for the last build.
chart_stats = None


def build_site(data: Path, output: Path, engine: Engine = "auto", settings_file: Path | None = None, settings: dict | None = None) -> BuildResult:
    """`settings` override pelicanconf.py (tests point the chart cache and commentary elsewhere)."""
    global current, chart_stats
    chart_stats = None
    report, dataset = validate_folder(data, engine=engine)
    if not report.valid:
        raise BuildRefused(report)
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}-building-", dir=output.parent))
    try:
        current = (report, dataset)
        _run_pelican(data.resolve(), staging, settings_file or ROOT / "pelicanconf.py", settings or {})
        pages = sum(1 for _ in staging.rglob("*.html"))
        _swap(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        current = None
    stats = chart_stats
    return BuildResult(report, pages, stats.rendered if stats else 0, stats.reused if stats else 0)


def _run_pelican(data: Path, output: Path, settings_file: Path, extra: dict) -> None:
    from pelican import Pelican
    from pelican.settings import read_settings

    settings = read_settings(str(settings_file), override={
        "OUTPUT_PATH": str(output), "REPORTCARD_DATA": str(data), "DELETE_OUTPUT_DIRECTORY": False, **extra,
    })
    Pelican(settings).run()


def _swap(staging: Path, output: Path) -> None:
    """Replace `output` by `staging` with two renames, keeping the old site until the new one is in place."""
    old = None
    if output.exists():
        old = output.with_name(f".{output.name}-old")
        shutil.rmtree(old, ignore_errors=True)
        output.rename(old)
    staging.rename(output)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
