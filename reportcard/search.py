"""The static search index (Pagefind), made again only when the text it indexes changed.

Pagefind reads the parts of each page marked `data-pagefind-body`, leaving out tables, charts,
collapsed details and anything marked `data-pagefind-ignore`: people search for places, indicators
and partners by name, not for figures. So a commit that changes figures changes none of the indexed
text, and the last index is copied instead of crawling thousands of pages again.

`indexed_print` works out, from a page's HTML, a digest of everything Pagefind could read: the
page minus the regions it is told to skip, plus metadata and images wherever they are. Each cut ends at the first closing tag of its kind, so
with nested elements it removes less than Pagefind skips, never more: the print may change when
the index would not, but never the other way round.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

EXCLUDED = ("table", "figure", "details")
_SKIPPED = [
    re.compile(r"<script\b.*?</script>", re.DOTALL),  # scripts are never text (the JSON-LD carries the data version)
    re.compile(r"<footer\b.*?</footer>", re.DOTALL),  # outside the indexed body
    re.compile(r"<(\w+)\b[^>]*\bdata-pagefind-ignore\b[^>]*>.*?</\1>", re.DOTALL),
    *(re.compile(rf"<{tag}\b.*?</{tag}>", re.DOTALL) for tag in EXCLUDED),
]
_BODY = "data-pagefind-body"
#: Pagefind reads metadata and filters anywhere in a page, even from regions it does not index, and
#: takes the first image as the result's picture unless a page sets its own (our pages set none).
_METADATA = re.compile(r"<[^>]*\bdata-pagefind-(?:meta|filter|sort|weight|index-attrs)\b[^>]*>")
_IMAGE = re.compile(r"<img\b[^>]*>")
_NO_IMAGE = 'data-pagefind-meta="image:"'
_COMMAND = ["--keep-index-url", "--silent", *(arg for tag in EXCLUDED for arg in ("--exclude-selectors", tag))]


def indexed_print(html: str) -> str | None:
    """Digest of what Pagefind may index on this page; None for a page it leaves out (no indexed body).

    A page rendered with data-version tokens keeps them in the print only where they survive the cuts;
    `index_key` then adds the real values, so a version shown in indexed text still makes a new index.
    """
    if _BODY not in html:
        return None
    read = _METADATA.findall(html) + ([] if _NO_IMAGE in html else _IMAGE.findall(html))
    for pattern in _SKIPPED:
        html = pattern.sub("", html)
    read.append(html)
    text = "\0".join(read)
    return hashlib.sha256(text.encode()).hexdigest() + ("+stamped" if "@@reportcard:" in text else "")


def index_key(prints: dict[str, str], stamps: dict[str, str]) -> str:
    digest = hashlib.sha256(_pagefind_version().encode() + " ".join(_COMMAND).encode())
    for path, mark in sorted(prints.items()):
        digest.update(f"{path}\0{mark}\0".encode())
    if any(mark.endswith("+stamped") for mark in prints.values()):
        digest.update(repr(sorted(stamps.items())).encode())
    return digest.hexdigest()


def _pagefind_version() -> str:
    from importlib.metadata import version

    return version("pagefind")


def _link(source: str, target: str) -> None:
    """Hard-link a kept index file (nothing ever writes to one in place); copy where links cannot be made."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def index_for_search(site: Path, key: str | None = None, cache: Path | None = None) -> bool:
    """Write site/pagefind/: copied from `cache` under `key` when there, else made by Pagefind (and kept there).

    Result links keep index.html so they also work on hosts that do not serve folder indexes.
    Returns whether the index was reused.
    """
    kept = cache / key if cache is not None and key else None
    if kept is not None and kept.is_dir():
        shutil.copytree(kept, site / "pagefind", copy_function=_link)
        return True
    done = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(site), *_COMMAND], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"search indexing failed: {done.stderr or done.stdout}")
    if kept is not None:
        for old in cache.iterdir() if cache.is_dir() else []:  # one index is enough: the last one
            shutil.rmtree(old, ignore_errors=True)
        partial = cache / f".{key}.partial"
        shutil.copytree(site / "pagefind", partial)
        partial.rename(kept)
    return False
