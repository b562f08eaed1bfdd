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

The site before the live one is kept as a spare (`reuse_spare`), and the next build is made in it:
its folders are already there, and its files that are still right are kept where they are. Making
the 15,000 folders of an England site took two page processes 2 s each, and linking 25,000 files
another second, in every build (folders are created one at a time under a lock on their parent).
A file to change that no other name links to (a page stamped with the data version, new in every build) is
written into where it is: overwriting its blocks cost a tenth of creating a file and freeing the old one's. One
that may share its bytes with the live site or a cache is moved aside and created again, and unlinked in the
background (`retire`).
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG

MANIFEST = "site-files.json"
#: The manifest of the spare site (the one before the live one), written when the swap makes it the spare.
SPARE_MANIFEST = "site-files-spare.json"

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


def rewrite_file(path: str | os.PathLike, content: bytes) -> os.stat_result:
    """Write bytes into a file of the site being built that no other name links to (`SiteFiles.keep` checked), in place."""
    with open(path, "r+b") as file:
        file.write(content)
        file.flush()
        written = os.fstat(file.fileno())
        if written.st_size == len(content):  # most pages are as long as before: a truncate took 0.1 ms on ext4
            return written
        file.truncate()
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


def link_file(source: str | os.PathLike, target: str | os.PathLike, key: str) -> None:
    """Put a file nothing ever writes to in place (a cached chart or search index) into the site, recorded under `key`."""
    if current is None:
        link_or_copy(source, target)
    else:
        current.link(source, target, key)


def _link(source: str | os.PathLike, target: str | os.PathLike) -> None:
    """A hard link, making the target's folder when it is missing (tried first, as in `create_file`); a file
    already at the target (a spare site's old version) is unlinked first."""
    try:
        os.link(source, target)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        os.link(source, target)
    except FileExistsError:
        os.unlink(target)
        os.link(source, target)


def link_or_copy(source: str | os.PathLike, target: str | os.PathLike) -> None:
    """Hard-link a file nothing ever writes to in place; copy where links cannot be made (after unlinking what is there,
    which may share its bytes with the live site)."""
    try:
        _link(source, target)
    except OSError:  # a missing source fails here too, in the copy
        with contextlib.suppress(FileNotFoundError):
            os.unlink(target)
        shutil.copy2(source, target)


class SiteFiles:
    """The files written under `root` this build (`recorded`: path -> [key, inode, size, mtime_ns]), the
    manifest of the live site they may be linked from, and of the files already under `root` (`existing`:
    a spare site the build is made in), which are kept where they are when still right."""

    def __init__(self, root: Path, live: Path | None = None, previous: dict[str, list] | None = None,
                 existing: dict[str, list] | None = None, trash: Path | None = None):
        self.root, self.live, self.trash = root, live, trash  # replaced files go to `trash` (`retire`)
        self.previous = previous or {}
        self.existing = existing or {}
        self.recorded: dict[str, list] = {}
        self._outdated: set[str] = set()  # spare files out of date, still in place until a new one takes the name
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
        if self.keep(name, key):
            return
        if name in self._outdated and _sole_name(path):
            self._outdated.discard(name)
            self._record(name, key, rewrite_file(path, content))
        else:
            self._make_way(name, path)
            self._record(name, key, create_file(path, content))

    def link(self, source: str | os.PathLike, path: str | os.PathLike, key: str) -> None:
        name = self._name(path)
        if name is None:
            link_or_copy(source, path)
        elif not self.keep(name, key):
            self._make_way(name, path)
            link_or_copy(source, path)
            self._record(name, key, os.stat(path))

    def _make_way(self, name: str, path: str | os.PathLike) -> None:
        """Move an out-of-date spare file aside (one rename, unlinked in the background) before a new file takes its name."""
        if name in self._outdated:
            self._outdated.discard(name)
            with contextlib.suppress(FileNotFoundError):
                retire(path, self.trash)

    def _record(self, name: str, key: str, stat: os.stat_result) -> None:
        self.recorded[name] = [key, stat.st_ino, stat.st_size, stat.st_mtime_ns]

    def keep_at(self, path: str | os.PathLike, key: str) -> bool:
        name = self._name(path)
        return name is not None and self.keep(name, key)

    def keep(self, name: str, key: str) -> bool:
        """Keep `name` (relative to the root) if the file already there, or else the live site's, was written with this
        key and is untouched since (the live one is linked). A file there that is out of date stays until a new one
        takes its name (`write` writes into it when no other name links to it)."""
        target = os.path.join(self.root, name)
        here = self.existing.get(name)
        if here is not None:
            if here[0] == key and _untouched(target, here):
                self.recorded[name] = here
                return True
            del self.existing[name]  # replaced, not stale
            self._outdated.add(name)
        before = self.previous.get(name)
        if self.live is None or before is None or before[0] != key:
            return False
        source = os.path.join(self.live, name)
        if not _untouched(source, before):
            return False
        self._make_way(name, target)
        try:
            _link(source, target)
        except OSError:  # gone, or no links on this file system: write it
            return False
        self.recorded[name] = before
        return True

    def remove_stale(self) -> int:
        """Remove the files of the spare site this build did not make again (a ward that is gone, say), and their
        folders once empty. Returns how many."""
        stale = sorted((self.existing.keys() | self._outdated) - self.recorded.keys())
        for name in stale:
            path = os.path.join(self.root, name)
            with contextlib.suppress(FileNotFoundError):
                retire(path, self.trash)
            folder = os.path.dirname(path)
            while folder != os.fspath(self.root) and folder.startswith(self._prefix):
                try:
                    os.rmdir(folder)  # fails once a folder still has something in it
                except OSError:
                    break
                folder = os.path.dirname(folder)
        return len(stale)

    @property
    def linked(self) -> int:
        """Files not written this build: linked from the live site or kept in the spare one."""
        return sum(1 for name, entry in self.recorded.items() if entry in (self.previous.get(name), self.existing.get(name)))


