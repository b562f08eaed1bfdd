"""What the search index reads of a page: the print that decides whether the last index can be reused."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from reportcard.page_cache import stamp, stamp_values
from reportcard.provenance import DataVersion
from reportcard.search import PAGEFIND_OPTIONS, _cut, _cut_ignored, _tags_with, indexed_print, input_folder, search_input, write_input
from reportcard.site_files import wait_for_removals

ROOT = Path(__file__).resolve().parents[1]

WORDS = st.text(alphabet="abc 123.,%", max_size=12)


@st.composite
def pages(draw):
    """A page body as (html, the text Pagefind indexes): plain text and kept elements, with skipped ones between."""
    html, indexed = [], []
    for kind, text in draw(st.lists(st.tuples(st.sampled_from(["text", "p", "table", "details", "ignored", "tablet"]), WORDS), max_size=12)):
        if kind == "text":
            html.append(text), indexed.append(text)
        elif kind in ("p", "tablet"):
            html.append(f"<{kind}>{text}</{kind}>"), indexed.append(f"<{kind}>{text}</{kind}>")
        elif kind == "ignored":
            html.append(f'<div class="x" data-pagefind-ignore>{text}<span>{text}</span></div>')
        else:
            html.append(f"<{kind} class='t'><tr><td>{text}</td></tr></{kind}>")
    return "".join(html), "".join(indexed)


@given(pages())
def test_cuts_remove_exactly_the_skipped_elements(page):
    html, indexed = page
    cut = _cut_ignored(html)
    for tag in ("table", "details"):
        cut = _cut(cut, tag)
    assert cut == indexed


@given(pages(), WORDS)
def test_figures_in_skipped_parts_do_not_change_the_print(page, figure):
    html, _ = page
    base = f"<main data-pagefind-body><h1>Ward</h1>{html}<table><td>1.0</td></table><p data-pagefind-ignore>v1</p></main>"
    changed = base.replace("<td>1.0</td>", f"<td>{figure}</td>").replace(">v1<", f">{figure}<")
    assert indexed_print(base) == indexed_print(changed)
    assert indexed_print(base) != indexed_print(base.replace("<h1>Ward", "<h1>Other ward"))


def test_images_and_metadata_count_even_inside_skipped_parts():
    page = '<main data-pagefind-body><figure><img src="a.svg" alt="rose to 5%"></figure></main>'
    assert indexed_print(page) != indexed_print(page.replace("5%", "6%"))  # Pagefind takes the first image as the result's picture
    no_picture = page.replace("data-pagefind-body", 'data-pagefind-body data-pagefind-meta="image:"')
    assert indexed_print(no_picture) == indexed_print(no_picture.replace("5%", "6%"))
    assert _tags_with('<p data-pagefind-filter="x">a</p><img src=b>', "data-pagefind-") == ['<p data-pagefind-filter="x">']


def test_pages_without_an_indexed_body_are_not_printed():
    assert indexed_print("<main><h1>Home</h1></main>") is None


def test_search_input_empties_skipped_regions_but_keeps_what_pagefind_records_there():
    page = ('<main data-pagefind-body><h1>Ward</h1>'
            '<table><tr><td><table><tr><td>inner</td></tr></table>tail</td></tr></table>'  # nested: cut to the outer end
            '<figure id="chart-a"><h3 id="t">Chart</h3><img src="a.svg" alt="5%"><p>words</p></figure>'
            '<div class="x" data-pagefind-ignore><div>one</div><span data-pagefind-meta="m:v">two</span></div>'
            '<details><summary>Numbers</summary>1.0</details><tablet>kept</tablet><p>after</p></main>')
    assert search_input(page) == (
        '<main data-pagefind-body><h1>Ward</h1><table></table>'
        '<figure id="chart-a"><h3 id="t"></h3><img src="a.svg" alt="5%"></figure>'
        '<div class="x" data-pagefind-ignore><span data-pagefind-meta="m:v"></span></div>'
        '<details></details><tablet>kept</tablet><p>after</p></main>')


def test_search_input_leaves_a_region_that_does_not_close():
    page = "<main data-pagefind-body><p>a</p><table><tr><td>1</td></tr><p>b</p></main>"
    assert search_input(page) == page


@given(pages())
def test_search_input_removes_no_text_pagefind_indexes(page):
    html, indexed = page
    assert search_input(html).replace("<table class='t'></table>", "").replace("<details class='t'></details>", "").replace(
        '<div class="x" data-pagefind-ignore></div>', "") == indexed


def test_the_built_index_is_the_one_pagefind_makes_from_the_whole_pages(tmp_path):
    """The build gives Pagefind search inputs of the indexed pages only; a crawl of the whole site makes the same bytes."""
    from reportcard.build import build_site

    site = tmp_path / "site"
    build_site(ROOT / "data", site, settings={"REPORTCARD_CACHE": str(tmp_path / "cache")})
    subprocess.run([sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(tmp_path / "crawled"), *PAGEFIND_OPTIONS],
                   check=True, capture_output=True)
    built, crawled = ({p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
                      for folder in (site / "pagefind", tmp_path / "crawled"))
    assert len(built) > 10 and built == crawled


def test_the_input_is_written_with_the_pages_only_when_no_index_is_kept(tmp_path):
    cache = tmp_path / "search"
    folder = input_folder(cache)
    assert folder == tmp_path / "search-input" and folder.is_dir()
    (folder / "wards").mkdir()
    (folder / "wards" / "left.html").write_text("by a build that stopped")
    (cache / "some-key").mkdir(parents=True)  # an index is kept: the next build reads the pages only if it is out of date
    assert input_folder(cache) is None
    wait_for_removals()
    assert not folder.exists()


def test_an_input_written_from_a_page_as_rendered_is_the_input_of_the_page_as_published(tmp_path):
    page = ("<html><body data-pagefind-body><h1>Data version @@reportcard:short@@</h1><table><tr><td>1</td></tr></table>"
            "<footer>@@reportcard:id@@</footer></body></html>")
    stamps = stamp_values(DataVersion("a" * 40, "aaaaaaa", "git commit", "2026-12-04"), "12 checks")
    write_input(tmp_path, "wards/W1/index.html", page, stamps)
    assert (tmp_path / "wards/W1/index.html").read_text() == search_input(stamp(page, stamps))
