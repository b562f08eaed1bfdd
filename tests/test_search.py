"""What the search index reads of a page: the print that decides whether the last index can be reused."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from reportcard.search import _cut, _cut_ignored, _tags_with, indexed_print

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
