"""Glyph coverage: a character no installed font has stops the build at its place."""

from __future__ import annotations

from pathlib import Path

from brief.fonts import font_hint, is_covered
from tests.test_load import VALID


def test_a_missing_glyph_stops_the_build_with_its_location(workdir, run):
    # U+1F97A (an emoji of Unicode 11) is in none of the fonts the README installs.
    brief = VALID.replace("title: A Title", "title: A Title with \U0001F97A inside")
    (workdir / "b.yaml").write_text(brief, "utf-8")
    line = brief.splitlines().index("title: A Title with \U0001F97A inside") + 1
    code, output = run("build", "b.yaml")
    assert code == 1
    assert output == (f"b.yaml:{line}:21: error: no installed font has '\U0001F97A' "
                      "(U+1F97A)\n  hint: install fonts-noto-color-emoji\n")
    assert not Path("b.pdf").exists()


def test_the_example_languages_are_covered():
    assert all(is_covered(c) for c in "Aé–“한國語日本ملخص𓀀")


def test_hints_name_the_package_by_block():
    assert font_hint("\uac00") == "install fonts-noto-cjk"
    assert font_hint("\U0001F600") == "install fonts-noto-color-emoji"
    assert font_hint("\ue123").startswith("it is a private-use character")
    assert font_hint("\U00013000").startswith("install fonts-noto-core")
