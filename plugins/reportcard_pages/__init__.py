"""Pelican plugin: writes the report card pages from the validated data. All domain logic is in `reportcard`."""

from itertools import chain
from pathlib import Path

from pelican import signals
from pelican.generators import Generator

from reportcard import build
from reportcard import formatting as fmt
from reportcard.charts import Chart
from reportcard.contract import PACKAGES
from reportcard.contract_docs import describe_package
from reportcard.downloads import csv_text
from reportcard.model import build_model, load_boundaries
from reportcard.provenance import data_version
from reportcard.render import render_charts, write_file
from reportcard.site import URLS, Download, Page, site_items
from reportcard.validate import validate_folder


class ReportCardGenerator(Generator):
    """Writes every data page from templates (no Markdown: it is the slow part of Pelican)."""

    def generate_context(self):
        """Validate once, and share the data version and validation result with every generator's pages."""
        self.report, self.dataset = build.current or validate_folder(Path(self.settings["REPORTCARD_DATA"]))
        self.context["data_version"] = data_version(self.dataset.folder)
        self.context["validation"] = self.report

    def generate_output(self, writer):
        report, dataset = self.report, self.dataset
        model = build_model(dataset, load_boundaries(dataset))
        output = Path(self.output_path)
        shared = dict(self.context, **URLS, model=model, fmt_number=fmt.number, fmt_interval=fmt.interval)
        charts: list[Chart] = []
        pages = [
            Page(
                "data/contract/index.html",
                "contract",
                {"contract": [describe_package(dataset.packages[p]) for p in PACKAGES if p in dataset.packages]},
            ),
            Page("data/validation/index.html", "validation", {"report": report}),
        ]
        # chain, not a list: pages are written as they are made, never all held at once.
        for item in chain(pages, site_items(model, Path(self.settings["REPORTCARD_COMMENTARY"]))):
            if isinstance(item, Page):
                writer.write_file(item.path, self.get_template(item.template), dict(shared, **item.context), relative_urls=True)
            elif isinstance(item, Download):
                write_file(output / item.path, csv_text(item.columns, item.rows))
            else:
                charts.append(item)
        stats = render_charts(charts, output, Path(self.settings["REPORTCARD_CACHE"]))
        build.chart_stats = stats


def get_generators(pelican):
    return ReportCardGenerator


def register():
    signals.get_generators.connect(get_generators)
