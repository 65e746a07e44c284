"""Editions: one master brief, one catalog per language beside it, built into editions that
keep in step with the master (brief translate, --language), with sources in several languages,
translated quotations, names that never collide and links between the editions."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import polib
import pypdf
import pytest

from tests.layout_corpus import generate

SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2060": ""})

BRIEF = """\
title: Forced Returns to Eritrea
subtitle: What the principle of non-refoulement requires
series: Policy Paper No. 2
date: 2024-03-15
language: en
url: https://example.org/briefs/eritrea
organisation:
  name: Alpine Refugee Law Centre
  about: An independent centre for refugee law.
authors:
  - name: Claire Dubois
    role: Legal adviser
summary: >-
  Returns to Eritrea expose people to indefinite national service [@unhrc2023, p. 4].
key_messages:
  - Eritrea conscripts returnees without limit [@unhrc2023, p. 4].
  - Returnees are detained on arrival.
  - Switzerland should suspend returns.
sections:
  - heading: The risk on return
    id: risk
    body:
      - claim: National service in Eritrea has no fixed end [@unhrc2023, p. 4].
        id: service
        evidence:
          unhrc2023: "national service remains indefinite"
      - quote: "Returnees are detained on arrival and questioned about their departure."
        source: unhrc2023
        locator: p. 5
        speaker: UN Special Rapporteur on Eritrea
      - text: The law is therefore clear.
      - list:
          - detention on arrival;
          - conscription.
recommendations:
  - to: The Federal Council
    actions:
      - Suspend returns to Eritrea [@unhrc2023, p. 4].
sources:
  - id: unhrc2023
    type: report
    author: UN Human Rights Council
    title: Situation of human rights in Eritrea
    publisher: United Nations
    issued: 2023-05-10
    URL: https://undocs.org/en/A/HRC/53/20
    file: sources/report.txt
    first-page: 4
    versions:
      fr:
        title: Situation des droits de l’homme en Érythrée
        URL: https://undocs.org/fr/A/HRC/53/20
        file: sources/rapport.txt
