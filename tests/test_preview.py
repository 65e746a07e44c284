"""`brief preview` in a real browser (Chromium, through Playwright), and its server as an
attacker would try it: only its own page and pages, only on the loopback address, only for a
loopback host name, only with the key in the address it printed."""

from __future__ import annotations

import http.client
import json
import re
import socket
import time
from pathlib import Path

import pypdf
import pytest

from brief.preview import source_block
from tests.conftest import WAIT, Running, copy_example, save

ERROR_LINE = ("north-korea-refugees.yaml:{line}:12: error: YAML syntax: did not find expected "
              "',' or ']'")


def start_preview(brief: Path, start) -> tuple[str, object]:
    """The address the preview printed, with its key, and the process."""
    server = start("preview", "--no-open", brief.name, cwd=brief.parent)
    first = server.expect(r"previewing .* at http://127\.0\.0\.1:\d+/\?token=[\w-]{40,}; "
                          r"Ctrl-C to stop")[-1]
    server.expect(r"\d\d:\d\d:\d\d wrote north-korea-refugees\.pdf in .*")
    return re.search(r"http://\S+(?=;)", first).group(0), server


def port_of(address: str) -> int:
    return int(re.match(r"http://127\.0\.0\.1:(\d+)/", address).group(1))


def owner_cookie(address: str) -> str:
    """What the owner's browser gets for opening the printed address: its cookie."""
    status, headers, _ = request(address, address.split(str(port_of(address)), 1)[1],
                                 cookie=None)
    assert (status, headers["location"]) == (303, "/")
    return headers["set-cookie"].split(";")[0]


@pytest.fixture
def preview(example_copy, running):
    """`brief preview --no-open` of a copy of the example: its address and the process."""
    return start_preview(example_copy, running)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """One preview for the tests that only send it requests: its printed address, the
    owner's cookie and the process."""
    brief = copy_example(tmp_path_factory.mktemp("served") / "briefs")
    server = None

    def start(*args, cwd):
        nonlocal server
        server = Running(*args, cwd=cwd)
        return server

    try:
        address = start_preview(brief, start)[0]
        yield address, owner_cookie(address), server
    finally:
        if server:
            server.stop()


