"""The static search index (Pagefind), made again only when the text it indexes changed.

Pagefind reads the parts of each page marked `data-pagefind-body`, leaving out tables, charts,
collapsed details and anything marked `data-pagefind-ignore`: people search for places, indicators
and partners by name, not for figures. So a commit that changes figures changes none of the indexed
text, and the last index is copied instead of crawling thousands of pages again.

`indexed_print` works out, from a page's HTML, a digest of everything Pagefind could read: the
page minus the regions it is told to skip, plus metadata and images wherever they are. Each cut
ends at the first closing tag of its kind, so with nested elements it removes less than Pagefind
skips, never more: the print may change when the index would not, but never the other way round.

When the index is made again, Pagefind is given `search_input` copies of the pages: the same
regions emptied, but cut exactly (nested elements counted) and keeping what Pagefind records
inside them, so it writes the same index from a sixth of the HTML. When no index is kept at all (a
cold build), the copies are written as the pages are made (`input_folder`, `write_input`); otherwise
they are made from the site's pages once the index is known to be out of date.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .page_cache import stamp
from .parallel import fork_shares
from .site_files import create_file, discard, link_file, link_or_copy, retire_folder

EXCLUDED = ("table", "figure", "details")
#: Cut as well: scripts are never text (the JSON-LD carries the data version); the footer is outside the indexed body.
_CUT = ("script", "footer", *EXCLUDED)
_BODY = "data-pagefind-body"
_IGNORE = "data-pagefind-ignore"
_NO_IMAGE = 'data-pagefind-meta="image:"'
_TAG_NAME = re.compile(r"<(\w+)")
#: Tags read into a page's print wherever they are, even in the regions cut (`indexed_print`).
READ_ANYWHERE = ("data-pagefind-", "<img")
PAGEFIND_OPTIONS = ["--keep-index-url", "--silent", *(arg for tag in EXCLUDED for arg in ("--exclude-selectors", tag))]


def _tags_with(html: str, text: str) -> list[str]:
    """Every start tag in which `text` appears (str.find, not a regex: pages are ~85 KB and there are thousands)."""
    tags, at = [], html.find(text)
    while at >= 0:
        start, end = html.rfind("<", 0, at + 1), html.find(">", at)
        if start >= 0 and end >= 0 and html.find(">", start, at) < 0:
            tags.append(html[start:end + 1])
        at = html.find(text, at + len(text))
    return tags


def _cut(html: str, tag: str) -> str:
    """Remove each <tag ...> up to the first </tag> after it (an unclosed one is left: less cut is the safe side)."""
    kept, at, opening, closing = [], 0, f"<{tag}", f"</{tag}>"
    while (start := html.find(opening, at)) >= 0:
        follows = html[start + len(opening):start + len(opening) + 1]
        if follows not in (" ", ">", "\n", "\t", "/"):  # <tablet> is not <table>
            kept.append(html[at:start + 1])
            at = start + 1
            continue
        end = html.find(closing, start)
        if end < 0:
            break
        kept.append(html[at:start])
        at = end + len(closing)
    kept.append(html[at:])
    return "".join(kept)


def _cut_ignored(html: str) -> str:
    """Remove each element marked data-pagefind-ignore, up to the first closing tag of its name."""
    kept, at = [], 0
    while (found := html.find(_IGNORE, at)) >= 0:
        start = html.rfind("<", at, found)
        name = _TAG_NAME.match(html, start) if start >= 0 and html.find(">", start, found) < 0 else None
        end = html.find(f"</{name[1]}>", found) if name else -1
        if end < 0:  # not in a tag we can see the end of: keep it
            kept.append(html[at:found + len(_IGNORE)])
            at = found + len(_IGNORE)
            continue
        kept.append(html[at:start])
        at = end + len(name[1]) + 3
    kept.append(html[at:])
    return "".join(kept)


def indexed_print(html: str) -> str | None:
    """Digest of what Pagefind may index on this page; None for a page it leaves out (no indexed body).

    Pagefind reads metadata and filters anywhere in a page, even in regions it does not index, and
    takes the first image as the result's picture unless a page names its own (ours name none):
    those tags are kept whole. A page rendered with data-version tokens keeps them in the print only
    where they survive the cuts; `index_key` then adds the real values.
    """
    if _BODY not in html:
        return None
    read = _tags_with(html, READ_ANYWHERE[0]) + ([] if _NO_IMAGE in html else _tags_with(html, READ_ANYWHERE[1]))
    html = _cut_ignored(html)
    for tag in _CUT:
        html = _cut(html, tag)
    read.append(html)
    text = "\0".join(read)
    return hashlib.sha256(text.encode()).hexdigest() + ("+stamped" if "@@reportcard:" in text else "")


_SKIPPED = ("<table", "<figure", "<details", _IGNORE)
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def _element_end(html: str, name: str, start: int) -> int:
    """Where the element whose start tag begins at `start` ends (after its end tag), counting nested ones; -1 if it does not."""
    opening, closing, depth, at = f"<{name}", f"</{name}>", 0, start
    while (close := html.find(closing, at)) >= 0:
        open_ = html.find(opening, at, close)
        if open_ >= 0:
            depth += html[open_ + len(opening)] in " >\n\t/"  # <tablet> is not <table>
            at = open_ + len(opening)
            continue
        depth -= 1
        at = close + len(closing)
        if depth == 0:
            return at
    return -1


class _Finder:
    """Next occurrences of several markers in one text, each searched for again only once passed (a page is scanned once per marker)."""

    def __init__(self, text: str, markers: tuple[str, ...], end: int | None = None):
        self.text, self.end = text, len(text) if end is None else end
        self.next = {marker: text.find(marker, 0, self.end) for marker in markers}

    def first(self, at: int) -> tuple[int, str] | None:
        for marker, position in self.next.items():
            if 0 <= position < at:
                self.next[marker] = self.text.find(marker, at, self.end)
        found = [(position, marker) for marker, position in self.next.items() if position >= 0]
        return min(found) if found else None


def _skipped_element(html: str, position: int, marker: str) -> tuple[int, str] | None:
    """The start and tag name of the element a marker found at `position` begins, if it is one Pagefind skips."""
    if marker != _IGNORE:
        follows = html[position + len(marker):position + len(marker) + 1]
        return (position, marker[1:]) if follows and follows in " >\n\t/" else None  # <tablet> is not <table>
    start = html.rfind("<", 0, position)
    name = _TAG_NAME.match(html, start) if start >= 0 and html.find(">", start, position) < 0 else None
    return (start, name[1]) if name else None


def _kept_tags(html: str, start: int, end: int) -> list[str]:
    """Start tags between start and end with an id or a Pagefind attribute, and images, each closed unless void."""
    tags, at, finder = [], start, _Finder(html, (" id=", " data-pagefind-", "<img"), end)
    while found := finder.first(at):
        position = found[0]
        tag_start, tag_end = html.rfind("<", start, position + 1), html.find(">", position, end)
        name = _TAG_NAME.match(html, tag_start) if tag_start >= 0 and tag_end >= 0 and html.find(">", tag_start, position) < 0 else None
        if name:
            tags.append(html[tag_start:tag_end + 1] + ("" if name[1] in _VOID else f"</{name[1]}>"))
            at = tag_end + 1
        else:
            at = position + 1
    return tags


def search_input(html: str) -> str:
    """The page as Pagefind needs it: each region it skips (tables, figures, details, data-pagefind-ignore)
    emptied to its start tag, the tags inside it that carry an id or Pagefind attribute and its images
    (anchors, metadata and the result picture, which Pagefind still reads there), and its end tag. Pagefind makes the same index from
    it, reading a fraction of the HTML (tables are most of a ward card). A region that does not close is left whole.
    """
    kept, copied, at, finder = [], 0, 0, _Finder(html, _SKIPPED)
    while found := finder.first(at):
        element = _skipped_element(html, *found)
        end = _element_end(html, element[1], element[0]) if element else -1
        if end < 0:
            at = found[0] + len(found[1])
            continue
        start, name = element
        tag_end = html.index(">", start) + 1
        kept += [html[copied:tag_end], *_kept_tags(html, tag_end, end), f"</{name}>"]
        copied = at = end
    kept.append(html[copied:])
    return "".join(kept)


def index_key(prints: dict[str, str], stamps: dict[str, str]) -> str:
    digest = hashlib.sha256(_pagefind_version().encode() + " ".join(PAGEFIND_OPTIONS).encode())
    for path, mark in sorted(prints.items()):
        digest.update(f"{path}\0{mark}\0".encode())
    if any(mark.endswith("+stamped") for mark in prints.values()):
        digest.update(repr(sorted(stamps.items())).encode())
    return digest.hexdigest()


def _pagefind_version() -> str:
    from importlib.metadata import version

    return version("pagefind")


def _write_inputs(site: Path, pages: list[str], folder: Path) -> None:
    """From the site's pages, already stamped."""
    for page in pages:
        write_input(folder, page, (site / page).read_text(encoding="utf-8"), {})


