"""Which data a page was built from: the git commit of the data folder, or a content hash without git.

Shown on every page so a journalist can say exactly which version of the figures they quote. Only
the data's own date is used (the commit date), never the build time, so builds stay reproducible.
"""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DataVersion:
    id: str  # full commit hash or "sha256:<hex>"
    short: str
    kind: str  # "git commit" or "content hash"
    date: str | None  # ISO date of the commit, when there is one

    @property
    def year(self) -> str | None:
        return self.date[:4] if self.date else None


def _git(folder: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def content_hash(folder: Path) -> str:
    """SHA-256 over every file's relative path and bytes, in sorted order."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def data_version(folder: Path) -> DataVersion:
    """The last commit that touched the folder when it has no uncommitted changes; else a content hash."""
    folder = folder.resolve()
    commit = _git(folder, "log", "-1", "--format=%H %cs", "--", ".")
    dirty = _git(folder, "status", "--porcelain", "--", ".")
    if commit and dirty == "":
        sha, date = commit.split()
        return DataVersion(sha, sha[:12], "git commit", date)
    digest = content_hash(folder)
    return DataVersion(f"sha256:{digest}", digest[:12], "content hash", None)