def request(address: str, path: str, host: str | None = None, method: str = "GET",
            cookie: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """A raw request, the path sent exactly as written (no client tidies `..` away), with the
    cookie given (none by default)."""
    port = port_of(address)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    connection.putheader("Host", f"127.0.0.1:{port}" if host is None else host)
    if cookie:
        connection.putheader("Cookie", cookie)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def wait_for_title(page, title: str) -> None:
    page.wait_for_function("title => document.title === title", arg=title, timeout=WAIT * 1000)


def test_preview_shows_the_pages_and_follows_edits_errors_and_fixes(
        preview, example_copy, browser_page):
    address, server = preview
    page = browser_page
    images = []
    page.on("request", lambda sent: "/page/" in sent.url and images.append(sent.url))
    page.goto(address)
    wait_for_title(page, "Fleeing North Korea: No Safe Passage Through China")
    assert page.url == address.split("?")[0]  # the key is not left in the address bar
    count = len(pypdf.PdfReader(example_copy.with_suffix(".pdf")).pages)
    page.wait_for_function("count => [...document.querySelectorAll('figure.page img')].length "
                           "=== count && [...document.querySelectorAll('figure.page img')]"
                           ".every(i => i.complete && i.naturalWidth > 0)", arg=count)
    assert page.locator("figure.page figcaption").all_inner_texts() == [
        f"Page {n} of {count}" for n in range(1, count + 1)]
    assert len(images) == count
    assert page.locator("#status").inner_text().endswith(f"· {count} pages")

    # A change on the last page only: only that page is fetched again, the reader stays put.
    page.evaluate("() => { document.getElementById('viewer').scrollTop = 1500; }")
    text = example_copy.read_text("utf-8")
    save(example_copy, text.replace("contact: policy@example.org", "contact: desk@example.org"))
    page.wait_for_function("([count, before]) => document.querySelectorAll('figure.page img')"
                           "[count - 1].src !== before", arg=[count, images[-1]],
                           timeout=WAIT * 1000)
    page.wait_for_function("count => document.querySelectorAll('figure.page img')[count - 1]"
                           ".complete", arg=count)
    assert len(images) == count + 1 and images[-1] not in images[:-1]
    assert page.evaluate("() => document.getElementById('viewer').scrollTop") == 1500

    # The new title carries markup, which the page shows as typed and never runs.
    dialogs = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message) or dialog.dismiss())
    save(example_copy, text.replace('title: "Fleeing North Korea:',
                                    'title: "Leaving North Korea <img src=x onerror=alert(1)>:'))
    leaving = "Leaving North Korea <img src=x onerror=alert(1)>: No Safe Passage Through China"
    wait_for_title(page, leaving)
    assert page.locator("#title").inner_text() == leaving
    assert page.locator("header img").count() == 0 and dialogs == []

    broken = text.replace("sections:\n", "sections:\n  - heading: [unclosed\n", 1)
    save(example_copy, broken)
    line = broken.splitlines().index("  - heading: [unclosed") + 2
    problems = page.locator("#problems")
    problems.wait_for(state="visible", timeout=WAIT * 1000)
    assert problems.locator("h2").inner_text() == "The last save has 1 error"
    assert problems.locator("li").all_inner_texts() == [
        ERROR_LINE.format(line=line) + "\nhint: check the indentation and the brackets or quotes of this line and the one "
        "before"]
    link = problems.locator("li a").get_attribute("href")
    assert link == f"vscode://file{example_copy.resolve().as_posix()}:{line}:12"
    assert page.locator("figure.page img").count() == count  # the last good pages stay in view
    assert page.title() == leaving
    assert page.locator("#status").inner_text().startswith("failed ")
    assert page.locator("#no-warnings").inner_text() == "None so far: the checks stop at the errors."

    save(example_copy, text)
    problems.wait_for(state="hidden", timeout=WAIT * 1000)
    wait_for_title(page, "Fleeing North Korea: No Safe Passage Through China")
    assert page.errors == []


def test_a_click_on_a_paragraph_shows_its_yaml_line_with_an_editor_link(
        preview, example_copy, browser_page):
    address, _ = preview
    page = browser_page
    page.goto(address)
    first = page.locator("figure.page img").first
    page.wait_for_function("() => document.querySelector('figure.page img')?.complete",
                           timeout=WAIT * 1000)
    # Clicked in the middle of the summary's box on page 1, wherever the layout put it.
    summary = page.evaluate(
        "() => state.boxes.find(b => b[0] === 0 && state.lines[b[5]].startsWith('summary'))")
    image = first.bounding_box()
    width, height = 793.7007874015749, 1122.5196850393702
    first.click(position={"x": (summary[1] + summary[3] / 2) / width * image["width"],
                          "y": (summary[2] + summary[4] / 2) / height * image["height"]})
    lines = example_copy.read_text("utf-8").splitlines()
    number = lines.index("summary: >-") + 1
    last = next(n for n in range(number, len(lines)) if not lines[n].startswith(" "))
    assert page.locator("#source-where").inner_text() == (
        f"north-korea-refugees.yaml, lines {number}–{last}")
    assert page.locator("#source-line li").all_inner_texts() == lines[number - 1:last]
    assert page.locator("#source-line").get_attribute("start") == str(number)
    assert page.locator("#source-open").get_attribute("href") == (
        f"vscode://file{example_copy.resolve().as_posix()}:{number}")
    assert page.locator(".highlight").count() == 1

    # A claim on a later page: its lines, with its id indented under them.
    claim = lines.index("        id: routes-via-china") - 2
    box = page.evaluate(f"() => state.boxes.find(b => b[5] === {claim})")
    on = page.locator("figure.page img").nth(box[0])
    on.scroll_into_view_if_needed()
    image = on.bounding_box()
    on.click(position={"x": (box[1] + box[3] / 2) / width * image["width"],
                       "y": (box[2] + box[4] / 2) / height * image["height"]})
    assert page.locator("#source-line li").all_inner_texts() == [  # shown without the indent
        text[6:] for text in lines[claim - 1:claim + 3]]
    assert page.locator("#source-open").get_attribute("href").endswith(f":{claim}")

    # Its note, at the foot of the same page: the lines that cite it.
    note = page.evaluate(f"() => state.boxes.filter(b => b[5] === {claim}).at(-1)")
    assert note[0] == box[0] and note[2] > box[2] + box[4]
    page.locator("#source-line").evaluate("list => list.replaceChildren()")
    on.click(position={"x": (note[1] + note[3] / 2) / width * image["width"],
                       "y": (note[2] + note[4] / 2) / height * image["height"]})
    assert page.locator("#source-line li").all_inner_texts() == [
        text[6:] for text in lines[claim - 1:claim + 3]]
    # Outlined where the note is printed: the outline's edges are the box's, to the pixel.
    image, highlight = on.bounding_box(), page.locator(".highlight").bounding_box()
    scale = image["height"] / height
    assert abs(highlight["y"] - (image["y"] + note[2] * scale)) < 1.5
    assert abs(highlight["height"] - note[4] * scale) < 1.5
    assert abs(highlight["x"] - (image["x"] + note[1] * scale)) < 1.5


