"""The `brief` command line: parse arguments, call the stage that does the work, exit with its
code. What check and build print is in brief.console."""

from __future__ import annotations

import os
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from brief import __version__

app = typer.Typer(
    name="brief",
    help="Turn a YAML brief of claims, quotations and sources into a printable PDF.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: importing rich for it would double start-up time
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _one_of(*choices: str):
    """A callback that takes an option's value in any case, and names the choices (and the
    closest one) when it is none of them."""
    def check(value: Optional[str]) -> Optional[str]:
        if value is None or value.lower() in choices:
            return value and value.lower()
        from brief.diagnostics import did_you_mean

        close = did_you_mean(value.lower(), choices)
        raise typer.BadParameter(f"`{value}` is not one of {', '.join(choices)}"
                                 + (f"; {close}" if close else ""))
    return check


Briefs = Annotated[list[Path], typer.Argument(
    help="Brief YAML files, or folders of briefs.", exists=True, readable=True,
    metavar="BRIEF.yaml|FOLDER...", show_default=False)]
Strict = Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")]
AllowNetwork = Annotated[bool, typer.Option(
    "--allow-network", help="Let pictures and logos come from web addresses. Off by default: "
    "a build never goes online by itself.")]
Brand = Annotated[Optional[Path], typer.Option(
    "--brand", help="A brand file (Quarto brand.yml format): colours, logo, faces. Overrides "
    "the brief's `brand`.", exists=True, dir_okay=False, readable=True, show_default=False)]
RequireEvidence = Annotated[bool, typer.Option(
    "--require-evidence", help="Make every quotation and evidence excerpt whose source has no "
    "local copy (`file:`) an error.")]


def _style(name: str | None) -> str | None:
    """An unknown style named on the command line is a usage error (exit 2), not the brief's."""
    if name is None or name.endswith(".csl"):
        return name  # a style file is found, and checked, beside each brief
    from brief.cite import resolve_style
    from brief.diagnostics import BriefError, Location

    try:
        resolve_style(name, Path.cwd(), Location("--style"))
    except BriefError as failure:
        problem = failure.diagnostics[0]
        raise typer.BadParameter(f"{problem.message}; {problem.hint}") from None
    return name


Style = Annotated[Optional[str], typer.Option(
    "--style", callback=_style, help="Citation style: a short name (chicago-note, oscola, apa "
    "…), a CSL style id, or a .csl file in the brief's folder. Overrides the brief's `style`.",
    show_default=False)]


PRINT_VARIANT = "pdf/x-4"  # what --print writes


def _pdf_variant(value: Optional[str]) -> Optional[str]:
    from brief.pdf import archival_variants

    if value is not None and value.lower() not in (*archival_variants(), PRINT_VARIANT):
        hint = (" (PDF/X-1a and PDF/X-3 allow no transparency, which the layout uses)"
                if value.lower().startswith("pdf/x") else "")
        raise typer.BadParameter(f"`{value}` is not a variant brief writes{hint}; choose one "
                                 f"of {', '.join((*archival_variants(), PRINT_VARIANT))}")
    return value.lower() if value else None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"brief {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
) -> None:
    """Turn a YAML brief of claims, quotations and sources into a printable PDF."""


Output = Annotated[Optional[str], typer.Option(
    "-o", "--output", help="Output file (one brief) or folder (several, or a name ending "
    "in /; created if missing). Default: beside each brief, with .pdf or .html.",
    show_default=False)]
FormatOption = Annotated[Optional[str], typer.Option(
    "--format", callback=_one_of("pdf", "html"), metavar="[pdf|html]",
    help="pdf, or html: one self-contained HTML file. Default: by the -o file's ending, "
    "else pdf.", show_default=False)]
LayoutOption = Annotated[Optional[str], typer.Option(
    "--layout", callback=_one_of("brief", "handout"), metavar="[brief|handout]",
    help="brief (the full brief) or handout (one page). Overrides the brief's `layout`.",
    show_default=False)]
PaperOption = Annotated[str, typer.Option(
    "--paper", callback=_one_of("a4", "letter"), metavar="[a4|letter]",
    help="Paper size.")]
