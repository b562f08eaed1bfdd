"""The page cache: a rebuild after a data change writes exactly the site a cold build writes, and remakes only what changed.

Each case edits a copy of the demo data, builds it with the cache the unedited data left behind, and
compares every file with a build of the same data from an empty page cache (charts are shared: they
are keyed by their own spec). Then it counts which page groups had to be made again.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from reportcard.build import BuildResult, build_site, spare_of
from reportcard.page_cache import TOKENS, Bundle, PageCache, PlaceholderVersion, placeholder_version, site_digest, stamp, stamp_values
from reportcard.provenance import DataVersion
from reportcard.site_files import wait_for_removals
from reportcard.validate import validate_folder

ROOT = Path(__file__).resolve().parents[1]
TRAFFORD = "E08000009"


def _digest(site: Path) -> dict[str, str]:
    return {str(p.relative_to(site)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(site.rglob("*")) if p.is_file()}


def _edit_csv(folder: Path, relative: str, change: Callable[[pd.DataFrame], None]) -> None:
    path = folder / relative
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    change(frame)
    frame.to_csv(path, index=False)


@pytest.fixture(scope="module")
def primed(tmp_path_factory):
    """The demo data built once: its cache is what every case starts from."""
    tmp = tmp_path_factory.mktemp("page-cache")
    data = tmp / "data"
    shutil.copytree(ROOT / "data", data)
    commentary = tmp / "commentary"
    commentary.mkdir()
    build_site(data, tmp / "first", settings={"REPORTCARD_CACHE": str(tmp / "cache"), "REPORTCARD_COMMENTARY": str(commentary)})
    wait_for_removals()  # the cold build's Pagefind input is removed from the cache in the background; the cases copy the cache
    return tmp, data, commentary


def _rebuild(primed, name: str, edit: Callable[[Path, Path], None]) -> tuple[BuildResult, dict, dict]:
    """Edit a copy of the data (and commentary), then build it warm (from the primed cache) and cold; return stats and digests."""
    tmp, data, commentary = primed
    case = tmp / name
    shutil.copytree(data, case / "data")
    shutil.copytree(commentary, case / "commentary")
    edit(case / "data", case / "commentary")
    warm_cache = case / "warm-cache"
    shutil.copytree(tmp / "cache", warm_cache)
    # The site before the edit is live where the warm build writes, so unchanged files are linked from it.
    build_site(data, case / "warm", settings={"REPORTCARD_COMMENTARY": str(commentary), "REPORTCARD_CACHE": str(warm_cache)})
    settings = {"REPORTCARD_COMMENTARY": str(case / "commentary")}
    warm = build_site(case / "data", case / "warm", settings={**settings, "REPORTCARD_CACHE": str(warm_cache)})
    cold_cache = case / "cold-cache"
    shutil.copytree(tmp / "cache" / "charts", cold_cache / "charts")
    cold = build_site(case / "data", case / "cold", settings={**settings, "REPORTCARD_CACHE": str(cold_cache)})
    assert cold.groups_reused == 0 and not cold.search_reused, "the cold build must not find cached pages"
    return warm, _digest(case / "warm"), _digest(case / "cold")


def _wards_under(data: Path, council: str) -> int:
    areas = pd.read_csv(data / "places" / "areas.csv", dtype=str)
    return int(((areas["type"] == "ward") & (areas["parent_code"] == council)).sum())


def _set(relative: str, column: str, where: Callable[[pd.DataFrame], pd.Series], value: str) -> Callable[[Path, Path], None]:
    """An edit: set `column` to `value` in the rows of a data CSV picked by `where`."""
    def edit(data: Path, _: Path) -> None:
        _edit_csv(data, relative, lambda frame: frame.__setitem__(column, frame[column].mask(where(frame), value)))
    return edit


def _commentary(_: Path, commentary: Path) -> None:
    (commentary / "E05015240.md").write_text("## What is being done\n\nNew crossings.\n", encoding="utf-8")


def test_unchanged_data_reuses_every_group(primed):
    warm = _rebuild(primed, "same", lambda data, commentary: None)[0]
    assert warm.groups_made == 0 and warm.groups_reused > 100 and warm.charts_rendered == 0 and warm.search_reused
    # Same data, same version: every file the build records is linked from the live site, none written again.
    assert warm.files_linked > 100 and warm.files_written == 0, (warm.files_linked, warm.files_written)


def test_one_ward_figure_remakes_its_council_wards_and_the_indicator(primed):
    edit = _set("indicators/observations.csv", "value", lambda o: (o["indicator_id"] == "ward-population") & (o["area_code"] == "E05015239"), "99999")
    result, warm, cold = _rebuild(primed, "ward-figure", edit)
    assert warm == cold
    # Its ward and the others placed against it, and the indicator's page: nothing else shows the figure.
    assert result.groups_made == _wards_under(primed[1], TRAFFORD) + 1
    assert result.search_reused  # figures are not in the search index


def test_a_council_only_figure_leaves_every_ward_card_alone(primed):
    edit = _set("indicators/observations.csv", "value", lambda o: (o["indicator_id"] == "NI72") & (o["area_code"] == TRAFFORD), "77.7")
    result, warm, cold = _rebuild(primed, "council-figure", edit)
    assert warm == cold
    assert 1 < result.groups_made < 20  # Trafford, the councils that compare themselves with it, and NI72's page
    # A new data version restamps every page, but the CSVs, charts and feeds of unchanged groups are linked.
    assert result.files_linked > 100 and result.files_written > 100


EDITS = {
    "target-figure": _set("indicators/observations.csv", "value", lambda o: (o["indicator_id"] == "NI192") & (o["area_code"] == TRAFFORD), "12.3"),
    "milestone": _set("targets/milestones.csv", "value", lambda m: m.index == 0, "1.5"),
    "ward-name": _set("places/areas.csv", "name", lambda a: a["code"] == "E05015239", "New Altrincham"),
    "commentary": _commentary,
}


@pytest.mark.parametrize("name", EDITS)
def test_rebuild_after_an_edit_matches_a_cold_build(primed, name):
    result, warm, cold = _rebuild(primed, name, EDITS[name])
    assert warm == cold
    assert result.search_reused == (name not in ("ward-name", "commentary"))  # names and commentary are searched


def test_a_target_figure_remakes_the_pages_of_its_partners_and_no_others(primed):
    """An organisation's page shows the targets it is a partner on, a partnership's those its members share: only
    theirs are made again when a target's figures change (the lists of names not at all)."""
    tmp = primed[0]
    result, warm, cold = _rebuild(primed, "target-partners", EDITS["target-figure"])
    assert warm == cold
    before, after = (PageCache.load_keys(folder / "pages") for folder in (tmp / "cache", tmp / "target-partners" / "warm-cache"))
    remade = {name for name, key in after.items() if before.get(name) != key}
    partners = pd.read_csv(primed[1] / "targets" / "target_partners.csv", dtype=str)
    on_target = set(partners.loc[partners["target_id"].str.startswith("ni192"), "organisation_id"])
    organisations = {name.split("/", 1)[1] for name in remade if name.startswith("organisation/")}
    assert organisations and organisations <= on_target < set(partners["organisation_id"])
    assert not any(name.startswith("list/") and name != "list/targets" for name in remade)

