"""Writing the page groups into the site: from the page cache when their inputs are unchanged, else made,
rendered and cached. No Pelican here: the plugin hands in a function that renders one page.

Keyed groups (a ward, an indicator...) are shared between processes (`parallel.fork_shares`), each unit (a batch,
a council's wards, or one group) to whichever process is free next (`parallel.Turns`); the site-wide ones stay in
this process. Each group is written as it is made and then forgotten, so no stage holds every page in memory. Charts
are keyed here, and a chart not in the chart cache is sent to be rendered at once (`send_chart`); its SVG is written
into the site afterwards.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain
from pathlib import Path

from .downloads import csv_text
from .page_cache import TOKEN_START, Bundle, InputPrints, PageCache, group_name, stamp
from .parallel import Turns, fork_shares, workers
from .render import cached_svg, chart_texts, keyed_spec, svg_path
from .search import indexed_print, write_input
from .site import Download, Group, Page
from .site_files import keep_file, write_file
from .stages import timed


@dataclass
class Written:
    """What the groups wrote: SVGs wanted (site path -> spec key), specs not yet rendered (key -> JSON), each page's
    search print, the HTML pages (for the sitemap), and the page cache with its use counted."""

    pages: PageCache
    svgs: dict[str, str] = field(default_factory=dict)
    specs: dict[str, str] = field(default_factory=dict)
    search: dict[str, str] = field(default_factory=dict)
    html: list[str] = field(default_factory=list)

    def add(self, other: Written) -> None:
        self.pages.add(other.pages)
        self.svgs.update(other.svgs)
        self.specs.update(other.specs)
        self.search.update(other.search)
        self.html += other.html


@dataclass
class GroupWriter:
    output: Path
    cache: Path  # holds pages/ and charts/
    prints: InputPrints
    stamps: dict[str, str]  # data-version tokens -> values
    render_page: Callable[[Page], str]
    renderer: str  # vl-convert's version, part of each chart's key
    send_chart: Callable[[str, str], None] | None = None  # a new chart (key, spec JSON) to render while pages are made
    search_inputs: Path | None = None  # where each indexed page's Pagefind input is written, when no index is kept (`search`)

    def write(self, groups: Iterable[Group]) -> Written:
        last_keys = PageCache.load_keys(self.cache / "pages")
        count = workers()
        share_of = group_shares(list(groups), count)

        def write_share(share: int, count: int) -> Written:
            return self._write_share(share_of(share), last_keys)

        shares = fork_shares(write_share, count)
        total = shares[0]
        for done in shares[1:]:
            total.add(done)
        total.html.sort()
        return total

    def _write_share(self, groups: Iterable[Group], last_keys: dict[str, str]) -> Written:
        done = Written(PageCache(self.cache / "pages", last_keys))
        for group in groups:
            key = self.prints.key(*group.key) if group.key else None
            name = group_name(group.key) if group.key else None
            bundle = done.pages.get(key, name) if key else None
            if bundle is None:
                bundle = Bundle()
                if group.parts is not None:
                    group.parts.begin(done.pages.last(name) if name else None)
                with timed("measures"):  # the domain work of a group happens as its items are made
                    items = list(group.make())
                if group.parts is not None:
                    bundle.parts = group.parts.take()
                for item in items:
                    for svg_key, spec in self._add(item, bundle).items():
                        if not self._svg_cached(svg_key):
                            self._to_render(done, svg_key, spec)
                bundle.digests = {path: hashlib.sha256(text.encode()).hexdigest() for path, text in bundle.texts.items()}
                if key:
                    done.pages.put(key, name, bundle)
            else:
                for path, svg_key in bundle.svgs.items():  # a kept group whose SVG left the chart cache: render it again
                    if not self._svg_cached(svg_key):
                        self._to_render(done, svg_key, bundle.text(Path(path).with_suffix(".vl.json").as_posix()))
            with timed("pages"):
                for path, text in bundle.texts.items():
                    self._write(path, text, bundle.digests[path])
            if self.search_inputs is not None:
                with timed("search"):
                    for path in bundle.search:
                        write_input(self.search_inputs, path, bundle.text(path), self.stamps)
            done.svgs.update(bundle.svgs)
            done.search.update(bundle.search)
            done.html += [p for p in bundle.texts if p.endswith(".html")]
        return done

    def _svg_cached(self, key: str) -> bool:
        return cached_svg(self.cache / "charts", key).exists()

    def _to_render(self, done: Written, key: str, spec: str) -> None:
        """A chart not in the chart cache: listed to render, and sent to be rendered while the pages are made."""
        done.specs[key] = spec
        if self.send_chart is not None:
            self.send_chart(key, spec)

    @cached_property
    def _stamps_key(self) -> str:
        return hashlib.sha256(json.dumps(self.stamps, sort_keys=True).encode()).hexdigest()

    def _write(self, path: str, text: str | bytes, digest: str) -> None:
        """A file is named in the site's manifest by the digest of its text as the group made it (kept with the group)
        and the data version where the text has its tokens, so an unchanged one is linked without stamping or hashing it."""
        target = self.output / path
        tokens = (TOKEN_START if isinstance(text, str) else TOKEN_START.encode()) in text
        file_key = f"{digest}:{self._stamps_key}" if tokens else digest
        if not keep_file(target, file_key):
            write_file(target, stamp(text, self.stamps), file_key)

    def _add(self, item: Page | Download, bundle: Bundle) -> dict[str, str]:
        """Render one page, download or chart into the group's bundle; returns a chart's spec (key -> JSON) to render."""
        if isinstance(item, Page):
            with timed("pages"):
                html = bundle.texts[item.path] = item.html if item.html is not None else self.render_page(item)
                mark = item.indexed or indexed_print(html)
                if mark:
                    bundle.search[item.path] = mark
        elif isinstance(item, Download):
            with timed("downloads"):
                bundle.texts[item.path] = csv_text(item.columns, item.rows)
        else:
            with timed("charts"):
                key, spec = keyed_spec(item.spec, self.renderer)
                bundle.svgs[svg_path(item.path)] = key
                bundle.texts.update(chart_texts(item))
                return {key: spec}
        return {}


def work_units(groups: list[Group]) -> tuple[list[Group], list[list[Group]], list[Group]]:
    """The site-wide groups before the first keyed one, the keyed ones in units, and the other site-wide ones (this
    process makes those last: the data page waits for the zip). A batch is one unit, in the place of its first group
    (its groups share worked-out figures, so are made in one process); any other keyed group is a unit of its own."""
    start = next((i for i, group in enumerate(groups) if group.key is not None), len(groups))
    units: list[list[Group]] = []
    batches: dict[str, list[Group]] = {}
    for group in groups[start:]:
        if group.key is None:
            continue
        if group.batch is None:
            units.append([group])
        elif group.batch in batches:
            batches[group.batch].append(group)
        else:
            batches[group.batch] = [group]
            units.append(batches[group.batch])
    return groups[:start], units, [g for g in groups[start:] if g.key is None]


def group_shares(groups: list[Group], count: int) -> Callable[[int], Iterable[Group]]:
    """The groups each of `count` processes makes (`work_units`), by share number: the keyed ones by turns
    (`parallel.Turns`), the site-wide ones in share 0. Made before the fork, called in each process."""
    first, units, last = work_units(groups)
    turns = Turns(count)
    return lambda share: chain(first, turns.take(units), last) if share == 0 else turns.take(units)