@pytest.mark.parametrize("path", [
    "/../../../../etc/passwd",
    "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/page/..%2f..%2f..%2fetc%2fpasswd.png",
    "/page/../../north-korea-refugees.yaml",
    "/north-korea-refugees.yaml",
    "/north-korea-refugees.pdf",
    "/page/",
    "/page/" + "0" * 64 + ".png",
    "/brief/preview.py",
    "//etc/passwd",
    "/static/",
])
def test_nothing_but_its_own_page_and_pages_is_served(served, path):
    address, cookie, _ = served
    status, _, body = request(address, path, cookie=cookie)
    assert (status, body) == (404, b"Not Found")


def test_nothing_at_all_is_served_without_the_key_of_the_printed_address(served):
    """Another account on this computer can reach 127.0.0.1:PORT too: without the key it reads
    neither the page, nor the event stream (lines, diagnostics, paths), nor the pages."""
    address, cookie, _ = served
    state = shown_state(address, cookie)
    image = f"/page/{state['pages'][0]['image']}.png"
    assert request(address, image, cookie=cookie)[0] == 200
    name = cookie.split("=")[0]
    key = address.split("token=")[1]
    wrong = [None, f"{name}=", f"{name}={key[:-1]}", f"{name}={key}x", f"{name}=été",
             f"brief-preview-1={key}"]  # the key, but another port's cookie
    for path in ["/", "/events", "/icon.svg", image, "/page/nothing.png", "/?token=",
                 f"/?token={key[:-1]}", f"/?token={key[:-1]}%C3%A9", "/events?token=x"]:
        for sent in wrong:
            status, headers, body = request(address, path, cookie=sent)
            assert (status, headers["content-type"], body) == (
                403, "text/plain; charset=utf-8", b"This is a private preview. Open the "
                b"address that `brief preview` printed when it started: it carries the key.\n"
            ), (path, sent)
    # The printed address itself: a cookie that lasts as long as the browser, for this preview
    # only, never sent by another site's page or readable by a script; and the page, without
    # the key in the address bar.
    status, headers, _ = request(address, "/?token=" + key)
    assert (status, headers["location"], headers["cache-control"]) == (303, "/", "no-store")
    assert headers["set-cookie"] == f"{cookie}; HttpOnly; Path=/; SameSite=strict"
    assert request(address, "//evil.example/?token=" + key)[1]["location"] == "/"
    assert name == f"brief-preview-{port_of(address)}"


