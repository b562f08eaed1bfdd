"""Pelican plugin: writes the report card pages from the validated data. All domain logic is in `reportcard`."""

import posixpath
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from functools import partial
from itertools import chain
from pathlib import Path

from jinja2 import FileSystemBytecodeCache
from pelican import signals
from pelican.generators import Generator
from pelican.utils import get_relative_path, path_to_url

import reportcard
from reportcard import build
from reportcard import formatting as fmt
from reportcard.changes import DEPTH, dataset_snapshot, history
from reportcard.contract import PACKAGES
from reportcard.contract_docs import describe_package
from reportcard.discovery import absolute, dataset_jsonld, robots_txt, sitemap_xml
from reportcard.feeds import atom_feed, entries_by_area, release_entries, stored_accounts, write_feed
from reportcard.model import build_model, load_boundaries
from reportcard.page_cache import TOKENS, InputPrints, RowSums, dataset_row_sums, placeholder_version, site_digest, stamp_values
from reportcard.parallel import Turns, fork_shares, start_shares, workers
from reportcard.provenance import data_version
from reportcard.published import ZIP_NAME, publish_packages, write_zip
from reportcard.render import ChartWorkers, renderer_version, start_svgs
from reportcard.search import SearchIndexing, index_key, input_folder
from reportcard.site import CHART_COUNCILS_LIMIT, URLS, Group, Page, changelog_groups, site_groups, ward_feed_url, ward_finder_key, ward_url
from reportcard.site_files import write_file
from reportcard.stages import timed
from reportcard.validate import validate_folder
from reportcard.views import Views
from reportcard.ward_parts import CardTemplates, FigureParts, SectionPart
from reportcard.writing import GroupWriter

#: What pages are made with: a change to any of these files changes every page group's key.
CODE = [Path(reportcard.__file__).parent, Path(__file__).parent]


