"""Validate, then build the site into a fresh folder and swap it into place.

Nothing is written to the output folder unless the data is valid and Pelican finished: the new
site is built beside it and renamed over it, so a failed build leaves the last good site as it was.
The site before the live one is kept beside it as the spare, and the next build is made in that:
files still right stay, the others are linked from the live site when unchanged there, or written (`site_files`).
"""

from __future__ import annotations

import gc
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import prefetch, site_files, stages
from .dataset import Dataset
from .problems import ValidationReport
from .published import write_fixed_zip
from .render import ChartWorkers
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
    charts_ahead: int = 0  # of the charts rendered, those sent while the pages were made (`render.ChartWorkers.send`)


@dataclass(kw_only=True)
class BuildResult(CacheUse):
    report: ValidationReport
    pages: int


#: The validated data of the build in progress, handed to the Pelican plugin (which cannot take arguments).
current: tuple[ValidationReport, Dataset] | None = None
#: Started by `build_site` before validation, so the first new chart finds vl-convert's runtime ready; the plugin uses them.
chart_workers: ChartWorkers | None = None
outcome = CacheUse()


def build_site(data: Path, output: Path, engine: Engine = "auto", settings_file: Path | None = None, settings: dict | None = None,
               archive: Path | None = None) -> BuildResult:
    """`settings` override pelicanconf.py (tests point the chart cache and commentary elsewhere).

    With `archive`, the finished site is also zipped there: it opens from the unzipped folder with no server.
    """
    global outcome, chart_workers
    outcome = CacheUse()
    stages.reset()
    cache = Path((settings or {}).get("REPORTCARD_CACHE") or ROOT / ".cache")
    output = output.resolve()
    prefetcher = prefetch.start(cache, spare_of(output), site_files.SPARE_MANIFEST)  # while the data is validated
    chart_workers = ChartWorkers()
    try:
        with _allocation_settings():
            return _build(data, output, cache, engine, settings_file, settings, archive)
    finally:
        prefetch.stop(prefetcher)
        chart_workers.close()
        chart_workers = None


#: The collector's thresholds during a build: a first collection after 100,000 new objects, not 700.
BUILD_GC_THRESHOLDS = (100_000, 50, 100)


