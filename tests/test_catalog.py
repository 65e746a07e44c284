"""Translation catalogs as files: PO and XLIFF written and read back, every translation's
position, msgmerge's rules when the master changes, and broken or hostile catalogs."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from brief.catalog import Catalog, Entry, catalog_bytes, catalogs_beside, merge, read_catalog
from brief.diagnostics import BriefError

TRICKY = [
    Entry("summary", 'China returns "illegal migrants" [@coi2014, pp. 10–11].\nSecond line\\n',
          comment="summary\nKeep each citation", reference="b.yaml:12"),
    Entry("risk.heading", "Le «\u202frisque\u202f» — 北朝鮮 탈북", reference="b.yaml:20"),
    Entry("list.0", "  leading and trailing spaces  ", reference="b.yaml:30"),
    Entry("a&b", "<b>not markup</b> & more", reference="b.yaml:31"),
]


def written(tmp_path: Path, catalog: Catalog, format: str, name: str = "b.fr") -> Path:
    path = tmp_path / f"{name}.{'po' if format == 'po' else 'xlf'}"
    path.write_bytes(catalog_bytes(catalog, format, "b.yaml"))
    return path


@pytest.mark.parametrize("format", ["po", "xliff"])
def test_entries_round_trip_exactly(tmp_path, format):
    entries = [Entry(e.key, e.text, f"«{e.text}»", e.comment, e.reference) for e in TRICKY]
    entries[1].fuzzy, entries[1].previous = True, "The risk"
    entries[2].translator_comment = "checked by Anna"
    catalog = Catalog("fr", entries, [Entry("gone", "Old text", "Vieux texte")])
    back = read_catalog(written(tmp_path, catalog, format), "b.fr")
    assert back.language == "fr" and back.source_language == "en"
    for before, after in zip(entries, back.entries):
        assert (after.key, after.text, after.translation, after.comment, after.reference,
                after.fuzzy, after.previous, after.translator_comment) == (
            before.key, before.text, before.translation, before.comment, before.reference,
            before.fuzzy, before.previous, before.translator_comment)
    assert [(e.key, e.text, e.translation) for e in back.obsolete] == [
        ("gone", "Old text", "Vieux texte")]


@pytest.mark.parametrize("format", ["po", "xliff"])
def test_each_translation_is_located_at_its_first_character(tmp_path, format):
    entries = [Entry(e.key, e.text, f"T{index} " + e.text * 3) for index, e in
               enumerate(TRICKY)]
    path = written(tmp_path, Catalog("fr", entries), format)
    lines = path.read_text("utf-8").splitlines()
    for index, entry in enumerate(read_catalog(path, "b.fr").entries):
        line = lines[entry.at.line - 1]
        assert line[entry.at.column - 1:].startswith(f"T{index} "), (line, entry.at)


def test_an_empty_translation_is_located_at_its_msgstr(tmp_path):
    path = written(tmp_path, Catalog("fr", [Entry("title", "Title")]), "po")
    at = read_catalog(path, "b.fr").entries[0].at
    assert path.read_text("utf-8").splitlines()[at.line - 1] == 'msgstr ""'


def master(*texts: tuple[str, str]) -> list[Entry]:
    return [Entry(key, text) for key, text in texts]


def test_merge_keeps_moves_reviews_adds_and_keeps_what_went():
    old = Catalog("fr", [Entry("a", "Same", "Pareil"), Entry("b", "Moved", "Déplacé"),
                         Entry("c", "Before the edit", "Avant"),
                         Entry("d", "Gone for good", "Parti"), Entry("e", "Never done", "")],
                  [Entry("f", "Came back", "Revenu")],
                  header={"Last-Translator": "Anna <anna@example.org>"})
    merged, counts = merge(master(("a", "Same"), ("x", "Moved"), ("c", "After the edit"),
                                  ("n", "Brand new"), ("z", "Came back")), old, "fr")
    by_key = {entry.key: entry for entry in merged.entries}
    assert (by_key["a"].translation, by_key["a"].fuzzy) == ("Pareil", False)
    assert (by_key["x"].translation, by_key["x"].fuzzy) == ("Déplacé", False)  # it moved
    assert (by_key["c"].translation, by_key["c"].fuzzy, by_key["c"].previous) == (
        "Avant", True, "Before the edit")
    assert (by_key["n"].translation, by_key["n"].fuzzy) == ("", False)
    assert (by_key["z"].translation, by_key["z"].fuzzy) == ("Revenu", False)  # revived
    assert [(e.key, e.translation) for e in merged.obsolete] == [("d", "Parti")]
    assert (counts.new, counts.kept, counts.fuzzy, counts.obsolete) == (1, 3, 1, 1)
    assert merged.header["Last-Translator"] == "Anna <anna@example.org>"


def test_a_text_changed_twice_keeps_the_text_the_translator_last_saw():
    old = Catalog("fr", [Entry("c", "Second version", "Première", fuzzy=True,
                               previous="First version")])
    merged, _ = merge(master(("c", "Third version")), old, "fr")
    assert merged.entries[0].previous == "First version"


def test_a_text_that_moved_is_not_taken_for_the_changed_text_before_it():
    old = Catalog("fr", [Entry("r.0", "Suspend returns.", "Suspendre les renvois.")])
    merged, counts = merge(master(("r.0", "Grant protection."), ("r.1", "Suspend returns.")),
                           old, "fr")
    assert [(e.key, e.translation, e.fuzzy) for e in merged.entries] == [
        ("r.0", "", False), ("r.1", "Suspendre les renvois.", False)]
    assert (counts.new, counts.kept) == (1, 1)


def test_a_similar_text_under_a_new_key_is_offered_for_review():
    old = Catalog("fr", [Entry("sections.0.body.2.claim",
                               "Returnees are detained on arrival and questioned.",
                               "Les personnes renvoyées sont détenues et interrogées.")])
    merged, counts = merge(master(("detention.claim",
                                   "Returnees are detained on arrival and interrogated.")),
                           old, "fr")
    assert merged.entries[0].fuzzy and counts.fuzzy == 1 and not merged.obsolete


def test_catalogs_beside_a_brief_are_found_by_language(tmp_path):
    for name in ("b.fr.po", "b.ko.xlf", "b.pt-BR.po", "b.po", "b.fr.po~", "other.de.po",
                 "b.not a language.po"):
        (tmp_path / name).write_text("", "utf-8")
    assert list(catalogs_beside(tmp_path / "b.yaml")) == ["fr", "ko", "pt-BR"]


@pytest.mark.parametrize("text, line, message", [
    ('msgctxt "a"\nmsgid "x"\nmsgstr "y\n', 3, "a string is not closed"),
    ('msgctxt "a"\nmsgid "x"\nmsgstr "y"\nwhat is this\n', 4, "this line is neither"),
    ('msgctxt "a"\nmsgid "x"\nmsgstr "y"\n\nmsgctxt "a"\nmsgid "x"\nmsgstr "z"\n', 7,
     "the entry `a` is in the catalog twice"),
    ('msgid "x"\nmsgid_plural "xs"\nmsgstr[0] "y"\nmsgstr[1] "ys"\n', 3,
     "no plural forms"),
    ('msgid ""\nmsgstr "Content-Type: text/plain; charset=ISO-8859-1\\n"\n', 1,
     "declares the ISO-8859-1 character set"),
    ('msgid ""\nmsgstr "Language: de\\n"\n', 2, "says its language is de, but its name "
     "says fr"),
])
def test_a_broken_po_catalog_is_a_located_error(tmp_path, text, line, message):
    path = tmp_path / "b.fr.po"
    path.write_text(text, "utf-8")
    with pytest.raises(BriefError) as raised:
        read_catalog(path, "b.fr.po")
    problem = raised.value.diagnostics[0]
    assert message in problem.message and problem.location.line == line, problem.format()


def test_a_catalog_that_is_not_utf8_is_a_located_error(tmp_path):
    path = tmp_path / "b.fr.po"
    path.write_bytes(b'msgid "x"\nmsgstr "d\xe9j\xe0"\n')
    with pytest.raises(BriefError) as raised:
        read_catalog(path, "b.fr.po")
    assert raised.value.diagnostics[0].format().startswith(
        "b.fr.po:2:10: error: the catalog is not UTF-8 text")


@pytest.mark.parametrize("text, message", [
    ('<xliff version="1.2"><file target-language="fr"><body><trans-unit id="a">'
     '<source>x</source></trans-unit></body></file>', "not well-formed XML"),
    ('<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
     ' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n]>\n'
     '<xliff><file target-language="fr"><body/></file></xliff>',
     "may not declare a DOCTYPE or entities"),
    ('<xliff version="1.2"/>', "not an XLIFF catalog"),
    ('<a>' * 30 + '</a>' * 30, "nested too deeply"),
])
def test_a_broken_or_hostile_xliff_catalog_is_refused(tmp_path, text, message):
    path = tmp_path / "b.fr.xlf"
    path.write_text(text, "utf-8")
    started = time.perf_counter()
    with pytest.raises(BriefError) as raised:
        read_catalog(path, "b.fr.xlf")
    assert message in raised.value.diagnostics[0].message
    assert time.perf_counter() - started < 1


def test_a_catalog_over_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    from brief import catalog, limits

    monkeypatch.setattr(catalog, "LIMITS", limits.Limits(file_bytes=1000))
    path = tmp_path / "b.fr.po"
    path.write_text('msgid "x"\nmsgstr "' + "y" * 2000 + '"\n', "utf-8")
    with pytest.raises(BriefError) as raised:
        read_catalog(path, "b.fr.po")
    assert "a translation catalog may be at most" in raised.value.diagnostics[0].message
