"""Pelican plugin: writes the report card pages from the validated data. All domain logic is in `reportcard`."""

import posixpath
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from itertools import chain
from pathlib import Path

from pelican import signals
from pelican.generators import Generator
from pelican.utils import get_relative_path, path_to_url

import reportcard
from reportcard import build
from reportcard import formatting as fmt
from reportcard.changes import DEPTH, history
from reportcard.contract import PACKAGES
from reportcard.contract_docs import describe_package
from reportcard.discovery import absolute, dataset_jsonld, robots_txt, sitemap_xml
from reportcard.downloads import csv_text
from reportcard.feeds import atom_feed, entries_by_area, release_entries
from reportcard.model import build_model, load_boundaries
from reportcard.page_cache import TOKENS, Bundle, InputPrints, PageCache, placeholder_version, site_digest, stamp, stamp_values
from reportcard.parallel import fork_shares
from reportcard.provenance import data_version
from reportcard.published import ZIP_NAME, publish_packages, write_zip
from reportcard.render import chart_texts, keyed_spec, render_svgs, renderer_version, svg_path, write_file
from reportcard.search import SearchIndexing, index_key, indexed_print
from reportcard.site import CHART_COUNCILS_LIMIT, URLS, Download, Group, Page, changelog_download, site_groups, ward_feed_url
from reportcard.stages import timed
from reportcard.validate import validate_folder

#: What pages are made with: a change to any of these files changes every page group's key.
CODE = [Path(reportcard.__file__).parent, Path(__file__).parent]


@dataclass
class Written:
    """What one share of the page groups wrote: for the charts, the search index and the sitemap."""

    pages: PageCache
    svgs: dict[str, str] = field(default_factory=dict)
    specs: dict[str, str] = field(default_factory=dict)
    search: dict[str, str] = field(default_factory=dict)
    written: list[str] = field(default_factory=list)


