"""Write the example brief's local copies (briefs/sources/): stand-in documents made for the
example and the tests, clearly marked as such. The only words in them taken from the real
sources are the ones the brief quotes; everything else is neutral filler.

    .venv/bin/python tests/make_example_copies.py
"""

from __future__ import annotations

from pathlib import Path

from copies import filler, make_pdf

FOLDER = Path(__file__).parent.parent / "briefs" / "sources"
NOTICE = ("STAND-IN DOCUMENT made for the example brief of the `brief` tool and its tests. It is "
          "not the Report of the Commission of Inquiry on Human Rights in the Democratic "
          "People's Republic of Korea (A/HRC/25/63): only the passage the brief quotes, on "
          "pages 10 and 11, is the report's text. Everything else is placeholder text.")
# The report's words as the brief quotes them (pp. 10–11), split where the stand-in turns the page.
ON_PAGE_10 = ("Placeholder text precedes the quoted passage (paragraph 10). The Commission finds "
              "that nationals of the Democratic People's Republic of Korea should be recognised "
              "as refugees fleeing from persecution or refugees sur place. They are thereby "
              "entitled to international protection.")
ON_PAGE_11 = ("In forcibly returning nationals of the Democratic People's Republic of Korea, "
              "China also violates its obligation to respect the principle of non-refoulement "
              "under international refugee and human rights law. Placeholder text follows the "
              "quoted passage (paragraph 11).")


def coi2014(path: Path) -> Path:
    pages = [[filler(number, 90), filler(number + 100, 60)] for number in range(1, 13)]
    pages[9] = [filler(10, 70), ON_PAGE_10]
    pages[10] = [ON_PAGE_11, filler(111, 60)]
    return make_pdf(path, pages, notice=NOTICE, hyphenate=True)


if __name__ == "__main__":
    FOLDER.mkdir(exist_ok=True)
    print(coi2014(FOLDER / "coi2014-stand-in.pdf"))