def test_placeholders_round_trip():
    real = DataVersion("a" * 40, "a" * 12, "git commit", "2026-11-20")
    holder = placeholder_version(real)
    assert isinstance(holder, PlaceholderVersion) and holder.year == TOKENS["year"]
    text = f"{holder.short} ({holder.kind} of {holder.date}) {holder.year} {TOKENS['checks']}"
    values = stamp_values(real, "0 errors, 1 warning")
    assert stamp(text, values) == "aaaaaaaaaaaa (git commit of 2026-11-20) 2026 0 errors, 1 warning"
    assert stamp(f"£ {text} @@reportcard:other@@".encode(), values) == f"£ {stamp(text, values)} @@reportcard:other@@".encode()
    assert placeholder_version(DataVersion("sha256:1", "1", "content hash", None)).date is None


def test_a_value_that_would_need_escaping_is_refused():
    with pytest.raises(ValueError):
        stamp_values(DataVersion("<b>", "x", "git commit", None), "0 errors")


def test_a_damaged_bundle_counts_as_missing(tmp_path):
    cache, key, group = PageCache(tmp_path), "ab" + "0" * 62, "ward/E05000001"
    kept = Bundle({"index.html": "<p>x\r\ny – £5</p>\n", "a.csv": "a\n1\n"}, {"c.svg": "k"}, {"index.html": "print"}, {"line/x": "kéy\n"},
                  {"index.html": "d1", "a.csv": "d2"})
    cache.put(key, group, kept)
    back = cache.get(key, group)  # texts come back as the UTF-8 stored (carriage returns and all); a group kept as it is, no parts
    assert back == Bundle({p: t.encode() for p, t in kept.texts.items()}, kept.svgs, kept.search, {}, kept.digests)
    assert back.text("index.html") == kept.texts["index.html"]
    assert PageCache(tmp_path, {group: key}).last(group).parts == kept.parts  # a group made again reads them, as text
    assert cache.get("cd" + "0" * 62, group) is None  # the group's file holds another key's version
    path = cache._path(group)
    whole = path.read_bytes()
    path.write_bytes(whole[:-3])  # a build stopped while writing it
    assert cache.get(key, group) is None
    path.write_bytes(whole + b"more")
    assert cache.get(key, group) is None
    path.write_text('{"texts": {}}\n', encoding="utf-8")  # an older layout
    assert cache.get(key, group) is None
    assert (cache.hits, cache.misses) == (1, 4)


