"""`brief preview`: the brief's pages in a browser tab that follows every save.

The brief is built and rebuilt exactly as `brief watch` does (brief.watch); each good PDF is
rendered page by page to images (pypdfium2), and a small Starlette app on the loopback address
serves one HTML page, the page images and a stream of Server-Sent Events that tells the page
what changed. A page image is named by the hash of its pixels, so the browser fetches only the
pages an edit changed.

The server is for the person who started it only: it binds 127.0.0.1, answers only requests
addressed to a loopback name (a web page elsewhere cannot reach it through DNS rebinding) that
carry the secret made at start (another account on this computer cannot read the brief), serves
no file of the disk, and its page may load nothing but what the server sends.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import io
import json
import logging
import re
import secrets
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

from brief.diagnostics import Diagnostic
from brief.terminal import say

PAGE_FILE = Path(__file__).with_name("preview.html")
RENDER_SCALE = 2.0  # pixels per PDF point: sharp at 150 % zoom, and on high-density screens
KEEP_ALIVE_SECONDS = 15
LOOPBACK_NAMES = ["127.0.0.1", "localhost"]
ICON = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><path d="M3 1h7l3 3v11H3z" '
        'fill="#fff" stroke="#1b365d"/><path d="M5 6h6M5 8.5h6M5 11h4" stroke="#1b365d"/></svg>')


# A request on the loopback arrives whole in a millisecond: one still unfinished after this is
# holding a connection open on purpose (or its program hangs).
REQUEST_SECONDS = 3
# A browser uses at most 6 connections to one server; the rest of the file descriptors (256 by
# default on macOS, 1,024 on Linux) are the builds'.
MOST_CONNECTIONS = 64
# asyncio accepts up to `backlog` connections in one go, before the limit above sees any of
# them (uvicorn's 2,048 let a flood take every descriptor): a small batch, and a long queue in
# the kernel for the rest, which holds a flood without taking a descriptor of ours.
ACCEPTED_AT_ONCE = 16
KERNEL_QUEUE = 1024
REFUSED = ("This is a private preview. Open the address that `brief preview` printed when it "
           "started: it carries the key.\n")


def editor_link(path: Path, line: int | None = None, column: int | None = None) -> str:
    """A link that opens the file (at this line) in Visual Studio Code, or an editor that
    answers its links; the page adds `:LINE` to a link without one."""
    link = f"vscode://file{quote(path.resolve().as_posix())}"
    return link + "".join(f":{n}" for n in (line, column) if n is not None)


class Preview:
    """What the page shows: the last good pages and the last build's problems.

    `update` is called from the thread that builds; the server's event loop is woken to send
    the new state to every open page.
    """

    def __init__(self, brief: Path, name: str | None = None,
                 documents: list[str] | None = None, index: int = 0) -> None:
        self.brief = brief
        self.version = 0
        # Several briefs or editions are previewed at once: each page shows one, and names
        # the others to switch to.
        self.state: dict = {"version": 0, "title": None, "building": True, "pages": [],
                            "boxes": [], "lines": {}, "errors": [], "warnings": [],
                            "brief": name or brief.name, "built": None, "good_build": None,
                            "documents": documents or [name or brief.name], "document": index}
        self.images: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._changed: asyncio.Event | None = None
        self._closed = False

    # -- the building thread's side

    def update(self, _watched, rebuild) -> None:
        """Take a finished build: render its pages if it succeeded, keep its problems."""
        result = rebuild.result
        state = dict(self.state, building=False,
                     built=time.strftime("%H:%M:%S", time.localtime(rebuild.finished_at)),
                     seconds=round(rebuild.seconds, 2), ok=result.ok,
                     errors=[self._diagnostic(d) for d in result.diagnostics if d.is_error],
                     warnings=[self._diagnostic(d) for d in result.diagnostics
                               if not d.is_error])
        images = self.images
        if result.ok and result.output is not None:
            pages, images = self._render_pages(result.output.read_bytes(), result.page_sizes)
            state.update(title=result.title, pages=pages, good_build=state["built"],
                         boxes=[list(box) for box in result.source_boxes],
                         lines=self._source_lines({box.line for box in result.source_boxes}),
                         editor=editor_link(self.brief))
        elif state["title"] is None and result.title:
            state["title"] = result.title  # no good build yet: the title is still worth showing
        with self._lock:
            self.version += 1
            state["version"] = self.version
            self.state, self.images = state, images
        self._tell_the_pages()

    def _render_pages(self, pdf: bytes, sizes: list[tuple[float, float]]
                      ) -> tuple[list[dict], dict[str, bytes]]:
        """Each page as a PNG named by the hash of its pixels; a page that looks as it did
        keeps its name and is not encoded again."""
        import pypdfium2

        # The pages shown now stay until the browser has fetched the new ones.
        images = {page["image"]: self.images[page["image"]] for page in self.state["pages"]}
        pages = []
        document = pypdfium2.PdfDocument(pdf)
        try:
            for number in range(len(document)):
                page = document[number]
                bitmap = page.render(scale=RENDER_SCALE)
                picture = bitmap.to_pil()
                digest = hashlib.sha256(picture.tobytes()).hexdigest()
                if digest not in images:
                    images[digest] = self.images.get(digest) or _png(picture)
                width, height = (sizes[number] if number < len(sizes)
                                 else (page.get_width() * 96 / 72, page.get_height() * 96 / 72))
                pages.append({"image": digest, "width": width, "height": height})
                page.close()
        finally:
            document.close()
        return pages, images

    def _diagnostic(self, diagnostic: Diagnostic) -> dict:
        where = diagnostic.location
        path = Path(where.path)
        return {"where": f"{where.path}:{where.line}:{where.column}",
                "severity": diagnostic.severity, "message": diagnostic.message,
                "hint": diagnostic.hint,
                "link": editor_link(path, where.line, where.column) if path.is_file() else None}

    def _source_lines(self, numbers: set[int]) -> dict[str, str]:
        """The YAML each laid-out block comes from: its first line and the lines indented
        under it (a claim's `id`, a folded summary's text)."""
        try:
            lines = self.brief.read_text("utf-8", errors="replace").splitlines()
        except OSError:
            return {}
        return {str(n): source_block(lines, n) for n in sorted(numbers) if 0 < n <= len(lines)}

    def close(self) -> None:
        """End the pages' event streams, so that the server stops at once (a stream left open
        would be cut off after the grace period, with a traceback)."""
        self._closed = True
        self._tell_the_pages()

    def _tell_the_pages(self) -> None:
        if self._loop is None:
            return
        try:
            self._loop.call_soon_threadsafe(self._wake)
        except RuntimeError:
            pass  # the server has stopped (a build that ended after Ctrl-C): nobody to tell

    # -- the server's side

    def _wake(self) -> None:
        if self._changed is not None:
            self._changed.set()
            self._changed = asyncio.Event()

    async def changes(self, request):
        """The page's event stream: the state now, then each new one, and a comment now and
        then so that a closed tab is noticed."""
        self._loop = asyncio.get_running_loop()
        if self._changed is None:
            self._changed = asyncio.Event()
        sent = -1
        while not self._closed and not await request.is_disconnected():
            with self._lock:
                state = self.state
            if state["version"] != sent:
                sent = state["version"]
                yield f"data: {json.dumps(state, ensure_ascii=False)}\n\n"
                continue
            changed = self._changed
            try:
                await asyncio.wait_for(changed.wait(), KEEP_ALIVE_SECONDS)
            except asyncio.TimeoutError:
                yield ": still here\n\n"

    def image(self, digest: str) -> bytes | None:
        with self._lock:
            return self.images.get(digest)


def source_block(lines: list[str], number: int, most: int = 15) -> str:
    """Line `number` (from 1) and the lines that belong to it, at most `most`.

    A value's own lines are those indented deeper than its key. A block that starts a list item
    (`- claim: …`) also takes the item's other keys written on one line or as text (an `id`, a
    quotation's `source`), but not a key that opens a list or mapping of its own: a section's
    heading is shown without the section's body.
    """
    first = lines[number - 1]
    item = re.match(r" *((?:- +)*)", first)
    key_column = item.end()
    block = [first]
    for line in lines[number:]:
        depth = len(line) - len(line.lstrip(" "))
        if line.strip() and depth <= key_column:
            opens_a_block = re.fullmatch(r"[^#]*:\s*(#.*)?", line.strip()) is not None
            sibling = item.group(1) and depth == key_column and not line.lstrip().startswith("-")
            if not sibling or opens_a_block:
                break
        block.append(line)
    while block and not block[-1].strip():
        block.pop()
    return "\n".join(block[:most] + (["…"] if len(block) > most else []))


def _png(picture) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, "PNG", compress_level=1)  # fast: the bytes only cross the loopback
    return buffer.getvalue()


def page_html() -> tuple[str, str]:
    """The preview page and the Content-Security-Policy that lets it use its own style sheet
    and script only (the script sets styles through the DOM, which the policy allows)."""
    text = PAGE_FILE.read_text("utf-8")

    def digest(tag: str) -> str:
        body = re.search(rf"<{tag}>(.*?)</{tag}>", text, re.S).group(1)
        return base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()

    policy = ("default-src 'none'; img-src 'self'; connect-src 'self'; "
              f"style-src 'sha256-{digest('style')}'; script-src 'sha256-{digest('script')}'; "
              "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
    return text, policy


_SAID: set[str] = set()  # the kinds of refusal told already


def say_once(kind: str, line: str) -> None:
    """One line on stderr for the first refusal of each kind: a flood of them must not bury
    the build's lines (or fill a disk with a log)."""
    if kind not in _SAID:
        _SAID.add(kind)
        say(f"preview: {line}; the next ones go unreported")
        sys.stderr.flush()


