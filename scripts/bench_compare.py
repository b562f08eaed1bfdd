"""Compare the build of two versions of this code on the same day, alternating them, one build per fresh process.

On a small, noisy machine the same build varies by 20% or more from one run to the next (the disk
most of all), so numbers from different days say little about a change. This checks out `--base` (a
git ref) beside the working tree and builds the same data with each in turn: cold once, then
warm, one council-only indicator changed and one ward-level indicator changed, `--repeat` times
each (a new step of the change each time), putting the cache back to the unchanged data between changed builds (untimed).
The data is a git repository of one commit and each change a commit on it (`bench_build.committed_data`).

    python scripts/bench_compare.py --base HEAD~5 [--scale demo|england] [--repeat 3] [--output bench-results/compare.json]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("warm", "council_indicator_changed", "ward_indicator_changed")


def one_build(root: Path, site: Path, cache: Path, data: Path) -> None:
    """Run in a fresh process by `build`: one build with the code under `root`; prints seconds and groups made.

    Nothing of this project may be imported before `root` is first on the path (the working tree's
    `reportcard` would be used for both versions).
    """
    sys.path.insert(0, str(root))
    import reportcard
    from reportcard.build import build_site

    try:
        from reportcard.site_files import wait_for_removals
    except ImportError:  # code from before it moved there
        from reportcard.build import wait_for_removals

    if Path(reportcard.__file__).resolve().parents[1] != root.resolve():
        raise RuntimeError(f"{reportcard.__file__} is not the code under {root}")
    start, cpu = time.perf_counter(), _cpu_seconds()
    result = build_site(data, site, settings={"REPORTCARD_CACHE": str(cache)})
    seconds = time.perf_counter() - start
    wait_for_removals()  # not in the wall time (it runs after the site is live), but its CPU counts
    print(json.dumps({"seconds": round(seconds, 3), "cpu_seconds": round(_cpu_seconds() - cpu, 3), "groups_made": result.groups_made}))


def _cpu_seconds() -> float:
    """User and system CPU of this process and its finished children: what the build did, less what the machine's
    neighbours took (a guest's stolen time is not counted), so it varies less than the wall clock here."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def build(root: Path, work: Path, data: Path) -> dict:
    run = subprocess.run([sys.executable, __file__, "--one-build", str(root), str(work / "site"), str(work / "cache"), str(data)],
                         cwd=root, capture_output=True, text=True, check=True)
    return json.loads(run.stdout.strip().splitlines()[-1])


def compare(base: str, data: Path, repeat: int) -> dict:
    sys.path.insert(0, str(ROOT / "scripts"))
    from bench_build import change_one_indicator, committed_data

    with tempfile.TemporaryDirectory(prefix="bench-compare-") as tmp:
        tmp = Path(tmp)
        subprocess.run(["git", "worktree", "add", "--detach", str(tmp / "base"), base], cwd=ROOT, check=True, capture_output=True)
        try:
            versions = {"base": tmp / "base", "head": ROOT}
            data = committed_data(data, tmp / "data")
            # A new change for each repeat, each a commit on the data's one: a build in the spare site (the one before the
            # live one) must not find it made. Commits are made with a fixed date, so each copy has the same first commit.
            changed = {kind: [change_one_indicator(shutil.copytree(data, tmp / f"{kind}-{step}"), kind.startswith("ward"), step)
                              for step in range(1, repeat + 1)] for kind in KINDS[1:]}
            results: dict = {name: {"cold": [], **{kind: [] for kind in KINDS}} for name in versions}
            for name, root in versions.items():
                results[name]["cold"].append(build(root, tmp / f"work-{name}", data))
            for kind in KINDS:
                for step in range(1, repeat + 1):
                    for name, root in versions.items():
                        results[name][kind].append(build(root, tmp / f"work-{name}", tmp / f"{kind}-{step}" if kind in changed else data))
                        if kind in changed:
                            build(root, tmp / f"work-{name}", data)  # back to the unchanged data, untimed
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tmp / "base")], cwd=ROOT, check=False, capture_output=True)
    summary = {name: {kind: round(statistics.median(r["seconds"] for r in runs), 3) for kind, runs in by_kind.items()}
               for name, by_kind in results.items()}
    cpu = {name: {kind: round(statistics.median(r["cpu_seconds"] for r in runs), 3) for kind, runs in by_kind.items()}
           for name, by_kind in results.items()}
    return {"base": base, "data": str(data), "changed_indicator": {kind: ids[0] for kind, ids in changed.items()}, "runs": results,
            "median_seconds": summary, "median_cpu_seconds": cpu}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--one-build"]:
        one_build(*(Path(a) for a in argv[1:5]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="git ref to compare the working tree with")
    parser.add_argument("--scale", choices=["demo", "england"], default="demo")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--england-data", default=str(ROOT / "build" / "england-data"))
    parser.add_argument("--output", default=str(ROOT / "bench-results" / "compare.json"))
    args = parser.parse_args(argv)
    data = ROOT / "data" if args.scale == "demo" else Path(args.england_data)
    report = compare(args.base, data, args.repeat)
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(report, indent=1) + "\n")
    print(json.dumps({"seconds": report["median_seconds"], "cpu_seconds": report["median_cpu_seconds"]}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
