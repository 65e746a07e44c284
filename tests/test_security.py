"""Hostile and broken input: nothing leaks, nothing crashes, nothing is lost."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pypdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brief.build import BuildOptions, build
from brief.cite import style_collection
from brief.cache import cache_root
from brief.resources import templates_folder
from tests.conftest import DATA, EXAMPLE, ROOT
from tests.test_load import VALID, problems

HOSTILE = DATA / "hostile" / "attack.yaml"
PNG = bytes.fromhex(  # a 1x1 transparent PNG
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")

_opened: list[object] = []
_recording = False


def _audit(event: str, args: tuple) -> None:
    if event == "open" and _recording:
        _opened.append(args[0])


sys.addaudithook(_audit)  # cannot be removed; it records only while _recording is set


def test_hostile_markup_is_shown_as_text_and_fetches_nothing(tmp_path, run):
    shutil.copy(HOSTILE, tmp_path / "attack.yaml")
    code, output = run("build", "--format", "html", "attack.yaml", cwd=tmp_path)
    assert code == 0, output
    html = (tmp_path / "attack.html").read_text("utf-8")
    body = html.split("</head>", 1)[1]
    for tag in ("<script", "<img", "<link", "<iframe", "<object", "<svg", "<style"):
        assert tag not in body, tag
    assert 'href="file:' not in html and 'href="javascript:' not in html
    assert "{{ 7*7 }}" in html and "{% include" in html  # printed as typed, never evaluated

    code, output = run("build", "attack.yaml", cwd=tmp_path)
    assert code == 0, output
    reader = pypdf.PdfReader(tmp_path / "attack.pdf")
    assert not reader.attachments
    uris = [annotation.get_object()["/A"].get("/URI") for page in reader.pages
            for annotation in page.get("/Annots", []) if "/A" in annotation.get_object()]
    assert not [uri for uri in uris if uri and not str(uri).startswith(("http", "mailto"))]
    assert "root:" not in "".join(page.extract_text() for page in reader.pages)


def test_a_build_opens_no_file_outside_the_allowed_folders(tmp_path):
    global _recording
    folder = tmp_path / "brief"
    folder.mkdir()
    shutil.copy(HOSTILE, folder / "attack.yaml")
    # A first build loads every module and font, so that only the build's own reads remain.
    build(EXAMPLE, BuildOptions(output=tmp_path / "warm.pdf", force=True))
    _opened.clear()
    _recording = True
    try:
        result = build(folder / "attack.yaml", BuildOptions(force=True))
    finally:
        _recording = False
    assert result.ok
    allowed = [folder, templates_folder(), style_collection(), cache_root()]
    scratch = Path(tempfile.gettempdir()).resolve()

    def permitted(path: Path) -> bool:
        if any(path.is_relative_to(root.resolve()) for root in allowed):
            return True
        # The scratch folder of the one pandoc run (tempfile.TemporaryDirectory(prefix="brief-")).
        return path.is_relative_to(scratch) and path != scratch and \
            path.relative_to(scratch).parts[0].startswith("brief-")

    outside = [path for path in _opened if not isinstance(path, int)
               and not permitted(Path(os.fsdecode(path)).resolve())]
    assert outside == []


def test_symlink_out_of_the_folder_is_refused(workdir):
    (workdir / "inner").mkdir()
    secret = workdir / "secret.json"
    secret.write_text("[]", "utf-8")
    (workdir / "inner" / "refs.json").symlink_to(secret)
    text = VALID + "  - refs.json\n"
    assert problems(workdir, text, "inner/b.yaml") == [
        "inner/b.yaml:17:5: error: source file `refs.json` is outside the brief's folder\n"
        "  hint: a brief may only read files in its own folder and below it"]


def test_pictures_only_in_text_blocks_from_the_folder_with_alt_text(workdir, run):
    (workdir / "map.png").write_bytes(PNG)
    body = ("      - claim: A claim [@a, p. 1].\n"
            "      - text: \"![Escape routes](map.png)\"\n"
            "      - text: \"![](map.png)\"\n"
            "      - text: \"![Secret](/etc/passwd)\"\n"
            "      - text: \"![Web](https://example.org/x.png)\"\n")
    text = VALID.replace("      - claim: A claim [@a, p. 1].\n", body).replace(
        "summary: A summary [@a].", "summary: \"A summary ![x](map.png) [@a].\"")
    (workdir / "b.yaml").write_text(text, "utf-8")
    code, output = run("check", "b.yaml")
    assert code == 1
    assert output == (
        "b.yaml:4:21: error: pictures are allowed only in `text` blocks\n"
        "  hint: move the picture into a `- text: ` block of its own\n".replace(
            "`- text: `", "`- text:`") +
        "b.yaml:10:16: error: picture has no alt text\n"
        "  hint: describe it for readers who cannot see it: ![what the picture shows](file.png)\n"
        "b.yaml:11:16: error: picture `/etc/passwd` is outside the brief's folder\n"
        "  hint: a brief may only read files in its own folder and below it\n"
        "b.yaml:12:16: error: picture `https://example.org/x.png` is on the web, and brief "
        "does not go online by itself\n"
        "  hint: save the picture beside the brief, or build with --allow-network\n")
    good = VALID.replace("      - claim: A claim [@a, p. 1].\n",
                         "      - claim: A claim [@a, p. 1].\n"
                         "      - text: \"![Escape routes](map.png)\"\n")
    (workdir / "b.yaml").write_text(good, "utf-8")
    assert run("build", "--format", "html", "b.yaml")[0] == 0
    assert '<img src="data:image/png;base64,' in (workdir / "b.html").read_text("utf-8")
    assert run("check", "--allow-network", "b.yaml")[0] == 0


def test_billion_laughs_is_stopped_quickly(workdir):
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for n in range(1, 10):
        previous, name = chr(ord("a") + n - 1), chr(ord("a") + n)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    # Counted, not expanded: the answer comes as fast as for any small file.
    assert problems(workdir, "\n".join(lines) + "\n") == [
        "b.yaml:1:1: error: the brief has more than 200,000 values once its aliases (*name) "
        "are expanded\n"
        "  hint: a brief this large is almost certainly a mistake or a hostile file"]


def test_deep_nesting_and_huge_files_are_refused(workdir):
    deep = "title: " + "[" * 60 + "]" * 60 + "\n"
    assert "nested more than 40 levels deep" in problems(workdir, deep)[0]
    (workdir / "big.yaml").write_bytes(b"title: " + b"x" * (6 * 1024 * 1024) + b"\n")
    assert problems(workdir, (workdir / "big.yaml").read_text("utf-8"), "big.yaml") == [
        "big.yaml:1:1: error: big.yaml is 6.0 MiB; a brief, brand or sources file may be at most "
        "5.0 MiB\n  hint: a file this large is almost certainly a mistake or a hostile file"]


def test_nul_bytes_are_refused(workdir):
    assert problems(workdir, "title: a\x00b\n") == [
        "b.yaml:1:9: error: the file contains a NUL character\n"
        "  hint: this is not a text file, or it is damaged"]


def test_interrupted_write_keeps_the_previous_pdf(example_copy, monkeypatch):
    pdf = example_copy.with_suffix(".pdf")
    pdf.write_bytes(b"%PDF- the previous good build")

    def interrupt(_):
        raise KeyboardInterrupt

    monkeypatch.setattr("brief.output.os.fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        build(example_copy, BuildOptions(force=True))
    assert pdf.read_bytes() == b"%PDF- the previous good build"
    assert [p.name for p in pdf.parent.iterdir() if p.name.endswith(".part")] == []


def test_unwritable_output_is_a_diagnostic(example_copy, run, tmp_path):
    code, output = run("build", str(example_copy), "-o", str(tmp_path / "no" / "such" / "x.pdf"))
    assert code == 1
    assert output == (f"{tmp_path / 'no' / 'such' / 'x.pdf'}:1:1: error: cannot write the "
                      "output: No such file or directory\n"
                      "  hint: check that the folder exists and is writable\n")


BASE = (DATA / "multi-sources" / "brief.yaml").read_text("utf-8")


def mutated(data) -> str:
    """A valid brief with a few random edits of the kinds people and tools make."""
    text = BASE
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(text)))
        action = data.draw(st.sampled_from(["insert", "delete", "duplicate-line"]))
        if action == "insert":
            text = text[:position] + data.draw(st.text(
                # YAML's and markdown's punctuation, pictures, links and pandoc's attributes.
                alphabet=st.sampled_from(list(":-[]{}()<>`=@&*!|'\"#%\n\t ,x0")
                                         + ["\x00", "é", "𓀀", "\\"]),
                max_size=6)) + text[position:]
        elif action == "delete":
            text = text[:position] + text[position + data.draw(st.integers(1, 20)):]
        else:
            lines = text.splitlines(keepends=True)
            index = data.draw(st.integers(0, len(lines) - 1))
            lines.insert(index, lines[index])
            text = "".join(lines)
    return text


FUZZ = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                  HealthCheck.too_slow])


@settings(max_examples=120, **FUZZ)
@given(st.data())
def test_fuzzed_briefs_check_with_exit_0_or_1(run, tmp_path, data):
    """Random edits of a valid brief: every outcome is a clean result or located errors."""
    assert_clean_outcome(run, tmp_path, mutated(data), "check")


@settings(max_examples=15, **FUZZ)
@given(st.data())
def test_fuzzed_briefs_build_with_exit_0_or_1(run, tmp_path, data):
    """The same through citations and rendering (HTML, to keep the run short)."""
    assert_clean_outcome(run, tmp_path, mutated(data), "build", "--format", "html")


def assert_clean_outcome(run, tmp_path, text: str, *command: str) -> None:
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    shutil.copytree(DATA / "multi-sources", folder, dirs_exist_ok=True)
    (folder / "brief.yaml").write_text(text, "utf-8")
    code, output = run(*command, str(folder / "brief.yaml"))
    assert code in (0, 1), output  # the run fixture re-raises any exception as a failure
    if code == 1:
        assert ": error: " in output
    elif "html" in command:
        page = (folder / "brief.html").read_text("utf-8")
        assert {name for _, name in _attributes(page)} <= PAGE_ATTRIBUTES


def test_an_output_that_is_a_link_is_replaced_not_followed(example_copy, run, tmp_path):
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me", "utf-8")
    example_copy.with_suffix(".pdf").symlink_to(precious)
    assert run("build", str(example_copy))[0] == 0
    assert precious.read_text("utf-8") == "keep me"
    assert not example_copy.with_suffix(".pdf").is_symlink()


def test_private_use_markers_in_text_are_inert(workdir, run):
    text = VALID.replace("A claim [@a, p. 1].", "\"A claim \\ue0007\\ue001 [@a, p. 1].\"")
    (workdir / "b.yaml").write_text(text, "utf-8")
    assert run("build", "--format", "html", "b.yaml")[0] in (0, 1)


def test_bad_values_that_once_escaped_the_checks(workdir):
    bad_date = VALID.replace("issued: 2020", "issued: {date-parts: 5}")
    assert problems(workdir, bad_date) == [
        "b.yaml:16:13: error: `date-parts` is a list of [year, month, day] lists"]
    bad_name = VALID.replace("type: report", "type: report\n    author: [{family: [x]}]")
    assert problems(workdir, bad_name) == [
        "b.yaml:15:13: error: each part of a name is text, e.g. {family: Song, given: Jiyoung}"]


def test_pictures_with_spaces_and_accents_in_their_names(workdir, run):
    (workdir / "carte été.png").write_bytes(PNG)
    text = VALID.replace("      - claim: A claim [@a, p. 1].\n",
                         "      - claim: A claim [@a, p. 1].\n"
                         "      - text: \"![La carte](<carte été.png>)\"\n")
    (workdir / "b.yaml").write_text(text, "utf-8")
    assert run("build", "--format", "html", "b.yaml") == (0, "wrote b.html\n")
    assert '<img src="data:image/png;base64,' in (workdir / "b.html").read_text("utf-8")


# The attributes brief's templates write, and the few its sanitiser lets through.
# The attributes brief's templates write (the web edition's note buttons and landmarks, the
# evidence appendix's table too); none comes from a brief's text.
PAGE_ATTRIBUTES = {"class", "id", "href", "src", "alt", "lang", "dir", "datetime", "content",
                   "name", "charset", "aria-hidden", "aria-label", "aria-labelledby", "media",
                   "popover", "popovertarget", "role", "type", "value", "rel", "rowspan",
                   "scope"}


def _attributes(html: str) -> set[tuple[str, str]]:
    """Every (element, attribute) pair in the body of an HTML document."""
    from html.parser import HTMLParser

    found: set[tuple[str, str]] = set()

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.update((tag, name) for name, _ in attrs)

    Collect().feed(html.split("</style>", 1)[1])
    return found


def test_no_attribute_from_a_citation_or_a_source_reaches_the_page(tmp_path, run):
    shutil.copy(DATA / "hostile" / "attributes.yaml", tmp_path / "b.yaml")
    assert run("build", "--format", "html", "b.yaml", cwd=tmp_path) == (0, "wrote b.html\n")
    html = (tmp_path / "b.html").read_text("utf-8")
    # Only the attributes brief's templates and sanitiser write; none named in the brief.
    assert {name for _, name in _attributes(html)} <= PAGE_ATTRIBUTES
    assert ("code", "class") not in _attributes(html)
    body = html.split("</style>", 1)[1]
    assert "<code>y</code>{.summary-box data-x=1}" in body
    assert "<code>z</code>{onclick=alert(6)}" in body
    # The attribute syntax is printed as the brief wrote it, in the notes.
    assert '<code>x</code>{onmouseover=“alert(1)” style=“position:fixed;inset:0”}' in body
    assert ('<a href="https://e.org"><span class="url">https<span class="nobr">://e</span>.org'
            '</span></a>'
            '{onclick=“alert(2)” .note style=“font-size:90pt”}') in body
    assert "<em>A &lt;Span Style=" in body and "<a>javascript:alert(5)</a>" in body


def test_a_picture_path_that_looks_like_a_citation_is_the_file_it_names(workdir, run):
    secret = workdir / "secret.png"
    secret.write_bytes(PNG + b"secret")
    # The name the path would have had with its citation cut out and a marker put in.
    (workdir / "\ue0000\ue001x.png").symlink_to(secret)
    text = VALID.replace("      - claim: A claim [@a, p. 1].\n",
                         "      - claim: A claim [@a, p. 1].\n"
                         "      - text: \"![a map](<[@a]x.png>)\"\n")
    (workdir / "b.yaml").write_text(text, "utf-8")
    expected = ("b.yaml:9:16: error: picture not found: [@a]x.png\n"
                "  hint: paths are relative to the brief's folder\n")
    assert run("check", "b.yaml") == (1, expected)
    assert run("build", "--format", "html", "b.yaml") == (1, expected)

    (workdir / "[@a]x.png").write_bytes(PNG)
    assert run("build", "--format", "html", "b.yaml") == (0, "wrote b.html\n")
    html = (workdir / "b.html").read_text("utf-8")
    import base64
    assert f'<img src="data:image/png;base64,{base64.b64encode(PNG).decode()}" alt="a map">' \
        in html
    assert base64.b64encode(PNG + b"secret").decode() not in html


def test_a_brand_opens_only_its_own_files_to_the_brief(tmp_path, run):
    brand = tmp_path / "orgbrand"
    brand.mkdir()
    shutil.copy(ROOT / "briefs" / "brands" / "meadow" / "meadow-logo.svg", brand / "logo.svg")
    (brand / "payslip.png").write_bytes(PNG)
    (brand / "_brand.yml").write_text(
        "color: {primary: '#1b365d'}\nlogo:\n  medium: {path: logo.svg, alt: Org}\n", "utf-8")
    folder = tmp_path / "received"
    folder.mkdir()
    (folder / "map.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        f'<image href="{(brand / "payslip.png").as_uri()}" width="10" height="10"/></svg>',
        "utf-8")
    (folder / "b.yaml").write_text(VALID.replace(
        "      - claim: A claim [@a, p. 1].\n",
        "      - claim: A claim [@a, p. 1].\n      - text: \"![a map](map.svg)\"\n"), "utf-8")
    code, output = run("build", "--brand", str(brand / "_brand.yml"), "b.yaml", cwd=folder)
    assert (code, output) == (1, (
        f"b.yaml:9:16: error: picture `map.svg` refers to `{(brand / 'payslip.png').as_uri()}`, "
        "outside its folder\n"
        "  hint: a brief may only use files in its own folder\n"))
    assert not (folder / "b.pdf").exists()


def test_a_logo_that_fetches_a_font_from_the_web_is_a_located_error(tmp_path, command):
    (tmp_path / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="40"><style>@font-face'
        '{font-family:X;src:url(http://example.invalid/x.woff)} text{font-family:X}</style>'
        '<text x="0" y="20">Org</text></svg>', "utf-8")
    text = VALID.replace("organisation: {name: Org}", "organisation: {name: Org, logo: logo.svg}")
    for name in ("one.yaml", "two.yaml"):
        (tmp_path / name).write_text(text, "utf-8")
    message = ("{}:3:33: error: logo `logo.svg` fetches `http://example.invalid/x.woff` from "
               "the web, and brief does not go online by itself\n"
               "  hint: remove the reference (an SVG's font or image, say), or build with "
               "--allow-network if you trust the brief\n")
    assert command("build", "one.yaml", cwd=tmp_path) == (1, message.format("one.yaml"))
    # Two briefs: each laid out in its own layout process, which must survive the refusal.
    code, output = command("build", "-j", "2", "one.yaml", "two.yaml", cwd=tmp_path)
    assert code == 1
    assert sorted(output.splitlines(keepends=True)) == sorted(
        (message.format("one.yaml") + "failed one.yaml\n" + message.format("two.yaml")
         + "failed two.yaml\n").splitlines(keepends=True))


def test_numbers_too_long_for_python_are_located_errors(workdir, run):
    digits = "9" * 5000
    text = VALID.replace("title: A Report", f"title: A Report\n    volume: {digits}")
    (workdir / "b.yaml").write_text(text, "utf-8")
    assert run("check", "b.yaml") == (1, (
        "b.yaml:16:13: error: a number of 5,000 digits is too long\n"
        "  hint: quote it if it is text; no value in a brief needs a number this long\n"))
    (workdir / "refs.json").write_text(
        '[{"id": "b", "type": "book", "title": "T", "issued": {"date-parts": [[' + digits
        + ']]}}]', "utf-8")
    (workdir / "b.yaml").write_text(VALID + "  - refs.json\n", "utf-8")
    assert run("check", "b.yaml") == (1, (
        "refs.json:1:71: error: a number of 5,000 digits is too long\n"
        "  hint: quote it if it is text; no value in a brief needs a number this long\n"))


NUL_ESCAPE = ("the text contains the control character U+0000 (NUL), which prints as nothing "
              "or as a box\n"
              "  hint: delete it (it is invisible in most editors), or the escape that wrote it, "
              "such as \\a or \\x01")


@pytest.mark.parametrize(("field", "written", "message"), [
    ("picture", "a%00.png", "picture `a\\0.png` is not a file name\n"
     "  hint: a file name cannot contain a NUL character (\\0 or %00)"),
    ("picture", "a" * 300 + ".png", f"picture `{'a' * 30}…{'a' * 26}.png` has a name too long "
     "for a file\n  hint: a file name has at most 255 bytes, a path 4096"),
    ("logo", "a\\0.png", NUL_ESCAPE),
    ("logo", "a/" * 2100 + "x.png", f"logo `{'a/' * 15}…{'/a' * 12}/x.png` has a name too "
     "long for a file\n  hint: a file name has at most 255 bytes, a path 4096"),
    ("sources", "x\\0.json", NUL_ESCAPE),
    ("style", "a\\0.csl", NUL_ESCAPE),
    ("style", "x" * 300, f"unknown citation style `{'x' * 30}…{'x' * 30}`\n"
     "  hint: short names: chicago-note, chicago-shortened, chicago-ibid, chicago-author-date, "
     "oscola, apa, mhra, harvard, ieee; `brief styles` lists them all; or give a path to a "
     ".csl file"),
    ("brand", "a\\0.yml", NUL_ESCAPE),
])
def test_impossible_file_names_are_located_errors(workdir, run, field, written, message):
    if field == "picture":
        text = VALID.replace("      - claim: A claim [@a, p. 1].\n",
                             "      - claim: A claim [@a, p. 1].\n"
                             f"      - text: \"![a map](<{written}>)\"\n")
        at = "9:16"
    elif field == "logo":
        text = VALID.replace("organisation: {name: Org}",
                             f"organisation: {{name: Org, logo: \"{written}\"}}")
        at = "3:33"
    elif field == "sources":
        text = VALID + f"  - \"{written}\"\n"
        at = "17:5"
    else:
        text = VALID + f"{field}: \"{written}\"\n"
        at = "17:8"
    (workdir / "b.yaml").write_text(text, "utf-8")
    assert run("check", "b.yaml") == (1, f"b.yaml:{at}: error: {message}\n")


@pytest.mark.parametrize(("escape", "named"), [
    ("\\a", "U+0007 (bell)"), ("\\x01", "U+0001"), ("\\N", "U+0085 (next line)"),
    ("\\e", "U+001B (escape)"), ("\\x7f", "U+007F (delete)"), ("\\x9b", "U+009B")])
def test_control_characters_are_located_errors(workdir, run, escape, named):
    text = VALID.replace("title: A Report", f'title: "A {escape} Report"')
    (workdir / "b.yaml").write_text(text, "utf-8")
    assert run("check", "b.yaml") == (1, (
        f"b.yaml:15:12: error: the text contains the control character {named}, which prints "
        "as nothing or as a box\n"
        "  hint: delete it (it is invisible in most editors), or the escape that wrote it, "
        "such as \\a or \\x01\n"))


@pytest.mark.parametrize(("value", "message"), [
    ("author: [{literal: true}]", "each part of a name is text, e.g. {family: Song, given: "
     "Jiyoung}"),
    ("author: [{family: Song, dropping-particle: false}]", "each part of a name is text, e.g. "
     "{family: Song, given: Jiyoung}"),
    ("issued: {literal: true}", "`literal`, `raw` and `season` hold text"),
    ("issued: {date-parts: [[1.5]]}", "`date-parts` holds whole numbers: [[2015, 3, 5]]"),
    ("issued: {date-parts: [[1e400]]}", "`date-parts` holds whole numbers: [[2015, 3, 5]]"),
    ("issued: {date-parts: [[true]]}", "`date-parts` holds whole numbers: [[2015, 3, 5]]"),
    ("issued: {date-parts: 2020}", "`date-parts` is a list of [year, month, day] lists"),
])
def test_check_refuses_what_pandoc_cannot_read(workdir, run, value, message):
    (workdir / "b.yaml").write_text(VALID.replace("issued: 2020", value), "utf-8")
    assert run("check", "b.yaml") == (1, f"b.yaml:16:13: error: {message}\n")


@pytest.mark.parametrize("value", [
    "author: [{literal: 5}]", "author: [{family: 1984, given: 7, comma-suffix: true}]",
    "issued: {literal: 5}", "issued: {date-parts: [['2020', '03']]}",
    "issued: {date-parts: [[2020.0]], season: 1, circa: true}"])
def test_numbers_where_pandoc_wants_text_are_written_as_text(workdir, run, value):
    (workdir / "b.yaml").write_text(VALID.replace("issued: 2020", value), "utf-8")
    code, output = run("check", "b.yaml")
    assert (code, output.splitlines()[-1].endswith("; no problems")) == (0, True), output
    assert run("build", "--format", "html", "b.yaml") == (0, "wrote b.html\n")


WORDS = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=4)
SCALAR = (st.none() | st.booleans() | st.integers(-10**6, 10**6) | WORDS
          | st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from(["2015", "03"]))
NAMES = st.lists(st.dictionaries(
    st.sampled_from(["family", "given", "literal", "suffix", "dropping-particle",
                     "comma-suffix", "parse-names", "x"]),
    WORDS | st.integers(0, 3000) | SCALAR, min_size=1, max_size=3),
    min_size=1, max_size=2) | SCALAR
DATES = st.fixed_dictionaries({}, optional={
    "date-parts": st.lists(st.lists(st.integers(1, 12) | st.integers(1000, 2100) | SCALAR,
                                    min_size=1, max_size=3),
                           min_size=1, max_size=2) | SCALAR,
    "literal": SCALAR, "raw": SCALAR, "season": SCALAR, "circa": SCALAR}) | SCALAR


@settings(max_examples=60, **FUZZ)
@given(author=NAMES, issued=DATES)
def test_what_check_accepts_in_names_and_dates_pandoc_can_read(workdir, author, issued):
    """Any name and date that pass the check are read by pandoc: `build` cannot fail later."""
    import json

    from brief.check import check_brief
    from brief.cite import format_citations
    from brief.diagnostics import BriefError
    from brief.load import load_brief

    item = {"id": "a", "type": "report", "title": "A Report", "author": author,
            "issued": issued}
    (workdir / "refs.json").write_text(json.dumps([item]), "utf-8")
    (workdir / "b.yaml").write_text(VALID.split("  - id: a")[0] + "  - refs.json\n", "utf-8")
    try:
        loaded = load_brief(Path("b.yaml"))
    except BriefError as failure:
        assert all(d.location.path == "refs.json" and d.location.line == 1
                   for d in failure.diagnostics), [d.format() for d in failure.diagnostics]
        return
    if any(d.is_error for d in check_brief(loaded)):
        return
    format_citations(loaded)  # raises BriefError("pandoc failed: …") if check let it through


@pytest.mark.parametrize(("content", "expected"), [
    ("[" * 100_000 + "]" * 100_000,
     "refs.json:1:1001: error: YAML syntax: exceeded maximum nesting depth\n"
     "  hint: no brief or sources file nests lists and mappings this deep\n"),
    ('[{"type": "book", "title": "T", "author": [{"family": true}]}]',
     "refs.json:1:43: error: each part of a name is text, e.g. {family: Song, given: "
     "Jiyoung}\n"),
    ('[{"type": "book", "title": "T",\n  "issued": {"date-parts": [[1e400]]}}]',
     "refs.json:2:13: error: `date-parts` holds whole numbers: [[2015, 3, 5]]\n"),
    ('[{"type": "book", "title": "T", "issued": {"date-parts": 2020}}]',
     "refs.json:1:43: error: `date-parts` is a list of [year, month, day] lists\n"),
    ('{"items": [\n {"type": "book", "title": "T",\n  "issued": {"date-parts": 2020}}]}',
     "refs.json:3:13: error: `date-parts` is a list of [year, month, day] lists\n"),
    ('[{"type": "book", "title": "T", "issued": {"date-parts": [[' + "2" * 5000 + ']]}}]',
     "refs.json:1:60: error: a number of 5,000 digits is too long\n"
     "  hint: quote it if it is text; no value in a brief needs a number this long\n"),
])
def test_sources_import_of_hostile_json_is_a_located_error(workdir, run, content, expected):
    (workdir / "refs.json").write_text(content, "utf-8")
    assert run("sources", "import", "refs.json") == (1, expected)


def test_sources_import_reads_characters_escaped_as_surrogate_pairs(workdir, run):
    import json

    (workdir / "refs.json").write_text(json.dumps(  # ensure_ascii: 😀 as \ud83d\ude00
        [{"id": "a", "type": "book", "title": "Smile 😀", "issued": 2020}]), "utf-8")
    assert run("sources", "import", "refs.json") == (
        0, "- id: a\n  type: book\n  title: Smile 😀\n  issued: 2020\n")


def test_sources_import_writes_numbers_as_text_where_pandoc_wants_text(workdir, run):
    (workdir / "refs.json").write_text(
        '[{"type": "book", "title": "T", "author": [{"family": 5}],'
        ' "issued": {"date-parts": [["2015", "3"]]}}]', "utf-8")
    assert run("sources", "import", "refs.json") == (0, (
        "- id: '52015'\n  type: book\n  author: [{family: '5'}]\n  title: T\n"
        "  issued: 2015-03\n"))


def test_control_characters_in_bibtex_are_located_errors(workdir, run):
    (workdir / "refs.bib").write_text("@book{k,\n  title = {A \x07 title},\n  year = 2020}\n",
                                      "utf-8")
    message = ("refs.bib:2:14: error: the text contains the control character U+0007 (bell), "
               "which prints as nothing or as a box\n"
               "  hint: delete it (it is invisible in most editors), or the escape that wrote "
               "it, such as \\a or \\x01\n")
    assert run("sources", "import", "refs.bib") == (1, message)
    (workdir / "b.yaml").write_text(VALID + "  - refs.bib\n", "utf-8")
    assert run("check", "b.yaml") == (1, message)