class OwnerOnly:
    """Every request must carry the preview's secret, in its cookie: the page, the icon, the
    event stream and the images alike. The address printed at start carries the secret once;
    that request gets the cookie and is sent on to the address without it, so that the secret
    stays out of the address bar and of what the page shows.

    Other accounts on this computer can reach 127.0.0.1 too: without the secret they read
    nothing. The cookie is named for the port because browsers send a cookie of 127.0.0.1 to
    every port of it: two previews at once must not take each other's.
    """

    def __init__(self, app, secret: str, port: int) -> None:
        self.app, self.secret, self.cookie = app, secret.encode(), f"brief-preview-{port}"

    def _is_secret(self, value: str | None) -> bool:
        # Compared as bytes in constant time: a str with other than ASCII would raise.
        return value is not None and hmac.compare_digest(value.encode(), self.secret)

    async def __call__(self, scope, receive, send) -> None:
        from starlette.requests import HTTPConnection
        from starlette.responses import PlainTextResponse, RedirectResponse

        if scope["type"] != "http":
            return  # uvicorn is told to run no lifespan and no WebSocket: nothing else passes
        request = HTTPConnection(scope)
        if self._is_secret(request.query_params.get("token")):
            # To the page, whatever the path: `//elsewhere/?token=…` sends nobody away.
            response = RedirectResponse("/", status_code=303,
                                        headers={"Cache-Control": "no-store"})
            response.set_cookie(self.cookie, self.secret.decode(), path="/", httponly=True,
                                samesite="strict")
        elif self._is_secret(request.cookies.get(self.cookie)):
            return await self.app(scope, receive, send)
        else:
            say_once("key", "refused a request without this preview's key (another program "
                            "or account on this computer?)")
            response = PlainTextResponse(REFUSED, status_code=403,
                                         headers={"Cache-Control": "no-store"})
        await response(scope, receive, send)


