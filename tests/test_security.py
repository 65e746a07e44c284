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
from brief.freshness import cache_folder
from brief.resources import templates_folder
from tests.conftest import DATA, EXAMPLE
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
    body = html.split("</style>", 1)[1]
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
    allowed = [folder, templates_folder(), style_collection(), cache_folder()]
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

    monkeypatch.setattr("brief.pdf.os.fsync", interrupt)
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
                alphabet=st.sampled_from(list(":-[]{}@&*!|>'\"#%\n\t ,x0") + ["\x00", "é", "𓀀"]),
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
