"""WeasyPrint in a process of its own, started as the `brief build` command starts.

Importing WeasyPrint and loading its fonts takes as long as everything else brief does before
the layout (starting up, loading, checking, citing, templating). Forked first thing, the engine
does the one while the command does the other, on a second core; then it lays out the HTML the
command sends it. Without an engine (another platform, or brief used as a library) the PDF is
laid out in the calling process, with the same result.
"""

from __future__ import annotations

import os
import signal


class Engine:
    def __init__(self) -> None:
        self.owner = os.getpid()
        requests, self.requests = _pipe()  # the command writes, the engine reads
        self.replies, replies = _pipe()  # and the other way round
        self.pid = os.fork()
        if self.pid == 0:  # the engine
            self.requests.close()
            self.replies.close()
            _serve(requests, replies)
        requests.close()
        replies.close()

    def usable(self) -> bool:
        # A process forked from the command (a batch worker) must not share its pipes.
        return os.getpid() == self.owner

    def render_pdf(self, html: str, base_folder, allowed_folders, brief_file: str, **options):
        import pickle  # here, not at start-up: every millisecond before the fork counts

        try:
            pickle.dump(((html, base_folder, allowed_folders, brief_file), options),
                        self.requests)
            self.requests.flush()
            succeeded, answer = pickle.load(self.replies)
        except (EOFError, OSError):
            from brief.diagnostics import BriefError, Location, error

            raise BriefError([error(Location(brief_file), "the PDF could not be laid out: the "
                                    "layout process stopped unexpectedly",
                                    "this is a bug in brief; please report it with the brief")
                              ]) from None
        if not succeeded:
            raise answer
        return answer

    def stop(self) -> None:
        if not self.usable():
            return
        self.requests.close()
        self.replies.close()
        # Not needed any more (the outputs were up to date, or the work is done); it may still
        # be loading, which is of no use to anyone.
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)


def _pipe():
    """A pipe as a (reading, writing) pair of binary files."""
    reading, writing = os.pipe()
    return os.fdopen(reading, "rb"), os.fdopen(writing, "wb")


def _serve(requests, replies) -> None:
    """The engine's life: lay out each HTML it is sent until the command goes away."""
    # Ctrl-C reaches the whole process group; the command handles it and hangs up on us.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    status = 0
    try:
        import pickle

        from brief import pdf
        from brief.diagnostics import BriefError

        pdf.warm_up()
        while True:
            try:
                arguments, options = pickle.load(requests)
            except EOFError:
                break
            try:
                reply = (True, pdf.render_pdf(*arguments, **options))
            except (BriefError, pdf.TooManyPages) as failure:
                reply = (False, failure)
            pickle.dump(reply, replies)
            replies.flush()
    except BaseException:  # noqa: BLE001 - the command reports the hang-up as a diagnostic
        status = 1
    finally:
        # Never run the command's exit handlers or flush its buffers a second time.
        os._exit(status)


_engine: Engine | None = None


def start() -> None:
    """Start the engine, where processes can be forked; at most one per command."""
    global _engine
    if _engine is None and hasattr(os, "fork"):
        _engine = Engine()


def stop() -> None:
    global _engine
    if _engine is not None:
        _engine.stop()
        _engine = None


def render_pdf(*arguments, **options):
    """pdf.render_pdf, in the engine when one was started, else here."""
    if _engine is not None and _engine.usable():
        return _engine.render_pdf(*arguments, **options)
    from brief import pdf

    return pdf.render_pdf(*arguments, **options)