def connection_class():
    """uvicorn's HTTP/1.1 connection with the two limits it lacks, so that connections left
    open halfway cannot take every file descriptor of the process.

    uvicorn times out only an idle connection after a response, and stops that clock as soon
    as any byte arrives, so a request sent halfway holds its connection for ever; and its
    `limit_concurrency` answers 503 to complete requests over the limit but still accepts, and
    holds, every connection (the owner would be refused while they stay). Here, a connection
    must finish each request within REQUEST_SECONDS, and a connection beyond MOST_CONNECTIONS
    closes the one that has waited longest for its request to finish, never one whose request
    is being answered: the owner's page and its event stream stay, the flood goes.
    """
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class Connection(H11Protocol):
        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self._await_request()
            if len(self.connections) > MOST_CONNECTIONS:
                oldest = min((c for c in self.connections if c._receiving()),
                             key=lambda c: c._since)
                say_once("crowd", f"more than {MOST_CONNECTIONS} connections at once: closed "
                                  "the ones waiting longest for a request")
                oldest.transport.close()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._await_request()

        def _await_request(self) -> None:
            self._since = since = self.loop.time()
            self.loop.call_later(REQUEST_SECONDS, self._end_if_still_receiving, since)

        def _receiving(self) -> bool:
            """Whether the connection waits for a request, or for the rest of one."""
            return (self.conn.their_state in (h11.IDLE, h11.SEND_BODY)
                    and not self.transport.is_closing())

        def _end_if_still_receiving(self, since: float) -> None:
            if self._since == since and self._receiving():
                if self.conn.their_state is h11.SEND_BODY or self.conn.trailing_data[0]:
                    say_once("slow", f"closed a connection that sent a request halfway and "
                                     f"no more for {REQUEST_SECONDS} s")
                self.transport.close()

    return Connection