PdfVariant = Annotated[Optional[str], typer.Option(
    "--pdf-variant", callback=_pdf_variant, help="Write an archival PDF/A variant (e.g. "
    "pdf/a-3u, pdf/a-2b) instead of the default tagged PDF/UA-1; pdf/x-4 is --print.",
    show_default=False)]
ForPrint = Annotated[bool, typer.Option(
    "--print", help="For a print shop: PDF/X-4 in CMYK for the brand's printing condition "
    "(default FOGRA39), 3 mm bleed, crop marks.")]
def _language(value: Optional[str]) -> Optional[str]:
    import re

    if value is None or value.lower() == "all":
        return value and value.lower()
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", value):
        raise typer.BadParameter(f"`{value}` is not a language tag; write it as in the "
                                 "catalog's name: fr, ko, pt-BR, or all")
    return value


Language = Annotated[Optional[str], typer.Option(
    "--language", callback=_language, metavar="LANG|all", help="The edition in this language: "
    "the brief with the translations of its catalog (BRIEF.LANG.po or .xlf beside it; see "
    "`brief translate`); or all: the brief and every edition.", show_default=False)]
Ledger = Annotated[bool, typer.Option(
    "--ledger", help="Add an Evidence appendix listing every citation and its evidence, "
    "and attach the ledger as JSON to the PDF.")]


def _builds(briefs: list[Path], output: Optional[str], format: Optional[str],
            language: Optional[str] = None, **fields):
    """The briefs named (folders searched), each with the editions asked for, and the
    BuildOptions of each; usage errors for a folder with none and for several builds written
    to one output."""
    from brief.build import BuildOptions, clashing_outputs, default_output, editions_of
    from brief.build import find_briefs
    from brief.console import print_ignored

    if fields.get("pdf_variant") == PRINT_VARIANT:
        fields.update(pdf_variant=None, for_print=True)
    if fields.get("for_print") and fields.get("pdf_variant"):
        raise typer.BadParameter("a print build is PDF/X-4; build the archival PDF/A "
                                 "separately, without --print", param_hint="--pdf-variant")

    skipped: list = []
    ignored: list = []
    paths = find_briefs(briefs, skipped, ignored)
    print_ignored(ignored, skipped)
    if not paths:
        raise typer.BadParameter("no briefs found there", param_hint="BRIEFS")
    if output is not None and any(Path(output).resolve() == path.resolve() for path in paths):
        raise typer.BadParameter(f"{output} is the brief itself; the PDF would overwrite it",
                                 param_hint="-o")
    editions = [(path, edition) for path in paths for edition in editions_of(path, language)]
    folder, output_file, format = _output(output, format, several=len(editions) > 1,
                                          what="briefs" if len(paths) > 1 else "editions")

    def options_for(path: Path, edition: Optional[str]) -> BuildOptions:
        options = BuildOptions(format=format, output=output_file, language=edition, **fields)
        if folder is not None:
            options = replace(options, output=folder / default_output(path, options).name)
        return options

    builds = [(path, options_for(path, edition)) for path, edition in editions]
    if clashes := clashing_outputs(builds):
        from brief.terminal import for_terminal  # names found in a folder

        raise typer.BadParameter(for_terminal(
            f"several briefs would be written to {', '.join(clashes)}; give them different "
            "names or build them separately"), param_hint="-o")
    return builds


@app.command()
def build(
    briefs: Briefs,
    output: Output = None,
    format: FormatOption = None,
    layout: LayoutOption = None,
    paper: PaperOption = "a4",
    style: Style = None,
    brand: Brand = None,
    pdf_variant: PdfVariant = None,
    for_print: ForPrint = False,
    strict: Strict = False,
    jobs: Annotated[int, typer.Option(
        "-j", "--jobs", min=1, help="Lay out this many briefs at once, in parallel processes "
        "(at most one per processor).")
    ] = 1,
    force: Annotated[bool, typer.Option(
        "--force", help="Rebuild even when an output is up to date.")] = False,
    allow_network: AllowNetwork = False,
    require_evidence: RequireEvidence = False,
    ledger: Ledger = False,
    language: Language = None,
) -> None:
    """Build briefs into PDF (or HTML). Exit 1 if any brief has errors."""
    from brief.console import build_all

    builds = _builds(
        briefs, output, format, language, layout=layout, paper=paper, style=style,
        strict=strict, force=force, allow_network=allow_network, brand=brand,
        pdf_variant=pdf_variant, for_print=for_print, require_evidence=require_evidence,
        ledger=ledger)
    raise typer.Exit(build_all(builds, jobs))


