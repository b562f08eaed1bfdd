"""What changed between published versions of the data: new figures, revisions, indicators and targets.

A version is a git commit that touched the data folder (the site republishes on every such commit),
plus the working copy when it has uncommitted changes. Each version is compared with the one before
it. Values are compared at the indicator's stated precision, so re-saving a file with more decimals
is not a revision, while a published figure that changed is. Without git, a build can be given the
previous published data folder instead.
"""

from __future__ import annotations

import io
import json
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from .dataset import Dataset
from .provenance import DataVersion, data_version

KEY = ["indicator_id", "area_code", "breakdown", "period"]
#: How many earlier versions the change log goes back by default.
DEPTH = 5

Reader = Callable[[str], bytes | None]


@dataclass(frozen=True)
class Snapshot:
    """One version of the data, reduced to what the change log compares."""

    indicators: dict[str, tuple[str, int]]  # id -> (title, decimal places)
    targets: dict[str, str]  # id -> indicator id
    observations: pd.DataFrame  # KEY + value (float, NaN when empty)


@dataclass(frozen=True)
class Release:
    """A published version of the data and what it changed since the version before it."""

    version: str
    short: str
    date: str | None
    subject: str
    first: bool  # no earlier version to compare with
    changed: pd.DataFrame = field(repr=False)  # KEY + before, after, kind ("new", "revised", "withdrawn")
    added_indicators: list[str] = field(default_factory=list)
    removed_indicators: list[str] = field(default_factory=list)
    added_targets: list[str] = field(default_factory=list)
    removed_targets: list[str] = field(default_factory=list)

    def new_periods(self) -> list[tuple[str, str, int]]:
        """(indicator, period, figures) for each indicator period that gained figures."""
        new = self.changed[self.changed["kind"] == "new"]
        counts = new.groupby(["indicator_id", "period"], sort=True).size()
        return [(i, p, int(n)) for (i, p), n in counts.items()]

    def rows(self, kind: str) -> pd.DataFrame:
        return self.changed[self.changed["kind"] == kind]

    @property
    def empty(self) -> bool:
        return self.changed.empty and not (self.added_indicators or self.removed_indicators or self.added_targets or self.removed_targets)


def _csv(raw: bytes | None, columns: list[str]) -> pd.DataFrame:
    if raw is None:
        return pd.DataFrame(columns=columns, dtype=str)
    frame = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    for column in columns:
        if column not in frame:
            frame[column] = ""
    return frame[columns]


def _resource_file(read: Reader, package: str, resource: str) -> bytes | None:
    descriptor = read(f"{package}/datapackage.json")
    if descriptor is None:
        return None
    try:
        resources = json.loads(descriptor.decode("utf-8-sig")).get("resources", [])
    except (ValueError, AttributeError):
        return None
    path = next((r.get("path") for r in resources if isinstance(r, dict) and r.get("name") == resource), None)
    return read(f"{package}/{path}") if isinstance(path, str) else None


def read_snapshot(read: Reader) -> Snapshot:
    """Read a version through `read` (package-relative path -> bytes), tolerating older contracts."""
    indicators = _csv(_resource_file(read, "indicators", "indicators"), ["id", "title", "decimals"])
    places = pd.to_numeric(indicators["decimals"], errors="coerce").fillna(1).astype(int)
    targets = _csv(_resource_file(read, "targets", "targets"), ["id", "indicator_id"])
    observations = _csv(_resource_file(read, "indicators", "observations"), [*KEY, "value"])
    observations["breakdown"] = observations["breakdown"].replace("", "all")
    observations["value"] = pd.to_numeric(observations["value"], errors="coerce")
    return Snapshot(
        dict(zip(indicators["id"], zip(indicators["title"], places, strict=True), strict=True)),
        dict(zip(targets["id"], targets["indicator_id"], strict=True)),
        observations.drop_duplicates(KEY, keep="last"),
    )


def dataset_snapshot(dataset: Dataset) -> Snapshot:
    """The snapshot of data already validated and loaded: the same as `read_snapshot` of its files, without reading them again."""
    def table(package: str, resource: str, columns: list[str]) -> pd.DataFrame:
        frame = dataset.frame(package, resource)
        if frame is None:
            return pd.DataFrame({c: pd.Series(dtype=str) for c in columns})
        return pd.DataFrame({c: frame[c].astype(object).fillna("").astype(str) if c in frame else "" for c in columns})

    indicators = table("indicators", "indicators", ["id", "title", "decimals"])
    places = pd.to_numeric(indicators["decimals"], errors="coerce").fillna(1).astype(int)
    targets = table("targets", "targets", ["id", "indicator_id"])
    observations = table("indicators", "observations", KEY)
    observations["breakdown"] = observations["breakdown"].replace("", "all")
    frame = dataset.frame("indicators", "observations")
    observations["value"] = frame["value"].to_numpy(dtype=float, na_value=np.nan) if frame is not None else np.array([], dtype=float)
    return Snapshot(
        dict(zip(indicators["id"], zip(indicators["title"], places, strict=True), strict=True)),
        dict(zip(targets["id"], targets["indicator_id"], strict=True)),
        observations.drop_duplicates(KEY, keep="last"),
    )


def stored_snapshot(cache: Path | None, version_id: str, read: Reader) -> Snapshot:
    """A version's snapshot from `cache` (by version id: a commit or a content hash never changes), else read and kept.

    At England scale each version's observations are ~90 MB of CSV: parsing six of them took longer than building the pages.
    """
    if cache is None:
        return read_snapshot(read)
    name = version_id.replace(":", "-")
    table, lists = cache / f"{name}.parquet", cache / f"{name}.json"
    if table.is_file() and lists.is_file():
        stored = json.loads(lists.read_text(encoding="utf-8"))
        return Snapshot({k: tuple(v) for k, v in stored["indicators"].items()}, stored["targets"], pd.read_parquet(table))
    snapshot = read_snapshot(read)
    cache.mkdir(parents=True, exist_ok=True)
    snapshot.observations.to_parquet(table, index=False)
    lists.write_text(json.dumps({"indicators": snapshot.indicators, "targets": snapshot.targets}), encoding="utf-8")
    return snapshot


