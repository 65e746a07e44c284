"""Speed of `brief`, measured as ratios within one run, so that the machine's speed cancels out.

    .venv/bin/python benchmarks/run.py [--repeat N]

Every figure is the median of N runs of a fresh process (as a user runs it). Targets:
`brief --help` <= 0.25x and `brief check` <= 0.5x of `import weasyprint`; `brief build` <= 1.10x
a bare WeasyPrint render of the same HTML; -j 2 >= 1.8x faster than -j 1 on 6 briefs; an
unchanged rebuild <= 5 % of a build; a print build (PDF/X-4, CMYK) <= 1.5x a screen build; a rebuild by `brief watch` after a one-word edit
<= 0.5x a cold `brief build`; time per page at 10x the example within 1.2x of 1x; peak memory
at 10x <= 300 MiB.
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "briefs" / "north-korea-refugees.yaml"
PYTHON = sys.executable
BRIEF = [PYTHON, "-m", "brief"]


def run(command: list[str], cwd: Path | None = None) -> float:
    """Wall time in seconds of one process."""
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(command)}\n"
                         + done.stderr.decode())
    return elapsed


def _memory_kib(pid: int) -> int:
    """Memory of a process and all its descendants (a build forks its layout process).

    Proportional set sizes, so that pages shared after a fork are counted once; resident sizes
    where the system does not give them.
    """
    total = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                total += int(line.split()[1])
        for children in Path(f"/proc/{pid}").glob("task/*/children"):
            total += sum(_memory_kib(int(child)) for child in children.read_text().split())
    except (OSError, ValueError):
        pass  # the process ended while being read
    return total


def peak_memory_mib(command: list[str]) -> float:
    """The largest total memory of a command's processes, sampled every 10 ms."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while process.poll() is None:
        peak = max(peak, _memory_kib(process.pid))
        time.sleep(0.01)
    if process.returncode != 0:
        raise SystemExit(f"failed ({process.returncode}): {' '.join(command)}")
    return peak / 1024


def medians(*commands: list[str], repeat: int) -> list[float]:
    """The median time of each command, run in turns (A B A B ...), so that a change in the
    machine's load during the run weighs on both sides of a ratio alike."""
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(repeat):
        for command, taken in zip(commands, times):
            taken.append(run(command))
    return [statistics.median(taken) for taken in times]


def pages(pdf: Path) -> int:
    import pypdf  # read outside the timed processes

    return len(pypdf.PdfReader(pdf).pages)


# Two loops of pure Python, one after the other or in two processes at once: how much faster
# the second finishes is the most any -j 2 can gain on this machine at this moment.
SPIN = "sum(n * n for n in range(8_000_000))"
TWO_LOOPS_IN_ONE_PROCESS = [PYTHON, "-c", f"{SPIN}; {SPIN}"]
TWO_LOOPS_IN_TWO_PROCESSES = [PYTHON, "-c", f"import os\nif os.fork(): {SPIN}; os.wait()\n"
                              f"else: {SPIN}; os._exit(0)"]


def warm_and_cold(example: Path, repeat: int) -> tuple[float, float]:
    """Median seconds from saving a one-word edit to `brief watch` having written the PDF, and
    of a cold `brief build --force` of the same brief, measured in turns."""
    import queue
    import threading

    watch = subprocess.Popen(BRIEF + ["watch", example.name], cwd=example.parent,
                             stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in watch.stderr], daemon=True
                     ).start()

    def wait_for_build() -> None:
        while True:
            line = lines.get(timeout=300)
            if " failed " in line:
                raise SystemExit(f"brief watch failed: {line}")
            if " wrote " in line:
                return

    original = example.read_text("utf-8")
    warm, cold = [], []
    try:
        wait_for_build()  # the first build, cold in its own way
        for n in range(repeat):
            cold.append(run(BRIEF + ["build", "--force", "-o", str(example.parent / "cold.pdf"),
                                     str(example)]))
            # One word of the summary, different from the text of the build before.
            edited = original.replace("Almost every", ("Nearly", "Well-nigh")[n % 2] + " every", 1)
            start = time.perf_counter()
            example.write_text(edited, "utf-8")
            wait_for_build()
            warm.append(time.perf_counter() - start)
    finally:
        watch.terminate()
        watch.wait()
        example.write_text(original, "utf-8")
    return statistics.median(warm), statistics.median(cold)


def copy_sources(folder: Path) -> None:
    """The local copies of the sources that the example's quotations are checked against."""
    shutil.copytree(EXAMPLE.parent / "sources", folder / "sources")