def shown_state(address: str, cookie: str) -> dict:
    """What the event stream tells the page once it has pages to show."""
    connection = http.client.HTTPConnection("127.0.0.1", port_of(address), timeout=WAIT)
    connection.request("GET", "/events", headers={"Cookie": cookie})
    response = connection.getresponse()
    assert response.status == 200
    while True:
        line = response.readline().decode()
        if line.startswith("data: ") and (state := json.loads(line[6:]))["pages"]:
            connection.close()
            return state


def test_the_page_itself_may_load_only_what_the_server_sends(served):
    address, cookie, _ = served
    status, headers, body = request(address, "/", cookie=cookie)
    assert status == 200
    policy = headers["content-security-policy"]
    assert policy.startswith("default-src 'none'; img-src 'self'; connect-src 'self'; ")
    assert "frame-ancestors 'none'" in policy
    assert "unsafe" not in policy
    assert headers["x-content-type-options"] == "nosniff"
    assert b"<script>" in body and b"http" not in body.split(b"<script>")[1]
    assert request(address, "/", method="POST", cookie=cookie)[0] == 405


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1.evil.example",
                                  "localhost.evil.example:{port}", ""])
def test_a_host_name_other_than_loopback_is_refused(served, host):
    """DNS rebinding: a page on evil.example points its name at 127.0.0.1 and reads from the
    preview as from its own site; the Host header still says evil.example."""
    address, cookie, _ = served
    port = port_of(address)
    status, _, body = request(address, "/", host=host.format(port=port), cookie=cookie)
    assert (status, body) == (400, b"Invalid host header")
    assert request(address, "/", host=f"localhost:{port}", cookie=cookie)[0] == 200


def test_connections_left_halfway_are_closed_and_the_owner_is_still_answered(served):
    """Another account opens hundreds of connections and sends each a request halfway: they
    must not take the process's file descriptors, nor keep the owner waiting, nor fill the
    terminal with tracebacks."""
    address, cookie, server = served
    server.quiet_for(0)  # what earlier tests made it print
    port = port_of(address)
    flood = []
    try:
        started = time.monotonic()
        for _ in range(300):
            held = socket.create_connection(("127.0.0.1", port), timeout=5)
            held.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1")  # and never the blank line
            flood.append(held)
        asked = time.monotonic()
        assert request(address, "/", cookie=cookie)[0] == 200
        answered = time.monotonic() - asked
        # The process keeps file descriptors for its builds: the flood holds a few dozen.
        descriptors = len(list(Path(f"/proc/{server.process.pid}/fd").iterdir()))
        for held in flood:  # every one closed by the server, within 3 s of its request
            held.settimeout(max(0.01, started + 3 + 1.5 - time.monotonic()))
            try:
                assert held.recv(1) == b""
            except ConnectionResetError:
                pass
        closed = time.monotonic() - started
    finally:
        for held in flood:
            held.close()
    assert answered < 1, answered
    assert descriptors < 150, descriptors
    assert closed < 4.5, closed
    printed = server.quiet_for(0.2)
    assert sorted(printed) == [
        "preview: closed a connection that sent a request halfway and no more for 3 s; the "
        "next ones go unreported",
        "preview: more than 64 connections at once: closed the ones waiting longest for a "
        "request; the next ones go unreported"], printed


def test_the_page_fits_a_phone_360_pixels_wide(served, browser_page):
    """Nothing scrolls sideways but the pages themselves, and every button of the toolbar can
    be seen and pressed, the title and the status read."""
    page = browser_page
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(served[0])
    page.wait_for_function("() => document.querySelector('figure.page img')?.complete",
                           timeout=WAIT * 1000)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    for button in page.locator("header button").all():
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, button.get_attribute("id")
        assert button.evaluate("b => b.scrollWidth <= b.clientWidth")  # its label on one line
    for shown in ("header h1", "#status"):
        box = page.locator(shown).bounding_box()
        assert box["width"] > 150 and box["x"] >= 0 and box["x"] + box["width"] <= 360, shown
    assert page.locator("#status").evaluate("s => s.scrollWidth <= s.clientWidth")
    page.click("#actual-size")  # a page wider than the phone scrolls within its own area
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    assert page.evaluate("() => document.getElementById('viewer').scrollWidth") > 794


