"""Local copies of sources for the tests, the example brief and the benchmark: PDFs laid out
by WeasyPrint with known text on known pages (optionally page labels, hyphenation, two
columns), and HTML and text copies."""

from __future__ import annotations

import html
import io
from pathlib import Path

PAGE_CSS = """
@page { size: A5; margin: 18mm 16mm; @bottom-center { content: counter(page); font-size: 8pt; } }
body { font-family: "DejaVu Serif", serif; font-size: 10.5pt; line-height: 1.4; }
p { margin: 0 0 0.6em; text-align: justify; }
.page { break-after: page; }
.page:last-child { break-after: auto; }
.hyphenate p { hyphens: auto; }
.columns .page { columns: 2; column-gap: 6mm; }
.stand-in { font-family: "DejaVu Sans", sans-serif; font-size: 7.5pt; color: #555;
            border: 0.5pt solid #999; padding: 2mm; margin-bottom: 4mm; }
"""


def make_pdf(path: Path, pages: list[list[str]], labels: list[tuple[int, str, int]] | None = None,
             hyphenate: bool = False, columns: bool = False, narrow: bool = False,
             notice: str | None = None, folios: list[str] | None = None) -> Path:
    """A PDF with one page per item of `pages` (each a list of paragraphs; a page whose text
    runs over flows on, so keep them short), and PDF page labels given as (first page index,
    style "D"/"r"/"R", start number)."""
    from weasyprint import HTML

    body = []
    for index, paragraphs in enumerate(pages):
        head = (f'<p class="stand-in">{html.escape(notice)}</p>' if notice and index == 0 else "")
        text = "".join(f"<p>{html.escape(paragraph)}</p>" for paragraph in paragraphs)
        body.append(f'<div class="page">{head}{text}</div>')
    width = "p { width: 62mm; }" if narrow else ""
    classes = " ".join(name for name, on in (("hyphenate", hyphenate), ("columns", columns)) if on)
    document = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><style>{PAGE_CSS}'
                f'{width}</style></head><body class="{classes}">{"".join(body)}</body></html>')
    data = HTML(string=document).write_pdf()
    if labels:
        data = with_page_labels(data, labels)
    path.write_bytes(data)
    return path


def with_page_labels(data: bytes, labels: list[tuple[int, str, int]]) -> bytes:
    """The PDF with a /PageLabels number tree: (first page index, style, start number)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    numbers = ArrayObject()
    for first, style, start in labels:
        numbers += [NumberObject(first), DictionaryObject({
            NameObject("/S"): NameObject(f"/{style}"), NameObject("/St"): NumberObject(start)})]
    writer._root_object[NameObject("/PageLabels")] = DictionaryObject(
        {NameObject("/Nums"): numbers})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


FILLER = (
    "This placeholder paragraph stands where a report would set out its findings.",
    "It is neutral text written for the example and the tests, and quotes no one.",
    "Its sentences are about as long as those of a long report, so that pages fill as they would.",
    "The commission gathered interviews, documents and satellite images over several months.",
    "Officials were invited to answer written questions and did not reply.",
    "The findings below are summarised from the testimony of witnesses and experts.",
    "Each witness was interviewed in a language of their choice, with an interpreter present.",
    "Where accounts differed, the commission noted the difference and what it concluded.",
)


def filler(seed: int, words: int = 120) -> str:
    """Neutral sentences that quote nobody, numbered so that every paragraph differs."""
    sentences, count, index = [], 0, seed
    while count < words:
        sentence = FILLER[index % len(FILLER)]
        sentences.append(sentence)
        count += len(sentence.split())
        index += 3
    return f"({seed}) " + " ".join(sentences)