"""

REPORT = ("Report of the Special Rapporteur.\n\nIn Eritrea, national service remains "
          "indefinite for most conscripts.\f\nReturnees are detained on arrival and questioned "
          "about their departure.\n")
RAPPORT = ("Rapport du Rapporteur spécial.\n\nEn Érythrée, le service national reste "
           "illimité.\f\nLes personnes renvoyées sont détenues à leur arrivée et interrogées "
           "sur leur départ.\n")

FRENCH = {
    "title": "Renvois forcés vers l’Érythrée",
    "subtitle": "Ce qu’exige le principe de non-refoulement",
    "series": "Note de politique n° 2",
    "summary": "Les renvois vers l’Érythrée exposent les personnes à un service national "
               "illimité [@unhrc2023, p. 4].",
    "key_messages.0": "L’Érythrée enrôle les personnes renvoyées sans limite "
                      "[@unhrc2023, p. 4].",
    "key_messages.1": "Les personnes renvoyées sont détenues à leur arrivée.",
    "key_messages.2": "La Suisse devrait suspendre les renvois.",
    "risk.heading": "Le risque au retour",
    "service.claim": "Le service national en Érythrée n’a pas de fin fixée "
                     "[@unhrc2023, p. 4].",
    "risk.body.1.quote": "Les personnes renvoyées sont détenues à leur arrivée et "
                         "interrogées sur leur départ.",
    "risk.body.1.locator": "",  # the same page in the French copy: left as the master's
    "risk.body.1.speaker": "Rapporteur spécial des Nations unies sur l’Érythrée",
    "risk.body.2.text": "Le droit est donc clair.",
    "risk.body.3.list.0": "la détention à l’arrivée ;",
    "risk.body.3.list.1": "l’enrôlement.",
    "recommendations.0.to": "Le Conseil fédéral",
    "recommendations.0.actions.0": "Suspendre les renvois vers l’Érythrée "
                                   "[@unhrc2023, p. 4].",
    "organisation.name": "Centre alpin de droit des réfugiés",
    "organisation.about": "Un centre indépendant de droit des réfugiés.",
    "authors.0.name": "Claire Dubois",
    "authors.0.role": "Conseillère juridique",
    "url": "https://example.org/briefs/eritrea/fr",
}


def text_of(pdf: Path) -> str:
    return " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages)
                    .translate(SPACES).split())


def fill(catalog: Path, translations: dict[str, str]) -> None:
    """Translate a PO catalog as a translator would, in a PO editor."""
    po = polib.pofile(str(catalog))
    for entry in po:
        if entry.msgctxt in translations:
            entry.msgstr = translations[entry.msgctxt]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    po.save(str(catalog))


@pytest.fixture
def master(workdir) -> Path:
    (workdir / "sources").mkdir()
    (workdir / "sources" / "report.txt").write_text(REPORT, "utf-8")
    (workdir / "sources" / "rapport.txt").write_text(RAPPORT, "utf-8")
    path = workdir / "eritrea.yaml"
    path.write_text(BRIEF, "utf-8")
    return path


@pytest.fixture
def french(master, run) -> Path:
    code, output = run("translate", str(master.name), "--to", "fr")
    assert code == 0, output
    catalog = master.with_name("eritrea.fr.po")
    fill(catalog, FRENCH)
    return catalog


def test_translate_writes_one_entry_per_text_a_reader_sees(master, run):
    code, output = run("translate", "eritrea.yaml", "--to", "fr", "--to", "de")
    assert code == 0, output
    assert "wrote eritrea.fr.po: 22 new, 0 kept" in output and "wrote eritrea.de.po: 22 new" in output
    po = polib.pofile("eritrea.fr.po")
    assert po.metadata["Language"] == "fr"
    keys = [entry.msgctxt for entry in po]
    assert keys == list(FRENCH)  # in reading order, named by ids where the brief has them
    service = po.find("service.claim", by="msgctxt")
    assert service.msgid == "National service in Eritrea has no fixed end [@unhrc2023, p. 4]."
    line = BRIEF.splitlines().index("      - claim: National service in Eritrea has no fixed end "
                                    "[@unhrc2023, p. 4].") + 1
    assert service.occurrences == [("eritrea.yaml", str(line))]
    assert service.comment.startswith("claim\nKeep each citation")
    quote = po.find("risk.body.1.quote", by="msgctxt")
    assert " ".join(quote.comment.split()).startswith(
        "quotation: from unhrc2023, p. 5. Where the source is published in your language")
    assert all(entry.msgstr == "" for entry in po)


def test_an_edition_is_built_from_the_master_and_its_catalog(master, french, run):
    code, output = run("build", "eritrea.yaml", "--language", "fr")
    assert code == 0, output
    pdf = master.with_name("eritrea.fr.pdf")
    text = text_of(pdf)
    assert "Renvois forcés vers l’Érythrée" in text and "Le risque au retour" in text
    assert "Page 2 sur 2" in text  # the edition's labels
    # the source's French version, in notes and bibliography
    assert "Situation des droits de l’homme en Érythrée" in text
    assert "undocs.org/fr/" in text and "undocs.org/en" not in text
    reader = pypdf.PdfReader(pdf)
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    # a translated quotation checked against the French copy needs no mark
    assert "notre traduction" not in text
    assert "warning" not in output
    assert not master.with_name("eritrea.pdf").exists()  # the master's file is its own


def test_a_translation_citing_other_sources_is_an_error_at_its_entry(master, french, run):
    fill(french, {"service.claim": "Le service national n’a pas de fin."})
    line = next(number for number, text in enumerate(
        french.read_text("utf-8").splitlines(), 1) if text.startswith('msgstr "Le service'))
    code, output = run("build", "eritrea.yaml", "--language", "fr")
    assert code == 1
    assert (f"eritrea.fr.po:{line}:9: error: the translation's citations differ from the "
            "original's: it leaves out [@unhrc2023]") in output
    assert not master.with_name("eritrea.fr.pdf").exists()


def test_untranslated_and_fuzzy_entries_are_warnings_and_strict_errors(master, french, run):
    po = polib.pofile(str(french))
    po.find("risk.body.2.text", by="msgctxt").msgstr = ""
    po.find("risk.heading", by="msgctxt").flags.append("fuzzy")
    po.save(str(french))
    code, output = run("check", "eritrea.yaml", "--language", "fr")
    assert code == 0, output
    assert "warning: not translated yet: the master's text stands in" in output
    assert "warning: this translation is marked for review (fuzzy)" in output
    code, output = run("check", "--strict", "eritrea.yaml", "--language", "fr")
    assert code == 1 and "error: this translation is marked for review (fuzzy)" in output
    code, _ = run("build", "eritrea.yaml", "--language", "fr")
    text = text_of(master.with_name("eritrea.fr.pdf"))
    assert "The risk on return" in text and "The law is therefore clear." in text


def test_a_changed_master_shows_which_translations_to_revisit(master, french, run):
    po = polib.pofile(str(french))
    po.find("risk.heading", by="msgctxt").tcomment = "checked with the legal team"
    po.save(str(french))
    brief = master.read_text("utf-8")
    brief = brief.replace("The law is therefore clear.", "The law is therefore plain.")
    brief = brief.replace("      - list:\n          - detention on arrival;\n"
                          "          - conscription.\n", "")
    brief = brief.replace("  - to: The Federal Council\n",
                          "  - to: The Federal Council\n    actions:\n"
                          "      - Grant protection to Eritreans.\n    # moved below\n"
                          "  - to: The cantons\n")
    master.write_text(brief, "utf-8")
    code, output = run("translate", "eritrea.yaml", "--to", "fr")
    assert code == 0, output
    po = polib.pofile(str(french))
    changed = po.find("risk.body.2.text", by="msgctxt")
    assert "fuzzy" in changed.flags and changed.msgstr == "Le droit est donc clair."
    assert changed.previous_msgid == "The law is therefore clear."
    assert po.find("recommendations.1.to", by="msgctxt").msgstr == ""  # new
    assert po.find("risk.heading", by="msgctxt").tcomment == "checked with the legal team"
    obsolete = [entry.msgstr for entry in po.obsolete_entries()]
    assert "la détention à l’arrivée ;" in obsolete and "l’enrôlement." in obsolete
    assert "1 to review (fuzzy)" in output and "2 obsolete" in output
    # built again: the changed text is the master's until it is reviewed, with a warning
    code, output = run("build", "eritrea.yaml", "--language", "fr")
    assert code == 0, output
    assert "warning: this translation is marked for review (fuzzy)" in output


def test_our_translation_is_marked_and_the_original_checked(master, french, run):
    # Without a French copy, the translated quotation is ours: marked, and its original is
    # what is checked, against the master's copy.
    master.write_text(master.read_text("utf-8").replace(
        "        file: sources/rapport.txt\n", ""), "utf-8")
    code, output = run("build", "eritrea.yaml", "--language", "fr", "--format", "html")
    assert code == 0, output
    html = master.with_name("eritrea.fr.html").read_text("utf-8")
    assert "(notre traduction)" in html
    (master.parent / "sources" / "report.txt").write_text(REPORT.replace("detained", "held"))
    code, output = run("build", "eritrea.yaml", "--language", "fr", "--format", "html")
    assert code == 1
    assert re.search(r"eritrea\.yaml:\d+:\d+: error: quotation not found in "
                     r"sources/report\.txt", output)


def test_a_translated_quotation_is_checked_against_its_version(master, french, run):
    fill(french, {"risk.body.1.quote": "Les personnes renvoyées sont libérées à leur arrivée."})
    code, output = run("verify", "eritrea.yaml", "--language", "fr")
    assert code == 1
    assert re.search(r"eritrea\.fr\.po:\d+:\d+: error: quotation not found in "
                     r"sources/rapport\.txt", output)
    code, output = run("verify", "eritrea.yaml")  # the master's is right
    assert code == 0, output


def test_default_names_never_collide(master, french, run):
    code, output = run("build", "eritrea.yaml", "--language", "all")
    assert code == 0, output
    code, output = run("build", "eritrea.yaml", "--language", "all", "--layout", "handout")
    assert code == 0, output
    code, output = run("build", "eritrea.yaml", "--language", "all", "--format", "html")
    assert code == 0, output
    code, output = run("build", "eritrea.yaml", "--language", "fr", "--layout", "handout",
                       "--format", "html", "-o", "out/")
    assert code == 0, output
    names = sorted(path.name for path in master.parent.glob("eritrea*.*")
                   if path.suffix in (".pdf", ".html"))
    assert names == ["eritrea-handout.pdf", "eritrea.fr-handout.pdf", "eritrea.fr.html",
                     "eritrea.fr.pdf", "eritrea.html", "eritrea.pdf"]
    assert [path.name for path in (master.parent / "out").iterdir()] == [
        "eritrea.fr-handout.html"]
    handout = text_of(master.with_name("eritrea.fr-handout.pdf"))
    assert "Autres langues : English" in handout
    full = text_of(master.with_name("eritrea.pdf"))
    assert "Other languages Français: https://example.org/ briefs/eritrea/fr" in full
    # a brief whose own layout is the handout is named as one too
    master.write_text(master.read_text("utf-8") + "layout: handout\n", "utf-8")
    code, output = run("build", "eritrea.yaml")
    assert code == 0 and "wrote eritrea-handout.pdf" in output


def test_one_output_file_for_several_editions_is_refused(master, french, run):
    code, output = run("build", "eritrea.yaml", "--language", "all", "-o", "x.pdf")
    assert code == 2 and "with several editions, -o names a folder" in output


def test_web_editions_link_to_each_other(master, french, run):
    code, output = run("build", "eritrea.yaml", "--language", "all", "--format", "html")
    assert code == 0, output
    english = master.with_name("eritrea.html").read_text("utf-8")
    french_page = master.with_name("eritrea.fr.html").read_text("utf-8")
    links = ['<link rel="alternate" hreflang="en" href="https://example.org/briefs/eritrea">',
             '<link rel="alternate" hreflang="fr" href="https://example.org/briefs/eritrea/fr">',
             '<link rel="alternate" hreflang="x-default" '
             'href="https://example.org/briefs/eritrea">']
    for page in (english, french_page):
        assert all(link in page for link in links)
    assert '<meta property="og:url" content="https://example.org/briefs/eritrea/fr">' \
        in french_page
    assert '<html lang="fr"' in french_page


def test_a_malformed_catalog_is_a_located_error(master, french, run):
    text = french.read_text("utf-8")
    french.write_text(text.replace('msgstr "Le risque au retour"', 'msgstr "Le risque au'),
                      "utf-8")
    code, output = run("build", "eritrea.yaml", "--language", "fr")
    assert code == 1 and "Traceback" not in output
    line = next(number for number, text in enumerate(french.read_text("utf-8").splitlines(), 1)
                if text.startswith('msgstr "Le risque au'))
    assert (f"eritrea.fr.po:{line}:21: error: the catalog is not a valid PO file: a string is "
            "not closed") in output


def test_a_missing_catalog_says_how_to_start_one(master, run):
    code, output = run("build", "eritrea.yaml", "--language", "it")
    assert code == 1
    assert "error: there is no it edition: eritrea.it.po is missing" in output
    assert "brief translate eritrea.yaml --to it" in output


def test_xliff_catalogs_are_read_back(master, run):
    code, output = run("translate", "eritrea.yaml", "--to", "fr", "--format", "xliff")
    assert code == 0, output
    catalog = master.with_name("eritrea.fr.xlf")
    text = catalog.read_text("utf-8")
    assert 'target-language="fr"' in text and '<trans-unit id="service.claim"' in text
    # translated as a CAT tool does: each target filled in, its state set
    for key, french_text in FRENCH.items():
        if not french_text:
            continue
        escaped = (french_text.replace("&", "&amp;").replace("<", "&lt;")
                   .replace(">", "&gt;"))
        text = re.sub(rf'(<trans-unit id="{re.escape(key)}"[^>]*>.*?)<target state="new"\s*/>',
                      lambda m: m.group(1) + f'<target state="translated">{escaped}</target>',
                      text, count=1, flags=re.S)
    catalog.write_text(text, "utf-8")
    code, output = run("build", "eritrea.yaml", "--language", "fr")
    assert code == 0, output
    assert "Le risque au retour" in text_of(master.with_name("eritrea.fr.pdf"))


def test_round_trip_on_a_generated_brief(workdir, run):
    brief = workdir / "generated.yaml"
    brief.write_text(generate(7), "utf-8")
    language = "de" if "language: fr" not in brief.read_text("utf-8") else "fr"
    code, output = run("translate", "generated.yaml", "--to", language)
    assert code == 0, output
    catalog = workdir / f"generated.{language}.po"
    po = polib.pofile(str(catalog))
    for entry in po:
        entry.msgstr = entry.msgid if entry.msgctxt == "url" else f"«{entry.msgid}»"
    po.save(str(catalog))
    code, output = run("build", "generated.yaml", "--language", language, "--strict")
    assert code == 0, output
    assert f"wrote generated.{language}.pdf" in output
    heading = next(entry.msgid for entry in po if entry.msgctxt.endswith(".heading"))
    assert f"«{' '.join(heading.split())}»" in text_of(workdir / f"generated.{language}.pdf")


def test_the_korean_example_is_built_from_the_english_master(built):
    from tests.conftest import EXAMPLE

    pdf = built(EXAMPLE, language="ko")
    text = text_of(pdf)
    assert "북한 탈출" in text and "요약" in text and "(번역)" in text
    assert "English" in text  # the other edition, named in the colophon
    assert pypdf.PdfReader(pdf).trailer["/Root"]["/Lang"] == "ko"


def test_versions_in_a_csl_json_file_and_their_mistakes(master, french, run):
    import json

    brief = master.read_text("utf-8")
    start = brief.index("  - id: unhrc2023")
    master.write_text(brief[:start] + "  - refs.json\n", "utf-8")
    item = {"id": "unhrc2023", "type": "report", "author": [{"literal": "UN Human Rights Council"}],
            "title": "Situation of human rights in Eritrea", "issued": {"date-parts": [[2023]]},
            "URL": "https://undocs.org/en/A/HRC/53/20", "file": "sources/report.txt",
            "first-page": 4,
            "versions": {"fr": {"title": "Situation des droits de l’homme en Érythrée",
                                "file": "sources/rapport.txt"}}}
    refs = master.with_name("refs.json")
    refs.write_text(json.dumps([item], ensure_ascii=False, indent=2), "utf-8")
    code, output = run("build", "eritrea.yaml", "--language", "all")
    assert code == 0, output
    assert "Situation des droits de l’homme en Érythrée" in text_of(
        master.with_name("eritrea.fr.pdf"))
    assert "Situation des droits" not in text_of(master.with_name("eritrea.pdf"))
    # a version cannot change what the source is
    item["versions"]["fr"]["id"] = "other"
    refs.write_text(json.dumps([item], ensure_ascii=False, indent=2), "utf-8")
    code, output = run("check", "eritrea.yaml")
    assert code == 1
    assert re.search(r"refs\.json:\d+:\d+: error: `versions`: `id` cannot differ in a version "
                     r"\(in `fr`\)",
                     output), output


def test_translating_again_and_again_keeps_one_of_each_obsolete_entry(master, french, run):
    master.write_text(master.read_text("utf-8").replace(
        "      - text: The law is therefore clear.\n", ""), "utf-8")
    for _ in range(3):
        code, output = run("translate", "eritrea.yaml", "--to", "fr")
        assert code == 0, output
    obsolete = [entry for entry in polib.pofile(str(french)).obsolete_entries()]
    assert [entry.msgstr for entry in obsolete] == ["Le droit est donc clair."]


def test_an_xliff_2_catalog_is_refused_and_never_overwritten(master, run):
    catalog = master.with_name("eritrea.es.xlf")
    text = ('<?xml version="1.0"?>\n<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" '
            'version="2.0" srcLang="en" trgLang="es"><file id="f"><unit id="title"><segment>'
            '<source>Forced Returns to Eritrea</source><target>Devoluciones</target>'
            '</segment></unit></file></xliff>\n')
    catalog.write_text(text, "utf-8")
    code, output = run("translate", "eritrea.yaml", "--to", "es")
    assert code == 1 and re.search(r"eritrea\.es\.xlf:2:\d+: error: this is an XLIFF 2\.0 "
                                   r"catalog; brief reads and writes XLIFF 1\.2", output)
    assert catalog.read_text("utf-8") == text


def test_a_new_catalog_rebuilds_the_editions_that_name_the_others(master, french, run):
    assert run("build", "eritrea.yaml")[0] == 0
    code, output = run("build", "eritrea.yaml")
    assert "up to date eritrea.pdf" in output
    assert run("translate", "eritrea.yaml", "--to", "de")[0] == 0
    code, output = run("build", "eritrea.yaml")
    assert "wrote eritrea.pdf" in output and "Deutsch" in text_of(master.with_name("eritrea.pdf"))


def test_an_edition_without_its_own_address_does_not_claim_the_masters(master, french, run):
    fill(french, {"url": ""})
    code, output = run("build", "eritrea.yaml", "--language", "fr", "--format", "html")
    assert code == 0, output
    page = master.with_name("eritrea.fr.html").read_text("utf-8")
    assert "og:url" not in page and 'rel="canonical"' not in page and "hreflang" not in page


def test_a_quotation_on_another_page_of_the_version_takes_its_own_page(master, french, run):
    (master.parent / "sources" / "rapport.txt").write_text(
        RAPPORT.replace("\f", "\n\f\n\f"), "utf-8")  # the quotation is on p. 6 in French
    code, output = run("verify", "eritrea.yaml", "--language", "fr")
    assert code == 1 and "quotation is not on p. 5: found on p. 6 of sources/rapport.txt" \
        in output
    fill(french, {"risk.body.1.locator": "p. 6"})
    code, output = run("verify", "eritrea.yaml", "--language", "fr")
    assert code == 0, output


def test_a_translation_citing_other_pages_is_a_warning(master, french, run):
    fill(french, {"service.claim": "Le service national n’a pas de fin [@unhrc2023, p. 9]."})
    code, output = run("check", "eritrea.yaml", "--language", "fr")
    assert "warning: the translation cites [@unhrc2023] at 9, the original at 4" in output


def test_a_text_left_untranslated_is_marked_as_the_masters_language(master, french, run):
    fill(french, {"risk.body.2.text": "", "risk.heading": ""})
    code, output = run("build", "eritrea.yaml", "--language", "fr", "--format", "html")
    assert code == 0, output
    page = master.with_name("eritrea.fr.html").read_text("utf-8")
    assert '<span lang="en">The law is therefore clear.</span>' in page
    assert '<span lang="en">The risk on return</span>' in page
    assert '<span lang="en">Le service' not in page


def test_an_edition_up_to_date_still_says_what_stands_against_it(master, french, run):
    fill(french, {"risk.body.2.text": ""})
    code, first = run("build", "eritrea.yaml", "--language", "fr")
    code, again = run("build", "eritrea.yaml", "--language", "fr")
    assert code == 0 and "up to date eritrea.fr.pdf" in again
    warning = next(line for line in first.splitlines() if "not translated yet" in line)
    assert warning in again