def test_the_server_listens_on_the_loopback_address_only(served):
    port = port_of(served[0])
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            local, state = row.split()[1], row.split()[3]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                listening.append(local.rsplit(":", 1)[0])
    assert listening == ["0100007F"]  # 127.0.0.1, and no IPv6 or wildcard address


def test_ctrl_c_stops_the_preview_cleanly(preview):
    _, server = preview
    code, rest = server.interrupt()
    assert (code, rest[-1:]) == (0, ["stopped the preview"])


def test_ctrl_c_with_the_page_open_stops_without_a_traceback(preview):
    address, server = preview
    connection = http.client.HTTPConnection(address.split("/")[2], timeout=WAIT)
    connection.request("GET", "/events", headers={"Cookie": owner_cookie(address)})
    stream = connection.getresponse()
    assert stream.readline().startswith(b"data: ")  # the page is following the builds
    code, rest = server.interrupt()
    connection.close()
    assert (code, rest) == (0, ["stopped the preview"])


def test_ctrl_c_in_the_middle_of_a_rebuild_stops_cleanly(preview, example_copy):
    address, server = preview
    connection = http.client.HTTPConnection(address.split("/")[2], timeout=WAIT)
    connection.request("GET", "/events", headers={"Cookie": owner_cookie(address)})
    assert connection.getresponse().readline().startswith(b"data: ")
    text = example_copy.read_text("utf-8")
    save(example_copy, text.replace("contact: policy@example.org", "contact: desk@example.org"))
    time.sleep(0.3)  # the save is seen and the rebuild under way: it takes longer than this
    code, rest = server.interrupt()
    connection.close()
    assert code == 0, rest
    assert rest[-1:] == ["stopped the preview"]
    assert not [line for line in rest if "error" in line.lower()], rest


def test_a_port_in_use_is_a_usage_error(command, example_copy):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, output = command("preview", "--no-open", "--port", str(port), example_copy.name,
                               cwd=example_copy.parent)
    assert (code, output) == (2, f"error: cannot listen on 127.0.0.1:{port}: Address already in "
                              "use\n  hint: choose another --port, or leave it out for a free "
                              "one\n")


def test_preview_of_a_folder_without_briefs_is_a_usage_error(command, tmp_path):
    code, output = command("preview", "--no-open", ".", cwd=tmp_path)
    assert code == 2
    assert output.splitlines()[-1] == "Error: Invalid value for BRIEFS: no briefs found there"



