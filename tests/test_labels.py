"""Every label in the brief's language, in every output: the data, and a French brief."""

from __future__ import annotations

import string

import pytest

from brief.render import all_labels

LANGUAGES = {"en", "fr", "es", "de", "ko", "zh", "ja", "ar"}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_language_has_every_label():
    table = all_labels()
    assert set(table) == LANGUAGES
    for language, labels in table.items():
        assert sorted(labels) == sorted(table["en"]), language
        for key, text in labels.items():
            assert text.strip(), (language, key)
            # A translation may leave out what English names ("About {organisation}" is
            # "À propos"), never ask for a value that the code does not give.
            assert placeholders(text) <= placeholders(table["en"][key]), (language, key)


def pdf_lines(path) -> list[str]:
    import pypdf

    return [line.strip() for page in pypdf.PdfReader(path).pages
            for line in page.extract_text().splitlines()]


# Words of the English layout that a French reader must never see.
ENGLISH_WORDS = ("Evidence", "verified", "Summary", "Key messages", "Recommendations", "About",
                 "Cite this", "In the brief", "no copy", "no excerpt", "Contact:", " of ",
                 "Key sources")


@pytest.mark.parametrize("language", ["fr", "de", "es"])
def test_a_starter_in_each_language_builds_without_a_warning(run, tmp_path, language):
    assert run("new", "--language", language, "mine.yaml", cwd=tmp_path)[0] == 0
    text = (tmp_path / "mine.yaml").read_text("utf-8")
    assert f"\nlanguage: {language}\n" in text
    assert all(f"\n{key}:" in text for key in ("summary", "sections", "recommendations",
                                                "sources"))
    assert "- quote:" in text and "[@" in text
    assert run("build", "--strict", "mine.yaml", cwd=tmp_path) == (0, "wrote mine.pdf\n")
    assert run("build", "--strict", "--layout", "handout", "mine.yaml", "-o", "h.pdf",
               cwd=tmp_path) == (0, "wrote h.pdf\n")
    # The ledger's pinpoints are labelled as the notes label them ("S. 2" in German).
    page = {"fr": "p. 2", "de": "S. 2", "es": "p. 2"}[language]
    assert f" | {page} | " in run("ledger", "mine.yaml", cwd=tmp_path)[1]


def test_a_starter_in_an_unknown_language_is_refused(run, tmp_path):
    code, output = run("new", "--language", "ko", "mine.yaml", cwd=tmp_path)
    assert code == 2 and "no starter brief in `ko`" in output and "de, en, es, fr" in output
    assert not (tmp_path / "mine.yaml").exists()


def test_a_french_brief_has_only_french_labels_with_its_evidence_appendix(run, tmp_path):
    run("new", "--language", "fr", "note.yaml", cwd=tmp_path)
    assert run("build", "--strict", "--ledger", "note.yaml", cwd=tmp_path) == (
        0, "wrote note.pdf\n")
    lines = pdf_lines(tmp_path / "note.pdf")
    text = "\n".join(lines)
    # "À propos" is a heading of its own, never glued to the organisation's name.
    assert "À propos" in lines and "À propos Votre" not in text
    for label in ("Résumé", "Messages clés", "Recommandations", "Éléments de preuve",
                  "Vérification", "pas de copie", "pas d’extrait", "Citer cette note",
                  "Page 1 sur 3"):
        assert label.casefold() in text.casefold(), label  # some are set in capitals
    words = text.replace("evidence-ledger.json", "").casefold()  # a file's name, not a label
    for english in ENGLISH_WORDS:
        assert english.casefold() not in words, english
    code, ledger = run("ledger", "note.yaml", cwd=tmp_path)
    assert code == 0 and ledger.startswith("# Registre des preuves\u00a0: Le titre de votre")
    assert "| Ligne | Type | Texte | Source | Localisation | Vérification |" in ledger
    assert "| affirmation |" in ledger and "claim" not in ledger


def test_the_csv_and_json_ledgers_keep_their_machine_words_in_any_language(run, tmp_path):
    run("new", "--language", "fr", "note.yaml", cwd=tmp_path)
    csv_text = run("ledger", "--format", "csv", "note.yaml", cwd=tmp_path)[1]
    assert csv_text.startswith("file,line,column,kind,text,source,pinpoint,status,")
    assert ",claim," in csv_text and ",no excerpt," in csv_text
    assert '"kind": "quotation"' in run("ledger", "--format", "json", "note.yaml",
                                        cwd=tmp_path)[1]