def scaled_brief(factor: int, folder: Path) -> Path:
    """The example with its sections repeated `factor` times (ids made unique)."""
    text = EXAMPLE.read_text("utf-8")
    head, rest = text.split("\nsections:\n", 1)
    sections, tail = rest.split("\nrecommendations:\n", 1)
    copies = [re.sub(r"(\n\s+id: )([\w-]+)", rf"\g<1>\g<2>-{n}", sections)
              for n in range(factor)]
    path = folder / f"example-{factor}x.yaml"
    path.write_text(head + "\nsections:\n" + "\n".join(copies)
                    + "\nrecommendations:\n" + tail, "utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (median)")
    repeat = parser.parse_args().repeat
    # Measured as installed: pip compiles an installed package's modules, as it compiled
    # WeasyPrint's. A checkout in an environment that forbids writing bytecode
    # (PYTHONDONTWRITEBYTECODE) would otherwise recompile brief in every timed run.
    compileall.compile_dir(ROOT / "brief", quiet=1)
    scratch = Path(tempfile.mkdtemp(prefix="brief-bench-"))
    os.environ["BRIEF_CACHE_DIR"] = str(scratch / "cache")
    results: list[tuple[str, float, str, bool]] = []

    def report(name: str, value: float, target: str, ok: bool) -> None:
        results.append((name, value, target, ok))
        print(f"{name:55} {value:8.3f}   target {target:8} {'ok' if ok else 'MISSED'}",
              flush=True)

    try:
        example = scratch / EXAMPLE.name  # built beside its copy, as users build
        shutil.copy(EXAMPLE, example)
        copy_sources(scratch)
        html = scratch / "example.html"
        run(BRIEF + ["build", "--force", "--format", "html", "-o", str(html), str(example)])

        import_weasyprint, help_time, check_time = medians(
            [PYTHON, "-c", "import weasyprint"], BRIEF + ["--help"],
            BRIEF + ["check", str(example)], repeat=repeat)
        print(f"(import weasyprint: {import_weasyprint:.3f} s)")
        report("brief --help / import weasyprint", help_time / import_weasyprint, "<= 0.25",
               help_time / import_weasyprint <= 0.25)
        report("brief check / import weasyprint", check_time / import_weasyprint, "<= 0.50",
               check_time / import_weasyprint <= 0.5)

        bare = [PYTHON, "-c", "import sys; from weasyprint import HTML; "
                # The same PDF options as a build (tagged PDF/UA-1): only brief's own work differs.
                "HTML(filename=sys.argv[1]).write_pdf(sys.argv[2], pdf_tags=True, "
                "pdf_variant='pdf/ua-1')",
                str(html), str(scratch / "bare.pdf")]
        build_time, bare_time = medians(BRIEF + ["build", "--force", str(example)], bare,
                                        repeat=repeat)
        print(f"(brief build: {build_time:.3f} s; bare render: {bare_time:.3f} s)")
        report("brief build / bare WeasyPrint render of its HTML", build_time / bare_time,
               "<= 1.10", build_time / bare_time <= 1.10)

        # The press pass (brief.press) runs in print builds only: what it costs on top.
        printed, = medians(BRIEF + ["build", "--force", "--print", "-o",
                                    str(scratch / "print.pdf"), str(example)], repeat=repeat)
        report("brief build --print / brief build", printed / build_time, "<= 1.50",
               printed / build_time <= 1.5)

        unchanged, = medians(BRIEF + ["build", str(example)], repeat=repeat)
        report("unchanged rebuild / build", unchanged / build_time, "<= 0.05",
               unchanged / build_time <= 0.05)

        warm, cold = warm_and_cold(example, repeat)
        print(f"(save to PDF in brief watch: {warm:.3f} s; cold brief build: {cold:.3f} s)")
        report("brief watch rebuild after a one-word edit / cold build", warm / cold, "<= 0.50",
               warm / cold <= 0.5)

        batch = scratch / "batch"
        batch.mkdir()
        copy_sources(batch)
        for n in range(6):
            shutil.copy(EXAMPLE, batch / f"brief-{n}.yaml")
        one, two, serial, parallel = medians(
            BRIEF + ["build", "--force", "-j", "1", str(batch)],
            BRIEF + ["build", "--force", "-j", "2", str(batch)],
            TWO_LOOPS_IN_ONE_PROCESS, TWO_LOOPS_IN_TWO_PROCESSES, repeat=max(1, repeat // 2 + 1))
        print(f"(6 briefs: {one:.3f} s with -j 1, {two:.3f} s with -j 2)")
        report("speed-up of -j 2 over -j 1 on 6 briefs", one / two, ">= 1.8", one / two >= 1.8)
        print(f"(in the same rounds, two pure-Python loops ran {serial / parallel:.2f}x faster in "
              "two processes than in one: the most any -j 2 can gain here)")

        per_page = {}
        for factor in (1, 10):
            brief = scaled_brief(factor, scratch)
            pdf = brief.with_suffix(".pdf")
            seconds, = medians(BRIEF + ["build", "--force", str(brief)],
                               repeat=max(1, repeat // 2))
            per_page[factor] = seconds / pages(pdf)
            print(f"(time per page at {factor}x: {per_page[factor]:.3f} s, "
                  f"{pages(pdf)} pages)")
        ratio = per_page[10] / per_page[1]
        report("time per page at 10x / at 1x", ratio, "<= 1.20", ratio <= 1.2)
        memory = peak_memory_mib(BRIEF + ["build", "--force", str(brief)])
        report("peak memory at 10x, MiB (all processes)", memory, "<= 300", memory <= 300)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    missed = [name for name, _, _, ok in results if not ok]
    print(f"{len(results) - len(missed)} of {len(results)} figures within target")


if __name__ == "__main__":
    main()
