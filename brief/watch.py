"""`brief watch` and `brief preview`: build, then build again each time a file the brief reads
is saved.

Each rebuild is the same build as `brief build`'s; what the loop keeps warm is the command's
own: the layout process with WeasyPrint and its fonts loaded (brief.engine), the compiled
templates (brief.render) and pandoc's last answers (brief.cite), so that an edit that changes no
citation never runs pandoc again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from brief import engine
from brief.build import (BuildOptions, BuildResult, _unforeseen_failure, build,
                         default_output)


@dataclass
class Rebuild:
    """One build of a watched brief, as the loop reports it."""

    result: BuildResult
    seconds: float
    finished_at: float  # time.time() when it ended
    kept: Path | None = None  # the earlier output left in place when this build failed


@dataclass
class Watched:
    """A brief in the loop, the files its builds read, and how each looked when last read."""

    path: Path
    options: BuildOptions
    inputs: dict[Path, tuple | None] = field(default_factory=dict)

    def rebuild(self) -> Rebuild:
        known = {path: _stamp(path) for path in {*self.inputs, self.path.resolve()}}
        started_ns = time.time_ns()
        start = time.perf_counter()
        # Always built, even when up to date: the loop reports every save, and the build
        # tells it which files to watch. A build that fails unforeseen is reported like any
        # failed build, and the loop goes on.
        options = replace(self.options, force=True)
        engine.revive()
        result = _unforeseen_failure(self.path, lambda: build(self.path, options))
        seconds = time.perf_counter() - start
        read = {Path(path).resolve() for path in result.inputs} | {self.path.resolve()}
        read = {path for path in read if self._may_read(path)}
        # A failed build may not have got far enough to name every file: keep watching the
        # ones an earlier build read, so that fixing any of them brings the next build.
        if not result.ok:
            read |= set(self.inputs)
        # Files known before the build keep the stamps taken before it started, so that a save
        # while it ran is seen. Files it read for the first time are stamped now, and one saved
        # after the build began (it may have read the old text) counts as changed already.
        self.inputs = {path: known[path] if path in known else _new_stamp(path, started_ns)
                       for path in read}
        output = self.options.output or default_output(self.path, self.options)
        kept = output if not result.ok and output.is_file() else None
        return Rebuild(result, seconds, time.time(), kept)

    def _may_read(self, path: Path) -> bool:
        """Whether a build may read this file: one in the brief's folder, or the brand file
        chosen on the command line and its logo beside it. A failed build names the files it
        refused too (a source's copy in `../`): watching them would rebuild, and fail again,
        whenever a file the brief may not read is saved."""
        folders = [self.path.resolve().parent]
        if self.options.brand is not None:
            folders.append(self.options.brand.resolve().parent)
        return any(path.is_relative_to(folder) for folder in folders)

    def changed(self) -> bool:
        """Whether a file the brief read was saved (or removed, or added) since."""
        return any(_stamp(path) != stamp for path, stamp in self.inputs.items())


def _stamp(path: Path) -> tuple | None:
    """What changes when a file is saved: a new file replacing it, its time or its size."""
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_ino, status.st_mtime_ns, status.st_size


def _new_stamp(path: Path, since_ns: int) -> tuple | None:
    stamp = _stamp(path)
    return None if stamp is None or stamp[1] > since_ns else stamp


def _folders(watched: list[Watched]) -> list[Path]:
    return sorted({path.parent for brief in watched for path in brief.inputs
                   if path.parent.is_dir()})


def watch(briefs: Iterable[tuple[Path, BuildOptions]], report: Callable[[Watched, Rebuild], None],
          stop: threading.Event | None = None) -> None:
    """Build each brief, then rebuild it whenever a file it read changes, until `stop` is set
    (or Ctrl-C, which raises KeyboardInterrupt in the main thread)."""
    import watchfiles

    watched = [Watched(path, options) for path, options in briefs]
    for brief in watched:
        report(brief, brief.rebuild())
    while not (stop and stop.is_set()):
        folders = _folders(watched)
        if not folders:  # every folder was removed: wait for one to come back
            (stop.wait if stop else time.sleep)(0.5)
            continue

        def relevant(_change, path: str) -> bool:
            return any(Path(path).resolve() in brief.inputs for brief in watched)

        # Folders, not files: editors save by writing a new file and renaming it over the old
        # one, which a watch on the old file would never see. An event only wakes the loop;
        # the files' stamps say which briefs to rebuild, so that a save made during a build,
        # or before the watch began, is not missed either.
        for _ in watchfiles.watch(*folders, watch_filter=relevant, stop_event=stop,
                                  recursive=False, step=50, debounce=400, rust_timeout=500,
                                  yield_on_timeout=True, raise_interrupt=True):
            for brief in watched:
                if brief.changed():
                    report(brief, brief.rebuild())
            if _folders(watched) != folders:
                break  # the briefs read files in other folders now: watch those
        else:
            return
