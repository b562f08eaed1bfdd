"""What changed between published versions of the data: new figures, revisions, indicators and targets.

A version is a git commit that touched the data folder (the site republishes on every such commit),
plus the working copy when it has uncommitted changes. Each version is compared with the one before
it. Values are compared at the indicator's stated precision, so re-saving a file with more decimals
is not a revision, while a published figure that changed is. Without git, a build can be given the
previous published data folder instead.
"""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.feather as feather

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
    observations: pd.DataFrame  # KEY as categories of text (blank breakdown read as "all") + value (float, NaN when empty)


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
    earlier: str | None = None  # the version compared with, when it has an id (a commit or a content hash)

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
    observations = observations.astype(dict.fromkeys(KEY, "category"))
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
        return pd.DataFrame({c: _texts(frame[c]) if c in frame else "" for c in columns})

    indicators = table("indicators", "indicators", ["id", "title", "decimals"])
    places = pd.to_numeric(indicators["decimals"], errors="coerce").fillna(1).astype(int)
    targets = table("targets", "targets", ["id", "indicator_id"])
    frame = dataset.frame("indicators", "observations")
    if frame is None:
        frame = pd.DataFrame({c: pd.Series(dtype=str) for c in KEY} | {"value": pd.Series(dtype=float)})
    blank = pd.Series(pd.NA, index=frame.index, dtype="category")
    observations = pd.DataFrame({c: _key_categories(frame.get(c, blank), "all" if c == "breakdown" else "") for c in KEY})
    # The key was checked unique, so only a blank breakdown read as "all" beside an "all" row can repeat one
    # (dropping duplicates of 1.6 million keys took 0.3 s, to find none).
    breakdown = frame.get("breakdown", blank)
    repeats = bool(breakdown.isna().any()) and bool((breakdown == "all").any())
    observations["value"] = frame["value"].to_numpy(dtype=float, na_value=np.nan)
    return Snapshot(
        dict(zip(indicators["id"], zip(indicators["title"], places, strict=True), strict=True)),
        dict(zip(targets["id"], targets["indicator_id"], strict=True)),
        observations.drop_duplicates(KEY, keep="last") if repeats else observations,
    )


def _texts(column: pd.Series) -> pd.Series:
    """A loaded column as the text its file had ("" for empty)."""
    return column.astype(object).fillna("").astype(str)