OUTPUT_SUFFIXES = {".pdf": "pdf", ".html": "html", ".htm": "html"}


def _output(output: Optional[str], format: Optional[str], several: bool, what: str
            ) -> tuple[Optional[Path], Optional[Path], str]:
    """The folder or the file that -o names, and the format: a name ending in / (or an
    existing folder) is a folder, created if missing; a file's ending must fit the format,
    and gives it when --format is not given."""
    if output is None:
        return None, None, format or "pdf"
    path = Path(output)
    if output.endswith(("/", os.sep)) or path.is_dir():
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as failure:
            raise typer.BadParameter(f"cannot create the folder {output}: {failure.strerror}",
                                     param_hint="-o") from None
        return path, None, format or "pdf"
    if several:
        folder = f"{path.parent}/" if path.suffix else f"{output}/"
        raise typer.BadParameter(f"with several {what}, -o names a folder: `-o {folder}`",
                                 param_hint="-o")
    written = OUTPUT_SUFFIXES.get(path.suffix.lower())
    format = format or written or "pdf"
    if written != format:
        ending = f"ends in {path.suffix}" if path.suffix else "has no ending"
        raise typer.BadParameter(
            f"`{output}` {ending}, but the output is {format.upper()}; name it "
            f"`{path.with_suffix('.' + format)}`, or end it with / to write into a folder",
            param_hint="-o")
    return None, path, format


@app.command()
def watch(
    briefs: Briefs,
    output: Output = None,
    format: FormatOption = None,
    layout: LayoutOption = None,
    paper: PaperOption = "a4",
    style: Style = None,
    brand: Brand = None,
    pdf_variant: PdfVariant = None,
    for_print: ForPrint = False,
    strict: Strict = False,
    allow_network: AllowNetwork = False,
    require_evidence: RequireEvidence = False,
    ledger: Ledger = False,
    language: Language = None,
) -> None:
    """Build briefs, then rebuild each whenever it or a file it reads is saved. Ctrl-C stops."""
    from brief.console import watch_all

    builds = _builds(
        briefs, output, format, language, layout=layout, paper=paper, style=style,
        strict=strict, allow_network=allow_network, brand=brand, pdf_variant=pdf_variant,
        for_print=for_print, require_evidence=require_evidence, ledger=ledger)
    raise typer.Exit(watch_all(builds))


@app.command()
def preview(
    briefs: Briefs,
    port: Annotated[int, typer.Option(
        "--port", min=0, max=65535, help="Port on 127.0.0.1. Default: a free one.",
        show_default=False)] = 0,
    no_open: Annotated[bool, typer.Option(
        "--no-open", help="Do not open the preview in the default browser.")] = False,
    output: Output = None,
    layout: LayoutOption = None,
    paper: PaperOption = "a4",
    style: Style = None,
    brand: Brand = None,
    strict: Strict = False,
    allow_network: AllowNetwork = False,
    require_evidence: RequireEvidence = False,
    ledger: Ledger = False,
    language: Language = None,
) -> None:
    """Show the briefs' pages in the browser, updated on every save. Ctrl-C stops."""
    from brief.console import RebuildReport
    from brief.preview import serve

    builds = _builds(
        briefs, output, "pdf", language, layout=layout, paper=paper, style=style,
        strict=strict, allow_network=allow_network, brand=brand,
        require_evidence=require_evidence, ledger=ledger)
    raise typer.Exit(serve(builds, port, not no_open, RebuildReport()))


@app.command()
def check(briefs: Briefs, style: Style = None, brand: Brand = None, strict: Strict = False,
          allow_network: AllowNetwork = False, require_evidence: RequireEvidence = False,
          language: Language = None) -> None:
    """Validate briefs without building them. Exit 1 if any brief has errors."""
    from brief.console import check_all

    raise typer.Exit(check_all(briefs, language, strict=strict, style=style,
                               allow_network=allow_network, brand=brand,
                               require_evidence=require_evidence))


