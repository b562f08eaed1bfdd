"""Benchmark the whole build by stage, cold and warm, against two floors measured in the same process.

For each scale (the demo council, and England from scripts/build_england_data.py):
  cold          empty cache (charts, page groups, search index, verdicts, snapshots), fresh output
  warm          the same data again, cache kept
  council indicator changed   a commit adding 0.1 to every value of one indicator without ward figures (its page, council pages)
  ward indicator changed      the next commit: +0.1 to every value of one ward-level indicator (every ward card shows it)
  cold again    a cold build of a fresh copy of the data, after the commits: each commit is also given as a share of the
                mean of the two colds of its repeat (`*_over_colds`), since this machine slows as a run goes on
The data is built from a git repository made of it (one commit, then one per change), as a council keeps it: the
change log and feeds then compare each commit with the one before, as they do on a council's build server.
Floors, for the same work, so the results are ratios that hold on a noisy machine:
  (a) jinja     every page the build makes, rendered with its own template by Jinja2 and written to disk, in the
                same number of forked processes; each page's context is made first, untimed, so this is the cost
                of templating and writing with no data work
  (b) vl-convert  the build's chart specs rendered to SVG by vl-convert alone, in the same number of
                worker processes the build starts (which run nothing but vl-convert), no cache
And one more, which the issue's target leaves out but its search stage needs:
  (c) pagefind  Pagefind alone indexing the same input the cold build gives it (`search.search_input` of each
                indexed page), wall and CPU seconds: work the build must do that neither floor (a) nor (b) does
Each build's CPU seconds (this process and its finished children: page processes, chart workers, Pagefind) are
recorded beside its wall time: a cold build on 2 cores is bound by CPU, so any work the floors do not do adds at least
half its CPU seconds to the wall clock.
Each build is made in the site before the live one (the spare, `site_files`), as builds of successive commits are;
an old site that cannot be reused is removed in the background, and the benchmark waits for that between builds,
untimed. Peak memory is the largest resident set of this process or any worker (ru_maxrss), in MB.

    python scripts/bench_build.py [--scale demo|england|both] [--repeat 3] [--output bench-results/build.json]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reportcard import stages  # noqa: E402
from reportcard.build import build_site  # noqa: E402
from reportcard.site_files import wait_for_removals  # noqa: E402


def _peak_mb() -> dict[str, float]:
    return {"self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "workers": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def _cpu_seconds() -> float:
    """User and system CPU of this process and its finished children."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_build(data: Path, output: Path, cache: Path) -> dict:
    """One build, timed as a build in a fresh process would be: the last build's clean-up (files removed in the
    background, objects in cycles) is done first, untimed. Its own clean-up is waited for after the wall clock stops
    (the site is live by then) and counted in its CPU seconds."""
    wait_for_removals()
    gc.collect()
    start, cpu = time.perf_counter(), _cpu_seconds()
    result = build_site(data, output, settings={"REPORTCARD_CACHE": str(cache)})
    total = time.perf_counter() - start
    wait_for_removals()
    return {"seconds": round(total, 3), "cpu_seconds": round(_cpu_seconds() - cpu, 3),
            "stages": {k: round(v, 3) for k, v in sorted(stages.seconds.items())},
            "pages": result.pages, "charts_rendered": result.charts_rendered, "charts_reused": result.charts_reused,
            "charts_ahead": result.charts_ahead,
            "groups_made": result.groups_made, "groups_reused": result.groups_reused, "search_index_reused": result.search_reused,
            "files_linked": result.files_linked, "files_written": result.files_written}