def _key_categories(column: pd.Series, empty: str) -> pd.Categorical:
    """A loaded key column as categories of the text its file had (`empty` for an empty cell). A categorical column
    keeps its codes: only its few categories are made text (made text row by row, a key column of 1.6 million rows
    took 0.14 s, and its snapshot was written and read as text in 0.2 s each way)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        texts = [str(c) for c in column.cat.categories]
        if len(set(texts)) == len(texts):
            codes = column.cat.codes.to_numpy().copy()
            if (codes < 0).any():
                if empty not in texts:
                    texts.append(empty)
                codes[codes < 0] = texts.index(empty)
            return pd.Categorical.from_codes(codes, categories=texts)
    return pd.Categorical(_texts(column).replace("", empty))


#: Snapshots and comparisons are kept under this digest of the module that makes them, so a change to how they are
#: read or compared never reuses an old one.
CODE = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]


def _stored_name(version_id: str) -> str:
    return f"{version_id.replace(':', '-')}.{CODE}"


def stored_snapshot(cache: Path | None, version_id: str, read: Reader, known: Callable[[], Snapshot] | None = None) -> Snapshot:
    """A version's snapshot from `cache` (by version id: a commit or a content hash never changes), else read and kept.

    At England scale each version's observations are ~90 MB of CSV: parsing six of them took longer than building the pages.
    `known` gives the snapshot when the build has it already (this version's, from the validated tables): it is used
    instead of reading the version back from git (3 s at England scale), and kept for the next build.
    """
    if cache is None:
        return known() if known is not None else read_snapshot(read)
    name = _stored_name(version_id)
    if _is_stored(cache, name):
        table, lists = _load(cache, name)
        return Snapshot({k: tuple(v) for k, v in lists["indicators"].items()}, lists["targets"], table)
    snapshot = known() if known is not None else read_snapshot(read)
    _store(cache, name, snapshot.observations, {"indicators": snapshot.indicators, "targets": snapshot.targets})
    return snapshot


def stored_comparison(cache: Path | None, earlier_id: str, later_id: str, earlier: Callable[[], Snapshot],
                      later: Callable[[], Snapshot]) -> dict:
    """`compare` of two versions, kept in `cache` by their ids, so each pair is compared once (2 s at England scale)
    and an older version's snapshot is not even loaded while its comparison is kept."""
    if cache is None:
        return compare(earlier(), later())
    name = f"{_stored_name(earlier_id)}--{_stored_name(later_id)}"
    if _is_stored(cache, name):
        table, lists = _load(cache, name)
        return {**lists, "changed": table}
    changes = compare(earlier(), later())
    _store(cache, name, changes["changed"], {k: v for k, v in changes.items() if k != "changed"})
    return changes


#: Snapshots and comparisons are Arrow files: a snapshot's key columns are categories (a few thousand values repeated
#: 1.7 million times), kept as such in 20 MB, written in 0.03 s and read in 0.07 (as parquet text: 0.2 s each way).
TABLE = ".arrow"


def _is_stored(cache: Path, name: str) -> bool:
    return (cache / f"{name}{TABLE}").is_file() and (cache / f"{name}.json").is_file()


def _load(cache: Path, name: str) -> tuple[pd.DataFrame, dict]:
    return feather.read_table(cache / f"{name}{TABLE}").to_pandas(), json.loads((cache / f"{name}.json").read_text(encoding="utf-8"))


def _store(cache: Path, name: str, table: pd.DataFrame, lists: dict) -> None:
    """A table beside its lists as JSON (read back only when both are there)."""
    cache.mkdir(parents=True, exist_ok=True)
    feather.write_feather(table, cache / f"{name}{TABLE}", compression="uncompressed")
    (cache / f"{name}.json").write_text(json.dumps(lists), encoding="utf-8")


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
    """Figures new, revised (at the stated precision) or withdrawn, and indicators and targets added or removed.

    Column-wise over every figure (1.7 million at England scale): the indicator's precision is looked up once per
    indicator, and only the rows that changed are gathered.
    """
    old_rows, new_rows = _on_shared_categories(before.observations, after.observations)
    if _same_figures(old_rows, new_rows):  # the usual commit: values revised, no figure added or withdrawn, rows in order
        merged = new_rows[KEY].assign(value_before=old_rows["value"].to_numpy(), value_after=new_rows["value"].to_numpy())
        side = np.full(len(merged), "both")
    else:
        merged = old_rows.merge(new_rows, on=KEY, how="outer", suffixes=("_before", "_after"), indicator=True)
        side = merged.pop("_merge").to_numpy()
    codes, ids = pd.factorize(merged["indicator_id"])
    decimals = {k: v[1] for k, v in {**before.indicators, **after.indicators}.items()}
    scale = np.power(10.0, np.array([decimals.get(i, 1) for i in ids], dtype=float))[codes]
    old, new = merged["value_before"].to_numpy(float), merged["value_after"].to_numpy(float)
    # Half away from zero at each indicator's precision, as on the pages.
    old_r, new_r = np.sign(old) * np.floor(np.abs(old) * scale + 0.5), np.sign(new) * np.floor(np.abs(new) * scale + 0.5)
    added, withdrawn = side == "right_only", side == "left_only"
    revised = (side == "both") & ~((old_r == new_r) | (np.isnan(old_r) & np.isnan(new_r)))
    rows = np.flatnonzero(added | revised | withdrawn)
    kind = np.select([added[rows], revised[rows]], ["new", "revised"], default="withdrawn")
    changed = merged.iloc[rows][KEY].astype(str).assign(before=old[rows], after=new[rows], kind=kind)
    changed = changed.sort_values(KEY, kind="stable").reset_index(drop=True)
    return {
        "changed": changed,
        "added_indicators": sorted(set(after.indicators) - set(before.indicators)),
        "removed_indicators": sorted(set(before.indicators) - set(after.indicators)),
        "added_targets": sorted(set(after.targets) - set(before.targets)),
        "removed_targets": sorted(set(before.targets) - set(after.targets)),
    }


def _on_shared_categories(before: pd.DataFrame, after: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both versions' key columns recoded on the same categories, so keys compare (and merge) as codes."""
    before, after = before.copy(deep=False), after.copy(deep=False)
    for c in KEY:
        if before[c].cat.categories.equals(after[c].cat.categories):
            continue  # the usual commit: recoding 1.7 million rows would change nothing
        categories = before[c].cat.categories.union(after[c].cat.categories, sort=False)
        before[c], after[c] = before[c].cat.set_categories(categories), after[c].cat.set_categories(categories)
    return before, after


def _same_figures(before: pd.DataFrame, after: pd.DataFrame) -> bool:
    """Whether both versions have the same figures (keys) in the same order, so they compare row by row without a merge."""
    return len(before) == len(after) and all(np.array_equal(before[c].cat.codes.to_numpy(), after[c].cat.codes.to_numpy()) for c in KEY)


def _release(version: DataVersion, subject: str, changes: dict | None, earlier: str | None = None) -> Release:
    """`changes` is what `compare` found since the version before (`earlier`); None for the first version."""
    if changes is None:
        columns = {c: pd.Series(dtype=str) for c in KEY} | {"before": pd.Series(dtype=float), "after": pd.Series(dtype=float)}
        empty = pd.DataFrame(columns | {"kind": pd.Series(dtype=str)})
        return Release(version.id, version.short, version.date, subject, True, empty)
    return Release(version.id, version.short, version.date, subject, False, **changes, earlier=earlier)


def _commits(folder: Path, depth: int) -> list[tuple[str, str, str]]:
    """(sha, date, subject) of the commits that touched the folder, newest first."""
    log = _git(folder, "log", f"-{depth}", "--format=%H%x09%cs%x09%s", "--", ".")
    if log.returncode != 0:
        return []
    return [tuple(line.split("\t", 2)) for line in log.stdout.decode().splitlines() if line.count("\t") == 2]


def history(folder: Path, current: DataVersion | None = None, depth: int = DEPTH, previous: Path | None = None,
            cache: Path | None = None, snapshot: Snapshot | Callable[[], Snapshot] | None = None) -> list[Release]:
    """The releases of the data, newest first: this version, then up to `depth` earlier commits.

    With `previous` (a folder of the previously published data) there is exactly one comparison.
    Snapshots and comparisons are kept in `cache` by version id, so each commit is read from git and
    compared with the one before it once; `snapshot` is this version's (or makes it), when the build has it already
    (`dataset_snapshot`): made only if this version's snapshot is not kept and a comparison needs it (1.3 s at
    England scale, for nothing when the commit was built before).
    """
    folder = folder.resolve()
    current = current or data_version(folder)  # the build already knows it (a content hash reads every file)
    made = snapshot if snapshot is None or callable(snapshot) else lambda: snapshot
    if previous is not None:
        now = made() if made is not None else read_snapshot(folder_reader(folder))
        return [_release(current, "This version", compare(read_snapshot(folder_reader(previous)), now))]
    versions: list[tuple[DataVersion, str, Reader]] = []
    if current.kind != "git commit":
        versions.append((current, "Uncommitted changes", folder_reader(folder)))
    for sha, day, subject in _commits(folder, depth + 1):
        versions.append((DataVersion(sha, sha[:12], "git commit", day), subject, git_reader(folder, sha)))
    if not versions:
        versions.append((current, "This version", folder_reader(folder)))
    # One version more than is shown, so the oldest shown release has something to be compared with.
    versions = versions[: depth + 1]
    loaded: dict[str, Snapshot] = {}

    def load(index: int) -> Callable[[], Snapshot]:
        version, _, read = versions[index]

        def snapshot_of() -> Snapshot:
            if version.id not in loaded:
                known = made if version.id == current.id else None
                loaded[version.id] = stored_snapshot(cache, version.id, read, known)
            return loaded[version.id]

        return snapshot_of

    if made is not None and current.kind == "git commit" and not (cache is not None and _is_stored(cache, _stored_name(current.id))):
        load(0)()  # kept for the next commit's build, which compares with it
    releases = []
    for i, (version, subject, _) in enumerate(versions[:depth]):
        earlier = versions[i + 1][0].id if i + 1 < len(versions) else None
        changes = stored_comparison(cache, earlier, version.id, load(i + 1), load(i)) if earlier else None
        releases.append(_release(version, subject, changes, earlier))
    if cache is not None and cache.is_dir():  # keep only the snapshots and comparisons this change log still uses
        used = {_stored_name(v.id) for v, _, _ in versions}
        for path in cache.iterdir():
            if not set(path.name.removesuffix(TABLE).removesuffix(".json").split("--")) <= used:
                path.unlink(missing_ok=True)
    return releases


def release_date(release: Release) -> str:
    """The date to show for a release: its commit date, or today for uncommitted data."""
    return release.date or date.today().isoformat()