class ReportCardGenerator(Generator):
    """Writes every data page from templates (no Markdown: it is the slow part of Pelican)."""

    def generate_context(self):
        """Validate once, and share the data version and validation result with every generator's pages.

        Compiled templates are kept between builds (Jinja checks each against its source), as compiling
        them took each page process half a second of every build.
        """
        self.env.bytecode_cache = FileSystemBytecodeCache(_folder(Path(self.settings["REPORTCARD_CACHE"]) / "templates"))
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
        # The build's, started before validation; run by Pelican alone, started now, before the pages ask for charts.
        with nullcontext(build.chart_workers) if build.chart_workers else ChartWorkers() as chart_workers:
            self._generate_output(chart_workers)

    def _generate_output(self, chart_workers: ChartWorkers):
        report, dataset, settings = self.report, self.dataset, self.settings
        version, public_url = self.context["data_version"], settings.get("PUBLIC_URL", "")
        output = Path(self.output_path)
        previous = settings.get("REPORTCARD_PREVIOUS")

        def make_model() -> dict:
            """With every target's status worked out: the page processes each need them, so before they fork."""
            with timed("measures"):
                model = build_model(dataset, load_boundaries(dataset))
                views = Views(model)
                views.scorecard()
                return {"model": model, "views": views}

        def make_releases() -> dict:
            with timed("changes"):
                return {"releases": history(dataset.folder, version, settings.get("REPORTCARD_CHANGELOG_DEPTH", DEPTH),
                                            Path(previous) if previous else None, Path(settings["REPORTCARD_CACHE"]) / "snapshots",
                                            partial(dataset_snapshot, dataset))}

        def publish() -> dict:
            with timed("downloads"):
                return {"published": publish_packages(dataset, output, version)}  # mostly scanning and writing files

        def row_sums() -> dict:
            with timed("measures"):
                return {"sums": dataset_row_sums(dataset)}  # the page keys' row sums

        count = workers()
        turns = Turns(count)
        shared_jobs = [publish, make_releases, row_sums]  # the slowest first (0.4-0.9 s, 0.2-0.45 s, 0.25-0.3 s at England scale)

        def prepare(share: int, count: int) -> dict:
            """The model here (it is too large to send back), then the packages published, the change log (a new commit's
            is the slowest: a snapshot of it, compared with the last) and the page keys' row sums, each to whichever
            process is free next: their times move with the disk, and a fixed split left one process idle for 0.8 s."""
            made = make_model() if share == 0 else {}
            for job in turns.take([[job] for job in shared_jobs]):
                made.update(job())
            return made

        prepared = {name: value for made in fork_shares(prepare, count) for name, value in made.items()}
        model, views, releases, published, sums = (prepared[name] for name in ("model", "views", "releases", "published", "sums"))
        # The zip is compressed in another thread (zlib lets go of the GIL) while the pages are made.
        zipping = ThreadPoolExecutor(1)
        zipped = zipping.submit(write_zip, dataset, output, published, version, settings["SITENAME"], settings["LICENCE_TEXT"])
        indicator_names = {i.id: (i.name, i.places) for i in model.indicators.values()}
        shared = self.page_context(model)
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
        cache = Path(settings["REPORTCARD_CACHE"])
        pages_writer = self._writer(model, sums, shared, output, chart_workers.send, input_folder(cache / "search"))
        ward_parts = FigureParts(pages_writer.prints, self.card_templates(shared, pages_writer.render_page))
        area_parts = FigureParts(pages_writer.prints, self.card_templates(shared, pages_writer.render_page, placings=False), "area")
        home_macros = self.get_template("macros").make_module(dict(shared, SITEURL=path_to_url(get_relative_path("index.html"))))
        home_parts = SectionPart(pages_writer.prints.site, ward_finder_key, lambda context: home_macros.ward_finder(context["councils"]),
                                 pages_writer.render_page)
        groups = chain([Group(None, lambda: pages)], changelog_groups(releases, places),
                       site_groups(model, Path(settings["REPORTCARD_COMMENTARY"]), limit, ward_parts, area_parts, views, home_parts),
                       [Group(None, data_page)])
        written = pages_writer.write(groups)
        # The bundles of groups gone since the last build are removed while the rest is made.
        sweeping = ThreadPoolExecutor(1)
        swept = sweeping.submit(written.pages.sweep)
        with timed("changes"):  # the ward feeds are shared between processes: the others start now, this one's share waits
            feeds_written = self._write_feeds(output, model, releases, indicator_names, pages_writer.prints.site)
        write_file(output / "robots.txt", robots_txt(public_url))
        if public_url:
            content_pages = [p.save_as for p in self.context.get("pages", [])]
            write_file(output / "sitemap.xml", sitemap_xml(public_url, written.html + content_pages, version.date))
        with timed("charts"):  # the rest rendered by the chart workers while Pagefind's input is made and the ward feeds written
            rendering = start_svgs(written.svgs, written.specs, output, cache / "charts", started=chart_workers)
        with timed("search"):
            search = SearchIndexing(output, index_key(written.search, pages_writer.stamps), cache / "search", list(written.search),
                                    pages_writer.search_inputs)
        try:
            try:
                with timed("changes"):  # and Pagefind indexes the pages
                    feeds_written()
            finally:
                with timed("charts"):
                    charts = rendering()
            with timed("search"):
                search.finish()
        finally:
            search.cancel()
        swept.result()
        sweeping.shutdown()
        build.outcome = build.CacheUse(charts.rendered, charts.reused, written.pages.misses, written.pages.hits, search.reused,
                                       charts_ahead=charts.ahead)

    def page_context(self, model) -> dict:
        """What every page template is given besides its own context."""
        return dict(self.context, **URLS, model=model, fmt_number=fmt.number, fmt_interval=fmt.interval, verdict=fmt.verdict_html,
                    strip=fmt.strip_html)

    def page_renderer(self, shared: dict) -> Callable[[Page], str]:
        """Renders one page with its template (the benchmark's Jinja floor renders through this too, untimed context aside)."""

        def render_page(page: Page) -> str:
            context = dict(shared, **page.context, page_path=page.path, canonical=absolute(shared["public_url"], page.path),
                           SITEURL=path_to_url(get_relative_path(page.path)), output_file=page.path)
            if "dataset" in page.context:
                context["jsonld"] = self._jsonld(page.path, page.context["dataset"], context["data_version"])
            return self.get_template(page.template).render(context)

        return render_page

    def card_templates(self, shared: dict, render_page: Callable[[Page], str], placings: bool = True) -> CardTemplates:
        """A ward card's parts (or, without `placings`, an area page's), rendered by the macros its template uses (every
        card and area page is at the same depth)."""
        macros = self.get_template("macros").make_module(dict(shared, SITEURL=path_to_url(get_relative_path(ward_url("ward")))))
        return CardTemplates(row=lambda line, area: macros.figure_row(line, area, placings and area.current),
                             figures=lambda themes, area: macros.figure_lines(themes, area, placings and area.current), card=render_page)

    def _writer(self, model, sums: RowSums, shared: dict, output: Path, send_chart: Callable[[str, str], None],
                search_inputs: Path | None) -> GroupWriter:
        """Pages are rendered with the data version and check counts as tokens, filled in as each is written; a new
        chart is sent to `send_chart` as soon as it is made, and each indexed page's Pagefind input written to
        `search_inputs` (when no index is kept)."""
        settings, version = self.settings, self.context["data_version"]
        with timed("measures"):
            prints = InputPrints(model, site_digest(self.dataset, settings, CODE), Path(settings["REPORTCARD_COMMENTARY"]), sums)
        render_page = self.page_renderer(dict(shared, data_version=placeholder_version(version), checks=TOKENS["checks"]))
        return GroupWriter(output, Path(settings["REPORTCARD_CACHE"]), prints, stamp_values(version, self.context["checks"]),
                           render_page, renderer_version(), send_chart, search_inputs)

    def _write_feeds(self, output: Path, model, releases, indicator_names, site: str) -> Callable[[], object]:
        """`site` is the digest of the code and settings (`site_digest`). The ward feeds are written in shares
        (`start_shares`): the other processes' start now, and calling what this returns writes this one's and waits."""
        public_url, owner = self.settings.get("PUBLIC_URL", ""), self.settings["SITE_OWNER"]
        id_base = absolute(public_url, "changes/") + "#" if public_url else "urn:reportcard:data-version:"
        accounts = stored_accounts(releases, indicator_names, Path(self.settings["REPORTCARD_CACHE"]) / "feeds")
        site_entries = release_entries(releases, accounts, id_base)
        write_file(output / "changes" / "feed.atom", atom_feed(
            f"{self.settings['SITENAME']}: what changed", id_base + "feed", public_url or "../", "changes/feed.atom",
            "changes/index.html", owner, site_entries))
        wards = sorted((a for a in model.areas.values() if a.is_ward), key=lambda a: a.code)
        by_area = entries_by_area(releases, accounts, id_base, [w.code for w in wards])

        def write_share(share: int, count: int) -> None:  # thousands of feeds at England scale: half each
            for ward in wards[share::count]:
                write_feed(output / ward_feed_url(ward.code), site, f"{ward.name}: what changed", f"{id_base}feed/{ward.code}",
                           public_url or "../../", ward_feed_url(ward.code), URLS["ward_url"](ward.code), owner, by_area[ward.code])

        return start_shares(write_share)


def _folder(path: Path) -> str:
    path.mkdir(parents=True, exist_ok=True)
    return str(path)


def get_generators(pelican):
    return ReportCardGenerator


def register():
    signals.get_generators.connect(get_generators)