@app.command()
def verify(briefs: Briefs, require_evidence: RequireEvidence = False,
           strict: Strict = False, language: Language = None) -> None:
    """Check quotations and evidence excerpts against the local copies of their sources.
    Exit 1 if any is misquoted, on another page, or (with --require-evidence) unchecked."""
    from brief.console import verify_all

    raise typer.Exit(verify_all(briefs, require_evidence=require_evidence, strict=strict,
                                language=language))


class LedgerFormat(str, Enum):
    md = "md"
    csv = "csv"
    json = "json"


@app.command()
def ledger(
    brief: Annotated[Path, typer.Argument(
        help="The brief whose evidence to list.", exists=True, dir_okay=False, readable=True,
        metavar="BRIEF.yaml", show_default=False)],
    format: Annotated[LedgerFormat, typer.Option(
        "--format", help="md (a table), csv, or json (a W3C Web Annotation collection).")
    ] = LedgerFormat.md,
    output: Annotated[Optional[Path], typer.Option(
        "-o", "--output", help="Write to this file instead of printing.",
        show_default=False)] = None,
    language: Annotated[Optional[str], typer.Option(
        "--language", callback=_language, metavar="LANG", help="The ledger of the edition in "
        "this language.", show_default=False)] = None,
) -> None:
    """List every passage that cites, each source and pinpoint, and its evidence status."""
    from brief.console import write_ledger

    if language == "all":
        raise typer.BadParameter("the ledger lists one edition at a time; name its language",
                                 param_hint="--language")
    raise typer.Exit(write_ledger(brief, format.value, output, language))


@app.command()
def translate(
    brief: Annotated[Path, typer.Argument(
        help="The master brief.", exists=True, dir_okay=False, readable=True,
        metavar="BRIEF.yaml", show_default=False)],
    to: Annotated[list[str], typer.Option(
        "--to", callback=lambda values: [_language(value) for value in values],
        metavar="LANG", help="A language to translate into (BCP 47: fr, ko, pt-BR); "
        "repeat for several.", show_default=False)],
    format: Annotated[Optional[str], typer.Option(
        "--format", callback=_one_of("po", "xliff"), metavar="[po|xliff]",
        help="po (gettext: Poedit, Weblate, Crowdin) or xliff (XLIFF 1.2, for CAT tools). "
        "Default: the catalog's own, else po.", show_default=False)] = None,
) -> None:
    """Write or update each language's translation catalog beside the brief
    (BRIEF.LANG.po): new texts empty, changed ones marked for review, nothing a translator
    wrote lost. Then translate it, and build with --language LANG."""
    from brief.console import print_diagnostics
    from brief.diagnostics import BriefError, display_path
    from brief.editions import update_catalog
    from brief.terminal import say

    if "all" in to:
        raise typer.BadParameter("name each language: --to fr --to ko", param_hint="--to")
    code = 0
    for language in dict.fromkeys(to):
        try:
            target, counts = update_catalog(brief, language, format)
        except BriefError as failure:
            print_diagnostics(failure)
            code = 1
            continue
        say(f"wrote {display_path(target)}: {counts.describe()}")
    if code == 0:
        say(f"translate it, then: brief build {brief} --language {to[0]}")
    raise typer.Exit(code)


@app.command()
def new(
    path: Annotated[Path, typer.Argument(help="The brief to create, e.g. my-brief.yaml.",
                                         metavar="FILE", show_default=False)],
    language: Annotated[str, typer.Option(
        "--language", help="The language of the brief: en, fr, de or es.",
        metavar="LANG")] = "en",
) -> None:
    """Write a new brief, ready to fill in, and the schema editors check it with. Never
    overwrites a file."""
    import json

    from brief.console import print_diagnostics
    from brief.diagnostics import BriefError
    from brief.model import json_schema
    from brief.output import write_output
    from brief.resources import templates_folder
    from brief.terminal import say

    # One starter per language, written in it: templates/new/brief.yaml is the English one.
    starters = {file.name.split(".")[1] if file.name.count(".") == 2 else "en": file
                for file in (templates_folder() / "new").glob("brief*.yaml")}
    starter_file = starters.get(language.split("-")[0].lower())
    if starter_file is None:
        raise typer.BadParameter(
            f"there is no starter brief in `{language}`; there is one in "
            + ", ".join(sorted(starters)) + " (a brief in any language starts from one of them: "
            "change its `language`)", param_hint="--language")
    if os.path.lexists(path):  # a link, even to nothing, is never written through
        raise typer.BadParameter(f"{path} already exists; choose another name",
                                 param_hint="PATH")
    # Editors with the YAML language server (VS Code's YAML extension, Neovim, Helix …)
    # read this line and check and complete the brief as it is typed.
    starter = (f"# yaml-language-server: $schema={SCHEMA_FILE}\n"
               + starter_file.read_text("utf-8"))
    schema = path.parent / SCHEMA_FILE
    wrote = str(path)
    try:
        write_output(starter.encode("utf-8"), path)
        # A schema already there (or a link to one) is kept; a link to nothing (planted in a
        # folder received, say) is replaced by the file, never followed to create its target.
        if not schema.is_file():
            write_output((json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
                          ).encode("utf-8"), schema)
            wrote += f" and {schema} (which editors check it with)"
    except BriefError as failure:
        print_diagnostics(failure)
        raise typer.Exit(1) from None
    say(f"wrote {wrote}; fill it in, then run: brief build {path}")


