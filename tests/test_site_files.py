"""Unchanged files of a new site are hard links to the live site's, or kept where they are in the spare site it is
made in; anything changed, edited or new is written."""

import os

import pytest

from reportcard import site_files
from reportcard.parallel import fork_shares
from reportcard.site_files import SPARE_MANIFEST, SiteFiles, link_or_copy, load_manifest, reuse_spare, save_manifest, survey_spare


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


def _spare_with(tmp_path, files: dict[str, str]) -> tuple:
    """A site made and then swapped out as the spare, with its manifest kept (what `build` does)."""
    made = _build(tmp_path / "spare", None, None, files)
    save_manifest(tmp_path / "cache", tmp_path / "spare", made.recorded, SPARE_MANIFEST)
    return made, tmp_path / "spare"


def test_a_build_in_the_spare_keeps_what_is_right_and_replaces_the_rest(tmp_path):
    made, spare = _spare_with(tmp_path, {"same/index.html": "same", "changed.csv": "old", "gone/old.html": "gone"})
    live = _build(tmp_path / "live", None, None, {"live.csv": "L"})
    (spare / "written-by-pelican.css").write_text("theme")  # not in the manifest: removed, Pelican writes it again
    (spare / "same" / "by-hand.txt").write_text("hand")  # nor this, beside a listed file
    same_inode, changed_inode = (os.stat(spare / name).st_ino for name in ("same/index.html", "changed.csv"))
    trash = tmp_path / "replaced"
    existing = reuse_spare(tmp_path / "cache", spare, trash)
    assert not (spare / "written-by-pelican.css").exists() and not (spare / "same" / "by-hand.txt").exists()
    assert load_manifest(tmp_path / "cache", spare, SPARE_MANIFEST) == {}
    site = SiteFiles(spare, tmp_path / "live", live.recorded, existing, trash)
    for name, text in {"same/index.html": "same", "changed.csv": "new", "live.csv": "L"}.items():
        site.write(spare / name, text.encode())
    assert site.remove_stale() == 1 and not (spare / "gone").exists()  # its emptied folder too
    assert os.stat(spare / "same/index.html").st_ino == same_inode  # kept where it was, not written or linked
    assert os.path.samefile(spare / "live.csv", tmp_path / "live/live.csv")
    assert (spare / "changed.csv").read_text() == "new" and site.linked == 2
    assert os.stat(spare / "changed.csv").st_ino == changed_inode  # only the spare held it: written into
    assert site.recorded["changed.csv"][1:] == [changed_inode, 3, os.stat(spare / "changed.csv").st_mtime_ns]
    # What was removed was moved aside in one rename each, to be unlinked in the background.
    assert sorted(p.read_text() for p in trash.iterdir()) == ["gone", "hand", "theme"]


def test_surveying_the_spare_changes_nothing_and_a_build_then_reuses_what_it_found(tmp_path):
    """The survey runs while the data is validated, so a build refused then must find the spare as it was."""
    made, spare = _spare_with(tmp_path, {"page.html": "p"})
    (spare / "stray.css").write_text("theme")
    survey = survey_spare(tmp_path / "cache", spare)
    assert survey.files == made.recorded and survey.unlisted == [str(spare / "stray.css")]
    assert (spare / "stray.css").exists() and load_manifest(tmp_path / "cache", spare, SPARE_MANIFEST) == made.recorded
    assert reuse_spare(tmp_path / "cache", spare, tmp_path / "trash", survey) == made.recorded
    assert not (spare / "stray.css").exists() and load_manifest(tmp_path / "cache", spare, SPARE_MANIFEST) == {}
    assert survey_spare(tmp_path / "cache", tmp_path / "no-spare") is None


def test_a_spare_file_shared_with_the_live_site_is_replaced_not_written_into(tmp_path):
    live = _build(tmp_path / "live", None, None, {"page.html": "live"})
    spare = SiteFiles(tmp_path / "spare", tmp_path / "live", live.recorded)
    spare.write(tmp_path / "spare/page.html", b"live")  # linked: one file, two names
    save_manifest(tmp_path / "cache", tmp_path / "spare", spare.recorded, SPARE_MANIFEST)
    site = SiteFiles(tmp_path / "spare", None, None, reuse_spare(tmp_path / "cache", tmp_path / "spare"))
    site.write(tmp_path / "spare/page.html", b"next version")
    site.link(tmp_path / "live/page.html", tmp_path / "spare/chart.svg", "svg:1")
    assert (tmp_path / "live/page.html").read_text() == "live" and (tmp_path / "spare/page.html").read_text() == "next version"
    assert not os.path.samefile(tmp_path / "live/page.html", tmp_path / "spare/page.html")
    assert site.recorded["chart.svg"][0] == "svg:1"


def test_a_spare_edited_by_hand_or_without_a_manifest_is_not_trusted(tmp_path):
    made, spare = _spare_with(tmp_path, {"page.html": "right"})
    (spare / "page.html").write_text("edited")
    site = SiteFiles(spare, None, None, reuse_spare(tmp_path / "cache", spare))
    assert not site.keep("page.html", made.recorded["page.html"][0])
    assert reuse_spare(tmp_path / "cache", spare) is None  # its manifest was forgotten when the first build began in it


def test_a_spare_file_rewritten_in_place_is_shortened_and_one_never_rewritten_is_stale(tmp_path):
    made, spare = _spare_with(tmp_path, {"long.html": "a much longer old version", "left.html": "old"})
    site = SiteFiles(spare, None, None, reuse_spare(tmp_path / "cache", spare))
    site.write(spare / "long.html", b"short")
    assert (spare / "long.html").read_text() == "short"  # no tail of the old version left
    assert not site.keep("left.html", "another key")  # out of date, and then not written after all
    assert site.remove_stale() == 1 and not (spare / "left.html").exists()


def test_a_spare_file_out_of_date_that_the_live_site_has_right_is_moved_aside_for_the_link(tmp_path):
    made, spare = _spare_with(tmp_path, {"feed.atom": "old"})
    live = _build(tmp_path / "live", None, None, {"feed.atom": "new"})
    trash = tmp_path / "replaced"
    site = SiteFiles(spare, tmp_path / "live", live.recorded, reuse_spare(tmp_path / "cache", spare), trash)
    site.write(spare / "feed.atom", b"new")
    assert os.path.samefile(spare / "feed.atom", tmp_path / "live/feed.atom") and site.linked == 1
    assert [p.read_text() for p in trash.iterdir()] == ["old"]  # one rename, unlinked in the background
    assert site.remove_stale() == 0


def test_a_spare_file_out_of_date_replaced_by_a_cached_link_is_moved_aside(tmp_path):
    made, spare = _spare_with(tmp_path, {"chart.svg": "old chart"})
    (tmp_path / "cache.svg").write_text("new chart")
    trash = tmp_path / "replaced"
    site = SiteFiles(spare, None, None, reuse_spare(tmp_path / "cache", spare), trash)
    site.link(tmp_path / "cache.svg", spare / "chart.svg", "svg:2")
    assert os.path.samefile(spare / "chart.svg", tmp_path / "cache.svg") and site.recorded["chart.svg"][0] == "svg:2"
    assert [p.read_text() for p in trash.iterdir()] == ["old chart"]