class ReportCardGenerator(Generator):
    """Writes every data page from templates (no Markdown: it is the slow part of Pelican)."""

    def generate_context(self):
        """Validate once, and share the data version and validation result with every generator's pages."""
        self.report, self.dataset = build.current or validate_folder(Path(self.settings["REPORTCARD_DATA"]))
        self.context["data_version"] = data_version(self.dataset.folder)
        self.context["validation"] = self.report
        self.context["checks"] = self.report.summary
        self.context["public_url"] = self.settings.get("PUBLIC_URL", "")

    def _jsonld(self, page_path: str, dataset: dict, version) -> str:
        """schema.org Dataset for a page; download addresses absolute with a public URL, else relative to the page."""
        public_url = self.settings.get("PUBLIC_URL", "")

        def address(path: str) -> str:
            return absolute(public_url, path) if public_url else posixpath.relpath(path, posixpath.dirname(page_path) or ".")

        return dataset_jsonld(
            name=dataset["name"], description=dataset["description"], url=absolute(public_url, page_path),
            licence_url=self.settings["LICENCE_URL"], publisher=self.settings["SITE_OWNER"], version=version.id,
            date_modified=version.date, downloads=[(address(p), media) for p, media in dataset["downloads"]],
            keywords=dataset.get("keywords"), measures=dataset.get("measures"), temporal=dataset.get("temporal"),
        )

    def generate_output(self, writer):
        report, dataset, settings = self.report, self.dataset, self.settings
        version, public_url = self.context["data_version"], settings.get("PUBLIC_URL", "")
        output = Path(self.output_path)
        with timed("measures"):
            model = build_model(dataset, load_boundaries(dataset))
        with timed("downloads"):
            published = publish_packages(dataset, output, version)
        # The zip is compressed in another thread (zlib lets go of the GIL) while the pages are made.
        zipping = ThreadPoolExecutor(1)
        zipped = zipping.submit(write_zip, dataset, output, published, version, settings["SITENAME"], settings["LICENCE_TEXT"])
        previous = settings.get("REPORTCARD_PREVIOUS")
        with timed("changes"):
            releases = history(dataset.folder, version, settings.get("REPORTCARD_CHANGELOG_DEPTH", DEPTH), Path(previous) if previous else None,
                               Path(settings["REPORTCARD_CACHE"]) / "snapshots")
        indicator_names = {i.id: (i.name, i.places) for i in model.indicators.values()}
        shared = dict(self.context, **URLS, model=model, fmt_number=fmt.number, fmt_interval=fmt.interval)
        packages = [describe_package(dataset.packages[p]) for p in PACKAGES if p in dataset.packages]
        data_dataset = {
            "name": f"{settings['SITENAME']}: all data",
            "description": "Every indicator, observation, target, place and partnership published on this site.",
            "downloads": [(f"data/{ZIP_NAME}", "application/zip")] + [(r.path, "text/csv") for r in published if r.path.endswith(".csv")],
            "keywords": ["local government", "performance"],
        }

        def data_page() -> Iterator[Page]:
            with timed("downloads"):
                zip_bytes = zipped.result().stat().st_size
            zipping.shutdown()
            yield Page("data/index.html", "data", {"packages": packages, "published": published, "report": report,
                                                   "zip": f"data/{ZIP_NAME}", "zip_bytes": zip_bytes, "dataset": data_dataset})

        pages = [
            Page("data/contract/index.html", "contract", {"contract": packages}),
            Page("data/validation/index.html", "validation", {"report": report}),
            Page("changes/index.html", "changes", {"releases": releases, "indicator_names": indicator_names}),
            Page("search/index.html", "search", {}),
        ]
        places = {i: p for i, (_, p) in indicator_names.items()}
        limit = settings.get("REPORTCARD_CHART_COUNCILS_LIMIT", CHART_COUNCILS_LIMIT)
        groups = chain([Group(None, lambda: pages), Group(None, partial(changelog_download, releases, places))],
                       site_groups(model, Path(settings["REPORTCARD_COMMENTARY"]), limit), [Group(None, data_page)])
        written = self._write_groups(groups, model, shared, output)
        with timed("changes"):
            self._write_feeds(output, model, releases, indicator_names)
        write_file(output / "robots.txt", robots_txt(public_url))
        if public_url:
            content_pages = [p.save_as for p in self.context.get("pages", [])]
            write_file(output / "sitemap.xml", sitemap_xml(public_url, written + content_pages, version.date))
        cache = Path(settings["REPORTCARD_CACHE"])
        with timed("search"):
            search = SearchIndexing(output, index_key(self.search_prints, self.stamps), cache / "search")
        try:
            with timed("charts"):  # while Pagefind indexes the pages
                charts = render_svgs(self.svgs, self.specs, output, cache / "charts")
            with timed("search"):
                search.finish()
        finally:
            search.cancel()
        self.page_cache.sweep()
        build.outcome = build.PluginOutcome(charts.rendered, charts.reused, self.page_cache.misses, self.page_cache.hits, search.reused)

    def _write_groups(self, groups, model, shared: dict, output: Path) -> list[str]:
        """Write each group from the page cache when its inputs are unchanged, else make, render and cache it.

        Keyed groups are shared between processes (`fork_shares`); site-wide pages stay here. Groups are
        written as they are made and then forgotten: no stage holds every page in memory.
        """
        settings, version = self.settings, self.context["data_version"]
        cache = Path(settings["REPORTCARD_CACHE"])
        with timed("measures"):
            prints = InputPrints(model, site_digest(self.dataset, settings, CODE), Path(settings["REPORTCARD_COMMENTARY"]))
        values = self.stamps = stamp_values(version, self.context["checks"])
        shared = dict(shared, data_version=placeholder_version(version), checks=TOKENS["checks"])
        renderer = renderer_version()
        groups = list(groups)

        def write_share(share: int, count: int) -> Written:
            done = Written(PageCache(cache / "pages"))
            for number, group in enumerate(groups):
                if (group.key is None and share != 0) or (group.key is not None and number % count != share):
                    continue
                key = prints.key(*group.key) if group.key else None
                bundle = done.pages.get(key) if key else None
                if bundle is None:
                    bundle = Bundle()
                    with timed("measures"):  # the domain work of a group happens as its items are made
                        items = list(group.make())
                    for item in items:
                        done.specs.update(self._add(item, bundle, shared, renderer))
                    if key:
                        done.pages.put(key, bundle)
                else:
                    for path, svg_key in bundle.svgs.items():
                        if not (cache / "charts" / svg_key[:2] / f"{svg_key}.svg").exists():
                            done.specs[svg_key] = bundle.texts[Path(path).with_suffix(".vl.json").as_posix()]
                with timed("pages"):
                    for path, text in bundle.texts.items():
                        write_file(output / path, stamp(text, values))
                done.svgs.update(bundle.svgs)
                done.search.update(bundle.search)
                done.written += [p for p in bundle.texts if p.endswith(".html")]
            return done

        shares = fork_shares(write_share)
        self.page_cache = shares[0].pages
        self.svgs, self.specs, self.search_prints, written = {}, {}, {}, []
        for done in shares:
            self.page_cache.add(done.pages)
            self.svgs.update(done.svgs)
            self.specs.update(done.specs)
            self.search_prints.update(done.search)
            written += done.written
        return sorted(written)

    def _add(self, item, bundle: Bundle, shared: dict, renderer: str) -> dict[str, str]:
        """Render one page, download or chart into the group's bundle; returns the spec of a chart (key -> JSON) to render."""
        if isinstance(item, Page):
            with timed("pages"):
                context = dict(shared, **item.context, page_path=item.path, canonical=absolute(shared["public_url"], item.path),
                               SITEURL=path_to_url(get_relative_path(item.path)), output_file=item.path)
                if "dataset" in item.context:
                    context["jsonld"] = self._jsonld(item.path, item.context["dataset"], context["data_version"])
                html = bundle.texts[item.path] = self.get_template(item.template).render(context)
                mark = indexed_print(html)
                if mark:
                    bundle.search[item.path] = mark
        elif isinstance(item, Download):
            with timed("downloads"):
                bundle.texts[item.path] = csv_text(item.columns, item.rows)
        else:
            with timed("charts"):
                key, spec = keyed_spec(item.spec, renderer)
                bundle.svgs[svg_path(item.path)] = key
                bundle.texts.update(chart_texts(item))
                return {key: spec}
        return {}

    def _write_feeds(self, output: Path, model, releases, indicator_names) -> None:
        public_url, owner = self.settings.get("PUBLIC_URL", ""), self.settings["SITE_OWNER"]
        id_base = absolute(public_url, "changes/") + "#" if public_url else "urn:reportcard:data-version:"
        site_entries = release_entries(releases, indicator_names, id_base)
        write_file(output / "changes" / "feed.atom", atom_feed(
            f"{self.settings['SITENAME']}: what changed", id_base + "feed", public_url or "../", "changes/feed.atom",
            "changes/index.html", owner, site_entries))
        wards = sorted((a for a in model.areas.values() if a.is_ward), key=lambda a: a.code)
        by_area = entries_by_area(releases, indicator_names, id_base, [w.code for w in wards])
        for ward in wards:
            write_file(output / ward_feed_url(ward.code), atom_feed(
                f"{ward.name}: what changed", f"{id_base}feed/{ward.code}", public_url or "../../", ward_feed_url(ward.code),
                URLS["ward_url"](ward.code), owner, by_area[ward.code]))


def get_generators(pelican):
    return ReportCardGenerator


def register():
    signals.get_generators.connect(get_generators)