def test_a_changed_group_is_written_into_its_file_and_a_half_rewrite_counts_as_missing(tmp_path):
    cache, group = PageCache(tmp_path), "ward/E05000001"
    cache.put("k1", group, Bundle({"index.html": "<p>" + "first version " * 100 + "</p>"}))
    path, before = cache._path(group), cache._path(group).stat().st_ino
    cache.put("k2", group, Bundle({"index.html": "<p>second</p>"}))
    assert path.stat().st_ino == before and cache.get("k2", group).text("index.html") == "<p>second</p>"  # shorter: cut to length
    assert cache.get("k1", group) is None
    longer = path.read_bytes()
    cache.put("k3", group, Bundle({"index.html": "<p>third, and longer than the second</p>"}))
    whole = path.read_bytes()
    path.write_bytes(whole[: len(longer)])  # stopped after writing as much as the last version had
    assert cache.get("k3", group) is None
    path.write_bytes(whole[:-2] + longer[-2:])
    assert cache.get("k3", group) is None


def test_the_settings_file_is_part_of_every_key(tmp_path):
    """A function in pelicanconf.py (a Jinja filter, say) is not a plain setting, so the file itself is hashed."""
    _, dataset = validate_folder(ROOT / "data")
    conf = tmp_path / "pelicanconf.py"
    conf.write_text("SITENAME = 'x'\n", encoding="utf-8")
    settings = {"THEME": str(ROOT / "theme"), "SITENAME": "x", "REPORTCARD_SETTINGS_FILE": str(conf)}
    before = site_digest(dataset, settings, [])
    assert site_digest(dataset, {**settings, "OUTPUT_PATH": "/elsewhere"}, []) == before  # where things go is not what pages show
    conf.write_text("SITENAME = 'x'\n\ndef shout(text):\n    return text.upper()\n", encoding="utf-8")
    assert site_digest(dataset, settings, []) != before


def test_a_changed_group_finds_its_last_version(tmp_path):
    """A build records which key each group had, so the next can take kept parts (a ward card's lines) from it."""
    cache, key = PageCache(tmp_path), "ab" + "1" * 62
    assert cache.get(key, "ward/E05000001") is None
    cache.put(key, "ward/E05000001", Bundle({"wards/E05000001/index.html": "<p>card</p>"}, parts={"line/NI1": "k\n"}))
    cache.sweep()
    later = PageCache(tmp_path, PageCache.load_keys(tmp_path))
    assert later.last("ward/E05000001").parts == {"line/NI1": "k\n"} and later.last("ward/E05000002") is None
    assert (later.hits, later.misses) == (0, 0)  # looking up a last version is not a use of the cache
    assert PageCache.load_keys(tmp_path / "nowhere") == {}


def test_a_build_made_in_the_spare_site_matches_a_cold_build_and_leaves_the_live_one_alone(primed):
    """Three builds into one output: the third is made in the first's site (the spare), where the second's files are linked."""
    tmp, data, commentary = primed
    case = tmp / "spare"
    shutil.copytree(data, case / "data")
    _set("indicators/observations.csv", "value", lambda o: (o["indicator_id"] == "ward-population") & (o["area_code"] == "E05015239"),
         "99999")(case / "data", commentary)
    settings = {"REPORTCARD_COMMENTARY": str(commentary), "REPORTCARD_CACHE": str(case / "cache")}
    shutil.copytree(tmp / "cache", case / "cache")
    site = case / "site"
    build_site(data, site, settings=settings)
    build_site(case / "data", site, settings=settings)
    spare = spare_of(site.resolve())
    assert _digest(spare) == _digest(tmp / "first")
    (spare / "stray.txt").write_text("left by hand")
    (spare / "robots.txt").write_text("edited by hand")
    live = _digest(site)
    third = build_site(data, site, settings=settings)
    assert _digest(site) == _digest(tmp / "first")
    assert _digest(spare) == live  # the site it replaced, untouched: nothing was written into a file it shares
    # A new version restamps every page; the rest is kept where it was or linked.
    assert third.files_linked > 100 and third.files_written < third.files_linked


def test_a_build_that_fails_in_the_spare_site_leaves_the_live_one_and_the_next_starts_afresh(primed, monkeypatch):
    tmp, data, commentary = primed
    case = tmp / "spare-failure"
    settings = {"REPORTCARD_COMMENTARY": str(commentary), "REPORTCARD_CACHE": str(case / "cache")}
    shutil.copytree(tmp / "cache", case / "cache")
    site = case / "site"
    for _ in range(2):
        build_site(data, site, settings=settings)
    live = _digest(site)

    def fail(self):
        raise RuntimeError("stopped after the pages were written")

    with monkeypatch.context() as patched:
        patched.setattr("reportcard.site_files.SiteFiles.remove_stale", fail)
        with pytest.raises(RuntimeError):
            build_site(data, site, settings=settings)  # made in the spare, which it leaves half changed
    assert _digest(site) == live and not spare_of(site.resolve()).exists()
    build_site(data, site, settings=settings)
    assert _digest(site) == _digest(tmp / "first")
