"""Layout processes: WeasyPrint in processes of its own, started as `brief build` starts.

Importing WeasyPrint takes as long as everything else brief does before the layout (starting
up, loading, checking, citing, templating). Forked first thing, the first layout process does
the one while the command does the other, on a second core; then it lays out the HTML the
command sends it. For `-j N` it forks N - 1 more once it has WeasyPrint, so that loads once,
and the command prepares the next briefs while they lay out the last ones.

Where processes cannot be forked, every PDF is laid out in the calling process, one at a time,
with the same result. A layout process that cannot take a job (it died) leaves the job to
another, or to the calling process.
"""

from __future__ import annotations

# Only what forking needs is imported up here: everything loaded before the fork delays both
# processes (even `signal` and `typing` take milliseconds).
import os


class LayoutProcess:
    """One layout process, as the command sees it: a pipe for jobs and one for answers."""

    def __init__(self) -> None:
        self.owner = os.getpid()
        self.job_reader, self.job_writer = _pipe()
        self.reply_reader, self.reply_writer = _pipe()
        self.alive = True
        self.busy = False
        self.brief_file = ""  # of the job in hand, to say where a failure happened

    def send(self, job: dict) -> bool:
        """Hand over a job, a pdf.LayoutJob (answered by receive()); False if this process is
        gone."""
        import pickle  # here, not at start-up: every millisecond before the fork counts

        try:
            pickle.dump(job, self.job_writer)
            self.job_writer.flush()
        except OSError:
            self.alive = False
            return False
        self.brief_file, self.busy = job["brief_file"], True
        return True

    def receive(self):
        """pdf.render_pdf's answer to the job sent (a pdf.LaidOut), or its exception."""
        import pickle

        self.busy = False
        try:
            succeeded, answer = pickle.load(self.reply_reader)
        except Exception:  # noqa: BLE001 - gone, or cut off in the middle of its answer
            from brief.diagnostics import BriefError, Location, error

            self.alive = False
            raise BriefError([error(
                Location(self.brief_file), "the PDF could not be laid out: the layout process "
                "stopped unexpectedly", "it may have run out of memory; if this happens again, "
                "please report it with the brief")]) from None
        if not succeeded:
            raise answer
        return answer

    def hang_up(self) -> None:
        for pipe_end in (self.job_writer, self.reply_reader):
            try:
                pipe_end.close()
            except OSError:
                pass  # a job the process never took is dropped


def _pipe():
    """A pipe as a (reading, writing) pair of binary files."""
    reading, writing = os.pipe()
    return os.fdopen(reading, "rb"), os.fdopen(writing, "wb")


def _serve(mine: LayoutProcess, others: list[LayoutProcess]) -> None:
    """A layout process's life: lay out each job it is sent until the command hangs up.

    The first one forks the others once WeasyPrint is loaded, and waits for them before it
    ends. They have a process group of their own, which the command ends when it is
    interrupted (Ctrl-C, SIGTERM), however it is interrupted.
    """
    status = 0
    try:
        import contextlib
        import importlib
        import pickle

        from brief import pdf
        from brief.diagnostics import BriefError, Location, error

        pdf.limit_memory()  # here, not in the command: a library's caller keeps its own
        with contextlib.suppress(Exception):  # if it cannot load, render_pdf says why, per job
            importlib.import_module("weasyprint")
        everyone = [mine, *others]
        for other in others:
            if os.fork() == 0:
                mine, others = other, []
                break
        for process in everyone:
            if process is not mine:
                process.job_reader.close()
                process.reply_writer.close()
        while True:
            try:
                job = pickle.load(mine.job_reader)
            except EOFError:
                break
            try:
                reply = (True, pdf.render_pdf(**job))
            except (BriefError, pdf.TooManyPages) as failure:
                reply = (False, failure)
            except Exception as failure:  # noqa: BLE001 - told to the user, not a traceback
                reply = (False, BriefError([error(
                    Location(job["brief_file"]), f"the PDF could not be laid out: {failure}",
                    "this is a bug in brief; please report it with the brief")]))
            pickle.dump(reply, mine.reply_writer)
            mine.reply_writer.flush()
        for _ in others:  # the first process: the others end as it does, on the hang-up
            os.wait()
    except BaseException:  # noqa: BLE001 - the command reports a process that stopped
        status = 1
    finally:
        # Never run the command's exit handlers or flush its buffers a second time.
        os._exit(status)


_processes: list[LayoutProcess] = []
_first_pid: int | None = None  # the others are its children


def start(count: int = 1) -> None:
    """Start up to `count` layout processes (the first now, the others once it has
    WeasyPrint), if this system can fork and none are running.

    Never more than the machine has processors: more would only take turns on them.
    """
    global _first_pid
    if _processes or not hasattr(os, "fork"):
        return
    count = max(1, min(count, os.cpu_count() or 1))
    try:
        processes = [LayoutProcess() for _ in range(count)]
        pid = os.fork()
    except OSError:
        return  # out of processes or file descriptors: lay out here instead
    # The layout processes form a process group of their own, so that stop() ends every one
    # of them (the first one's children too) at once, whatever signal ended the command.
    # Set on both sides of the fork, so that it holds whichever runs first.
    with _suppress_os_error():
        os.setpgid(pid if pid else 0, 0)
    if pid == 0:
        for process in processes:
            process.job_writer.close()
            process.reply_reader.close()
        _serve(processes[0], processes[1:])
    for process in processes:
        process.job_reader.close()
        process.reply_writer.close()
    _processes[:] = processes
    _first_pid = pid


def revive() -> None:
    """Start the layout process again if the one started for this command has stopped (it
    ran out of memory, or was killed), so that a watch's later builds are laid out under the
    same limits as its first, not in the command itself."""
    if not _processes or _processes[0].owner != os.getpid():
        return
    if running():
        try:
            ended, _ = os.waitpid(_first_pid, os.WNOHANG)
        except OSError:
            ended = _first_pid  # not our child any more: gone
        if not ended:
            return  # alive
    stop()
    start()


def running() -> list[LayoutProcess]:
    """The layout processes of this command that still take jobs (none in a process forked
    from it)."""
    return [process for process in _processes
            if process.owner == os.getpid() and process.alive]


def stop() -> None:
    """Hang up on the layout processes, so that they end.

    When one may still be loading WeasyPrint or laying out a job nobody will read (nothing
    was asked of them, or the command was interrupted), the first is stopped at once and the
    others end at their next job; otherwise the command waits the moment it takes them.
    """
    global _first_pid
    first, processes = _first_pid, list(_processes)
    if first is None or processes[0].owner != os.getpid():
        return
    _first_pid, _processes[:] = None, []
    idle = all(process.alive and not process.busy for process in processes)
    used = any(process.brief_file for process in processes)
    for process in processes:
        process.hang_up()
    try:
        if not (idle and used):
            import signal

            try:
                os.killpg(first, signal.SIGKILL)
            except OSError:
                os.kill(first, signal.SIGKILL)
        os.waitpid(first, 0)
    except OSError:
        pass  # already gone


class _suppress_os_error:
    """contextlib.suppress(OSError), without importing contextlib before the fork."""

    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback):
        return kind is not None and issubclass(kind, OSError)


def render_pdf(**job):
    """pdf.render_pdf, in the first layout process that takes the job, else here."""
    for process in running():
        if process.send(job):
            return process.receive()
    from brief import pdf

    return pdf.render_pdf(**job)
