"""Pelican plugin: hands the validated data to templates. All domain logic is in `reportcard`."""

from pathlib import Path

from pelican import signals
from pelican.generators import Generator

from reportcard import build
from reportcard.contract import PACKAGES
from reportcard.contract_docs import describe_package
from reportcard.validate import validate_folder


class ReportCardGenerator(Generator):
    """Writes the data pages from templates (no Markdown: it is the slow part of Pelican)."""

    def generate_output(self, writer):
        report, dataset = build.current or validate_folder(Path(self.settings["REPORTCARD_DATA"]))
        areas = dataset.frame("places", "areas", ["code", "name", "type"])
        wards = areas[(areas["type"] == "ward") & areas["valid_to"].isna()].sort_values("name") if areas is not None else []
        contract = [describe_package(dataset.packages[p]) for p in PACKAGES if p in dataset.packages]
        pages = [
            ("index.html", "home.html", {"wards": wards.to_dict("records") if len(wards) else []}),
            ("data/contract/index.html", "contract.html", {"contract": contract}),
            ("data/validation/index.html", "validation.html", {"report": report}),
        ]
        for path, template, extra in pages:
            context = dict(self.context, **extra)
            writer.write_file(path, self.get_template(template.removesuffix(".html")), context, relative_urls=True)


def get_generators(pelican):
    return ReportCardGenerator


def register():
    signals.get_generators.connect(get_generators)
