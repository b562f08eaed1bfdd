"""Shared test set-up: fixture helpers on the path, and the demo site built once per run."""

import sys
from pathlib import Path

import pytest
from hypothesis import settings

sys.path.insert(0, str(Path(__file__).resolve().parent))

# No per-example deadline: the machines these run on are small and noisy (a 0.2 s deadline failed a pandas-heavy
# property when the machine was busy), and a slow example is not a wrong one.
settings.register_profile("reportcard", deadline=None)
settings.load_profile("reportcard")


#: Where the demo pretends to be published: a sub-path, as GitHub project pages are.
PUBLIC_URL = "https://council.example/report-cards/"


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory):
    """The embedded demo built once per test run (own chart cache, so nothing is taken from earlier builds)."""
    from reportcard.build import build_site

    root = Path(__file__).resolve().parents[1]
    tmp = tmp_path_factory.mktemp("demo")
    result = build_site(root / "data", tmp / "output", settings={"REPORTCARD_CACHE": str(tmp / "chart-cache"), "PUBLIC_URL": PUBLIC_URL},
                        archive=tmp / "report-cards.zip")
    return tmp / "output", result
