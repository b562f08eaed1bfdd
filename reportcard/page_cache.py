"""Pages whose inputs did not change are copied from the last build, not worked out and rendered again.

Each page group (a ward's card with its CSV, an indicator's page with its charts...) is keyed by a
SHA-256 of exactly the data that feeds it: the site-wide inputs (code, templates, settings, every
table except observations), plus the observation rows the group reads. Rows are hashed once, in
one vectorised pass, and summed per area, per indicator and per (indicator, area), so a key costs
a few dictionary lookups and a commit that changes one indicator's rows changes only the keys of
pages that show it.

The data version and validation counts are on every page but change with every commit, so pages
are rendered with placeholder tokens for them and the real values are put in when a page is
written (`stamp`): the cached text stays valid from one version to the next.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from .dataset import Dataset
from .model import Area, Model
from .prefetch import bundle_name
from .provenance import DataVersion
from .site_files import create_file, discard, retire, rewrite_file

# -- placeholders for what changes with every data version -----------------------------------

_TOKEN = "@@reportcard:{}@@"
TOKEN_START, _TOKEN_END = _TOKEN.split("{}")
TOKENS = {name: _TOKEN.format(name) for name in ("id", "short", "kind", "date", "year", "checks")}
_SAFE_VALUE = re.compile(r"^[\w :,.+-]*$")


class PlaceholderVersion(DataVersion):
    """A data version whose fields are tokens; `date` stays None when the real one has no date, so templates branch alike."""

    @property
    def year(self) -> str | None:
        return TOKENS["year"] if self.date else None


def placeholder_version(real: DataVersion) -> PlaceholderVersion:
    return PlaceholderVersion(TOKENS["id"], TOKENS["short"], TOKENS["kind"], TOKENS["date"] if real.date else None)


def stamp_values(version: DataVersion, checks: str) -> dict[str, str]:
    """Token -> real text. Every value is plain (hex, dates, words), so it needs no escaping in HTML or JSON."""
    values = {"id": version.id, "short": version.short, "kind": version.kind, "date": version.date or "",
              "year": version.year or "", "checks": checks}
    for name, value in values.items():
        if not _SAFE_VALUE.match(value):
            raise ValueError(f"data version {name} {value!r} would need escaping")
    return {TOKENS[name]: value for name, value in values.items()}


def stamp(text: str | bytes, values: dict[str, str]) -> str | bytes:
    """Fill in the tokens in one pass over the text (every page is stamped in every build); an unknown one is left.
    A page kept from the last build is stamped as the UTF-8 it was stored as (`PageCache`), not decoded."""
    if isinstance(text, bytes):
        start, end, value_of = TOKEN_START.encode(), _TOKEN_END.encode(), {k.encode(): v.encode() for k, v in values.items()}
    else:
        start, end, value_of = TOKEN_START, _TOKEN_END, values
    pieces = text.split(start)
    if len(pieces) == 1:
        return text
    stamped = [pieces[0]]
    for piece in pieces[1:]:
        name, found, rest = piece.partition(end)
        value = value_of.get(start + name + end) if found else None
        stamped.append(start + piece if value is None else value + rest)
    return text[:0].join(stamped)


# -- what feeds each page --------------------------------------------------------------------


def _sha(*parts: object) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else str(part).encode())
        digest.update(b"\0")
    return digest.hexdigest()


def files_digest(paths: Iterable[Path], root: Path) -> str:
    """Relative path and bytes of each file, in sorted order: the same files give the same digest wherever they are."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


#: Settings that say where things are, not what pages show.
#: (Commentary is read per ward, into that ward's key.)
_PLACES = {"OUTPUT_PATH", "REPORTCARD_DATA", "REPORTCARD_CACHE", "REPORTCARD_PREVIOUS", "REPORTCARD_COMMENTARY", "REPORTCARD_SETTINGS_FILE",
           "PATH", "THEME", "PLUGIN_PATHS"}


def _plain(value: object) -> bool:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return True
    if isinstance(value, (list, tuple)):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return False


