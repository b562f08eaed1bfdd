"""Pelican settings for the council report card site. A council brands its site here."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent

SITENAME = "Trafford performance report cards (demo)"
SITE_OWNER = "Trafford Council (demo data)"
SITEURL = ""
# The address the site is published at, e.g. "https://council.github.io/report-cards/". Used for the
# "cite this" line, canonical links, the sitemap and feeds. Links inside the site stay relative either way.
PUBLIC_URL = os.environ.get("REPORTCARD_PUBLIC_URL", "")
RELATIVE_URLS = True
PATH = str(ROOT / "content")
THEME = str(ROOT / "theme")
PLUGIN_PATHS = [str(ROOT / "plugins")]
PLUGINS = ["reportcard_pages"]
REPORTCARD_DATA = str(ROOT / "data")
REPORTCARD_COMMENTARY = str(ROOT / "content" / "commentary")
# Kept between builds: chart SVGs by a hash of their spec (charts/), and page groups by a hash of the data
# that feeds them (pages/), so a rebuild renders only what changed. Safe to delete at any time.
REPORTCARD_CACHE = str(ROOT / ".cache")
# The change log compares each data version with the one before, for this many versions (git commits of data/).
REPORTCARD_CHANGELOG_DEPTH = 5
# Without git history: a folder holding the previously published data to compare with (e.g. an unzipped all-data.zip).
REPORTCARD_PREVIOUS = os.environ.get("REPORTCARD_PREVIOUS", "")

# Branding: a council changes these and nothing else.
BRAND_COLOUR = "#1d4f76"  # header background; keep 4.5:1 contrast with BRAND_TEXT_COLOUR
BRAND_TEXT_COLOUR = "#ffffff"
SITE_LOGO = ""  # e.g. "images/logo.svg", placed in content/images/
CONTACT_EMAIL = ""
CONTACT_URL = "https://www.trafford.gov.uk/"
ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0, and data from "
    "Trafford Data Lab (Trafford Council) and mySociety (CC BY 4.0). Some figures are illustrative and are labelled as such."
)
TIMEZONE = "Europe/London"
DEFAULT_LANG = "en-GB"
LICENCE_TEXT = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"

# Data values are text: escape everything (Pelican leaves autoescape off by default).
JINJA_ENVIRONMENT = {"autoescape": True, "trim_blocks": True, "lstrip_blocks": True}

# Keep content pages only; no blog machinery, no feeds until the publishing issue.
ARTICLE_PATHS: list[str] = []
PAGE_PATHS = ["pages"]
DISPLAY_PAGES_ON_MENU = False
DISPLAY_CATEGORIES_ON_MENU = False
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
CATEGORY_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
TAG_SAVE_AS = ""
TAGS_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
INDEX_SAVE_AS = ""
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
STATIC_PATHS: list[str] = []
CACHE_CONTENT = False
DEFAULT_PAGINATION = False