@contextmanager
def _allocation_settings() -> Iterator[None]:
    """For the build's duration, the cyclic garbage collector runs rarely and NumPy stops asking for huge pages.

    A build makes millions of objects that are never in a cycle (rows, strings, page texts): at the default thresholds
    the collector ran 1,300 times in an England commit build, 0.3 s in each page process, and finding next to nothing.
    What earlier work in this process left in cycles is collected first (50 ms in a fresh process): at these thresholds
    it would otherwise outlive the build, and a second England build in one process peaked at twice the memory.
    NumPy marks each array of 4 MB or more for transparent huge pages; the build's arrays mostly live for one step, and
    each new one was zeroed 2 MB at a time on first touch: perf put 8% of an England commit build's samples in the
    kernel zeroing huge pages, and with the marking off the build process spent 0.4-0.6 s less in the kernel.
    """
    thresholds = gc.get_threshold()
    huge_pages = _numpy_huge_pages(False)
    gc.collect()
    gc.set_threshold(*BUILD_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        _numpy_huge_pages(huge_pages)


def _numpy_huge_pages(enabled: bool | None) -> bool | None:
    """Set NumPy's huge-page marking (its `NUMPY_MADVISE_HUGEPAGE`, read only at import); returns what it was. None,
    and nothing done, where this NumPy has no such switch."""
    try:
        from numpy._core.multiarray import _set_madvise_hugepage
    except ImportError:
        return None
    return _set_madvise_hugepage(enabled) if enabled is not None else None


def _build(data: Path, output: Path, cache: Path, engine: Engine, settings_file: Path | None, settings: dict | None,
           archive: Path | None) -> BuildResult:
    global current
    with ThreadPoolExecutor(1) as surveying:  # what the spare and live sites hold is read while the data is validated
        surveyed = surveying.submit(_survey, cache, output)
        with stages.timed("validate"):  # reading the files is timed inside, as "load"
            report, dataset = validate_folder(data, engine=engine, cache=cache / "verdicts")
        spare, live = surveyed.result()
    if not report.valid:
        raise BuildRefused(report)
    output.parent.mkdir(parents=True, exist_ok=True)
    trash = output.parent / f".{output.name}-replaced"
    staging, existing = _staging(output, cache, trash, spare)
    site_files.current = files = site_files.SiteFiles(staging, output, live, existing, trash)
    try:
        current = (report, dataset)
        pelican_pages = _run_pelican(data.resolve(), staging, settings_file or ROOT / "pelicanconf.py", settings or {})
        files.remove_stale()
        # Counted, not walked for: a walk of the 35,000 files of an England site took 0.3 s of every build.
        pages = sum(name.endswith(".html") for name in files.recorded) + len(pelican_pages)
        if archive is not None:
            zip_site(staging, archive)
        spared = _swap(staging, output)
        site_files.save_manifest(cache, output, files.recorded)
        if spared:
            site_files.save_manifest(cache, spare_of(output), live, site_files.SPARE_MANIFEST)
    except BaseException:
        site_files.discard(staging)  # usually the reused spare: 35,000 files at England scale, removed in the background
        raise
    finally:
        current = site_files.current = None
        site_files.discard(trash)  # what the build replaced in the spare site, removed in the background
    outcome.files_linked, outcome.files_written = files.linked, len(files.recorded) - files.linked
    return BuildResult(report=report, pages=pages, **vars(outcome))


def _run_pelican(data: Path, output: Path, settings_file: Path, extra: dict) -> set[str]:
    """Returns the HTML pages Pelican itself wrote (the Markdown content pages): the plugin's are in `site_files`."""
    from pelican import Pelican, signals
    from pelican.settings import read_settings

    settings = read_settings(str(settings_file), override={
        "OUTPUT_PATH": str(output), "REPORTCARD_DATA": str(data), "DELETE_OUTPUT_DIRECTORY": False,
        "REPORTCARD_SETTINGS_FILE": str(settings_file), **extra,  # its code (a Jinja filter, say) is part of every page's key
    })
    written: set[str] = set()

    def note(path: str, **_) -> None:
        if path.endswith(".html"):
            written.add(path)

    signals.content_written.connect(note)
    try:
        Pelican(settings).run()
    finally:
        signals.content_written.disconnect(note)
    return written


def zip_site(site: Path, archive: Path) -> None:
    """Every file of the site under one top folder, in sorted order (same site, same zip)."""
    files = sorted(p for p in site.rglob("*") if p.is_file())
    write_fixed_zip(archive, ((f"{archive.stem}/{p.relative_to(site).as_posix()}", p.read_bytes()) for p in files))


def spare_of(output: Path) -> Path:
    """Where the site before the live one is kept, for the next build to be made in (`site_files.reuse_spare`)."""
    return output.parent / f".{output.name}-spare"


def _survey(cache: Path, output: Path) -> tuple[site_files.SpareSurvey | None, dict[str, list]]:
    """What is in the spare site, and the live site's manifest."""
    return site_files.survey_spare(cache, spare_of(output)), site_files.load_manifest(cache, output)


def _staging(output: Path, cache: Path, trash: Path, survey: site_files.SpareSurvey | None) -> tuple[Path, dict[str, list] | None]:
    """The folder to build in: the spare site with its manifest when it has one, else a new folder."""
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}-building-", dir=output.parent))
    spare = spare_of(output)
    existing = site_files.reuse_spare(cache, spare, trash, survey)
    if existing is not None:
        staging.rmdir()
        spare.rename(staging)
    else:
        site_files.discard(spare)
    return staging, existing


def _swap(staging: Path, output: Path) -> bool:
    """Replace `output` by `staging` with two renames; the old site becomes the spare. True if there was an old site.

    The old site used to be removed by a background `rm -rf` (35,000 files at England scale); now the next
    build is made in it, and each file still right is kept where it is.
    """
    spare = spare_of(output)
    had_site = output.exists()
    if had_site:
        site_files.discard(spare)  # only there if another build put it there meanwhile
        output.rename(spare)
    staging.rename(output)
    return had_site
