"""Pelican plugin: writes the report card pages from the validated data. All domain logic is in `reportcard`."""

import posixpath
from itertools import chain
from pathlib import Path

from pelican import signals
from pelican.generators import Generator

from reportcard import build
from reportcard import formatting as fmt
from reportcard.changes import DEPTH, history
from reportcard.charts import Chart
from reportcard.contract import PACKAGES
from reportcard.contract_docs import describe_package
from reportcard.discovery import absolute, dataset_jsonld, robots_txt, sitemap_xml
from reportcard.downloads import csv_text
from reportcard.feeds import atom_feed, entries_by_area, release_entries
from reportcard.model import build_model, load_boundaries
from reportcard.provenance import data_version
from reportcard.published import ZIP_NAME, publish_packages
from reportcard.render import render_charts, write_file
from reportcard.site import CHART_COUNCILS_LIMIT, URLS, Download, Page, changelog_download, site_items, ward_feed_url
from reportcard.stages import timed
from reportcard.validate import validate_folder


class ReportCardGenerator(Generator):
    """Writes every data page from templates (no Markdown: it is the slow part of Pelican)."""

    def generate_context(self):
        """Validate once, and share the data version and validation result with every generator's pages."""
        self.report, self.dataset = build.current or validate_folder(Path(self.settings["REPORTCARD_DATA"]))
        self.context["data_version"] = data_version(self.dataset.folder)
        self.context["validation"] = self.report
        self.context["public_url"] = self.settings.get("PUBLIC_URL", "")

    def _jsonld(self, page_path: str, dataset: dict) -> str:
        """schema.org Dataset for a page; download addresses absolute with a public URL, else relative to the page."""
        public_url, version = self.settings.get("PUBLIC_URL", ""), self.context["data_version"]

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
            published = publish_packages(dataset, output, version, settings["SITENAME"], settings["LICENCE_TEXT"])
        previous = settings.get("REPORTCARD_PREVIOUS")
        with timed("changes"):
            releases = history(dataset.folder, version, settings.get("REPORTCARD_CHANGELOG_DEPTH", DEPTH), Path(previous) if previous else None)
        indicator_names = {i.id: (i.name, i.places) for i in model.indicators.values()}
        shared = dict(self.context, **URLS, model=model, fmt_number=fmt.number, fmt_interval=fmt.interval)
        charts: list[Chart] = []
        packages = [describe_package(dataset.packages[p]) for p in PACKAGES if p in dataset.packages]
        data_dataset = {
            "name": f"{settings['SITENAME']}: all data",
            "description": "Every indicator, observation, target, place and partnership published on this site.",
            "downloads": [(f"data/{ZIP_NAME}", "application/zip")] + [(r.path, "text/csv") for r in published if r.path.endswith(".csv")],
            "keywords": ["local government", "performance"],
        }
        pages = [
            Page("data/index.html", "data", {
                "packages": packages, "published": published, "report": report, "zip": f"data/{ZIP_NAME}",
                "zip_bytes": (output / "data" / ZIP_NAME).stat().st_size, "dataset": data_dataset,
            }),
            Page("data/contract/index.html", "contract", {"contract": packages}),
            Page("data/validation/index.html", "validation", {"report": report}),
            Page("changes/index.html", "changes", {"releases": releases, "indicator_names": indicator_names}),
            Page("search/index.html", "search", {}),
        ]
        written = []
        # chain, not a list: pages are written as they are made, never all held at once.
        places = {i: p for i, (_, p) in indicator_names.items()}
        items = chain(pages, changelog_download(releases, places), site_items(model, Path(settings["REPORTCARD_COMMENTARY"]),
                                                                              settings.get("REPORTCARD_CHART_COUNCILS_LIMIT", CHART_COUNCILS_LIMIT)))
        while True:
            with timed("measures"):  # the domain work of the next page happens as the generator advances
                item = next(items, None)
            if item is None:
                break
            if isinstance(item, Page):
                with timed("pages"):
                    context = dict(shared, **item.context, page_path=item.path, canonical=absolute(public_url, item.path))
                    if "dataset" in item.context:
                        context["jsonld"] = self._jsonld(item.path, item.context["dataset"])
                    writer.write_file(item.path, self.get_template(item.template), context, relative_urls=True)
                written.append(item.path)
            elif isinstance(item, Download):
                with timed("downloads"):
                    write_file(output / item.path, csv_text(item.columns, item.rows))
            else:
                charts.append(item)
        with timed("changes"):
            self._write_feeds(output, model, releases, indicator_names)
        write_file(output / "robots.txt", robots_txt(public_url))
        if public_url:
            content_pages = [p.save_as for p in self.context.get("pages", [])]
            write_file(output / "sitemap.xml", sitemap_xml(public_url, written + content_pages, version.date))
        with timed("charts"):
            build.chart_stats = render_charts(charts, output, Path(settings["REPORTCARD_CACHE"]))

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
