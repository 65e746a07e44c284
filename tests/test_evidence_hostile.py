"""Hostile copies and excerpts: each attack that once hung, exhausted memory or ended in a
traceback (tests/hostile_inputs.py builds them; benchmarks/hostile.py runs them at full size)
now fails with a located message within the brief's evidence budget."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brief import cache, evidence
from brief.limits import LIMITS
from tests import hostile_inputs as attack


@pytest.fixture(autouse=True)
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEF_CACHE_DIR", str(tmp_path / "cache"))


def limited(monkeypatch, **limits) -> None:
    monkeypatch.setattr(evidence, "LIMITS", replace(LIMITS, **limits))


def test_an_insertion_cannot_split_a_word_every_way(workdir):
    """`[w x]` once became `(?: ?\\S+){0,8}?`: on a 620-byte copy of long words the regular
    expression tried every split of every word and never ended. Run as a user runs it, with
    a generous stop that only a hang would reach."""
    arguments = attack.insertion_backtracking(workdir)
    done = subprocess.run([sys.executable, "-m", "brief", *arguments], cwd=workdir,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr.startswith("b.yaml:9:16: error: quotation not found in sources/copy.txt\n")


@pytest.mark.parametrize("quotation, source, found", [
    ("a [w x] zzz", "a zzz", True),
    ("a [w x] zzz", "a one two three zzz", True),
    ("a [w x] zzz", "a onezzz", False),  # the word after an insertion is a word of its own
    ("[The State] violates it", "Here China violates it", True),
    ("it said [so], then left", "it said nothing of the kind, then left", True),
    ("it [said] nine words", "it a b c d e f g h i nine words", False),  # eight at most
])
def test_insertions_stand_for_a_few_whole_words(quotation, source, found):
    document = evidence.prepare(evidence.Copy(Path("c.txt"), "c.txt", (source,), (None,),
                                              False), None)
    assert bool(evidence.find_matches(evidence.quotation_parts(quotation), document)) is found


@pytest.mark.parametrize("quotation, passage", [("-2+3 returns", "-2+3 returns"),
                                                ("the State -", "the State -"),
                                                ("non-refoulement", "non - refoulement")])
def test_a_passage_begins_and_ends_with_its_words(quotation, passage):
    """A dash at the start of a quotation once took the space before it into the passage the
    ledger prints."""
    document = evidence.prepare(evidence.Copy(
        Path("c.txt"), "c.txt", (f"+SUM(1+1): {passage} of it",), (None,), False), None)
    found = evidence.find_matches(evidence.quotation_parts(quotation), document)
    assert [document.text[m.start:m.end] for m in found] == [passage]


def test_a_pdf_that_extracts_to_too_much_text_is_stopped_in_its_reader(workdir, run,
                                                                       monkeypatch):
    """1,000 pages drawing one 200,000-character stream: 10 KB that once cost 6 GB."""
    attack.shared_stream_copy(workdir, pages=40, characters=2_000)
    assert (workdir / "sources" / "copy.pdf").stat().st_size < 20_000
    limited(monkeypatch, copy_characters=50_000)
    assert run("verify", "b.yaml", cwd=workdir) == (1, (
        "b.yaml:20:11: error: sources/copy.pdf holds more than 50,000 characters of text; a "
        "copy may hold at most that\n"
        "  hint: keep the part of the source you cite\n"
        "b.yaml: 1 no copy, 2 no excerpt\n"))


@pytest.mark.parametrize("size", [30_000, 5_000])  # refused unread, and after decoding
def test_a_text_copy_with_too_much_text(workdir, run, monkeypatch, size):
    attack.large_text_copy(workdir, size=size)
    limited(monkeypatch, copy_characters=1_000)
    assert run("verify", "b.yaml", cwd=workdir)[1].startswith(
        "b.yaml:20:11: error: sources/copy.txt holds more than 1,000 characters of text; a "
        "copy may hold at most that\n")


def three_copies(folder: Path) -> None:
    (folder / "sources").mkdir()
    sources = ""
    for name in "pqr":
        (folder / "sources" / f"{name}.pdf").write_bytes(b"%PDF-1.7 " + name.encode())
        sources += (f"  - id: {name}\n    type: report\n    title: Report {name}\n"
                    f"    file: sources/{name}.pdf\n")
    body = "".join(f"      - quote: words\n        source: {name}\n        locator: p. 1\n"
                   for name in "pqr")
    attack.write_brief(folder, attack.brief_text(body=body, sources=attack.SOURCE_A + sources))


def about_copies(output: str) -> str:
    """The messages about the copies, each with its hint."""
    lines = output.splitlines()
    return "".join(f"{line}\n{lines[n + 1]}\n" for n, line in enumerate(lines)
                   if ".pdf" in line and " error: " in line)


def test_slow_copies_share_one_budget_and_a_slow_one_is_remembered(workdir, run,
                                                                   monkeypatch):
    """Three copies that hang once took three time limits, and every save in a watch paid
    them again."""
    import time

    three_copies(workdir)
    monkeypatch.setattr(evidence, "_pdf_pages", lambda *args: time.sleep(600))
    monkeypatch.setattr(evidence, "GRACE_SECONDS", 0.0)
    limited(monkeypatch, evidence_seconds=1.0)
    code, output = run("verify", "b.yaml", cwd=workdir)
    assert (code, about_copies(output)) == (1, (
        "b.yaml:29:11: error: reading sources/p.pdf took more than 1 seconds\n"
        "  hint: the file may be damaged or hostile; use another copy\n"
        "b.yaml:33:11: error: sources/q.pdf was not read: the evidence check of this brief "
        "took more than 1 seconds\n"
        "  hint: check the copies that take long on their own\n"
        "b.yaml:37:11: error: sources/r.pdf was not read: the evidence check of this brief "
        "took more than 1 seconds\n"
        "  hint: check the copies that take long on their own\n"))
    # p.pdf is remembered as too slow; q.pdf gets the budget next.
    code, output = run("verify", "b.yaml", cwd=workdir)
    assert about_copies(output).startswith(
        "b.yaml:29:11: error: reading sources/p.pdf took more than 1 seconds\n"
        "  hint: the file may be damaged or hostile; use another copy\n"
        "b.yaml:33:11: error: reading sources/q.pdf took more than 1 seconds\n")


def test_a_quotation_too_long_to_check(workdir, run, monkeypatch):
    attack.evidence_attack(workdir, "copy.txt", b"some words", "x" * 101)
    limited(monkeypatch, excerpt_characters=100)
    assert run("verify", "b.yaml", cwd=workdir)[1].startswith(
        "b.yaml:9:16: error: the quotation is 101 characters long; one checked against its "
        "copy may be at most 100\n"
        "  hint: quote the words the brief relies on, and leave out the rest with […]\n")


def test_a_long_misquotation_gets_its_closest_passage(workdir, run):
    """A 5,000-character excerpt against a 100,000-character copy: aligned whole, this took
    seconds; in pieces it is at once."""
    attack.long_excerpt(workdir, excerpt_characters=5_000, copy_characters=100_000)
    code, output = run("verify", "b.yaml", cwd=workdir)
    assert code == 1
    error_line, hint = output.splitlines()[:2]
    assert error_line == "b.yaml:9:16: error: quotation not found in sources/copy.txt"
    assert hint.startswith('  hint: closest passage, sources/copy.txt: "')
    assert len(hint) < 1200  # cut after 60 words


def test_matching_stops_when_the_budget_is_spent(workdir, run, monkeypatch):
    attack.many_ellipses(workdir, parts=50, copy_words=2_000)
    assert run("verify", "b.yaml", cwd=workdir)[0] == 1  # reads and remembers the copy
    limited(monkeypatch, evidence_seconds=0.0)
    assert run("verify", "b.yaml", cwd=workdir)[1].startswith(
        "b.yaml:9:16: error: the quotation was not looked for in sources/copy.txt: the "
        "evidence check of this brief took more than 0 seconds\n"
        "  hint: a quotation with many […] parts of common words takes long to place; quote "
        "fewer, longer parts\n")


@pytest.mark.parametrize("make", [attack.html_marked_section,
                                  lambda folder: attack.html_unclosed_comments(folder, 20_000)])
def test_html_that_broke_the_standard_parser(workdir, run, make):
    make(workdir)
    assert run("verify", "b.yaml", cwd=workdir) == (0, "b.yaml: 1 verified, 2 no excerpt\n")


def test_a_named_pipe_or_a_device_is_refused_unopened(workdir, run):
    attack.evidence_attack(workdir, "copy.txt", None, "words")
    os.mkfifo(workdir / "sources" / "copy.txt")
    assert run("verify", "b.yaml", cwd=workdir)[1].startswith(
        "b.yaml:20:11: error: sources/copy.txt is not a regular file (a named pipe or a "
        "device?)\n")
    os.remove(workdir / "sources" / "copy.txt")
    try:
        os.mknod(workdir / "sources" / "copy.txt", 0o600 | stat.S_IFCHR, os.makedev(1, 5))
    except PermissionError:
        pytest.skip("making a device node needs root")
    assert run("verify", "b.yaml", cwd=workdir)[1].startswith(
        "b.yaml:20:11: error: sources/copy.txt is not a regular file (a named pipe or a "
        "device?)\n")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-8-sig"])
def test_a_copy_in_unicode_with_a_byte_order_mark(workdir, run, encoding):
    text = "L’État « protège » les réfugiés."
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    attack.evidence_attack(workdir, "copy.txt", data, "L'État « protège » les réfugiés")
    assert run("verify", "b.yaml", cwd=workdir) == (0, "b.yaml: 1 verified, 2 no excerpt\n")


# --- numbers -----------------------------------------------------------------------------------

def labelled_pdf(label: str) -> bytes:
    import pikepdf

    pdf = pikepdf.open(io.BytesIO(attack.shared_stream_pdf(pages=2, characters=40)))
    pdf.Root.PageLabels = pikepdf.Dictionary(Nums=[0, pikepdf.Dictionary(P=pikepdf.String(label))])
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


NINES = "9" * 5000


@pytest.mark.parametrize("copy, content, locator, extra", [
    ("copy.txt", b"word word", "p. \u00b2", ""),
    ("copy.txt", b"word word", f"p. {NINES}", ""),
    ("copy.txt", b"word word", f"pp. 1\u2013{NINES}", ""),
    ("copy.pdf", None, "p. 1", ""),
    ("copy.txt", b"word\fword word", "p. 1", '    number-of-pages: "\u00b2"\n'),
    ("copy.txt", b"word\fword word", "p. 1", f'    page: "{NINES}"\n'),
    ("copy.txt", b"word\fword word", "p. 1", f'    page: "1-{NINES}"\n'),
])
def test_numbers_that_are_not_numbers(workdir, run, copy, content, locator, extra):
    """`isdigit()` took `²` for a number that `int()` refuses, and `int()` refuses 5,000
    digits: each was a traceback. The run would raise it here."""
    attack.evidence_attack(workdir, copy, content if content is not None
                           else labelled_pdf("\u00b2"), "word word", locator, extra)
    for command in ("verify", "check", "ledger"):
        code, output = run(command, "b.yaml", cwd=workdir)
        assert code in (0, 1) and "Traceback" not in output


@pytest.mark.parametrize("field", ["PY", "VL", "SP", "EP"])
def test_ris_numbers_that_are_not_numbers(workdir, run, field):
    (workdir / "refs.ris").write_text(
        f"TY  - RPRT\nTI  - A report\n{field}  - \u00b2\nER  - \n", "utf-8")
    code, output = run("sources", "import", "refs.ris", cwd=workdir)
    assert code == 0 and "A report" in output


# --- the cache -----------------------------------------------------------------------------------

def test_the_cache_is_private_and_bounded(workdir, run, tmp_path):
    attack.evidence_attack(workdir, "copy.txt", b"confidential words", "confidential words")
    assert run("verify", "b.yaml", cwd=workdir)[0] == 0
    folder = cache.cache_folder("evidence")
    for path in (cache.cache_root(), folder):
        assert stat.S_IMODE(path.stat().st_mode) == 0o700
    entries = list(folder.iterdir())
    assert entries and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in entries)
    # Past its size, the least recently used entries go.
    for number in range(10):
        cache.write_entry("evidence", f"{number}.json", {"text": "x" * 1000}, limit=5_000)
        os.utime(folder / f"{number}.json", (number, number))
    left = {p.name: p.stat().st_size for p in folder.iterdir()}
    assert sum(left.values()) <= 5_000 and "9.json" in left and "0.json" not in left


def test_a_cache_made_readable_by_all_is_made_private(workdir, run):
    folder = cache.cache_folder("evidence")
    folder.mkdir(parents=True, mode=0o755)
    folder.chmod(0o755)
    attack.evidence_attack(workdir, "copy.txt", b"words", "words")
    assert run("verify", "b.yaml", cwd=workdir)[0] == 0
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


# --- the hint --------------------------------------------------------------------------------

def test_the_closest_passage_keeps_the_quotations_marks_and_its_page(workdir, run):
    """The hint once printed the brief's apostrophes as `"` and ran on across a page break."""
    attack.evidence_attack(
        workdir, "copy.txt",
        "The State’s duty is plain to see for all.\fNext page words here".encode(),
        "The State’s duty is clear to see for all")
    output = run("verify", "b.yaml", cwd=workdir)[1]
    assert output.splitlines()[1] == (
        '  hint: closest passage, p. 1 of sources/copy.txt: "The State’s duty is ⟦plain⟧ to '
        'see for all." (the quotation has "clear")')


