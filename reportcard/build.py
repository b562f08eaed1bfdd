"""Validate, then build the site into a fresh folder and swap it into place.

Nothing is written to the output folder unless the data is valid and Pelican finished: the new
site is built beside it and renamed over it, so a failed build leaves the last good site as it was.
Files that did not change are hard-linked from the live site rather than written again (`site_files`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import site_files, stages
from .dataset import Dataset
from .problems import ValidationReport
from .published import write_fixed_zip
from .validate import Engine, validate_folder

ROOT = Path(__file__).resolve().parents[1]


class BuildRefused(Exception):
    def __init__(self, report: ValidationReport):
        super().__init__("the data has errors")
        self.report = report


@dataclass
class CacheUse:
    """How much of a build came from the caches; the Pelican plugin hands it back (it cannot return values)."""

    charts_rendered: int = 0
    charts_reused: int = 0
    groups_made: int = 0
    groups_reused: int = 0
    search_reused: bool = False
    files_linked: int = 0  # unchanged files linked from the live site (`site_files`)
    files_written: int = 0


@dataclass(kw_only=True)
class BuildResult(CacheUse):
    report: ValidationReport
    pages: int


#: The validated data of the build in progress, handed to the Pelican plugin (which cannot take arguments).
current: tuple[ValidationReport, Dataset] | None = None
outcome = CacheUse()


def build_site(data: Path, output: Path, engine: Engine = "auto", settings_file: Path | None = None, settings: dict | None = None,
               archive: Path | None = None) -> BuildResult:
    """`settings` override pelicanconf.py (tests point the chart cache and commentary elsewhere).

    With `archive`, the finished site is also zipped there: it opens from the unzipped folder with no server.
    """
    global current, outcome
    outcome = CacheUse()
    stages.reset()
    cache = Path((settings or {}).get("REPORTCARD_CACHE") or ROOT / ".cache")
    with stages.timed("validate"):  # reading the files is timed inside, as "load"
        report, dataset = validate_folder(data, engine=engine, cache=cache / "verdicts")
    if not report.valid:
        raise BuildRefused(report)
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}-building-", dir=output.parent))
    site_files.current = files = site_files.SiteFiles(staging, output, site_files.load_manifest(cache, output))
    try:
        current = (report, dataset)
        _run_pelican(data.resolve(), staging, settings_file or ROOT / "pelicanconf.py", settings or {})
        pages = sum(name.endswith(".html") for _, _, names in os.walk(staging) for name in names)  # a third of rglob's time
        if archive is not None:
            zip_site(staging, archive)
        _swap(staging, output)
        site_files.save_manifest(cache, output, files.recorded)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        current = site_files.current = None
    outcome.files_linked, outcome.files_written = files.linked, len(files.recorded) - files.linked
    return BuildResult(report=report, pages=pages, **vars(outcome))


def _run_pelican(data: Path, output: Path, settings_file: Path, extra: dict) -> None:
    from pelican import Pelican
    from pelican.settings import read_settings

    settings = read_settings(str(settings_file), override={
        "OUTPUT_PATH": str(output), "REPORTCARD_DATA": str(data), "DELETE_OUTPUT_DIRECTORY": False,
        "REPORTCARD_SETTINGS_FILE": str(settings_file), **extra,  # its code (a Jinja filter, say) is part of every page's key
    })
    Pelican(settings).run()


def zip_site(site: Path, archive: Path) -> None:
    """Every file of the site under one top folder, in sorted order (same site, same zip)."""
    files = sorted(p for p in site.rglob("*") if p.is_file())
    write_fixed_zip(archive, ((f"{archive.stem}/{p.relative_to(site).as_posix()}", p.read_bytes()) for p in files))


def _swap(staging: Path, output: Path) -> None:
    """Replace `output` by `staging` with two renames, keeping the old site until the new one is in place.

    The old site is then removed by a background `rm -rf`: at England scale it is 35,000 files and
    several seconds of unlinking that nobody needs to wait for (the new site is already live).
    """
    old = None
    if output.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{output.name}-old-", dir=output.parent))
        output.rename(old / output.name)
    staging.rename(output)
    if old is not None:
        remove_in_background(old)


_removals: list[subprocess.Popen] = []


def remove_in_background(folder: Path) -> None:
    try:
        _removals.append(subprocess.Popen(["rm", "-rf", "--", str(folder)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL, start_new_session=True))
    except OSError:  # no rm (not a POSIX system): remove it here
        shutil.rmtree(folder, ignore_errors=True)


def wait_for_removals() -> None:
    """Wait until old sites are gone (the benchmark does, so one build's clean-up is not timed in the next)."""
    while _removals:
        _removals.pop().wait()
