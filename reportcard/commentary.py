"""The council's words about a ward, kept as Markdown in content/commentary/<ward code>.md.

Written by people, so it is parsed with python-markdown and then cleaned with nh3 (an allow-list
HTML sanitiser): a pasted <script> or onclick never reaches the page. The three headings residents
look for are pulled out by name; anything else in the file is shown under "More from the council".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import markdown
import nh3

SECTIONS = {"remaining challenges": "challenges", "what is being done": "actions", "how you can help": "help"}
_HEADING = re.compile(r"^##\s+(.+?)\s*#*\s*$", re.MULTILINE)


@dataclass
class Commentary:
    challenges: str = ""
    actions: str = ""
    help: str = ""
    other: str = ""
    illustrative: bool = False

    def __bool__(self) -> bool:
        return bool(self.challenges or self.actions or self.help or self.other)


def to_html(text: str) -> str:
    """Markdown to HTML that keeps only harmless tags and attributes."""
    return nh3.clean(markdown.markdown(text, extensions=["sane_lists"]), link_rel="noopener")


def parse_commentary(text: str) -> Commentary:
    """Split on '## ' headings; a first line 'Illustrative: true' marks made-up demo text."""
    commentary = Commentary()
    first, _, rest = text.partition("\n")
    if first.strip().lower() == "illustrative: true":
        commentary.illustrative = True
        text = rest
    parts = _HEADING.split(text)
    if parts[0].strip():
        commentary.other += to_html(parts[0])
    for heading, body in zip(parts[1::2], parts[2::2], strict=True):
        key = SECTIONS.get(heading.strip().lower())
        if key:
            setattr(commentary, key, to_html(body))
        else:
            commentary.other += to_html(f"### {heading}\n\n{body}")
    return commentary


def commentary_for(folder: Path, area_code: str) -> Commentary:
    path = folder / f"{area_code}.md"
    return parse_commentary(path.read_text(encoding="utf-8")) if path.is_file() else Commentary()