def application(previews: list[Preview], secret: str, port: int):
    """The Starlette app: the page, its event stream and the page images; nothing else, and
    only for the owner of the secret."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.trustedhost import TrustedHostMiddleware
    from starlette.responses import HTMLResponse, Response, StreamingResponse
    from starlette.routing import Route

    text, policy = page_html()
    common = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
              "Cross-Origin-Resource-Policy": "same-origin"}

    async def page(_request):
        return HTMLResponse(text, headers={**common, "Content-Security-Policy": policy,
                                           "Cache-Control": "no-store"})

    async def events(request):
        chosen = request.query_params.get("document", "0")
        if not chosen.isdigit() or int(chosen) >= len(previews):
            return Response("Not Found", status_code=404, media_type="text/plain")
        return StreamingResponse(previews[int(chosen)].changes(request),
                                 media_type="text/event-stream",
                                 headers={**common, "Cache-Control": "no-store"})

    async def image(request):
        digest = request.path_params["digest"]
        data = next((found for preview in previews
                     if (found := preview.image(digest)) is not None), None)
        if data is None:
            return Response("Not Found", status_code=404, media_type="text/plain")
        return Response(data, media_type="image/png",
                        headers={**common, "Cache-Control": "private, max-age=31536000, "
                                 "immutable"})

    async def icon(_request):
        return Response(ICON, media_type="image/svg+xml", headers=common)

    routes = [Route("/", page), Route("/events", events), Route("/icon.svg", icon),
              Route("/page/{digest:str}.png", image)]
    return Starlette(routes=routes, middleware=[
        # A request for another host name is a web page trying to reach this server by
        # rebinding its own name to 127.0.0.1: refused.
        Middleware(TrustedHostMiddleware, allowed_hosts=LOOPBACK_NAMES, www_redirect=False),
        Middleware(OwnerOnly, secret=secret, port=port)])


def serve(builds: list, port: int, open_browser: bool, report) -> int:
    """Build and watch the briefs (or editions), serve the preview until Ctrl-C; the exit
    code."""
    import socket

    import uvicorn

    from brief.watch import watch

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        listener.bind(("127.0.0.1", port))
    except OSError as failure:
        listener.close()
        say(f"error: cannot listen on 127.0.0.1:{port}: {failure.strerror}\n"
            "  hint: choose another --port, or leave it out for a free one")
        return 2
    port = listener.getsockname()[1]
    secret = secrets.token_urlsafe(32)
    address = f"http://127.0.0.1:{port}/?token={secret}"
    names = [brief.name + (f" ({options.language})" if options.language else "")
             for brief, options in builds]
    previews = {(brief, options.language): Preview(brief, name, names, index)
                for index, ((brief, options), name) in enumerate(zip(builds, names))}

    def report_and_show(watched, rebuild) -> None:
        report(watched, rebuild)
        previews[(watched.path, watched.options.language)].update(watched, rebuild)

    stop, broken = threading.Event(), threading.Event()
    builder = threading.Thread(target=_watch_quietly, name="brief-watch", daemon=True,
                               args=(watch, builds, report_and_show, stop, broken))
    builder.start()
    shown = ", ".join(dict.fromkeys(str(brief) for brief, _ in builds))
    languages = [options.language for _, options in builds if options.language]
    editions = f" (and its {', '.join(languages)} editions)" if languages else ""
    say(f"previewing {shown}{editions} at {address}; Ctrl-C to stop")
    sys.stderr.flush()
    if open_browser:
        import webbrowser

        threading.Thread(target=webbrowser.open, args=(address,), daemon=True).start()

    class Server(uvicorn.Server):
        async def startup(self, sockets=None) -> None:
            await super().startup(sockets)
            listener.listen(KERNEL_QUEUE)  # asyncio set it to its batch: lengthened again

        def handle_exit(self, sig, frame) -> None:
            for preview in previews.values():
                preview.close()
            super().handle_exit(sig, frame)

    config = uvicorn.Config(application(list(previews.values()), secret, port),
                            http=connection_class(),
                            ws="none", backlog=ACCEPTED_AT_ONCE, log_level="warning",
                            lifespan="off", timeout_graceful_shutdown=1, access_log=False)
    # uvicorn and asyncio log every malformed request, every failed accept, each time: the
    # first of each kind is enough to know.
    logged: set[str] = set()

    def first_of_its_kind(record: logging.LogRecord) -> bool:
        new = record.msg not in logged
        logged.add(record.msg)
        return new

    for name in ("uvicorn.error", "asyncio"):
        logging.getLogger(name).addFilter(first_of_its_kind)
    try:
        Server(config).run(sockets=[listener])
    except KeyboardInterrupt:
        pass  # uvicorn stops on Ctrl-C, then raises it again for us
    finally:
        stop.set()
        builder.join(timeout=10)
    if broken.is_set():
        return 1
    say("stopped the preview")
    return 0


def _watch_quietly(watch, briefs, report, stop: threading.Event,
                   broken: threading.Event) -> None:
    """The building thread: the watch loop, until stopped; a failure it cannot report as a
    diagnostic stops the preview with a message rather than leaving a page that never
    changes."""
    import os
    import signal

    try:
        watch(briefs, report, stop)
    except Exception as failure:  # noqa: BLE001 - said to the user, who can report it
        say(f"error: the preview stopped rebuilding: {failure}\n"
            "  hint: this is a bug in brief; please report it with the brief")
        broken.set()
        os.kill(os.getpid(), signal.SIGINT)  # stops the server as Ctrl-C would
