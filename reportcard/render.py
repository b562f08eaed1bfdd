"""Charts to files: SVG rendered by vl-convert, cached on disk by a hash of the spec, plus the spec and CSV.

An unchanged chart is never rendered twice: the SVG is stored under the SHA-256 of the spec (and the
vl-convert version) and copied from there. New charts are rendered in worker processes started with
"spawn", because vl-convert's runtime hangs in a forked child.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .charts import Chart
from .downloads import csv_text

#: Below this many new charts, starting worker processes costs more than it saves.
POOL_THRESHOLD = 48


@dataclass
class RenderStats:
    rendered: int = 0
    reused: int = 0


def spec_json(spec: dict) -> str:
    return json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _renderer_version() -> str:
    import vl_convert

    return vl_convert.__version__


def spec_key(text: str, version: str) -> str:
    return hashlib.sha256(f"{version}\n{text}".encode()).hexdigest()


def svg_of(text: str) -> str:
    """Render one spec. Top level so worker processes can import it."""
    import vl_convert

    return vl_convert.vegalite_to_svg(json.loads(text))


def _svgs(texts: list[str], workers: int) -> list[str]:
    if workers <= 1 or len(texts) < POOL_THRESHOLD:
        return [svg_of(t) for t in texts]
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        return list(pool.map(svg_of, texts, chunksize=max(1, len(texts) // (workers * 8))))


def write_file(path: Path, text: str) -> None:
    """Write UTF-8 text, making the folders. The site is built into a fresh folder, so nothing is overwritten."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def render_charts(charts: list[Chart], output: Path, cache: Path, workers: int | None = None) -> RenderStats:
    """Write each chart's .svg, .vl.json and .csv under `output`, rendering only specs not in `cache`."""
    version = _renderer_version()
    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    pending: dict[str, str] = {}
    keys = []
    for chart in charts:
        text = spec_json(chart.spec)
        key = spec_key(text, version)
        keys.append(key)
        if not (cache / key[:2] / f"{key}.svg").exists() and key not in pending:
            pending[key] = text
    if pending:
        for key, svg in zip(pending, _svgs(list(pending.values()), workers), strict=True):
            write_file(cache / key[:2] / f"{key}.svg", svg)
    stats = RenderStats(rendered=len(pending), reused=len(charts) - len(pending))
    for chart, key in zip(charts, keys, strict=True):
        base = output / chart.path
        write_file(base.with_suffix(".svg"), (cache / key[:2] / f"{key}.svg").read_text(encoding="utf-8"))
        write_file(base.with_suffix(".vl.json"), json.dumps(chart.spec, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
        write_file(base.with_suffix(".csv"), csv_text(chart.columns, chart.csv_rows))
    return stats
