"""Layout processes: WeasyPrint in processes of its own, started as `brief build` starts.

Importing WeasyPrint takes as long as everything else brief does before the layout (starting
up, loading, checking, citing, templating). Forked first thing, the first layout process does
the one while the command does the other, on a second core; then it lays out the HTML the
command sends it. For `-j N` it forks N - 1 more once it has WeasyPrint, so that loads once,
and the command prepares the next briefs while they lay out the last ones.

Without layout processes (another platform, or brief used as a library) the PDF is laid out in
the calling process, with the same result.
"""

from __future__ import annotations

import importlib
import os
import signal


class Engine:
    """One layout process, as the command sees it: a pipe for jobs and one for answers."""

    def __init__(self) -> None:
        self.owner = os.getpid()
        self.their_requests, self.requests = _pipe()  # the command writes, the engine reads
        self.replies, self.their_replies = _pipe()  # and the other way round
        self.alive = True

    def send(self, job: dict) -> None:
        """Ask for the layout of `job` (pdf.render_pdf's arguments); answered by receive()."""
        import pickle  # here, not at start-up: every millisecond before the fork counts

        self.brief_file = job["brief_file"]
        try:
            pickle.dump(job, self.requests)
            self.requests.flush()
        except OSError:
            self.alive = False

    def receive(self):
        """pdf.render_pdf's answer to the job sent: (PDF bytes, warnings), or its exception."""
        import pickle

        try:
            succeeded, answer = pickle.load(self.replies) if self.alive else (None, None)
        except (EOFError, OSError):
            succeeded = None
        if succeeded is None:
            from brief.diagnostics import BriefError, Location, error

            self.alive = False
            raise BriefError([error(Location(self.brief_file), "the PDF could not be laid out: "
                                    "the layout process stopped unexpectedly",
                                    "this is a bug in brief; please report it with the brief")])
        if not succeeded:
            raise answer
        return answer

    def hang_up(self) -> None:
        self.requests.close()
        self.replies.close()


def _pipe():
    """A pipe as a (reading, writing) pair of binary files."""
    reading, writing = os.pipe()
    return os.fdopen(reading, "rb"), os.fdopen(writing, "wb")


def _serve(engine: Engine, others: list[Engine]) -> None:
    """A layout process's life: lay out each job it is sent until the command hangs up.

    The first one forks the others once WeasyPrint is loaded. Ctrl-C at a terminal
    stops every one of them at once, with the command.
    """
    status = 0
    try:
        import pickle

        from brief import pdf
        from brief.diagnostics import BriefError

        importlib.import_module("weasyprint")  # loaded before the first job comes in

        everyone = [engine, *others]
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the others need no reaping
        for other in others:
            if os.fork() == 0:
                engine = other
                break
        for closing in everyone:
            if closing is not engine:
                closing.their_requests.close()
                closing.their_replies.close()
        while True:
            try:
                job = pickle.load(engine.their_requests)
            except EOFError:
                break
            try:
                reply = (True, pdf.render_pdf(**job))
            except (BriefError, pdf.TooManyPages) as failure:
                reply = (False, failure)
            pickle.dump(reply, engine.their_replies)
            engine.their_replies.flush()
    except BaseException:  # noqa: BLE001 - the command reports the hang-up as a diagnostic
        status = 1
    finally:
        # Never run the command's exit handlers or flush its buffers a second time.
        os._exit(status)


_engines: list[Engine] = []
_first_pid: int | None = None  # the others end when the command hangs up on them


def start(count: int = 1) -> None:
    """Start `count` layout processes (the first now, the others once it has WeasyPrint), if this
    system can fork and none are running."""
    global _first_pid
    if _engines or not hasattr(os, "fork"):
        return
    engines = [Engine() for _ in range(max(1, count))]
    pid = os.fork()
    if pid == 0:
        for engine in engines:
            engine.requests.close()
            engine.replies.close()
        _serve(engines[0], engines[1:])
    for engine in engines:
        engine.their_requests.close()
        engine.their_replies.close()
    _engines[:] = engines
    _first_pid = pid


def running() -> list[Engine]:
    """The layout processes of this command (none in a process forked from it)."""
    return [engine for engine in _engines if engine.owner == os.getpid() and engine.alive]


def stop() -> None:
    """Hang up on the layout processes: those waiting for a job end at once, and the first,
    which may still be loading to no purpose, is stopped."""
    global _first_pid
    if _first_pid is None or _engines[0].owner != os.getpid():
        return
    for engine in _engines:
        engine.hang_up()
    _engines.clear()
    os.kill(_first_pid, signal.SIGKILL)
    os.waitpid(_first_pid, 0)
    _first_pid = None


def render_pdf(**job):
    """pdf.render_pdf, in the first layout process when there is one, else here."""
    engines = running()
    if not engines:
        from brief import pdf

        return pdf.render_pdf(**job)
    engines[0].send(job)
    return engines[0].receive()