# --- a fuzz of excerpts and copies -------------------------------------------------------------

WORDS = ["the", "State", "refugee", "non-refoulement", "l’État", "a", "[", "]", "…", "...",
         "[…]", "[sic]", "«", "»", "\u00ad", "ﬁ", "-", "—", "p.", "²", "\f", "\n", "<!--",
         "<![[", "&amp;", "x" * 40, "aaaa", "a[b]c", "(emphasis added)"]
FUZZ_EXAMPLES = int(os.environ.get("BRIEF_FUZZ_EXAMPLES", "20"))


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=FUZZ_EXAMPLES <= 20,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(copy=st.lists(st.sampled_from(WORDS) | st.text(max_size=12), max_size=300),
       excerpt=st.lists(st.sampled_from(WORDS) | st.text(max_size=8), min_size=1, max_size=40),
       kind=st.sampled_from(["txt", "html"]),
       locator=st.sampled_from(["p. 1", "pp. 1–2", "art. 3", "p. ²", "", "p. 9f", "ii"]))
def test_any_excerpt_against_any_copy_ends_with_a_message(tmp_path_factory, copy, excerpt, kind,
                                                          locator):
    folder = tmp_path_factory.mktemp("fuzz")
    content = " ".join(copy).encode("utf-8", "replace")
    document = Path(attack.evidence_attack(folder, f"copy.{kind}", content, " ".join(excerpt),
                                           locator)[1])
    from brief.load import load_brief

    try:
        loaded = load_brief(document)
    except Exception:  # noqa: BLE001 - a brief the fuzz made unreadable is not the point
        return
    found = evidence.check_evidence(loaded)
    for diagnostic in found.diagnostics:
        assert diagnostic.location.line > 0 and diagnostic.message