def folder_reader(folder: Path) -> Reader:
    def read(path: str) -> bytes | None:
        file = folder / path
        return file.read_bytes() if file.is_file() else None

    return read


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, timeout=120, check=False)


def git_reader(folder: Path, commit: str) -> Reader:
    prefix = _git(folder, "rev-parse", "--show-prefix").stdout.decode().strip()

    def read(path: str) -> bytes | None:
        shown = _git(folder, "show", f"{commit}:{prefix}{path}")
        return shown.stdout if shown.returncode == 0 else None

    return read


def compare(before: Snapshot, after: Snapshot) -> dict:
    """Figures new, revised (at the stated precision) or withdrawn, and indicators and targets added or removed."""
    merged = before.observations.merge(after.observations, on=KEY, how="outer", suffixes=("_before", "_after"), indicator=True)
    places = merged["indicator_id"].map({k: v[1] for k, v in {**before.indicators, **after.indicators}.items()}).fillna(1).astype(int)
    scale = np.power(10.0, places.to_numpy())
    old, new = merged["value_before"].to_numpy(float), merged["value_after"].to_numpy(float)
    # Half away from zero at each indicator's precision, as on the pages.
    old_r, new_r = np.sign(old) * np.floor(np.abs(old) * scale + 0.5), np.sign(new) * np.floor(np.abs(new) * scale + 0.5)
    both = (merged["_merge"] == "both").to_numpy()
    differs = both & ~((old_r == new_r) | (np.isnan(old_r) & np.isnan(new_r)))
    kind = np.select([merged["_merge"].eq("right_only").to_numpy(), differs, merged["_merge"].eq("left_only").to_numpy()],
                     ["new", "revised", "withdrawn"], default="")
    changed = merged.assign(kind=kind, before=merged["value_before"], after=merged["value_after"])
    changed = changed[changed["kind"] != ""][[*KEY, "before", "after", "kind"]].sort_values(KEY, kind="stable").reset_index(drop=True)
    return {
        "changed": changed,
        "added_indicators": sorted(set(after.indicators) - set(before.indicators)),
        "removed_indicators": sorted(set(before.indicators) - set(after.indicators)),
        "added_targets": sorted(set(after.targets) - set(before.targets)),
        "removed_targets": sorted(set(before.targets) - set(after.targets)),
    }


def _release(version: DataVersion, subject: str, snapshot: Snapshot, earlier: Snapshot | None) -> Release:
    if earlier is None:
        columns = {c: pd.Series(dtype=str) for c in KEY} | {"before": pd.Series(dtype=float), "after": pd.Series(dtype=float)}
        empty = pd.DataFrame(columns | {"kind": pd.Series(dtype=str)})
        return Release(version.id, version.short, version.date, subject, True, empty)
    return Release(version.id, version.short, version.date, subject, False, **compare(earlier, snapshot))


def _commits(folder: Path, depth: int) -> list[tuple[str, str, str]]:
    """(sha, date, subject) of the commits that touched the folder, newest first."""
    log = _git(folder, "log", f"-{depth}", "--format=%H%x09%cs%x09%s", "--", ".")
    if log.returncode != 0:
        return []
    return [tuple(line.split("\t", 2)) for line in log.stdout.decode().splitlines() if line.count("\t") == 2]


def history(folder: Path, current: DataVersion | None = None, depth: int = DEPTH, previous: Path | None = None,
            cache: Path | None = None, snapshot: Snapshot | None = None) -> list[Release]:
    """The releases of the data, newest first: this version, then up to `depth` earlier commits.

    With `previous` (a folder of the previously published data) there is exactly one comparison.
    Snapshots are kept in `cache` by version id, so each commit is read from git once; `snapshot`
    is this version's, when the build has it already (`dataset_snapshot`).
    """
    folder = folder.resolve()
    current = current or data_version(folder)  # the build already knows it (a content hash reads every file)
    snapshot = snapshot if snapshot is not None else stored_snapshot(cache, current.id, folder_reader(folder))
    if previous is not None:
        return [_release(current, "This version", snapshot, read_snapshot(folder_reader(previous)))]
    commits = _commits(folder, depth + 1)
    versions: list[tuple[DataVersion, str, Snapshot]] = []
    if current.kind != "git commit":
        versions.append((current, "Uncommitted changes", snapshot))
    for sha, day, subject in commits:
        read = git_reader(folder, sha)
        snap = snapshot if sha == current.id else stored_snapshot(cache, sha, read)
        versions.append((DataVersion(sha, sha[:12], "git commit", day), subject, snap))
    if not versions:
        versions.append((current, "This version", snapshot))
    # One version more than is shown, so the oldest shown release has something to be compared with.
    versions = versions[: depth + 1]
    if cache is not None and cache.is_dir():  # keep only the snapshots this change log still uses
        used = {v.id.replace(":", "-") for v, _, _ in versions} | {current.id.replace(":", "-")}
        for path in cache.iterdir():
            if path.name.split(".")[0] not in used:
                path.unlink(missing_ok=True)
    return [
        _release(version, subject, snap, versions[i + 1][2] if i + 1 < len(versions) else None)
        for i, (version, subject, snap) in enumerate(versions[:depth])
    ]


def release_date(release: Release) -> str:
    """The date to show for a release: its commit date, or today for uncommitted data."""
    return release.date or date.today().isoformat()