def jinja_floor(data: Path, scratch: Path, cache: Path) -> tuple[float, float, int]:
    """Every page the build makes from the data, rendered with its own template and written, timing only that.

    The pages' contexts (the domain work) are made first, untimed, in the same forked processes the
    build shares pages between; the floor is the slower process's render-and-write time, with the CPU seconds both
    processes spent rendering and writing. The few site-wide pages made outside `site_groups` (data, contract,
    validation, changes, search) are left out.
    """
    from pelican.settings import read_settings

    from reportcard import build
    from reportcard.model import build_model, load_boundaries
    from reportcard.parallel import fork_shares, workers
    from reportcard.site import CHART_COUNCILS_LIMIT, Page, site_groups
    from reportcard.site_files import write_file
    from reportcard.validate import validate_folder
    from reportcard.writing import group_shares

    sys.path.insert(0, str(ROOT / "plugins"))
    from reportcard_pages import ReportCardGenerator

    settings = read_settings(str(ROOT / "pelicanconf.py"), override={"OUTPUT_PATH": str(scratch), "REPORTCARD_DATA": str(data),
                                                                      "REPORTCARD_CACHE": str(cache)})
    build.current = validate_folder(data, cache=cache / "verdicts")
    try:
        generator = ReportCardGenerator(context=settings.copy(), settings=settings, path=settings["PATH"], theme=settings["THEME"],
                                        output_path=str(scratch))
        generator.generate_context()
    finally:
        build.current = None
    model = build_model(generator.dataset, load_boundaries(generator.dataset))
    render_page = generator.page_renderer(generator.page_context(model))
    # The groups shared out as the build shares them (`GroupWriter.write`).
    share_of = group_shares(list(site_groups(model, Path(settings["REPORTCARD_COMMENTARY"]), CHART_COUNCILS_LIMIT)), workers())

    def share(number: int, count: int) -> tuple[float, float, int]:
        spent, cpu, pages = 0.0, 0.0, 0
        for group in share_of(number):
            for page in [item for item in group.make() if isinstance(item, Page)]:
                start, start_cpu = time.perf_counter(), time.process_time()
                write_file(scratch / page.path, render_page(page))
                spent += time.perf_counter() - start
                cpu += time.process_time() - start_cpu
                pages += 1
        return spent, cpu, pages

    shares = fork_shares(share, workers())
    return max(seconds for seconds, _, _ in shares), sum(cpu for _, cpu, _ in shares), sum(pages for _, _, pages in shares)


def vl_convert_floor(site: Path, workers: int) -> tuple[float, float, int]:
    """The build's chart specs rendered by vl-convert in `workers` fresh worker processes (`reportcard.chart_worker`,
    as the build starts them, which run nothing but vl-convert), with no cache: wall seconds, and the CPU seconds of
    the workers (counted once they are stopped) and of this process feeding them."""
    from reportcard.render import ChartWorkers

    specs = [p.read_text(encoding="utf-8") for p in sorted(site.rglob("*.vl.json"))]
    start, cpu = time.perf_counter(), _cpu_seconds()
    with ChartWorkers(workers) as rendering:
        for _ in rendering.svgs({str(number): spec for number, spec in enumerate(specs)}):
            pass
    return time.perf_counter() - start, _cpu_seconds() - cpu, len(specs)


def pagefind_floor(site: Path, scratch: Path) -> tuple[float, float, int]:
    """Pagefind alone on the input a cold build gives it (`search.search_input` of every indexed page, written first and
    not timed), with the build's own options: wall seconds, CPU seconds and pages indexed."""
    import subprocess

    from reportcard.search import PAGEFIND_OPTIONS, write_input

    inputs, index = scratch / "input", scratch / "index"
    pages = 0
    for page in sorted(site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        if "data-pagefind-body" in html:
            write_input(inputs, page.relative_to(site).as_posix(), html, {})
            pages += 1
    start, cpu = time.perf_counter(), _cpu_seconds()
    subprocess.run([sys.executable, "-m", "pagefind", "--site", str(inputs), "--output-path", str(index), *PAGEFIND_OPTIONS],
                   check=True, capture_output=True)
    return time.perf_counter() - start, _cpu_seconds() - cpu, pages


def _git(folder: Path, *args: str) -> None:
    """Commits with a fixed author and date, so the same data and history give the same commit ids (and cache keys)."""
    import subprocess

    identity = {"GIT_AUTHOR_NAME": "Benchmark", "GIT_AUTHOR_EMAIL": "bench@example.org", "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z",
                "GIT_COMMITTER_NAME": "Benchmark", "GIT_COMMITTER_EMAIL": "bench@example.org", "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z"}
    subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True, env={**os.environ, **identity})