def site_digest(dataset: Dataset, settings: dict, code: list[Path]) -> str:
    """Everything every page may read: code, templates and the settings file, settings, and every data file but the observations."""
    observations = dataset.resource_path("indicators", "observations")
    data_files = [p for p in dataset.folder.rglob("*") if p.is_file() and p != observations and ".git" not in p.relative_to(dataset.folder).parts]
    roots = [Path(r).resolve() for r in [*code, settings["THEME"], settings.get("REPORTCARD_SETTINGS_FILE")] if r]
    code_files = [p for root in roots for p in (root.rglob("*") if root.is_dir() else [root]) if p.is_file() and "__pycache__" not in p.parts]
    shown = {k: v for k, v in sorted(settings.items()) if k not in _PLACES and _plain(v)}
    return _sha(files_digest(data_files, dataset.folder), files_digest(code_files, Path(os.path.commonpath(code_files))),
                json.dumps(shown, sort_keys=True, default=str))


def _coded(column: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Category codes and names of a key column (never empty: validated). Observations are read as categoricals, so
    this costs nothing; making a category of a million cells' text again took a tenth of a second a column."""
    coded = column if isinstance(column.dtype, pd.CategoricalDtype) else column.astype(str).astype("category")
    return coded.cat.codes.to_numpy(dtype=np.int64), [str(c) for c in coded.cat.categories]


def _sums(groups: np.ndarray, hashes: np.ndarray, size: int) -> np.ndarray:
    """Sum of row hashes per group (wrapping uint64 arithmetic): the same set of rows gives the same sum in any order."""
    totals = np.zeros(size, dtype=np.uint64)
    np.add.at(totals, groups, hashes)
    return totals


@dataclass
class RowSums:
    """Sums of observation-row hashes per area, per area over ward-level indicators only, per indicator and per
    (indicator, area) with rows. Plain dictionaries, so another process can make them beside the model."""

    area: dict[str, int] = field(default_factory=dict)
    area_ward_level: dict[str, int] = field(default_factory=dict)
    indicator: dict[str, int] = field(default_factory=dict)
    pair: dict[tuple[str, str], int] = field(default_factory=dict)


def row_sums(observations: pd.DataFrame, ward_codes: set[str]) -> RowSums:
    if observations.empty:
        return RowSums()
    hashes = pd.util.hash_pandas_object(observations.drop(columns=["_row"], errors="ignore"), index=False).to_numpy()
    areas, area_names = _coded(observations["area_code"])
    indicators, indicator_names = _coded(observations["indicator_id"])
    # Indicators with ward figures: the only ones a ward card shows, so the only council rows it reads.
    is_ward = np.array([c in ward_codes for c in area_names], dtype=bool)
    ward_level = np.zeros(len(indicator_names), dtype=bool)
    ward_level[indicators[is_ward[areas]]] = True
    kept = ward_level[indicators]
    # One slot per (indicator, area), for the pairs that have rows (a few hundred thousand slots at England scale).
    pairs = indicators * len(area_names) + areas
    present = np.flatnonzero(np.bincount(pairs, minlength=len(indicator_names) * len(area_names)))
    totals = _sums(pairs, hashes, len(indicator_names) * len(area_names))[present]
    return RowSums(
        dict(zip(area_names, _sums(areas, hashes, len(area_names)).tolist(), strict=True)),
        dict(zip(area_names, _sums(areas[kept], hashes[kept], len(area_names)).tolist(), strict=True)),
        dict(zip(indicator_names, _sums(indicators, hashes, len(indicator_names)).tolist(), strict=True)),
        {(indicator_names[p // len(area_names)], area_names[p % len(area_names)]): t for p, t in zip(present.tolist(), totals.tolist(), strict=True)},
    )


def dataset_row_sums(dataset: Dataset) -> RowSums:
    """The same sums as the model's, from the validated tables (the plugin makes them while the model is built)."""
    observations = dataset.frame("indicators", "observations")
    areas = dataset.frame("places", "areas", ["code", "type"])
    wards = {str(c) for c in areas.loc[(areas["type"] == "ward").to_numpy(), "code"]} if areas is not None else set()
    return row_sums(observations if observations is not None else pd.DataFrame(), wards)


@dataclass
class InputPrints:
    """Keys for page groups, from the model and a digest of everything site-wide; `sums` are made from the model when not given."""

    model: Model
    site: str
    commentary_dir: Path
    sums: RowSums | None = None
    _peer_sums: dict[tuple[str, str], int] = field(default_factory=dict)
    _line_rests: dict[tuple, str] = field(default_factory=dict)
    _ward_shells: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        if self.sums is None:
            self.sums = row_sums(self.model.observations, {code for code, area in self.model.areas.items() if area.is_ward})

    @cached_property
    def _targets_by_area(self) -> dict[str, list[tuple[str, int]]]:
        by_area: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for target in self.model.targets.values():
            by_area[self.model.agreements[target.agreement_id].area_code].append((target.id, self._target_sum(target.id)))
        return by_area

    def _targets_of(self, codes: set[str]) -> list:
        """Observation sums behind the status of each target agreed for these areas."""
        return sorted(t for code in codes for t in self._targets_by_area.get(code, []))

    @cached_property
    def _peers(self) -> dict[str, str]:
        """Per council: a digest of its current wards' rows of ward-level indicators (a ward's placing is among them),
        made once for all its wards' keys (each of 7,380 England wards' keys used to turn its council's list into text)."""
        parents = {w.parent_code for w in self.model.areas.values() if w.is_ward and w.parent_code in self.model.areas}
        return {code: _sha([(w.code, self.sums.area_ward_level.get(w.code, 0)) for w in self.model.wards_of(self.model.areas[code])])
                for code in parents}

    def _commentary(self, code: str) -> bytes:
        path = self.commentary_dir / f"{code}.md"
        return path.read_bytes() if path.is_file() else b""

    def key(self, kind: str, entity_id: str) -> str:
        if kind == "ward":
            return self.ward(self.model.areas[entity_id])
        if kind == "area":
            return self.area(self.model.areas[entity_id])
        if kind == "indicator":
            return self.indicator(entity_id)
        if kind == "target":
            return self.target(entity_id)
        if kind == "organisation":
            return self._with_targets(kind, entity_id, {t.id for t, _ in self.model.targets_of_organisation(entity_id)})
        if kind == "partnership":
            return self._with_targets(kind, entity_id, self.model.shared_target_ids(entity_id))
        if kind == "changes" or (kind == "list" and entity_id != "targets"):
            return _sha(self.site, kind, entity_id)  # a release's CSV (named by the versions compared); lists of names
        return self.all_targets(kind, entity_id)

    def ward(self, ward: Area) -> str:
        """Its own rows; its councils' and country's rows of ward-level indicators; its peers' (for placings); targets; commentary."""
        ancestors = self.model.ancestors(ward)
        return _sha(self.ward_shell(ward), self.sums.area.get(ward.code, 0), [(a.code, self.sums.area_ward_level.get(a.code, 0)) for a in ancestors],
                    self._peers.get(ward.parent_code or "", ""))

    def ward_shell(self, ward: Area) -> str:
        """A ward card but for its figures (`ward_parts`): the statuses of the targets covering it, and its commentary.
        Asked twice for a card made again (its key, then its shell's), so kept."""
        shell = self._ward_shells.get(ward.code)
        if shell is None:
            targets = self._targets_of({ward.code} | {a.code for a in self.model.ancestors(ward)})
            shell = self._ward_shells[ward.code] = _sha(self.site, "ward", ward.code, targets, self._commentary(ward.code))
        return shell

    def has_rows(self, indicator_id: str, area_code: str) -> bool:
        """Whether the area has any figure of the indicator (most wards have none of the council-only ones)."""
        return (indicator_id, area_code) in self.sums.pair

    def line(self, indicator_id: str, ward: Area, benchmarks: list[Area]) -> str:
        """One indicator's line on a ward card: the row sums of the ward, of its benchmarks (in the line's comparisons)
        and, for a current ward's placing, of every ward its council has. Only ever compared with the same line's key
        in the card's last version, after the site digest (`FigureParts`), so it is the sums as text, not hashed again."""
        return self.line_keys(ward, benchmarks)(indicator_id)

    def line_keys(self, ward: Area, benchmarks: list[Area]) -> Callable[[str], str]:
        """`line` for each indicator of one card (a card asks for fifty): all but the ward's own sum is the same for
        every ward of a council, so it is worked out once per indicator and council."""
        pair, parent, codes = self.sums.pair, self.model.parent(ward), tuple(a.code for a in benchmarks)
        council = parent if ward.current and parent is not None else None

        def key(indicator_id: str) -> str:
            shared = (indicator_id, codes, council.code if council else None)
            rest = self._line_rests.get(shared)
            if rest is None:
                peers = self._sum_of(indicator_id, council.code, [w.code for w in self.model.wards_of(council)]) if council else 0
                rest = self._line_rests[shared] = " ".join([*(str(pair.get((indicator_id, c), 0)) for c in codes), str(peers)])
            return f"{pair.get((indicator_id, ward.code), 0)} {rest}"

        return key

    def _sum_of(self, indicator_id: str, name: str, codes: list[str]) -> int:
        """The indicator's row sums over `codes` (a council's wards, a group of similar councils), worked out once per `name`."""
        key = (indicator_id, name)
        if key not in self._peer_sums:
            self._peer_sums[key] = sum(self.sums.pair.get((indicator_id, c), 0) for c in codes) % 2**64
        return self._peer_sums[key]

    def area_line(self, indicator_id: str, area: Area, benchmarks: list[Area]) -> str:
        """One indicator's line on an area page (`line`, for an area page): the row sums of the area, of its benchmarks,
        and of each group of similar councils it is compared with (their median)."""
        pair = self.sums.pair
        groups = [self._sum_of(indicator_id, f"group:{group}", codes) for group, _, codes in self.model.comparators_of(area)]
        return " ".join([str(pair.get((indicator_id, area.code), 0)), *(str(pair.get((indicator_id, a.code), 0)) for a in benchmarks),
                         *map(str, groups)])

    def area_line_keys(self, area: Area, benchmarks: list[Area]) -> Callable[[str], str]:
        """`area_line` for each indicator of one area page (as `line_keys` for a card)."""
        return lambda indicator_id: self.area_line(indicator_id, area, benchmarks)

    def area_shell(self, area: Area) -> str:
        """An area page but for its figures (`ward_parts`): the statuses of the targets agreed for it and its ancestors."""
        return _sha(self.site, "area", area.code, self._targets_of({area.code} | {a.code for a in self.model.ancestors(area)}))

    def area(self, area: Area) -> str:
        """Its own rows, its benchmarks' (ancestors) and its comparator groups' (medians); targets."""
        codes = {area.code} | {a.code for a in self.model.ancestors(area)} | {c for _, _, members in self.model.comparators_of(area) for c in members}
        return _sha(self.area_shell(area), sorted((c, self.sums.area.get(c, 0)) for c in codes))

    def indicator(self, indicator_id: str) -> str:
        return _sha(self.site, "indicator", indicator_id, self.sums.indicator.get(indicator_id, 0))

    def target(self, target_id: str) -> str:
        return _sha(self.site, "target", target_id, self._target_sum(target_id))

    def _with_targets(self, kind: str, entity_id: str, target_ids: set[str]) -> str:
        """A page that shows the statuses of these targets (an organisation's, those a partnership's members share):
        everything site-wide and the observation sums behind each status, as a target's own page is keyed."""
        return _sha(self.site, kind, entity_id, sorted((t, self._target_sum(t)) for t in target_ids))

    def _target_sum(self, target_id: str) -> int:
        target = self.model.targets[target_id]
        return self.sums.pair.get((target.indicator_id, self.model.agreements[target.agreement_id].area_code), 0)

    def all_targets(self, kind: str, entity_id: str) -> str:
        """The home page and the list of targets show every target's status (the scorecard), and otherwise read only
        what every page reads."""
        return _sha(self.site, kind, entity_id, self._all_targets)

    @cached_property
    def _all_targets(self) -> list:
        return self._targets_of(set(self._targets_by_area))


# -- the stored groups -------------------------------------------------------------------------


@dataclass
class Bundle:
    """Every file of one page group: text by site path (pages before stamping), chart SVGs by spec key,
    what the search index reads of each page (`search.indexed_print`), and parts kept for the group's
    next version but not published (a ward card's lines, `ward_parts`). A group read back from the cache has
    its texts as the UTF-8 bytes stored (`text` decodes one): most are only stamped and written again."""

    texts: dict[str, str | bytes] = field(default_factory=dict)
    svgs: dict[str, str] = field(default_factory=dict)
    search: dict[str, str] = field(default_factory=dict)
    parts: dict[str, str] = field(default_factory=dict)
    digests: dict[str, str] = field(default_factory=dict)  # SHA-256 of each text, names it in the site's manifest (`site_files`)

    def text(self, path: str) -> str:
        text = self.texts[path]
        return text.decode("utf-8") if isinstance(text, bytes) else text


def group_name(group_key: tuple[str, str]) -> str:
    kind, entity_id = group_key
    return f"{kind}/{entity_id}"


class PageCache:
    """One file per group: a JSON line (the key, each text's and part's name and size, the SVG keys, the search prints),
    then the texts and parts one after another, in UTF-8, then the key again. JSON-escaping 40 KB of HTML was most of
    the time of keeping a page; this is slicing. Which key each group had is remembered (`groups.json`), so the next
    build reads a group only when its key is the same, or to find a changed group's last version (`last`).

    A group's file is named after the group, not its key, so a changed group is written into its file, not created
    anew while its last version is removed: a commit changes 7,380 ward cards, and creating a file and unlinking one
    cost about ten times what writing 45 KB into one does. A file cut short, or half rewritten when a build stopped,
    has a length or a closing key that does not match its header, and counts as missing.
    """

    def __init__(self, folder: Path, last_keys: dict[str, str] | None = None):
        self.folder = folder
        self.keys: dict[str, str] = {}  # group name -> the key it has in this build
        self.last_keys = last_keys or {}
        self.hits = self.misses = 0

    def _path(self, group: str) -> Path:
        return self.folder / bundle_name(group)

    def get(self, key: str, group: str) -> Bundle | None:
        """A group the last build stored under another key is not read: its file holds that key's version."""
        self.keys[group] = key
        last = self.last_keys.get(group)
        bundle = self._read(group, key, parts=False) if last is None or last == key else None
        if bundle is None:
            self.misses += 1
        else:
            self.hits += 1
        return bundle

    def last(self, group: str) -> Bundle | None:
        """The group as the last build stored it (its inputs have changed since, or it would have been a hit)."""
        key = self.last_keys.get(group)
        return self._read(group, key) if key else None

    def _read(self, group: str, key: str, parts: bool = True) -> Bundle | None:
        """Without `parts` for a group kept as it is (a ward card's fifty parts are read only to make it again)."""
        try:
            with open(self._path(group), "rb") as file:
                stored = file.read()
            line = stored.index(b"\n")
            header, at, texts, kept = json.loads(stored[:line]), line + 1, {}, {}
            if header["key"] != key:
                return None
            for name, length in header["sizes"]:
                texts[name], at = stored[at:at + length], at + length
            for name, length in header["part_sizes"]:
                if parts:
                    kept[name] = stored[at:at + length].decode("utf-8")
                at += length
            if len(stored) - at != len(key) or not stored.endswith(key.encode()):
                raise ValueError("cut short or half rewritten")
            return Bundle(texts, header["svgs"], header["search"], kept, header["digests"])
        except (OSError, ValueError, KeyError, TypeError):  # missing, damaged, or from an older layout
            return None

    def put(self, key: str, group: str, bundle: Bundle) -> None:
        """Sizes are in bytes, so a kept group's texts are sliced out of the file without decoding it."""
        texts = [text.encode("utf-8") if isinstance(text, str) else text for text in bundle.texts.values()]
        parts = [text.encode("utf-8") for text in bundle.parts.values()]
        header = json.dumps({"key": key, "sizes": [[p, len(t)] for p, t in zip(bundle.texts, texts, strict=True)], "svgs": bundle.svgs,
                             "search": bundle.search, "part_sizes": [[n, len(t)] for n, t in zip(bundle.parts, parts, strict=True)],
                             "digests": bundle.digests})
        content, path = b"".join([header.encode("utf-8"), b"\n", *texts, *parts, key.encode()]), self._path(group)
        self.keys[group] = key
        try:
            rewrite_file(path, content)
        except FileNotFoundError:
            create_file(path, content)

    def add(self, other: PageCache) -> None:
        """Count in what another process's cache (the same folder) used."""
        self.keys.update(other.keys)
        self.hits += other.hits
        self.misses += other.misses

    @staticmethod
    def load_keys(folder: Path) -> dict[str, str]:
        try:
            keys = json.loads((folder / "groups.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return keys if isinstance(keys, dict) else {}

    def sweep(self) -> int:
        """Remove the files of groups this build did not have (a ward that is gone), and record which key each group has.
        Returns how many were removed."""
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "groups.json").write_text(json.dumps(self.keys, sort_keys=True), encoding="utf-8")
        removed, trash, kept = 0, self.folder.parent / f".{self.folder.name}-replaced", {bundle_name(g) for g in self.keys}
        for path in self.folder.glob("*/*") if self.folder.is_dir() else []:
            if f"{path.parent.name}/{path.name}" not in kept:
                retire(path, trash)  # unlinked in the background (`site_files.retire`)
                removed += 1
        discard(trash)
        return removed