def _untouched(path: str, entry: list) -> bool:
    """The file at `path` is the one recorded in `entry` (same inode, size and time): nobody replaced or edited it."""
    try:
        stat = os.stat(path)
    except OSError:
        return False
    return [stat.st_ino, stat.st_size, stat.st_mtime_ns] == entry[1:]


def _sole_name(path: str) -> bool:
    """A plain file no other name links to (not the live site, not a cache): safe to write into."""
    try:
        found = os.lstat(path)
    except OSError:
        return False
    return S_ISREG(found.st_mode) and found.st_nlink == 1


def load_manifest(cache: Path, site: Path, name: str = MANIFEST) -> dict[str, list]:
    """What the build that made `site` wrote there, if that build kept its manifest in `cache`."""
    try:
        stored = json.loads((cache / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return stored.get("files", {}) if stored.get("site") == os.fspath(site) else {}


def save_manifest(cache: Path, site: Path, files: dict[str, list], name: str = MANIFEST) -> None:
    """Kept once the new site is live (written to a temporary name and renamed: a half manifest is never read)."""
    cache.mkdir(parents=True, exist_ok=True)
    partial = cache / f".{name}.partial"
    partial.write_text(json.dumps({"site": os.fspath(site), "files": files}, separators=(",", ":")), encoding="utf-8")
    partial.replace(cache / name)


@dataclass(frozen=True)
class SpareSurvey:
    """What is in the spare site: its manifest, and every file there it does not list (what Pelican wrote, the search
    index a fresh Pagefind run wrote, anything put there by hand). Only read, so it can be taken while the data is
    validated (35,000 files at England scale, and a manifest of 5 MB: half a second) and the build may still be refused."""

    files: dict[str, list]
    unlisted: list[str]


def survey_spare(cache: Path, spare: Path) -> SpareSurvey | None:
    """None when there is no spare or nothing says what is in it."""
    files = load_manifest(cache, spare, SPARE_MANIFEST)
    if not files or not spare.is_dir():
        return None
    root, unlisted = os.fspath(spare), []
    for folder, _, names in os.walk(root):
        inside = folder[len(root) + 1:]  # what os.path.relpath gives, at a thirtieth of its cost (35,000 files)
        unlisted += (os.path.join(folder, file) for file in names if (f"{inside}/{file}" if inside else file) not in files)
    return SpareSurvey(files, unlisted)


def reuse_spare(cache: Path, spare: Path, trash: Path | None = None, survey: SpareSurvey | None = None) -> dict[str, list] | None:
    """Ready the spare site for a build to be made in (as `survey` found it, or as it is now): its manifest, forgotten on
    disk first as the folder is about to change, with every file it does not list removed. None when there is no spare."""
    survey = survey or survey_spare(cache, spare)
    if survey is None:
        return None
    (cache / SPARE_MANIFEST).unlink(missing_ok=True)
    for path in survey.unlisted:
        retire(path, trash)
    return survey.files


# -- removing what a build replaced, off the critical path ----------------------------------------

_retired = itertools.count()


def retire(path: str | os.PathLike, trash: str | os.PathLike | None) -> None:
    """Move a replaced file or folder into `trash` (one rename), for `discard` to remove in the background; unlink
    or remove it here when there is no trash. Unlinking a file already on disk costs a third of a millisecond on
    the machines this runs on (its blocks are freed), so replacing 20,000 pages in place cost seconds."""
    if trash is None:
        if os.path.isdir(path):
            shutil.rmtree(path)
        else:
            os.unlink(path)
        return
    target = os.path.join(trash, f"{os.getpid()}-{next(_retired)}")
    try:
        os.rename(path, target)
    except FileNotFoundError:
        if os.path.isdir(trash):  # the file itself is gone
            raise
        os.makedirs(trash, exist_ok=True)  # made on first use (a build that replaces nothing makes none)
        os.rename(path, target)


def retire_folder(path: Path) -> None:
    """A folder of the site being built that is made again whole (a search index): out of the way at once."""
    if path.exists():
        retire(path, current.trash if current is not None else None)


_removals: list[subprocess.Popen] = []


def discard(folder: Path) -> None:
    """Move a folder out of the way at once (renamed, so its name is free again) and remove it in the background."""
    if not folder.exists():
        return
    old = Path(tempfile.mkdtemp(prefix=f".{folder.name}-old-", dir=folder.parent))
    folder.rename(old / folder.name)
    try:
        _removals.append(subprocess.Popen(["rm", "-rf", "--", str(old)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL, start_new_session=True))
    except OSError:  # no rm (not a POSIX system): remove it here
        shutil.rmtree(old, ignore_errors=True)


def wait_for_removals() -> None:
    """Wait until discarded folders are gone (the benchmark does, so one build's clean-up is not timed in the next)."""
    while _removals:
        _removals.pop().wait()
