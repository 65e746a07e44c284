"""The pipeline for one brief: load -> check -> cite -> render -> pdf -> atomic write."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from brief.diagnostics import BriefError, Diagnostic, Location, error, sort_diagnostics

OutputFormat = Literal["pdf", "html"]


@dataclass(frozen=True)
class BuildOptions:
    format: OutputFormat = "pdf"
    layout: str | None = None  # None: the brief's own `layout`
    paper: str = "a4"
    style: str | None = None  # None: the brief's own `style`
    strict: bool = False
    output: Path | None = None  # None: beside the brief
    brand: Path | None = None  # None: the brief's own `brand`
    pdf_variant: str | None = None  # None: tagged PDF/UA-1; else a PDF/A variant
    for_print: bool = False  # bleed and crop marks for a print shop


@dataclass
class BuildResult:
    source: Path
    output: Path | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)


def _strictly(diagnostics: list[Diagnostic], strict: bool) -> list[Diagnostic]:
    """With --strict every warning counts as an error."""
    if not strict:
        return diagnostics
    return [Diagnostic(d.location, "error", d.message, d.hint) for d in diagnostics]


def _lint(loaded) -> list[Diagnostic]:
    """The checks that need no rendering: the brief's own rules and its glyphs."""
    from brief.check import check_brief
    from brief.fonts import missing_glyphs

    return check_brief(loaded) + missing_glyphs(loaded)


def _brand(loaded, override: Path | None):
    """The brand to apply (or None) and its warnings; BriefError if the brand file is wrong."""
    from brief.brand import brand_path, load_brand

    found = brand_path(loaded, override)
    if found is None:
        return None, []
    return load_brand(*found)


def check(path: Path, strict: bool = False, style: str | None = None,
          brand: Path | None = None) -> BuildResult:
    """Load and lint a brief without rendering anything."""
    from brief.cite import resolve_style
    from brief.load import load_brief

    result = BuildResult(path)
    try:
        loaded = load_brief(path)
        result.diagnostics = _lint(loaded)
        result.diagnostics += _brand(loaded, brand)[1]
        resolve_style(style or loaded.brief.style, loaded.folder,
                      loaded.where.value(("style",)))
    except BriefError as failure:
        result.diagnostics += failure.diagnostics
    result.diagnostics = sort_diagnostics(_strictly(result.diagnostics, strict))
    return result


def default_output(path: Path, options: BuildOptions) -> Path:
    return path.with_suffix(f".{options.format}")


def build(path: Path, options: BuildOptions) -> BuildResult:
    """Build one brief; on any error nothing is written and an earlier output stays intact."""
    from brief.cite import format_citations
    from brief.handout import overflow_error
    from brief.load import load_brief
    from brief.pdf import TooManyPages, render_pdf, write_atomically
    from brief.render import render_html, templates_folder

    result = BuildResult(path)
    try:
        loaded = load_brief(path)
        result.diagnostics = _strictly(_lint(loaded), options.strict)
        if not result.ok:
            result.diagnostics = sort_diagnostics(result.diagnostics)
            return result
        brand, brand_warnings = _brand(loaded, options.brand)
        result.diagnostics += _strictly(brand_warnings, options.strict)
        if not result.ok:
            result.diagnostics = sort_diagnostics(result.diagnostics)
            return result
        layout = options.layout or loaded.brief.layout
        if not (templates_folder() / layout / f"{layout}.html").is_file():
            raise BriefError([error(loaded.where.value(("layout",)),
                                    f"the `{layout}` layout is not installed",
                                    "use `brief` (the full brief)")])
        citations = format_citations(loaded, options.style)
        html = render_html(loaded, citations, paper=options.paper, layout=layout, brand=brand,
                           for_print=options.for_print)
        output = options.output or default_output(path, options)
        if options.format == "html":
            data = html.encode("utf-8")
        else:
            allowed = [loaded.folder, templates_folder()] + ([brand.folder] if brand else [])
            try:
                data, layout_warnings = render_pdf(
                    html, loaded.folder, allowed, loaded.where.brief_file,
                    variant=options.pdf_variant,
                    max_pages=1 if layout == "handout" else None)
            except TooManyPages as too_long:
                raise BriefError([overflow_error(loaded, too_long.pages,
                                                 too_long.overflow_mm)]) from None
            result.diagnostics += _strictly(layout_warnings, options.strict)
            if not result.ok:
                result.diagnostics = sort_diagnostics(result.diagnostics)
                return result
        try:
            write_atomically(data, output)
        except OSError as failure:
            raise BriefError([error(Location(str(output)),
                                    f"cannot write the output: {failure.strerror}",
                                    "check that the folder exists and is writable")]) from None
        result.output = output
    except BriefError as failure:
        result.diagnostics += failure.diagnostics
    result.diagnostics = sort_diagnostics(result.diagnostics)
    return result
