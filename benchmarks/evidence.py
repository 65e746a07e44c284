"""Speed of checking quotations against local copies, as ratios measured in one run.

    .venv/bin/python benchmarks/evidence.py [--repeat N]

A brief quotes 30 passages from three sources whose copies are PDFs of 50, 150 and 400 pages
(laid out by WeasyPrint first, with known text on known pages). Targets (issue "Evidence you
can audit"):

- first run (nothing cached) <= 2x a `brief check` of the same brief without copies, plus the
  text extraction itself (PDFium reading every page, timed on its own);
- cached run (copies unchanged) <= 1.3x that `brief check`.

Each figure is the median of N fresh processes, run in turns so that the machine's load weighs
on both sides of a ratio alike.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from copies import filler, make_pdf  # noqa: E402

PYTHON = sys.executable
SIZES = {"short": 50, "medium": 150, "long": 400}
PER_SOURCE = 10


def quotation(source: str, number: int) -> str:
    return (f"Witness {number} of the {source} report stated that the crossing at point "
            f"{number * 7} was closed after the inspection of month {number % 12 + 1}.")


def make_copies(folder: Path) -> dict[str, list[tuple[int, str]]]:
    """The three PDFs; for each source, its quotations and the page each stands on."""
    placed = {}
    for source, pages in SIZES.items():
        quoted_pages = [1 + (index * (pages - 1)) // PER_SOURCE for index in range(PER_SOURCE)]
        content = [[filler(page, 110), filler(page + 7, 90)] for page in range(1, pages + 1)]
        for number, page in enumerate(quoted_pages):
            content[page - 1] = [filler(page, 100), quotation(source, number)]
        make_pdf(folder / "sources" / f"{source}.pdf", content, hyphenate=True)
        placed[source] = [(page, quotation(source, number))
                          for number, page in enumerate(quoted_pages)]
    return placed


def write_brief(path: Path, placed: dict[str, list[tuple[int, str]]], copies: bool) -> None:
    blocks, sources = [], []
    for source, quotes in placed.items():
        for page, words in quotes:
            blocks.append(f"      - quote: \"{words}\"\n        source: {source}\n"
                          f"        locator: p. {page}\n")
        sources.append(f"  - id: {source}\n    type: report\n    title: The {source} report\n"
                       + (f"    file: sources/{source}.pdf\n" if copies else ""))
    path.write_text(
        "title: Benchmark\ndate: 2020-01-01\norganisation: {name: Org}\n"
        "summary: Thirty quotations [@short, p. 1].\n"
        "sections:\n  - heading: Quotations\n    body:\n" + "".join(blocks)
        + "recommendations:\n  - to: X\n    actions: [Act.]\n"
        "sources:\n" + "".join(sources), "utf-8")


def timed(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    import os

    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True,
                          env={**os.environ, **(env or {})})
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{done.stderr.decode()}")
    return elapsed


def extraction_seconds(folder: Path) -> float:
    """PDFium reading every page's text of the three copies, timed inside one process."""
    import pypdfium2

    start = time.perf_counter()
    for source in SIZES:
        document = pypdfium2.PdfDocument(folder / "sources" / f"{source}.pdf")
        for index in range(len(document)):
            page = document[index]
            page.get_textpage().get_text_range()
            document.get_page_label(index)
        document.close()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        (folder / "sources").mkdir()
        print("laying out the copies (50, 150 and 400 pages) …", file=sys.stderr)
        placed = make_copies(folder)
        write_brief(folder / "with-copies.yaml", placed, copies=True)
        write_brief(folder / "without-copies.yaml", placed, copies=False)
        check = [PYTHON, "-m", "brief", "check"]
        warm_cache = str(folder / "warm-cache")
        timed(check + ["with-copies.yaml"], folder, {"BRIEF_CACHE_DIR": warm_cache})
        first, cached, baseline, extraction = [], [], [], []
        for round_number in range(repeat):
            cold = {"BRIEF_CACHE_DIR": str(folder / f"cold-{round_number}")}
            first.append(timed(check + ["with-copies.yaml"], folder, cold))
            cached.append(timed(check + ["with-copies.yaml"], folder,
                                {"BRIEF_CACHE_DIR": warm_cache}))
            baseline.append(timed(check + ["without-copies.yaml"], folder))
            extraction.append(extraction_seconds(folder))
        first_s, cached_s, check_s, extract_s = (statistics.median(values) for values in
                                                 (first, cached, baseline, extraction))
    pages = sum(SIZES.values())
    print(f"30 quotations, three copies of {', '.join(map(str, SIZES.values()))} pages "
          f"({pages} pages), median of {repeat}:")
    print(f"  brief check without copies      {check_s:6.3f} s")
    print(f"  text extraction alone (PDFium)  {extract_s:6.3f} s  "
          f"({extract_s / pages * 1000:.2f} ms a page)")
    print(f"  first run, nothing cached       {first_s:6.3f} s")
    print(f"  cached run                      {cached_s:6.3f} s")
    first_ratio = (first_s - extract_s) / check_s
    cached_ratio = cached_s / check_s
    print(f"first run: (first - extraction) / check = {first_ratio:.2f}x  (target <= 2.0x)  "
          f"{'ok' if first_ratio <= 2.0 else 'MISSED'}")
    print(f"cached:    cached / check               = {cached_ratio:.2f}x  (target <= 1.3x)  "
          f"{'ok' if cached_ratio <= 1.3 else 'MISSED'}")


if __name__ == "__main__":
    main()