SCHEMA_FILE = "brief.schema.json"


@app.command()
def styles(
    search: Annotated[Optional[str], typer.Argument(
        help="Show only styles whose id or title contains this text.", show_default=False)] = None,
) -> None:
    """List the citation styles: short names first, then every installed CSL style."""
    from brief.cite import available_styles
    from brief.terminal import for_terminal

    for style_id, title in available_styles(search):
        typer.echo(for_terminal(f"{style_id:45} {title}"))


sources_app = typer.Typer(help="Import sources from reference managers; see where they are "
                          "cited.", no_args_is_help=True)
app.add_typer(sources_app, name="sources")


@sources_app.command("import")
def sources_import(
    file: Annotated[Path, typer.Argument(
        help="A Zotero CSL-JSON (.json), BibTeX/BibLaTeX (.bib) or RIS (.ris) file.",
        exists=True, dir_okay=False, readable=True, show_default=False)],
    into: Annotated[Optional[Path], typer.Option(
        "--into", help="Append the sources to this brief's `sources:` list instead of "
        "printing them.", exists=True, dir_okay=False, readable=True, writable=True,
        show_default=False)] = None,
) -> None:
    """Convert a reference manager's export to the brief's CSL-YAML sources."""
    from brief.console import print_diagnostics
    from brief.diagnostics import BriefError
    from brief.diagnostics import display_path
    from brief.output import write_output
    from brief.sources import append_sources, csl_yaml, read_references
    from brief.terminal import for_terminal, say

    try:
        items = read_references(file)
        if into is None:
            typer.echo(for_terminal(csl_yaml(items)), nl=False)
            raise typer.Exit(0)
        text = append_sources(into, items, display_path(file))
        # The brief is updated where it is: a symbolic link to it stays a link.
        write_output(text.encode("utf-8"), Path(os.path.realpath(into)), display_path(into))
    except BriefError as failure:
        print_diagnostics(failure)
        raise typer.Exit(1) from None
    say(f"added {len(items)} source{'s' if len(items) != 1 else ''} to {display_path(into)}")


@sources_app.command("list")
def sources_list(
    brief: Annotated[Path, typer.Argument(
        help="The brief whose sources to list.", exists=True, dir_okay=False, readable=True,
        show_default=False)],
) -> None:
    """List each source with how often and where it is cited; flag unused ones."""
    from brief.console import print_diagnostics
    from brief.diagnostics import BriefError
    from brief.load import load_brief
    from brief.sources import source_uses
    from brief.terminal import for_terminal

    try:
        uses = source_uses(load_brief(brief))
    except BriefError as failure:
        print_diagnostics(failure)
        raise typer.Exit(1) from None
    width = max((len(use.id) for use in uses), default=0)
    for use in uses:
        places = ", ".join(f"{at.path}:{at.line}:{at.column}" for at in use.cited_at)
        typer.echo(for_terminal(f"{use.id:{width}}  {len(use.cited_at):3}  "
                                f"{places or 'unused'}"))


@app.command()
def schema() -> None:
    """Print the JSON Schema of the brief file format (for editors that check YAML)."""
    import json

    from brief.model import json_schema

    typer.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))
