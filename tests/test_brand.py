"""Brand files: colours, faces and logo reach the layout; bad values are located errors."""

from __future__ import annotations

import shutil

from tests.conftest import EXAMPLE

BRANDS = EXAMPLE.parent / "brands"


def test_a_brand_changes_colours_faces_and_logo(example_copy, run, tmp_path):
    out = tmp_path / "branded.html"
    code, output = run("build", "--format", "html", "--brand", str(BRANDS / "harbour" /
                       "_brand.yml"), str(example_copy), "-o", str(out))
    assert code == 0, output
    html = out.read_text("utf-8")
    theme = html.split("/* The brand. */")[1].split("}")[0]
    assert "--primary: #14325c;" in theme and "--accent: #0c7276;" in theme
    assert "--ink: #22262b;" in theme
    assert '--sans: "Noto Sans", var(--sans-stack);' in theme
    assert '<img class="logo" src="data:image/svg+xml;base64,' in html
    assert 'alt="Harbour Institute"' in html


def test_the_brief_names_its_brand(run, example_copy):
    example_copy.write_text(example_copy.read_text("utf-8")
                            + "brand: brands/meadow/_brand.yml\n", "utf-8")
    html = example_copy.with_name("branded.html")
    assert run("build", "--format", "html", str(example_copy), "-o", str(html))[0] == 0
    text = html.read_text("utf-8")
    assert "--primary: #2f6b3a;" in text and 'alt="Meadow Rights Network"' in text


def test_bad_brand_values_are_located_errors(workdir, run):
    shutil.copy(BRANDS / "meadow" / "meadow-logo.svg", workdir / "logo.svg")
    (workdir / "_brand.yml").write_text(
        "color:\n"
        "  palette:\n"
        "    forest: '#2f6b3a'\n"
        "  primary: forrest\n"
        "  secondary: 'red; } body { display: none'\n"
        "  foregound: black\n"
        "logo:\n"
        "  medium: logo.svg\n"
        "typography:\n"
        "  base: {family: 'Evil\"; }'}\n", "utf-8")
    code, output = run("build", "--brand", "_brand.yml", str(EXAMPLE), "-o",
                       str(workdir / "x.pdf"))
    assert code == 1
    assert output == (
        "_brand.yml:4:12: error: `forrest` is not a CSS colour\n"
        "  hint: did you mean `forest`?\n"
        "_brand.yml:5:14: error: `red; } body { display: none` is not a CSS colour\n"
        "  hint: write a hex colour such as `#1b365d`, or the name of a colour in "
        "`color.palette`\n"
        "_brand.yml:6:3: error: unknown brand key `foregound`\n"
        "  hint: did you mean `foreground`?\n"
        "_brand.yml:8:11: error: the logo `logo.svg` has no alt text\n"
        "  hint: write it as {path: logo.svg, alt: the organisation's name}, so that readers "
        "who cannot see it hear what it is\n"
        "_brand.yml:10:18: error: `Evil\"; }` is not a font family name\n"
        "  hint: write the family's name as fc-list shows it, e.g. `Noto Sans`\n")
    assert not (workdir / "x.pdf").exists()
