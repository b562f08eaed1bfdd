"""Ask the disk, in the background, for what a warm build is about to read: the spare site's pages it rewrites in place
and the page groups it keeps. Run as its own process by `start` while the build validates (it imports only `site_files`,
so it starts in milliseconds); it only advises the kernel and reads nothing itself.

Why: the machines this runs on (and a CI runner that restores its cache) do not keep a site written minutes ago in
memory. Rewriting a page in place then waits for the disk to read the page's last block (about 0.17 ms a file
against 0.02 ms when it is in memory): 7,380 ward cards cost 1.3 s per process, and the page groups kept from the
last build are read back from the disk too. Asked for all at once, early, the disk reads them in parallel while
the build is still validating.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from .site_files import load_manifest

BLOCK = 4096


def tail(size: int) -> tuple[int, int]:
    """The bytes of a file of `size` a rewrite of about the same length does not cover whole: its last two blocks."""
    last = (size - 1) // BLOCK * BLOCK if size else 0
    start = max(0, last - BLOCK)
    return start, last + BLOCK - start


def advise(folder: str | os.PathLike, files: Iterable[tuple[str, int | None]]) -> int:
    """Advise the kernel to read each (relative path, size) under `folder`: the tail for a size, all of it for None.
    Opened through the folder's descriptor, so the build renaming the folder meanwhile does not matter; files gone
    are skipped. Returns how many were advised."""
    advised = 0
    with contextlib.suppress(OSError):
        root = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            for name, size in files:
                try:
                    descriptor = os.open(name, os.O_RDONLY, dir_fd=root)
                except OSError:
                    continue
                try:
                    start, length = tail(size) if size is not None else (0, 0)
                    os.posix_fadvise(descriptor, start, length, os.POSIX_FADV_WILLNEED)
                    advised += 1
                finally:
                    os.close(descriptor)
        finally:
            os.close(root)
    return advised


def bundle_name(group: str) -> str:
    """Where `page_cache.PageCache` keeps a group's bundle, under its folder: named by a hash of the group's name
    ("ward/E05000026"), which may hold characters a file name cannot, in 256 folders."""
    name = hashlib.sha256(group.encode()).hexdigest()[:40]
    return f"{name[:2]}/{name}.bundle"


def prefetch(cache: Path, spare: Path, spare_manifest: str) -> int:
    """The spare site's files (as its manifest lists them, [key, inode, size, mtime]), then the page groups the last
    build kept (pages/groups.json names each group's key)."""
    advised = advise(spare, ((name, entry[2]) for name, entry in load_manifest(cache, spare, spare_manifest).items()))
    try:
        groups = json.loads((cache / "pages" / "groups.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return advised
    names = groups if isinstance(groups, dict) else {}
    return advised + advise(cache / "pages", ((bundle_name(group), None) for group in names if isinstance(group, str)))


def start(cache: Path, spare: Path, spare_manifest: str) -> subprocess.Popen | None:
    """The prefetch as a process of its own (a thread would wait for the build's GIL between files); None where the
    kernel takes no advice or there is no spare site."""
    if not hasattr(os, "posix_fadvise") or not spare.is_dir():
        return None
    program = ("import sys; sys.path.insert(0, sys.argv[1]); from reportcard.prefetch import Path, prefetch; "
               "prefetch(Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4])")
    return subprocess.Popen([sys.executable, "-I", "-c", program, os.fspath(Path(__file__).parents[1]), os.fspath(cache), os.fspath(spare),
                             spare_manifest], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop(process: subprocess.Popen | None) -> None:
    """Once the build is done, what is left to ask for is of no use."""
    if process is not None:
        process.kill()
        process.wait()
