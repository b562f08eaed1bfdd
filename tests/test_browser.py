"""The built demo site in headless Chromium: accessibility (axe-core), no off-site requests, works without JavaScript.

Chromium comes from Debian's packages (`make test` installs it when missing); Playwright drives it
with `executable_path` set, so no browser is ever downloaded. Pages are served from 127.0.0.1.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import threading
import zipfile
from pathlib import Path

import pytest
from browser import chromium_available, launch

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
PAGES = ["index.html", "wards/E05015239/index.html", "indicators/NI192/index.html", "indicators/ward-no-car/index.html", "targets/index.html",
         "targets/ni192-2022/index.html"]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

if not chromium_available():
    if os.environ.get("CI"):
        raise RuntimeError("CI must run the browser tests: install Debian's chromium (make test does) and the test extra")
    pytest.skip("Debian chromium or playwright not installed (make test installs them)", allow_module_level=True)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served(demo_site):
    """The site served under a sub-path (/output/), as GitHub project pages serve it."""
    site, _ = demo_site
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site.parent)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/{site.name}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    with launch() as b:
        yield b


def _open(browser, url: str, javascript: bool = True, width: int = 1280):
    """Open a page, recording every request it makes."""
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": width, "height": 900})
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    response = page.goto(url, wait_until="networkidle")
    assert response is not None and response.ok, url
    return context, page, requests


@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_serious_accessibility_violation_and_stays_on_site(browser, served, path):
    context, page, requests = _open(browser, served + path)
    try:
        page.add_script_tag(path=str(AXE))
        results = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
        serious = [
            (v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"][:3]])
            for v in results["violations"] if v["impact"] in ("serious", "critical")
        ]
        assert not serious, serious
        assert len(results["passes"]) > 10  # axe really ran
        off_site = [u for u in requests if not u.startswith(served)]
        assert not off_site, off_site
    finally:
        context.close()


def test_ward_filter_enhances_the_list_with_javascript(browser, served):
    context, page, _ = _open(browser, served + "index.html")
    try:
        page.fill("#ward-filter-input", "alt")
        visible = page.locator("[data-filterable] li:visible").all_inner_texts()
        assert visible and all("alt" in v.lower() for v in visible)
        assert "found" in page.inner_text("#ward-filter-count")
    finally:
        context.close()


def test_without_javascript_every_ward_is_listed_and_linked(browser, served):
    context, page, _ = _open(browser, served + "index.html", javascript=False)
    try:
        assert not page.is_visible("#ward-filter-input")  # the box needs JavaScript, so it stays hidden
        links = page.locator("[data-filterable] li a")
        assert links.count() == 21
        links.first.click()
        assert "ward report card" in page.inner_text("h1")
    finally:
        context.close()


def test_ward_card_fits_a_phone_without_sideways_scrolling(browser, served):
    context, page, _ = _open(browser, served + "wards/E05015239/index.html", width=390)
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()


def test_ward_card_prints_on_one_a4_page(browser, served):
    context, page, _ = _open(browser, served + "wards/E05015239/index.html")
    try:
        pdf = page.pdf(format="A4")
        assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 1  # page objects, not the page tree
    finally:
        context.close()


def test_search_finds_a_ward_under_a_sub_path(browser, served):
    context, page, requests = _open(browser, served + "search/index.html")
    try:
        page.fill(".pagefind-ui__search-input", "Altrincham")
        result = page.locator(".pagefind-ui__result-link").first
        result.wait_for(timeout=10_000)
        href = result.get_attribute("href")
        assert re.fullmatch(r"/output/wards/E05\d{6}/index\.html", href), href  # ward cards, under the sub-path
        result.click()
        page.wait_for_load_state()
        assert page.url == served.removesuffix("output/") + href.lstrip("/") and "Altrincham" in page.inner_text("h1")
        assert not [u for u in requests if not u.startswith(served)]
    finally:
        context.close()


def test_unzipped_archive_browses_from_file_urls(browser, demo_site, tmp_path):
    site, _ = demo_site
    with zipfile.ZipFile(site.parent / "report-cards.zip") as archive:
        archive.extractall(tmp_path)
    home = (tmp_path / "report-cards" / "index.html").as_uri()
    context = browser.new_context()
    page = context.new_page()
    failed: list[str] = []
    requests: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on("request", lambda request: requests.append(request.url))
    try:
        page.goto(home)
        assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor") != "rgba(0, 0, 0, 0)"  # CSS loaded
        page.locator("[data-filterable] li a").first.click()
        assert "ward report card" in page.inner_text("h1")
        page.locator("nav[aria-label=Main] a", has_text="Indicators").click()
        page.locator("main a[href*='NI192']").first.click()
        page.wait_for_load_state("load")
        # Charts load lazily: give each one in view the chance to arrive before judging it (a busy machine is slow).
        page.wait_for_function("[...document.images].every(i => i.complete)", timeout=10_000)
        images = page.evaluate("[...document.images].map(i => [i.getAttribute('src'), i.complete && i.naturalWidth > 0])")
        assert images and all(ok for _, ok in images), images
        page.locator("nav[aria-label=Main] a", has_text="Data").click()
        assert page.locator("a[href$='all-data.zip']").count() == 1
        assert not failed, failed
        assert all(u.startswith("file://") for u in requests), [u for u in requests if not u.startswith("file://")]
    finally:
        context.close()


def test_screenshots_script_shows_a_current_ward_at_each_width_and_in_print(demo_site, tmp_path):
    """`make screenshots` (the README's way to look at a card): by default the first ward that still exists."""
    import subprocess
    import sys

    site, _ = demo_site
    root = Path(__file__).resolve().parents[1]
    subprocess.run([sys.executable, str(root / "scripts" / "screenshots.py"), "--site", str(site), "--out", str(tmp_path)], check=True,
                   capture_output=True)
    made = sorted(p.name for p in tmp_path.iterdir())
    assert [n for n in made if not n.endswith(".png") or "print" not in n] == [
        "wards-E05015239-desktop.png", "wards-E05015239-phone.png", "wards-E05015239-print.pdf"]
