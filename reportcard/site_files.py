"""Writing the files of a new site, hard-linking those whose content is unchanged from the live site.

The site is built in a fresh folder and swapped into place (`build`), so every build used to create
all 34,000 files of the England site again. On the machines this runs on, creating a file costs
100-200 microseconds of kernel time and a hard link 6-8, so a warm build spent seconds rewriting
CSVs and feeds that had not changed. Now each file written is recorded in a manifest (its content
key and the inode, size and modification time it got); the next build links a file from the live
site instead of writing it when the manifest has the same key for that path and the live file
still has that inode, size and time (a file edited or replaced by hand is written afresh).

The live site is never written to: a link is a second name for the same bytes, and a build only
ever creates files whole, never writes into one it did not create. Content keys are SHA-256 of
the bytes, or a key the caller knows says the same (a published CSV's source file, say).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

MANIFEST = "site-files.json"

#: The site being built; `write_file` goes through it. Set by `build.build_site`, None elsewhere (tests, scripts).
current: SiteFiles | None = None


def create_file(path: str | os.PathLike, content: bytes) -> os.stat_result:
    """Write bytes to a new file, making the folder when it is missing (tried first: a site is 35,000 files in
    15,000 folders, and `Path.mkdir` then `write_text` took three times as long).

    A file already there is unlinked first, never truncated: it may be a link to a live site's file.
    """
    try:
        file = open(path, "xb")  # noqa: SIM115 (closed below, once the folder exists)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        file = open(path, "xb")  # noqa: SIM115
    except FileExistsError:
        os.unlink(path)
        file = open(path, "xb")  # noqa: SIM115
    with file:
        file.write(content)
        file.flush()  # so the size and time recorded are the file's final ones
        return os.fstat(file.fileno())


def write_file(path: str | os.PathLike, text: str | bytes, key: str | None = None) -> None:
    """Write a file of the site (linked from the live site when unchanged), or any other file as it is."""
    content = text.encode("utf-8") if isinstance(text, str) else text
    if current is None:
        create_file(path, content)
    else:
        current.write(path, content, key)


def keep_file(path: str | os.PathLike, key: str) -> bool:
    """Link a file of the site from the live site if it was written there with this key; the caller writes it otherwise.
    For content that is costly to make, keyed by what it is made from."""
    return current is not None and current.keep_at(path, key)


def recorded_key(path: str | os.PathLike) -> str | None:
    """The content key a file of the site was written or linked with in this build; None for any other file."""
    name = current._name(path) if current is not None else None
    entry = current.recorded.get(name) if name is not None else None
    return entry[0] if entry else None


def _link(source: str | os.PathLike, target: str | os.PathLike) -> None:
    """A hard link, making the target's folder when it is missing (tried first, as in `create_file`)."""
    try:
        os.link(source, target)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        os.link(source, target)


def link_or_copy(source: str | os.PathLike, target: str | os.PathLike) -> None:
    """Hard-link a file nothing ever writes to in place (a cached chart or search index); copy where links cannot be made."""
    try:
        _link(source, target)
    except OSError:  # a missing source fails here too, in the copy
        shutil.copy2(source, target)


class SiteFiles:
    """The files written under `root` this build (`recorded`: path -> [key, inode, size, mtime_ns]), and
    the manifest of the live site they may be linked from."""

    def __init__(self, root: Path, live: Path | None = None, previous: dict[str, list] | None = None):
        self.root, self.live = root, live
        self.previous = previous or {}
        self.recorded: dict[str, list] = {}
        self._prefix = os.path.join(os.fspath(root), "")

    def _name(self, path: str | os.PathLike) -> str | None:
        """The path relative to the root, or None for a file outside the site (a cache, say)."""
        name = os.fspath(path)
        return name[len(self._prefix):] if name.startswith(self._prefix) else None

    def write(self, path: str | os.PathLike, content: bytes, key: str | None = None) -> None:
        name = self._name(path)
        if name is None:
            create_file(path, content)
            return
        key = key or hashlib.sha256(content).hexdigest()
        if not self.keep(name, key):
            stat = create_file(path, content)
            self.recorded[name] = [key, stat.st_ino, stat.st_size, stat.st_mtime_ns]

    def keep_at(self, path: str | os.PathLike, key: str) -> bool:
        name = self._name(path)
        return name is not None and self.keep(name, key)

    def keep(self, name: str, key: str) -> bool:
        """Link `name` (relative to the root) from the live site if it was written there with this key, untouched since."""
        before = self.previous.get(name)
        if self.live is None or before is None or before[0] != key:
            return False
        source = os.path.join(self.live, name)
        try:
            stat = os.stat(source)
            if [stat.st_ino, stat.st_size, stat.st_mtime_ns] != before[1:]:
                return False
            _link(source, os.path.join(self.root, name))
        except OSError:  # gone, or no links on this file system: write it
            return False
        self.recorded[name] = before
        return True

    @property
    def linked(self) -> int:
        return sum(1 for name, entry in self.recorded.items() if self.previous.get(name) == entry)


def load_manifest(cache: Path, site: Path) -> dict[str, list]:
    """What the build that made `site` wrote there, if that build kept its manifest in `cache`."""
    try:
        stored = json.loads((cache / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return stored.get("files", {}) if stored.get("site") == os.fspath(site) else {}


def save_manifest(cache: Path, site: Path, files: dict[str, list]) -> None:
    """Kept once the new site is live (written to a temporary name and renamed: a half manifest is never read)."""
    cache.mkdir(parents=True, exist_ok=True)
    partial = cache / f".{MANIFEST}.partial"
    partial.write_text(json.dumps({"site": os.fspath(site), "files": files}, separators=(",", ":")), encoding="utf-8")
    partial.replace(cache / MANIFEST)