def committed_data(data: Path, target: Path) -> Path:
    """A copy of the data as a council keeps it: a git repository whose one commit is the data as given. The site then
    has a real change log, and each change below is a commit on top, as on a council's build server."""
    shutil.copytree(data, target)
    _git(target, "init", "-q")
    _git(target, "add", "-A")
    _git(target, "commit", "-qm", "First release")
    return target


def change_one_indicator(folder: Path, ward_level: bool, steps: int = 1) -> str:
    """Add 0.1 x `steps` to every value of the first indicator with (or without) ward figures, kept within 0-100, and
    commit it. Repeated builds take a new step each, so no build finds its result already made in the spare site."""
    import pandas as pd

    path = folder / "indicators" / "observations.csv"
    observations = pd.read_csv(path, dtype=str, keep_default_na=False)
    areas = pd.read_csv(folder / "places" / "areas.csv", dtype=str, keep_default_na=False)
    wards = set(areas.loc[areas["type"] == "ward", "code"])
    with_wards = set(observations.loc[observations["area_code"].isin(wards), "indicator_id"])
    indicator = sorted(i for i in observations["indicator_id"].unique() if (i in with_wards) == ward_level)[0]
    rows = observations["indicator_id"] == indicator
    values = pd.to_numeric(observations.loc[rows, "value"], errors="coerce")
    observations.loc[rows, "value"] = (values + 0.1 * steps).clip(upper=100).round(1).map(lambda v: "" if pd.isna(v) else f"{v:g}")
    for bound in ("lower_ci", "upper_ci"):  # keep the interval around the value
        edge = pd.to_numeric(observations.loc[rows, bound], errors="coerce")
        observations.loc[rows, bound] = (edge + 0.1 * steps).clip(upper=100).round(1).map(lambda v: "" if pd.isna(v) else f"{v:g}")
    observations.to_csv(path, index=False)
    _git(folder, "commit", "-qam", f"{indicator} revised (+{0.1 * steps:.1f})")
    return indicator


