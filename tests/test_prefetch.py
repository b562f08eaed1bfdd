"""The background prefetch asks for the right bytes and never gets in the build's way."""

import json
import os

import pytest

from reportcard import prefetch
from reportcard.site_files import SPARE_MANIFEST

pytestmark = pytest.mark.skipif(not hasattr(os, "posix_fadvise"), reason="the kernel takes no advice here")


@pytest.mark.parametrize(("size", "expected"), [(0, (0, 4096)), (1, (0, 4096)), (4096, (0, 4096)), (4097, (0, 8192)),
                                                (10_000, (4096, 8192)), (12_288, (4096, 8192))])
def test_the_tail_is_the_last_two_blocks_a_rewrite_of_about_that_length_may_not_cover(size, expected):
    assert prefetch.tail(size) == expected


def _spare(tmp_path):
    spare, cache = tmp_path / "spare", tmp_path / "cache"
    (spare / "wards" / "E05000001").mkdir(parents=True)
    (spare / "index.html").write_text("home")
    (spare / "wards" / "E05000001" / "index.html").write_text("ward" * 3000)
    cache.mkdir()
    files = {"index.html": ["k1", 1, 4, 0], "wards/E05000001/index.html": ["k2", 2, 12_000, 0], "gone.html": ["k3", 3, 9, 0]}
    (cache / SPARE_MANIFEST).write_text(json.dumps({"site": str(spare), "files": files}))
    kept = cache / "pages" / prefetch.bundle_name("ward/E05000001")
    kept.parent.mkdir(parents=True)
    kept.write_bytes(b"{}\n")
    (cache / "pages" / "groups.json").write_text(json.dumps({"ward/E05000001": "abc", "ward/E05000002": "abd"}))
    return cache, spare


def test_the_spare_files_and_kept_groups_are_advised_and_missing_ones_skipped(tmp_path):
    cache, spare = _spare(tmp_path)
    assert prefetch.prefetch(cache, spare, SPARE_MANIFEST) == 3  # two pages, one bundle; gone.html and E05000002's bundle are not there


def test_nothing_is_advised_without_a_manifest_or_a_folder(tmp_path):
    assert prefetch.prefetch(tmp_path / "cache", tmp_path / "spare", SPARE_MANIFEST) == 0
    assert prefetch.start(tmp_path / "cache", tmp_path / "spare", SPARE_MANIFEST) is None


def test_the_folder_renamed_by_the_build_meanwhile_is_still_followed(tmp_path):
    cache, spare = _spare(tmp_path)

    def files():
        yield "index.html", 4
        spare.rename(tmp_path / "building")  # what `build._staging` does while the prefetch runs
        yield "wards/E05000001/index.html", 12_000

    assert prefetch.advise(spare, files()) == 2


def test_the_prefetch_runs_as_its_own_process_and_is_stopped(tmp_path):
    cache, spare = _spare(tmp_path)
    process = prefetch.start(cache, spare, SPARE_MANIFEST)
    assert process is not None and process.wait(timeout=30) == 0
    prefetch.stop(process)  # already finished: nothing to kill
    running = prefetch.start(cache, spare, SPARE_MANIFEST)
    prefetch.stop(running)
    assert running.returncode is not None


def test_the_bundles_advised_are_where_the_page_cache_keeps_them(tmp_path):
    from reportcard.page_cache import Bundle, PageCache

    PageCache(tmp_path).put("ab" + "0" * 62, "ward/E05000001", Bundle({"index.html": "<p>card</p>"}))
    assert [p.relative_to(tmp_path).as_posix() for p in tmp_path.glob("*/*")] == [prefetch.bundle_name("ward/E05000001")]
