"""Where a command writes, and how: one guard and one writer for every file brief makes (the
PDF or HTML of a build, the ledger, a new brief and its schema, a brief that sources are
imported into).

The guard refuses an output that is one of the files the brief is made of; the writer never
leaves a file half-written and never writes through a symbolic link to what it points at.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from brief.diagnostics import BriefError, Location, error


def refuse_overwriting_an_input(output: Path, inputs: list[Path], loaded, writing: str,
                                instead: str) -> None:
    """An output that is one of the files the brief reads (`-o b.yaml`, `-o refs.json`) would
    destroy it: refused before anything is written. The output is compared as written (a
    link there is replaced, not followed) and, when it is a file, as the file it is.
    `writing` says what would overwrite it ("building"), `instead` names a safe output."""
    written = Path(os.path.abspath(output))
    same_file = output.resolve() if output.is_file() and not output.is_symlink() else None
    for source in inputs:
        if written == Path(os.path.abspath(source)) or same_file == source.resolve():
            whose = "the brief itself" if source == loaded.path else \
                f"a file the brief reads ({source.name})"
            raise BriefError([error(
                Location(loaded.where.brief_file), f"the output {output} is {whose}; "
                f"{writing} would overwrite it", f"choose another output with -o, e.g. -o "
                f"{instead}")])


def write_output(data: bytes, target: Path, shown: str | None = None) -> None:
    """Write atomically; a failure is a diagnostic at the output (named as `shown`)."""
    try:
        write_atomically(data, target)
    except OSError as failure:
        raise BriefError([error(Location(shown or str(target)),
                                f"cannot write the output: {failure.strerror}",
                                "check that the folder exists and is writable")]) from None


def write_atomically(data: bytes, target: Path) -> None:
    """Write `data` to `target` so that a reader sees the old file or the new one, never half.

    The bytes go to a temporary file in the same folder, which is renamed over the target
    only when complete; any failure or interruption removes the temporary file.
    """
    # Not resolved: if the target is a symbolic link (say, to a file outside the brief's
    # folder, or to nothing), the link itself is replaced and what it pointed to is left alone.
    target = Path(os.path.abspath(target))
    handle = tempfile.NamedTemporaryFile(dir=target.parent, prefix=f".{target.name}.",
                                         suffix=".part", delete=False)
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # Keep the permissions of the file being replaced; a new file gets rw-r--r--.
        existing = target.lstat() if target.is_file() and not target.is_symlink() else None
        os.chmod(handle.name, existing.st_mode & 0o777 if existing else 0o644)
        os.replace(handle.name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(handle.name)
        raise
