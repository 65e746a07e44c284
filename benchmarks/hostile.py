"""Time and peak memory of `brief` on each hostile input, at the size it was reported at.

    .venv/bin/python benchmarks/hostile.py [--only NAME] [--seconds 60] [--gib 3]

Every attack must end within seconds, under 1 GiB, with exit code 1 (or 0 where the input is
merely large) and a located message. A run that goes past --seconds or --gib is stopped (with
its whole process group) and shown as `>` that limit, so that this script is safe to run on a
machine without the fixes.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.run import _memory_kib  # noqa: E402
from tests import hostile_inputs as attack  # noqa: E402

ATTACKS = {
    "bibtex @string doubling": lambda f: attack.bibtex_attack(f, attack.bibtex_string_doubling()),
    "bibtex crossref loop": lambda f: attack.bibtex_attack(f, attack.bibtex_crossref_loop()),
    "bibtex xdata loop": lambda f: attack.bibtex_attack(f, attack.bibtex_xdata_loop()),
    "sources import @string doubling": lambda f: (
        attack.bibtex_attack(f, attack.bibtex_string_doubling()),
        ["sources", "import", str(f / "refs.bib")])[1],
    "csl macro loop": attack.csl_macro_loop,
    "svg <use> bomb": lambda f: attack.picture_attack(f, "map.svg", attack.svg_use_bomb()),
    "png 169 megapixels": lambda f: attack.picture_attack(f, "map.png", attack.png_bomb()),
    "aliases 1 MB x 1000": attack.alias_expansion,
    "10,000 inline sources (check)": attack.many_inline_sources,
    "10,000 inline sources (build)": lambda f: [
        "build", "--format", "html", attack.many_inline_sources(f)[1]],
    "30,000 citations": attack.many_citations,
    "[a @b  x 20,000": attack.citation_backtracking,
    "[ then a @b  x 20,000": attack.unclosed_bracket,
    "20,000 backticks": attack.backticks,
    "100,000-character title": attack.long_title,
    "sparse 6 GB refs.json": attack.sparse_sources,
    "sparse 6 GB picture": attack.sparse_picture,
    "excerpt `a [w x] zzz`, long words": attack.insertion_backtracking,
    "PDF copy, 1,000 pages x 200,000 ch.": attack.shared_stream_copy,
    "200 MiB text copy": attack.large_text_copy,
    "20 KB excerpt, 300 KB copy": attack.long_excerpt,
    "10 KB excerpt, 10 MB copy": lambda f: attack.long_excerpt(f, 9_990, 9_900_000),
    "200 ellipsis parts": attack.many_ellipses,
    "HTML copy `<![[x`": attack.html_marked_section,
    "HTML copy, 100,000 `<!--`": attack.html_unclosed_comments,
}


def measure(arguments: list[str], cwd: Path, seconds: float, gib: float
            ) -> tuple[str, str, int | None, str]:
    """(wall and CPU time, peak memory, exit code, first lines of output) of one run of the
    command; CPU time counts the processes it waited for (layout processes, pandoc)."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "brief", *arguments], cwd=cwd,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True)
    peak, stopped = 0, ""
    while process.poll() is None:
        peak = max(peak, _memory_kib(process.pid))
        elapsed = time.perf_counter() - start
        if elapsed > seconds or peak > gib * 1024 ** 2:
            stopped = ">"
            os.killpg(process.pid, signal.SIGKILL)
            break
        time.sleep(0.05)
    output = process.communicate()[0].decode("utf-8", "replace").strip().splitlines()
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    shown = "\n      ".join(line[:160] for line in output[:3])
    return (f"{stopped}{elapsed:.1f} s ({cpu:.1f} s CPU)", f"{stopped}{peak / 1024:.0f} MiB",
            None if stopped else process.returncode, shown)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--gib", type=float, default=3)
    options = parser.parse_args()
    for name, make in ATTACKS.items():
        if options.only.lower() not in name.lower():
            continue
        with tempfile.TemporaryDirectory(prefix="brief-hostile-") as scratch:
            folder = Path(scratch)
            arguments = make(folder)
            took, memory, code, output = measure(arguments, folder, options.seconds,
                                                 options.gib)
        print(f"{name:34} {took:>22} {memory:>10}  exit {code}\n      {output}", flush=True)


if __name__ == "__main__":
    main()
