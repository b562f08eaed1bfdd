"""Atom feeds of the change log: one for the whole site and one per ward.

A feed entry is one published data version. Links are written relative to the site root with an
`xml:base`, so the feeds work at any address; with a public URL set they are absolute.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import formatting as fmt
from .changes import Release, release_date
from .site_files import keep_file, write_file

ATOM = "http://www.w3.org/2005/Atom"
FIRST_RELEASE = "First published version of the data."
#: Accounts of releases are kept under this digest of the code that words them (`stored_accounts`).
CODE = hashlib.sha256(b"".join((Path(__file__).parent / name).read_bytes() for name in ("feeds.py", "formatting.py"))).hexdigest()[:12]


@dataclass(frozen=True)
class FeedEntry:
    id: str
    title: str
    updated: str  # ISO date
    href: str  # relative to the site root
    summary: str


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attribute(value: str) -> str:
    return _text(value).replace('"', "&quot;").replace("\r", "&#13;").replace("\n", "&#10;").replace("\t", "&#09;")


def _node(tag: str, text: str = "", **attributes: str) -> str:
    """One element, escaped and laid out as ElementTree writes it (the tests hold the two to the same bytes)."""
    opening = "<" + tag + "".join(f' {name}="{_attribute(value)}"' for name, value in attributes.items())
    return f"{opening}>{_text(text)}</{tag}>" if text else f"{opening} />"


def atom_feed(title: str, feed_id: str, base: str, self_href: str, page_href: str, author: str, entries: list[FeedEntry]) -> str:
    """`base` is the site root (absolute URL, or relative from the feed's folder). Written as text: building and
    serialising an ElementTree for each of 7,380 ward feeds took a second of a ward-level commit's build."""
    parts = [f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="{ATOM}" xml:base="{_attribute(base)}">',
             _node("title", title), _node("id", feed_id),
             _node("updated", f"{max((e.updated for e in entries), default='2000-01-01')}T00:00:00Z"),
             _node("link", rel="self", href=self_href, type="application/atom+xml"),
             _node("link", rel="alternate", href=page_href, type="text/html"), f"<author>{_node('name', author)}</author>"]
    for entry in entries:
        parts += ["<entry>", _node("title", entry.title), _node("id", entry.id), _node("updated", f"{entry.updated}T00:00:00Z"),
                  _node("link", rel="alternate", href=entry.href, type="text/html"), _node("summary", entry.summary, type="text"),
                  "</entry>"]
    return "".join(parts) + "</feed>\n"


def write_feed(path: Path, code_key: str, *feed) -> None:
    """Write `atom_feed(*feed)` to a file of the site, linked from the live site when made of the same entries.

    `code_key` stands for the code and settings (`page_cache.site_digest`). Serialising 7,000 ward feeds
    took a second of each build, though a data commit changes the feeds of only the wards it touches.
    """
    key = "feed:" + hashlib.sha256(repr((code_key, feed)).encode()).hexdigest()
    if not keep_file(path, key):
        write_file(path, atom_feed(*feed), key)


def _figure(value: float | None, places: int) -> str:
    return "none" if value is None else fmt.number(value, places)


def _name(indicators: dict[str, tuple[str, int]], indicator_id: str) -> str:
    return indicators[indicator_id][0] if indicator_id in indicators else indicator_id


def _places(indicators: dict[str, tuple[str, int]], indicator_id: str) -> int:
    return indicators[indicator_id][1] if indicator_id in indicators else 1


def release_summary(release: Release, indicators: dict[str, tuple[str, int]], limit: int = 20) -> str:
    """Plain-text account of all a release's changes.

    `indicators` maps an indicator id to its name and decimal places, so figures read as on the pages.
    """
    if release.first:
        return FIRST_RELEASE
    parts = _accounts(release.changed, None, indicators, limit).get("", [])
    for items, label in ((release.added_indicators, "New indicators"), (release.removed_indicators, "Indicators removed"),
                         (release.added_targets, "New targets"), (release.removed_targets, "Targets removed")):
        if items:
            parts.append(f"{label}: {', '.join(items)}.")
    return " ".join(parts) or "No change to the published figures."


def area_summaries(release: Release, indicators: dict[str, tuple[str, int]], limit: int = 20) -> dict[str, str]:
    """The account of a release's changes to each area it changed, by area code (`release_summary` of its rows alone)."""
    return {code: " ".join(parts) for code, parts in _accounts(release.changed, "area_code", indicators, limit).items()}


def _accounts(changed: pd.DataFrame, scope: str | None, indicators: dict[str, tuple[str, int]], limit: int) -> dict[str, list[str]]:
    """The sentences about `changed`, for each value of its column `scope` (or under "" for all of it).

    All areas at once: a ward-level commit changes 7,000 wards, and pandas calls per ward took 20 s.
    """
    keys = changed[scope].astype(object) if scope else pd.Series("", index=changed.index, dtype=object)
    accounts: dict[str, list[str]] = defaultdict(list)
    new = (changed["kind"] == "new").to_numpy()
    if new.any():
        counts = changed[new].groupby([keys[new], "indicator_id", "period"], sort=True).size()
        listed: dict[str, list[str]] = defaultdict(list)
        for (key, indicator, period), n in counts.items():
            listed[key].append(f"{_name(indicators, indicator)} {period} ({n})")
        for key, items in listed.items():
            accounts[key].append("New figures: " + "; ".join(items) + ".")
    for kind, label in (("revised", "Revised"), ("withdrawn", "Withdrawn")):
        chosen = (changed["kind"] == kind).to_numpy()
        if not chosen.any():
            continue
        rows, row_keys = changed[chosen], keys[chosen]
        totals = row_keys.value_counts().to_dict()
        shown = (row_keys.groupby(row_keys, sort=False).cumcount() < limit).to_numpy()
        rows, row_keys = rows[shown], row_keys[shown]
        ids = rows["indicator_id"].astype(object)
        places = ids.map({i: _places(indicators, i) for i in ids.unique()})
        before, after = (fmt.each_figure(rows[side], places, _figure) for side in ("before", "after"))
        names = ids.map({i: _name(indicators, i) for i in ids.unique()})
        texts = names + ", " + rows["area_code"].astype(object) + ", " + rows["period"].astype(object) + ": " + before + " to " + after
        listed = defaultdict(list)
        for key, text in zip(row_keys.tolist(), texts.tolist(), strict=True):
            listed[key].append(text)
        for key, items in listed.items():
            more = f" and {totals[key] - limit} more" if totals[key] > limit else ""
            accounts[key].append(f"{label} ({totals[key]}): " + "; ".join(items) + more + ".")
    return accounts


@dataclass(frozen=True)
class Accounts:
    """A release's changes in words: as a whole (`release_summary`), and for each area it changed (`area_summaries`)."""

    whole: str
    areas: dict[str, str]


def release_accounts(release: Release, indicators: dict[str, tuple[str, int]]) -> Accounts:
    return Accounts(release_summary(release, indicators), {} if release.first else area_summaries(release, indicators))


def stored_accounts(releases: list[Release], indicators: dict[str, tuple[str, int]], cache: Path | None) -> list[Accounts]:
    """Each release's accounts, kept in `cache` by the two versions compared and the indicators' names, so a build words
    only the release it adds (a second of every build at England scale went on wording the same five releases again).
    Accounts no release of this build uses are removed."""
    if cache is None:
        return [release_accounts(r, indicators) for r in releases]
    cache.mkdir(parents=True, exist_ok=True)
    names = hashlib.sha256(json.dumps(sorted(indicators.items())).encode()).hexdigest()[:12]
    accounts, used = [], set()
    for release in releases:
        if release.first or release.earlier is None:  # nothing to word, or compared with a folder that has no id
            accounts.append(release_accounts(release, indicators))
            continue
        path = cache / f"{release.earlier}--{release.version}.{CODE}.{names}.json".replace(":", "-")
        used.add(path.name)
        try:
            kept = json.loads(path.read_text(encoding="utf-8"))
            accounts.append(Accounts(kept["whole"], kept["areas"]))
        except (OSError, ValueError, KeyError, TypeError):
            made = release_accounts(release, indicators)
            path.write_text(json.dumps({"whole": made.whole, "areas": made.areas}), encoding="utf-8")
            accounts.append(made)
    for path in cache.iterdir():
        if path.name not in used:
            path.unlink(missing_ok=True)
    return accounts


def _entry(release: Release, id_base: str, scope: str, summary: str) -> FeedEntry:
    return FeedEntry(id=f"{id_base}{release.version}{scope}", title=f"Data version {release.short}: {release.subject}",
                     updated=release_date(release), href=f"changes/index.html#v-{release.short}", summary=summary)


def release_entries(releases: list[Release], accounts: list[Accounts], id_base: str) -> list[FeedEntry]:
    return [_entry(r, id_base, "", a.whole) for r, a in zip(releases, accounts, strict=True)]


def entries_by_area(releases: list[Release], accounts: list[Accounts], id_base: str, codes: list[str]) -> dict[str, list[FeedEntry]]:
    """For each area, the releases that changed its figures (and the first release)."""
    entries: dict[str, list[FeedEntry]] = {code: [] for code in codes}
    for release, account in zip(releases, accounts, strict=True):
        if release.first:
            for code in codes:
                entries[code].append(_entry(release, id_base, f"/{code}", FIRST_RELEASE))
            continue
        for code, summary in account.areas.items():
            if code in entries:
                entries[code].append(_entry(release, id_base, f"/{code}", summary))
    return entries
