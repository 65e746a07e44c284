"""The mistakes corpus: each folder under tests/mistakes/ is a mistake people make, with the
exact transcript `brief` must answer it with.

A case is a folder of input files and `expected.txt`, a transcript of one or more commands:

    $ brief check brief.yaml
    brief.yaml:4:1: error: …
      hint: …
    [exit 1]

The commands run in a copy of the folder; each one's whole output and exit code must match.
A new mistake is one new folder.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

MISTAKES = Path(__file__).parent / "mistakes"
STEP_RE = re.compile(r"^\$ brief (?P<args>.*)\n(?P<output>(?:(?!\$ brief ).*\n)*?)"
                     r"\[exit (?P<code>\d+)\]\n", re.M)


def transcript(case: Path) -> list[tuple[list[str], str, int]]:
    text = (case / "expected.txt").read_text("utf-8")
    steps = [(shlex.split(m["args"]), m["output"], int(m["code"]))
             for m in STEP_RE.finditer(text)]
    assert steps and sum(len(m.group(0)) for m in STEP_RE.finditer(text)) == len(text), \
        f"{case.name}/expected.txt is not a transcript of `$ brief …` steps ending in [exit N]"
    return steps


@pytest.mark.parametrize("case", sorted(p for p in MISTAKES.iterdir() if p.is_dir()),
                         ids=lambda p: p.name)
def test_mistake(case, run, tmp_path, update_golden):
    folder = tmp_path / case.name
    shutil.copytree(case, folder, ignore=shutil.ignore_patterns("expected.txt"))
    seen = []
    for args, expected, code in transcript(case):
        actual_code, output = run(*args, cwd=folder)
        seen.append(f"$ brief {shlex.join(args)}\n{output}[exit {actual_code}]\n")
        if not update_golden:
            assert (output, actual_code) == (expected, code), f"$ brief {shlex.join(args)}"
    if update_golden:
        (case / "expected.txt").write_text("".join(seen), "utf-8")
