"""Unchanged files of a new site are hard links to the live site's; anything changed, edited or new is written."""

import os

import pytest

from reportcard import site_files
from reportcard.parallel import fork_shares
from reportcard.site_files import SiteFiles, link_or_copy, load_manifest, save_manifest


def _build(root, live, previous, files: dict[str, str]) -> SiteFiles:
    site = SiteFiles(root, live, previous)
    for name, text in files.items():
        site.write(root / name, text.encode())
    return site


def test_an_unchanged_file_is_linked_and_a_changed_one_written(tmp_path):
    first = _build(tmp_path / "one", None, None, {"a/index.html": "A", "b.csv": "B"})
    second = _build(tmp_path / "two", tmp_path / "one", first.recorded, {"a/index.html": "A", "b.csv": "B2", "c.csv": "C"})
    assert os.path.samefile(tmp_path / "one/a/index.html", tmp_path / "two/a/index.html")
    assert not os.path.samefile(tmp_path / "one/b.csv", tmp_path / "two/b.csv")
    assert (tmp_path / "one/b.csv").read_text() == "B"  # the live site is never written to
    assert (tmp_path / "two/b.csv").read_text() == "B2" and (tmp_path / "two/c.csv").read_text() == "C"
    assert second.linked == 1 and len(second.recorded) == 3


def test_a_live_file_edited_by_hand_is_written_afresh(tmp_path):
    first = _build(tmp_path / "one", None, None, {"page.html": "same"})
    (tmp_path / "one/page.html").write_text("edited by hand")
    second = _build(tmp_path / "two", tmp_path / "one", first.recorded, {"page.html": "same"})
    assert second.linked == 0 and (tmp_path / "two/page.html").read_text() == "same"


def test_a_link_carries_its_entry_so_the_next_build_links_again(tmp_path):
    first = _build(tmp_path / "one", None, None, {"page.html": "x"})
    second = _build(tmp_path / "two", tmp_path / "one", first.recorded, {"page.html": "x"})
    (tmp_path / "one/page.html").unlink()  # the old site removed, as after a swap
    third = _build(tmp_path / "three", tmp_path / "two", second.recorded, {"page.html": "x"})
    assert third.linked == 1 and (tmp_path / "three/page.html").read_text() == "x"


def test_keep_links_by_a_key_without_the_content(tmp_path):
    first = SiteFiles(tmp_path / "one")
    first.write(tmp_path / "one/data/big.csv", b"made slowly", key="source:1")
    second = SiteFiles(tmp_path / "two", tmp_path / "one", first.recorded)
    assert not second.keep_at(tmp_path / "two/data/big.csv", "source:2")
    assert second.keep_at(tmp_path / "two/data/big.csv", "source:1")
    assert (tmp_path / "two/data/big.csv").read_text() == "made slowly"


def test_files_outside_the_site_are_written_and_not_recorded(tmp_path):
    site = SiteFiles(tmp_path / "site")
    site.write(tmp_path / "site-cache" / "chart.svg", b"<svg/>")  # a sibling whose name starts like the site's
    assert (tmp_path / "site-cache/chart.svg").read_bytes() == b"<svg/>" and site.recorded == {}


def test_the_manifest_belongs_to_one_site(tmp_path):
    save_manifest(tmp_path / "cache", tmp_path / "output", {"page.html": ["k", 1, 2, 3]})
    assert load_manifest(tmp_path / "cache", tmp_path / "output") == {"page.html": ["k", 1, 2, 3]}
    assert load_manifest(tmp_path / "cache", tmp_path / "elsewhere") == {}
    assert load_manifest(tmp_path / "no-cache", tmp_path / "output") == {}


def test_files_written_in_forked_shares_are_recorded_here(tmp_path):
    site_files.current = site = SiteFiles(tmp_path / "site")
    try:
        fork_shares(lambda share, count: site_files.write_file(tmp_path / "site" / f"{share}.html", f"share {share}"), count=2)
    finally:
        site_files.current = None
    assert sorted(site.recorded) == ["0.html", "1.html"]
    assert site.recorded["1.html"][2] == len("share 1")  # the size it was written with


def test_writing_over_a_linked_file_leaves_the_live_one_alone(tmp_path):
    first = _build(tmp_path / "one", None, None, {"page.html": "live"})
    second = _build(tmp_path / "two", tmp_path / "one", first.recorded, {"page.html": "live"})
    second.write(tmp_path / "two/page.html", b"written twice")  # a path written again after it was linked
    assert (tmp_path / "one/page.html").read_text() == "live" and (tmp_path / "two/page.html").read_text() == "written twice"


def test_linking_a_missing_file_fails_once(tmp_path):
    with pytest.raises(FileNotFoundError):
        link_or_copy(tmp_path / "gone.svg", tmp_path / "site" / "chart.svg")
    (tmp_path / "chart.svg").write_text("<svg/>")
    link_or_copy(tmp_path / "chart.svg", tmp_path / "site" / "charts" / "chart.svg")  # its folder made
    assert os.path.samefile(tmp_path / "chart.svg", tmp_path / "site" / "charts" / "chart.svg")