def input_folder(cache: Path) -> Path | None:
    """Where the page groups write each indexed page's Pagefind input as they make it (`write_input`), when `cache` keeps
    no index: this build will run Pagefind whatever the pages say. None when an index is kept (most builds reuse it).
    In a cold England build, reading the 8,771 pages back from the site to make the input took 3-6 s after the pages."""
    folder = cache.with_name(f"{cache.name}-input")
    discard(folder)  # left by a build that stopped
    if cache.is_dir() and any(cache.iterdir()):
        return None
    folder.mkdir(parents=True)
    return folder


def write_input(folder: Path, page: str, html: str, stamps: dict[str, str]) -> None:
    """One page's input, from its HTML as rendered (with the data version as tokens, which no cut depends on)."""
    create_file(os.path.join(folder, page), stamp(search_input(html), stamps).encode("utf-8"))


class SearchIndexing:
    """Pagefind started in the background (it reads only the pages, so charts can render meanwhile), or the kept index copied.

    Pagefind reads `search_input` copies of the indexed pages, made in a folder beside the site:
    the same index from a sixth of the HTML, in a third of the time. Pages without an indexed body
    are left out, as Pagefind leaves them out when any page has one.
    """

    def __init__(self, site: Path, key: str, cache: Path, pages: list[str], inputs: Path | None = None):
        """`inputs` holds the pages' input already (`input_folder`). Result links keep index.html so they also work on
        hosts that do not serve folder indexes."""
        self.site, self.key, self.cache = site, key, cache
        self.process, self.inputs = None, inputs
        kept = cache / key
        if kept.is_dir():  # 9,000 files at England scale: plain strings, not Path objects (a third of the time)
            self._remove_inputs()
            root, index = os.fspath(kept), os.path.join(site, "pagefind")
            for folder, _, names in os.walk(root):
                inside = folder[len(root):]
                for name in names:
                    link_file(os.path.join(folder, name), f"{index}{inside}/{name}", f"search:{key}")
            return
        retire_folder(site / "pagefind")  # a spare site's old index (`site_files`): Pagefind writes afresh
        try:
            if self.inputs is None:
                self.inputs = Path(tempfile.mkdtemp(prefix=".search-input-", dir=site.parent))
                fork_shares(lambda share, count: _write_inputs(site, sorted(pages)[share::count], self.inputs))
            self.process = subprocess.Popen([sys.executable, "-m", "pagefind", "--site", str(self.inputs),
                                             "--output-path", str(site / "pagefind"), *PAGEFIND_OPTIONS],
                                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        except BaseException:
            self._remove_inputs()
            raise

    @property
    def reused(self) -> bool:
        return self.process is None

    def finish(self) -> None:
        """Wait for Pagefind and keep its index under the key (one index is enough: the last one), hard-linked: nothing
        writes into an index once made, and copying its 9,000 files at England scale was the last second of a cold build."""
        if self.process is None:
            return
        out, err = self.process.communicate()
        self._remove_inputs()
        if self.process.returncode != 0:
            raise RuntimeError(f"search indexing failed: {err or out}")
        for old in self.cache.iterdir() if self.cache.is_dir() else []:
            shutil.rmtree(old, ignore_errors=True)
        partial = self.cache / f".{self.key}.partial"
        shutil.copytree(self.site / "pagefind", partial, copy_function=link_or_copy)
        partial.rename(self.cache / self.key)

    def cancel(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._remove_inputs()

    def _remove_inputs(self) -> None:
        """In the background (`site_files.discard`): 8,771 files at England scale."""
        if self.inputs is not None:
            discard(self.inputs)
            self.inputs = None
