"""What brief prints obeys no control sequence of the text it quotes: a source's copy cannot
retitle the terminal, erase a line or start a command, nor pass for rich markup."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from brief.terminal import for_terminal

BRIEF = """\
title: T
date: 2020-01-01
organisation: {name: O}
summary: S [@rep, p. 1].
sections:
  - heading: H
    body:
      - quote: "the State violates its obligation"
        source: rep
        locator: p. 1
recommendations:
  - to: X
    actions: [Y]
sources:
  - id: rep
    type: report
    title: Report
    file: sources/rep.txt
"""
# A window title (OSC … BEL), an erased line (CSI 2K), a C1 CSI (U+009B), DEL, rich markup.
COPY = ("In returning them, the State \x1b]0;pwned\x07violates\x1b[2K its "
        "[bold]obligation[/]\u009b31m\x7f to respect.")
SHOWN = ("the State ⟦␛]0;pwned␇violates␛[2K⟧ its ⟦[bold]obligation[/]�31m␡⟧")
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
COLOUR = re.compile(r"\x1b\[[0-9;]*m")  # what rich writes itself on a terminal


@pytest.fixture
def hostile_copy(workdir) -> Path:
    (workdir / "sources").mkdir()
    (workdir / "sources" / "rep.txt").write_text(COPY, "utf-8")
    (workdir / "b.yaml").write_text(BRIEF, "utf-8")
    return workdir


def test_control_characters_are_shown_not_obeyed():
    assert for_terminal("a\x1b[2Kb\rc\x08d\x00e\x7ff\x85g\x9bh\ti\nj") == \
        "a\u241b[2Kb\u240dc\u2408d\u2400e\u2421f\ufffdg\ufffdh\ti\nj"
    assert for_terminal("plain text, “quoted”, 한국어, عربي") == "plain text, “quoted”, 한국어, عربي"


def test_a_diagnostic_quoting_a_copy_prints_no_escape(hostile_copy):
    # As on a terminal: rich colours its output, and nothing else may reach it.
    done = subprocess.run([sys.executable, "-m", "brief", "check", "b.yaml"], cwd=hostile_copy,
                          capture_output=True, text=True,
                          env={**os.environ, "FORCE_COLOR": "1", "COLUMNS": "300"})
    assert done.returncode == 1
    printed = COLOUR.sub("", done.stderr)
    assert printed == (
        "b.yaml:8:16: error: quotation not found in sources/rep.txt\n"
        f'  hint: closest passage, sources/rep.txt: "{SHOWN}" (the quotation has "violates"; '
        '"obligation")\n')
    assert not CONTROLS.search(printed)


@pytest.mark.parametrize("format", ["md", "csv", "json"])
def test_the_ledger_printed_holds_no_control_character(hostile_copy, run, format):
    code, output = run("ledger", "b.yaml", "--format", format)
    assert code == 0
    assert "quotation not found" in output
    assert not CONTROLS.search(output)
    if format == "json":
        ledger = json.loads(output[output.index("{"):])
        assert ledger["first"]["items"][1]["target"]["source"] == "urn:brief:source:rep"


def test_a_file_name_is_printed_as_a_name(workdir, run):
    (workdir / "received").mkdir()
    (workdir / "received" / "\x1b]0;t\x07\r.yaml").write_text("a: 1\n", "utf-8")
    assert run("check", "received") == (2, (
        "received/\u241b]0;t\u2407\u240d.yaml: ignored: not a brief: it has none of the keys a "
        "brief needs (title, date, organisation, summary, sections, recommendations, sources)\n"
        "error: no briefs found in received\n"))
