"""The user's cache folder: private to its owner, bounded in size, written whole or not at all.

It holds the text of sources' copies, which may be confidential, and the records of past
builds. Its folders are made readable by their owner alone (0700, files 0600), and each kind
of entry keeps to a share of the size budget: past it, the entries least recently used go.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from brief.limits import LIMITS


def cache_root() -> Path:
    override = os.environ.get("BRIEF_CACHE_DIR")
    if override:
        return Path(override)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "brief"


def cache_folder(kind: str) -> Path:
    """Where entries of one kind (`builds`, `evidence`) live; not made until written."""
    return cache_root() / kind


def read_entry(kind: str, name: str):
    """The JSON an entry holds, or None when there is none (or it cannot be read)."""
    path = cache_folder(kind) / name
    try:
        with open(path, encoding="utf-8") as handle:
            value = json.load(handle)
    except (OSError, ValueError):
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # used now: the last to go when the folder is trimmed
    return value


def write_entry(kind: str, name: str, value, limit: int = LIMITS.cache_bytes) -> None:
    """Keep `value` as JSON; a cache that cannot be written only costs time."""
    folder = cache_folder(kind)
    with contextlib.suppress(OSError, ValueError):
        _private_folder(folder)
        text = json.dumps(value, ensure_ascii=False)
        if len(text) * 4 > limit:
            return  # one entry may not push every other one out
        temporary = folder / f".{name}.{os.getpid()}.tmp"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW,
                             0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, folder / name)
        _trim(folder, limit)


def _private_folder(folder: Path) -> None:
    """Make the folder and the cache's root, readable by their owner only, even if an earlier
    release made them readable by all."""
    for path in (folder.parent, folder):
        path.mkdir(mode=0o700, exist_ok=True)
        if path.stat().st_mode & 0o077:
            path.chmod(0o700)


def _trim(folder: Path, limit: int) -> None:
    """Remove the least recently used entries until the folder holds at most `limit` bytes."""
    entries = []
    for entry in os.scandir(folder):
        with contextlib.suppress(OSError):
            status = entry.stat(follow_symlinks=False)
            entries.append((status.st_mtime, status.st_size, entry.path))
    total = sum(size for _, size, _ in entries)
    for _, size, path in sorted(entries):
        if total <= limit:
            break
        with contextlib.suppress(OSError):
            os.remove(path)
            total -= size
