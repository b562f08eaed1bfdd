"""Screenshots of built pages at desktop and phone width, and the print layout as PDF and PNG.

Run after a build: python scripts/screenshots.py [--site output] [--out screenshots] [--page wards/E05015239/index.html]

Uses Debian's chromium through Playwright (no browser download); pages are opened from file://,
so this also shows the site works without a web server. Output: <out>/<name>-desktop.png,
<name>-phone.png, <name>-print.pdf and <name>-print.png (the first A4 page, when pdftoppm is there).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from browser import launch  # noqa: E402  (tests/browser.py: one place that knows how to start chromium)


def _first_current_ward(site: Path) -> str:
    """A ward that still exists shows a whole card (a retired ward's has no councillors and few figures)."""
    cards = sorted((site / "wards").glob("*/index.html"))
    current = (card for card in cards if "This ward no longer exists" not in card.read_text(encoding="utf-8"))
    return next(current, cards[0]).relative_to(site).as_posix()  # read up to the first current card, not all 7,380


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "output")
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    parser.add_argument("--page", action="append", help="page path inside the site; default: the first current ward's card")
    args = parser.parse_args(argv)
    pages = args.page or [_first_current_ward(args.site)]
    args.out.mkdir(parents=True, exist_ok=True)
    with launch() as browser:
        for page_path in pages:
            name = page_path.replace("/index.html", "").replace("/", "-") or "home"
            url = (args.site / page_path).resolve().as_uri()
            for label, width, height in [("desktop", 1280, 900), ("phone", 390, 844)]:
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(url)
                page.screenshot(path=str(args.out / f"{name}-{label}.png"), full_page=True)
                page.close()
            page = browser.new_page()
            page.goto(url)
            pdf = args.out / f"{name}-print.pdf"
            page.pdf(path=str(pdf), format="A4", print_background=True)
            page.close()
            if shutil.which("pdftoppm"):
                subprocess.run(["pdftoppm", "-png", "-r", "70", str(pdf), str(args.out / f"{name}-print")], check=True)
            print(f"{name}: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