def bench_scale(name: str, data: Path, repeat: int, workers: int) -> dict:
    changes = ("council_indicator_changed", "ward_indicator_changed")
    floor_names = ("floor_jinja", "floor_vl_convert", "floor_pagefind")
    results: dict = {"data": str(data), "cold": [], "warm": [], **{c: [] for c in changes}, "cold_again": [],
                     **{f: [] for f in floor_names}, **{f"{f}_cpu": [] for f in floor_names}, "changed_indicator": {}}
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as tmp:
            tmp = Path(tmp)
            cache, repository = tmp / "cache", committed_data(data, tmp / "data")
            results["cold"].append(run_build(repository, tmp / "site", cache))
            results["warm"].append(run_build(repository, tmp / "site", cache))
            for change in changes:  # successive commits: the ward-level change is made on top of the council one
                results["changed_indicator"][change] = change_one_indicator(repository, ward_level=change.startswith("ward"))
                results[change].append(run_build(repository, tmp / "site", cache))
            # The same cold build again, of a fresh copy: this machine slows as a run goes on, and the commits are
            # compared with both colds (`*_over_colds`) as well as with the first.
            results["cold_again"].append(run_build(committed_data(data, tmp / "data-again"), tmp / "site-again", tmp / "cache-again"))
            seconds, cpu, pages = jinja_floor(data, tmp / "jinja", cache)
            results["floor_jinja"].append(round(seconds, 3))
            results["floor_jinja_cpu"].append(round(cpu, 3))
            results["floor_jinja_pages"] = pages
            seconds, cpu, charts = vl_convert_floor(tmp / "site", workers)
            results["floor_vl_convert"].append(round(seconds, 3))
            results["floor_vl_convert_cpu"].append(round(cpu, 3))
            results["charts"] = charts
            seconds, cpu, pages = pagefind_floor(tmp / "site", tmp / "pagefind")
            results["floor_pagefind"].append(round(seconds, 3))
            results["floor_pagefind_cpu"].append(round(cpu, 3))
            results["floor_pagefind_pages"] = pages
    median = {k: statistics.median(r["seconds"] for r in results[k]) for k in ("cold", "warm", *changes, "cold_again")}
    colds = [(first["seconds"] + again["seconds"]) / 2 for first, again in zip(results["cold"], results["cold_again"], strict=True)]
    floors = statistics.median(results["floor_jinja"]) + statistics.median(results["floor_vl_convert"])
    pagefind, pagefind_cpu = statistics.median(results["floor_pagefind"]), statistics.median(results["floor_pagefind_cpu"])
    floor_cpu = statistics.median(results["floor_jinja_cpu"]) + statistics.median(results["floor_vl_convert_cpu"])
    results["summary"] = {
        "cold_seconds": median["cold"], "warm_seconds": median["warm"],
        **{f"{c}_seconds": median[c] for c in changes}, **{f"{c}_over_cold": round(median[c] / median["cold"], 3) for c in changes},
        "cold_again_seconds": median["cold_again"],
        **{f"{c}_over_colds": round(statistics.median(r["seconds"] / cold for r, cold in zip(results[c], colds, strict=True)), 3)
           for c in changes},
        "floor_seconds": round(floors, 3), "cold_over_floor": round(median["cold"] / floors, 2) if floors else None,
        "cold_cpu_seconds": statistics.median(r["cpu_seconds"] for r in results["cold"]),
        **{f"{c}_cpu_seconds": statistics.median(r["cpu_seconds"] for r in results[c]) for c in ("warm", *changes)},
        # Not the target's measure: the same ratio with Pagefind's floor added, and the least a build doing (a), (b) and
        # (c) on `workers` cores could take if nothing else cost anything (Pagefind's CPU spread over every core).
        "floor_pagefind_seconds": pagefind, "floor_pagefind_cpu_seconds": pagefind_cpu,
        "cold_over_floors_with_pagefind": round(median["cold"] / (floors + pagefind), 2) if floors else None,
        "least_cold_with_pagefind_over_floor": round((floors + pagefind_cpu / workers) / floors, 2) if floors else None,
        # What a cold build on `workers` cores would have left, at 1.5x of (a) + (b), for all its work beyond the floors'
        # own and Pagefind's: validation, figures, downloads, change log, feeds, caches.
        "floor_cpu_seconds": round(floor_cpu, 3),
        "cpu_left_at_target": round(workers * 1.5 * floors - floor_cpu - pagefind_cpu, 2),
        "warm_stages": {k: statistics.median(r["stages"].get(k, 0) for r in results["warm"]) for k in results["warm"][0]["stages"]},
        "cold_stages": {k: statistics.median(r["stages"].get(k, 0) for r in results["cold"]) for k in results["cold"][0]["stages"]},
    }
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["demo", "england", "both"], default="both")
    parser.add_argument("--repeat", type=int, default=3, help="runs per scale (England runs once unless asked)")
    parser.add_argument("--england-data", default=str(ROOT / "build" / "england-data"))
    parser.add_argument("--output", default=str(ROOT / "bench-results" / "build.json"))
    args = parser.parse_args(argv)
    workers = min(2, os.cpu_count() or 1)
    report = {"machine": {"python": platform.python_version(), "cores": os.cpu_count(), "platform": platform.platform()}, "scales": {}}
    if args.scale in ("demo", "both"):
        report["scales"]["demo"] = bench_scale("demo", ROOT / "data", args.repeat, workers)
    if args.scale in ("england", "both"):
        england = Path(args.england_data)
        if not (england / "indicators" / "observations.csv").is_file():
            import subprocess

            subprocess.run([sys.executable, str(ROOT / "scripts" / "build_england_data.py"), "--output", str(england)], check=True)
        report["scales"]["england"] = bench_scale("england", england, 1 if args.scale == "both" else args.repeat, workers)
    report["peak_memory_mb"] = _peak_mb()
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=1) + "\n")
    for scale, results in report["scales"].items():
        print(scale, json.dumps(results["summary"], indent=1))
    print("peak memory (MB):", report["peak_memory_mb"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