def test_zoom_steps_actual_size_and_fit_to_width(preview, browser_page):
    address, _ = preview
    page = browser_page
    page.goto(address)
    page.wait_for_function("() => document.querySelector('figure.page img')?.complete",
                           timeout=WAIT * 1000)

    def widths() -> tuple[float, str]:
        shown = page.evaluate("() => document.querySelector('figure.page img').clientWidth")
        return round(shown), page.locator("#zoom-level").inner_text()

    # The keys that scroll work at once, with no click in the page first, and the focus that
    # this takes draws no ring around the pages.
    assert page.evaluate("() => document.activeElement.id") == "viewer"
    assert page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle") == "none"
    page.keyboard.press("PageDown")
    page.wait_for_function("() => document.getElementById('viewer').scrollTop > 0",
                           timeout=WAIT * 1000)
    viewer = page.evaluate("() => document.getElementById('viewer').clientWidth")
    assert widths() == (viewer - 48, f"{round((viewer - 48) / 793.7007874015749 * 100)} %")
    assert page.locator("#fit-width").get_attribute("aria-pressed") == "true"
    page.click("#actual-size")
    assert widths() == (794, "100 %")  # A4 at 96 CSS pixels to the inch
    assert page.locator("#fit-width").get_attribute("aria-pressed") == "false"
    page.click("#zoom-in")
    assert widths() == (873, "110 %")
    page.keyboard.press("-")
    page.keyboard.press("-")
    assert widths() == (714, "90 %")
    # Zoomed wider than the window, the page's left edge can still be scrolled to.
    for _ in range(6):
        page.keyboard.press("+")
    assert widths() == (2381, "300 %")
    page.evaluate("() => { document.getElementById('viewer').scrollLeft = 0; }")
    left = page.evaluate("() => document.querySelector('figure.page img')"
                         ".getBoundingClientRect().left - document.getElementById('viewer')"
                         ".getBoundingClientRect().left")
    assert 0 <= left <= 20
    page.click("#fit-width")
    assert widths() == (viewer - 48, f"{round((viewer - 48) / 793.7007874015749 * 100)} %")
    page.set_viewport_size({"width": 1000, "height": 900})  # fit follows the window
    page.wait_for_function("() => document.querySelector('figure.page img').clientWidth === "
                           "document.getElementById('viewer').clientWidth - 48")


def test_the_lines_shown_for_a_block_are_its_own():
    lines = ["title: A brief", "date: 2024-01-01", "sections:",
             "  - heading: Routes  # the first", "    id: routes", "    body:",
             "      - claim: >-", "          Most routes pass through China",
             "          [@song2015].", "", "        id: via-china",
             "      - quote: \"Words\"", "        source: coi2014", "        locator: p. 2",
             "  - heading: Law", "    body: []"]
    assert source_block(lines, 1) == "title: A brief"
    # A heading, with its section's id but not the section's body.
    assert source_block(lines, 4).splitlines() == lines[3:5]
    # A claim, with its text and its id; a quotation with its source and locator.
    assert source_block(lines, 7).splitlines() == lines[6:11]
    assert source_block(lines, 12).splitlines() == lines[11:14]
    assert source_block(lines, 16) == "    body: []"
    long = ["summary: >-"] + [f"  line {n}" for n in range(20)] + ["date: 2024-01-01"]
    assert source_block(long, 1, most=5).splitlines() == long[:5] + ["…"]


def test_every_edition_is_previewed_and_a_save_in_a_catalog_shows(
        example_copy, running, browser_page):
    server = running("preview", "--no-open", "--language", "all", example_copy.name,
                     cwd=example_copy.parent)
    first = server.expect(r"previewing north-korea-refugees\.yaml \(and its ko editions\) at "
                          r"http://127\.0\.0\.1:\d+/\?token=[\w-]{40,}; Ctrl-C to stop")[-1]
    server.expect(r"\d\d:\d\d:\d\d wrote north-korea-refugees\.ko\.pdf in .*")
    page = browser_page
    page.goto(re.search(r"http://\S+(?=;)", first).group(0))
    wait_for_title(page, "Fleeing North Korea: No Safe Passage Through China")
    tabs = page.get_by_role("navigation", name="Briefs and editions").get_by_role("link")
    assert tabs.all_inner_texts() == ["north-korea-refugees.yaml",
                                      "north-korea-refugees.yaml (ko)"]
    assert tabs.first.get_attribute("aria-current") == "page"
    tabs.last.click()
    wait_for_title(page, "북한 탈출: 중국에는 안전한 길이 없다")
    assert page.locator("#brief-name").inner_text() == "north-korea-refugees.yaml (ko)"
    # A translation saved in the catalog rebuilds the edition it belongs to.
    catalog = example_copy.with_name("north-korea-refugees.ko.po")
    save(catalog, catalog.read_text("utf-8").replace(
        'msgstr "북한 탈출: 중국에는 안전한 길이 없다"', 'msgstr "북한 탈출: 안전한 길은 없다"'))
    wait_for_title(page, "북한 탈출: 안전한 길은 없다")
    assert page.errors == []
