"""How search engines and data catalogues find the site: sitemap, robots.txt, schema.org Dataset.

Absolute addresses need the site's public URL (a setting), which a static build cannot guess.
Without it the sitemap is not written and pages carry no canonical link: better none than wrong.
"""

from __future__ import annotations

import json
from xml.sax.saxutils import escape


def page_address(path: str) -> str:
    """The stable address of a page relative to the site root: folders, not index.html."""
    return path.removesuffix("index.html")


def absolute(public_url: str, path: str) -> str:
    return public_url.rstrip("/") + "/" + page_address(path) if public_url else ""


def sitemap_xml(public_url: str, paths: list[str], lastmod: str | None) -> str:
    stamp = f"<lastmod>{escape(lastmod)}</lastmod>" if lastmod else ""
    urls = "".join(f"<url><loc>{escape(absolute(public_url, p))}</loc>{stamp}</url>\n" for p in sorted(paths))
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n'


def robots_txt(public_url: str) -> str:
    lines = ["User-agent: *", "Allow: /"]
    if public_url:
        lines.append(f"Sitemap: {public_url.rstrip('/')}/sitemap.xml")
    return "\n".join(lines) + "\n"


def dataset_jsonld(*, name: str, description: str, url: str, licence_url: str, publisher: str, version: str,
                   date_modified: str | None, downloads: list[tuple[str, str]], keywords: list[str] | None = None,
                   measures: list[str] | None = None, temporal: str | None = None) -> str:
    """schema.org Dataset as JSON text safe to place inside a <script> element.

    `downloads` are (address, media type); `url` and the addresses may be relative when no public URL is set.
    """
    record: dict = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": name,
        "description": description,
        "license": licence_url,
        "creator": {"@type": "Organization", "name": publisher},
        "publisher": {"@type": "Organization", "name": publisher},
        "version": version,
        "isAccessibleForFree": True,
        "distribution": [{"@type": "DataDownload", "contentUrl": address, "encodingFormat": media} for address, media in downloads],
    }
    if url:
        record["url"] = url
    if date_modified:
        record["dateModified"] = date_modified
    if keywords:
        record["keywords"] = keywords
    if measures:
        record["variableMeasured"] = measures
    if temporal:
        record["temporalCoverage"] = temporal
    # "</" would end the script element early; JSON allows the escaped slash.
    return json.dumps(record, ensure_ascii=False, indent=1).replace("</", "<\\/")
