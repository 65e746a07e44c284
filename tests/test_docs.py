"""The README stays true: its commands are what CI runs, its example brief builds."""

from __future__ import annotations

import re

from tests.conftest import ROOT


def readme_blocks(language: str) -> list[str]:
    text = (ROOT / "README.md").read_text("utf-8")
    return re.findall(rf"```{language}\n(.*?)```", text, re.S)


def test_ci_runs_exactly_the_readme_test_command():
    install_and_build, install_and_test = readme_blocks("sh")[:2]
    assert "brief build briefs/north-korea-refugees.yaml" in install_and_build
    assert "pytest" in install_and_test
    ci = (ROOT / ".ci" / "run").read_text("utf-8").splitlines()
    assert install_and_test.strip() in ci


def test_readme_example_brief_builds(run, tmp_path):
    (tmp_path / "brief.yaml").write_text(readme_blocks("yaml")[0], "utf-8")
    code, output = run("build", "brief.yaml", "--strict", cwd=tmp_path)
    assert (code, output) == (0, "wrote brief.pdf\n")


def test_every_option_the_readme_names_exists():
    import click
    import typer

    from brief.cli import app

    def options(command: click.Command) -> set[str]:
        found = {opt for param in command.params for opt in param.opts}
        for sub in getattr(command, "commands", {}).values():
            found |= options(sub)
        return found

    named = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", "".join(readme_blocks("text"))))
    assert named - options(typer.main.get_command(app)) == set()
