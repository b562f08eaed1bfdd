"""Benchmark: validate an all-England-sized observations table (SYNTHETIC data) and write JSON.

About 7,000 wards x 50 indicators x 10 periods = 3.5 million rows, generated here and labelled
synthetic. Measures, in one process so the ratio holds on a noisy machine:
  - the floor: pandas alone reading the CSV with the schema's types;
  - `reportcard` validating the whole data folder (vectorised engine, all three layers);
and writes rows/s, seconds (median of --repeat runs), the ratio, and peak memory (ru_maxrss).

Run: python scripts/bench_validate.py [--wards 7000 --indicators 50 --periods 10 --repeat 3]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reportcard.validate import validate_folder  # noqa: E402


def make_england(folder: Path, wards: int, indicators: int, periods: int, seed: int = 1) -> int:
    """Write a valid synthetic data folder; returns the number of observation rows."""
    rng = random.Random(seed)
    for package in ("places", "indicators", "targets", "partnerships"):
        (folder / package).mkdir(parents=True)
        descriptor = json.loads((ROOT / "data" / package / "datapackage.json").read_text())
        descriptor["resources"] = [r for r in descriptor["resources"] if r.get("format") == "csv"]
        descriptor["profile"] = "tabular-data-package"
        (folder / package / "datapackage.json").write_text(json.dumps(descriptor))
        for r in descriptor["resources"]:
            names = [f["name"] for f in r["schema"]["fields"]]
            (folder / package / r["path"]).write_text(",".join(names) + "\n")
    councils = max(1, wards // 23)
    with (folder / "places" / "areas.csv").open("a", newline="") as handle:
        w = csv.writer(handle, lineterminator="\n")
        w.writerow(["E92000001", "England (synthetic)", "country", "", "", "", "synthetic"])
        for c in range(councils):
            w.writerow([f"E06{c:06d}", f"Council {c} (synthetic)", "unitary", "E92000001", "", "", "synthetic"])
        for i in range(wards):
            w.writerow([f"E05{i:06d}", f"Ward {i} (synthetic)", "ward", f"E06{i % councils:06d}", "", "", "synthetic"])
    (folder / "indicators" / "themes.csv").write_text("id,title,description,order\nsynthetic,Synthetic,Synthetic theme,0\n")
    with (folder / "indicators" / "indicators.csv").open("a", newline="") as handle:
        w = csv.writer(handle, lineterminator="\n")
        for k in range(indicators):
            w.writerow([f"SYN{k:03d}", f"Synthetic indicator {k}", f"Synthetic {k}", "synthetic", "percentage", "%", 1,
                        "higher_is_better", "ward", "annual", "synthetic", "", "Synthetic benchmark data.", "false", "", "", "none", "true"])
    rows = 0
    with (folder / "indicators" / "observations.csv").open("a", newline="") as handle:
        w = csv.writer(handle, lineterminator="\n")
        for k in range(indicators):
            for i in range(wards):
                for p in range(periods):
                    value = round(rng.uniform(5, 95), 1)
                    with_ci = k % 3 == 0
                    w.writerow([f"SYN{k:03d}", f"E05{i:06d}", f"{2010 + p}/{(11 + p) % 100:02d}", "all", value,
                                round(value - 1.5, 1) if with_ci else "", round(value + 1.5, 1) if with_ci else "",
                                rng.randint(10, 5000), "", "final", "", "true"])
                    rows += 1
    return rows


def pandas_floor(path: Path) -> float:
    start = time.perf_counter()
    pd.read_csv(path, dtype={"indicator_id": str, "area_code": str, "period": str, "breakdown": str, "value": float,
                             "lower_ci": float, "upper_ci": float, "numerator": float, "denominator": float,
                             "status": str, "note": str, "illustrative": str}, keep_default_na=False, na_values=[""])
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wards", type=int, default=7000)
    parser.add_argument("--indicators", type=int, default=50)
    parser.add_argument("--periods", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results" / "validate.json")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="reportcard-bench-"))
    try:
        start = time.perf_counter()
        rows = make_england(work / "data", args.wards, args.indicators, args.periods)
        generate_s = time.perf_counter() - start
        observations = work / "data" / "indicators" / "observations.csv"
        floors, runs = [], []
        for _ in range(args.repeat):
            floors.append(pandas_floor(observations))
            start = time.perf_counter()
            report, _ = validate_folder(work / "data", engine="vector")
            runs.append(time.perf_counter() - start)
            assert report.valid, [p.as_dict() for p in report.errors[:5]]
        floor, run = statistics.median(floors), statistics.median(runs)
        result = {
            "synthetic": True,
            "rows": rows,
            "file_mb": round(observations.stat().st_size / 1e6, 1),
            "generate_seconds": round(generate_s, 2),
            "validate_seconds_median": round(run, 2),
            "validate_seconds_all": [round(x, 2) for x in runs],
            "pandas_floor_seconds_median": round(floor, 2),
            "ratio_to_pandas_floor": round(run / floor, 2),
            "rows_per_second": round(rows / run),
            "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "targets": {"validate_seconds_max": 60, "ratio_to_pandas_floor_max": 3},
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
