"""The pipeline for one brief (load -> check -> cite -> render -> pdf -> atomic write), and for
many: found in folders, skipped when up to date, laid out in parallel processes."""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from brief.diagnostics import (
    BriefError,
    Diagnostic,
    Location,
    error,
    sort_diagnostics,
    warning,
)

if TYPE_CHECKING:  # imported where used: `brief check` and up-to-date builds need none of them
    from brief.brand import Brand
    from brief.cite import Citations
    from brief.engine import LayoutProcess
    from brief.evidence import Evidence
    from brief.load import LoadedBrief
    from brief.pdf import LaidOut, LayoutJob, SourceBox

OutputFormat = Literal["pdf", "html"]


@dataclass(frozen=True)
class BuildOptions:
    format: OutputFormat = "pdf"
    layout: str | None = None  # None: the brief's own `layout`
    paper: str = "a4"
    style: str | None = None  # None: the brief's own `style`
    strict: bool = False
    output: Path | None = None  # None: beside the brief
    force: bool = False  # rebuild even when the output is up to date
    allow_network: bool = False  # web images and logos may be fetched
    brand: Path | None = None  # None: the brief's own `brand`
    pdf_variant: str | None = None  # None: tagged PDF/UA-1; else a PDF/A variant
    for_print: bool = False  # bleed and crop marks for a print shop
    require_evidence: bool = False  # every quotation must be checked against a copy
    ledger: bool = False  # an Evidence appendix, and the JSON ledger attached to the PDF
    language: str | None = None  # None: the master; else the edition in this language

    def fingerprint(self) -> str:
        """The options (and environment) that change the output, for the up-to-date check."""
        return repr((os.environ.get("SOURCE_DATE_EPOCH"), self.format, self.layout, self.paper,
                     self.style, self.strict, self.allow_network,
                     self.brand and str(self.brand.resolve()), self.pdf_variant, self.for_print,
                     self.require_evidence, self.ledger, self.language))


@dataclass
class BuildResult:
    source: Path
    output: Path | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    skipped: bool = False  # the output was already up to date
    contents: str | None = None  # what a check went through: "2 sections, 8 claims, …"
    title: str | None = None  # the brief's title, as plain text, once it has loaded
    page_sizes: list[tuple[float, float]] = field(default_factory=list)  # of a PDF laid out
    source_boxes: list[SourceBox] = field(default_factory=list)  # where its blocks went
    inputs: list[Path] = field(default_factory=list)  # the files it read, as far as it got
    language: str | None = None  # the edition built (None: the master)
    press: str | None = None  # a print build: the printing condition it was made for

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)


def _strictly(diagnostics: list[Diagnostic], strict: bool) -> list[Diagnostic]:
    """With --strict every warning counts as an error."""
    if not strict:
        return diagnostics
    return [Diagnostic(d.location, "error", d.message, d.hint) for d in diagnostics]


def _lint(loaded, allow_network: bool) -> list[Diagnostic]:
    """The checks that need no rendering: the brief's own rules and its glyphs."""
    from brief.check import check_brief
    from brief.fonts import missing_glyphs

    return check_brief(loaded, allow_network) + missing_glyphs(loaded) + loaded.warnings


def _brand(loaded, override: Path | None):
    """The brand to apply (or None) and its warnings; BriefError if the brand file is wrong."""
    from brief.brand import brand_path, load_brand

    found = brand_path(loaded, override)
    if found is None:
        return None, []
    return load_brand(*found)


def check(path: Path, strict: bool = False, style: str | None = None,
          allow_network: bool = False, brand: Path | None = None,
          require_evidence: bool = False, language: str | None = None) -> BuildResult:
    """Load and lint a brief without rendering anything; quotations are checked against the
    copies of their sources."""
    from brief.cite import resolve_style
    from brief.evidence import check_evidence
    from brief.load import load_brief

    result = BuildResult(path, language=language)
    try:
        loaded = load_brief(path, language)
        result.contents = contents(loaded)
        result.diagnostics = _lint(loaded, allow_network)
        result.diagnostics += check_evidence(loaded, require_evidence).diagnostics
        result.diagnostics += _brand(loaded, brand)[1]
        resolve_style(style or loaded.brief.style, loaded.folder,
                      loaded.where.value(("style",)))
    except BriefError as failure:
        result.diagnostics += failure.diagnostics + _checks_of_partial(failure, allow_network)
    result.diagnostics = sort_diagnostics(_strictly(result.diagnostics, strict))
    return result


def verify(path: Path, require_evidence: bool = False, strict: bool = False,
           language: str | None = None):
    """Check a brief, its quotations and excerpts against its copies included: the result, the
    loaded brief and the ledger's rows (both None when the brief cannot be loaded)."""
    from brief.evidence import check_evidence
    from brief.ledger import ledger_rows
    from brief.load import load_brief

    result = BuildResult(path, language=language)
    try:
        loaded = load_brief(path, language)
    except BriefError as failure:
        result.diagnostics = failure.diagnostics
        return result, None, None
    evidence = check_evidence(loaded, require_evidence)
    # What `check` finds is part of the answer: a locator `check` refuses (`para 9`) must not
    # pass `verify --strict`.
    result.diagnostics = sort_diagnostics(_strictly(
        _lint(loaded, allow_network=False) + evidence.diagnostics, strict))
    return result, loaded, ledger_rows(loaded, evidence)


def contents(loaded: LoadedBrief) -> str:
    """What a brief holds, in words: what `brief check` went through."""
    from brief.model import Claim, Quote

    blocks = [block for section in loaded.brief.sections for block in section.body]
    counts = (
        (len(loaded.brief.sections), "section", "sections"),
        (sum(isinstance(block, Claim) for block in blocks), "claim", "claims"),
        (sum(isinstance(block, Quote) for block in blocks), "quotation", "quotations"),
        (sum(len(cluster.items) for *_, cluster in loaded.brief.citations()), "citation",
         "citations"),
        (len(loaded.brief.sources), "source", "sources"),
    )
    return ", ".join(f"{n} {one if n == 1 else many}" for n, one, many in counts if n)


def _checks_of_partial(failure: BriefError, allow_network: bool) -> list[Diagnostic]:
    """The lint problems of what could be loaded, so that one run reports them all."""
    from brief.check import check_brief

    return check_brief(failure.partial, allow_network) if failure.partial else []


def fingerprint(path: Path, options: BuildOptions) -> str:
    """What an output depends on besides the files it read: the options, and which editions
    exist (a new catalog adds its language to every edition's list of the others)."""
    from brief.catalog import catalogs_beside

    return options.fingerprint() + repr(sorted(catalogs_beside(path)))


def default_output(path: Path, options: BuildOptions) -> Path:
    """`STEM[.LANG][-handout].pdf` (or .html) beside the brief: no edition or layout of a
    brief ever writes over another's file."""
    name = path.stem
    if options.language:
        name += f".{options.language}"
    if (options.layout or own_setting(path, "layout")) == "handout":
        name += "-handout"
    return path.with_name(f"{name}.{options.format}")


def editions_of(path: Path, language: str | None) -> list[str | None]:
    """The editions `--language` asks for: None (the master), a language, or `all`: the
    master and the language of every catalog beside it."""
    from brief.catalog import catalogs_beside

    own = (own_setting(path, "language") or "en").lower()
    if language is None or language.lower() == own:
        return [None]
    if language.lower() == "all":
        return [None, *(found for found in catalogs_beside(path) if found.lower() != own)]
    return [language]


def own_setting(path: Path, key: str) -> str | None:
    """A top-level setting of a brief (`layout`, `language`) as written, read before the brief
    is loaded to name its outputs; None if unset or the file cannot be read (its build says
    why)."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return _top_level_settings(path, stat.st_mtime_ns, stat.st_size).get(key)


@functools.lru_cache(maxsize=64)
def _top_level_settings(path: Path, _modified: int, _size: int) -> dict[str, str]:
    import yaml

    from brief.limits import LIMITS, read_limited

    try:
        text = read_limited(path, str(path), Location(str(path)), "a brief",
                            LIMITS.file_bytes).decode("utf-8-sig")
        # Composed, not loaded: nothing is built, and aliases are not expanded. (Not through
        # brief.yaml_positions, whose model an up-to-date check has no time to import.)
        tree = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (BriefError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    if not isinstance(tree, yaml.MappingNode):
        return {}
    return {key.value: value.value for key, value in tree.value
            if isinstance(key, yaml.ScalarNode) and isinstance(value, yaml.ScalarNode)
            and key.value in ("layout", "language")}


def clashing_outputs(builds: list[tuple[Path, BuildOptions]]) -> list[str]:
    """The outputs that several of these builds would be written to."""
    targets = [options.output or default_output(path, options) for path, options in builds]
    return sorted({str(target) for target in targets if targets.count(target) > 1})


def up_to_date(path: Path, options: BuildOptions) -> BuildResult | None:
    """A skipped result when the output was built from exactly these inputs, else None."""
    from brief import freshness
    from brief.resources import templates_folder

    output = options.output or default_output(path, options)
    if options.force:
        return None
    standing = freshness.standing_warnings(output, path, fingerprint(path, options),
                                           templates_folder())
    if standing is None:
        return None
    return BuildResult(path, output, standing, skipped=True, language=options.language)


@dataclass
class _Prepared:
    """A brief turned into HTML, ready for its layout (or, as HTML, for writing)."""

    result: BuildResult
    options: BuildOptions
    loaded: LoadedBrief
    citations: Citations
    brand: Brand | None
    html: str
    layout_job: LayoutJob | None  # None for HTML output
    evidence: Evidence


def _prepare(path: Path, options: BuildOptions) -> _Prepared | BuildResult:
    """Load, check, cite and template a brief; a finished result if it stops here."""
    from concurrent.futures import ThreadPoolExecutor

    from brief.cite import format_citations
    from brief.evidence import check_evidence
    from brief.load import load_brief
    from brief.markup import plain_text
    from brief.output import refuse_overwriting_an_input
    from brief.pdf import LayoutJob
    from brief.press import creation_time
    from brief.render import preload, render_html
    from brief.resources import templates_folder

    result = BuildResult(path, language=options.language)
    try:
        loaded = load_brief(path, options.language)
        result.title = plain_text(loaded.brief.title)
        result.inputs = files_read(loaded, (), None) + _brand_file(loaded, options.brand)
        result.diagnostics = _lint(loaded, options.allow_network)
        evidence = check_evidence(loaded, options.require_evidence)
        result.diagnostics = _strictly(result.diagnostics + evidence.diagnostics, options.strict)
        if options.ledger and result.ok:
            result.diagnostics += _ledger_problems(loaded, options)
        if result.ok:
            brand, brand_warnings = _brand(loaded, options.brand)
            result.diagnostics += _strictly(brand_warnings, options.strict)
        if not result.ok:
            result.diagnostics = sort_diagnostics(result.diagnostics)
            return result
        press = _press(brand, loaded) if options.for_print and options.format == "pdf" else None
        if press is not None:
            result.press = f"PDF/X-4 for {press.condition} ({press.description})"
        layout = options.layout or loaded.brief.layout
        with ThreadPoolExecutor(max_workers=1) as background:
            citing = background.submit(format_citations, loaded, options.style,
                                       every_author=layout == "handout")
            try:
                preload(loaded.brief.language, layout)
                citations = citing.result()
            except KeyboardInterrupt:  # or a kill: the thread's pandoc ends too, not later
                from brief.pandoc import stop_all

                stop_all()
                raise
        result.inputs = files_read(loaded, citations.style.files, brand)  # all of them, now
        refuse_overwriting_an_input(options.output or default_output(path, options),
                                    result.inputs, loaded, "building",
                                    loaded.path.with_suffix(".pdf").name)
        ledger = appendix = None
        if options.ledger:
            from brief.ledger import ledger_rows
            from brief.render import evidence_appendix

            ledger = ledger_rows(loaded, evidence)
            appendix = evidence_appendix(loaded.brief, ledger, options.format == "pdf")
        html = render_html(loaded, citations, paper=options.paper, layout=layout, brand=brand,
                           for_print=options.for_print, lede=layout == "handout",
                           ledger=appendix, allow_network=options.allow_network,
                           source_lines=options.format == "pdf",
                           screen=options.format == "html")
        # A handout tries with its summary first, and without it when that takes two pages.
        shorter = render_html(loaded, citations, paper=options.paper, layout=layout,
                              brand=brand, for_print=options.for_print,
                              allow_network=options.allow_network,
                              source_lines=options.format == "pdf",
                              screen=options.format == "html") \
            if layout == "handout" and loaded.brief.key_messages else None
    except BriefError as failure:
        result.diagnostics += failure.diagnostics + _strictly(
            _checks_of_partial(failure, options.allow_network), options.strict)
        result.diagnostics = sort_diagnostics(result.diagnostics)
        return result
    # Folders resolved here: a layout process may not share this process's working folder.
    # The brand's folder is not among them: its logo is embedded already, and nothing else
    # there (an organisation's other files) is the brief's to read.
    layout_job = None if options.format == "html" else LayoutJob(
        html=html, base_folder=loaded.folder.resolve(),
        allowed_folders=[folder.resolve() for folder in [loaded.folder, templates_folder()]],
        brief_file=loaded.where.brief_file, allow_network=options.allow_network,
        variant=options.pdf_variant, max_pages=1 if layout == "handout" else None,
        shorter_html=shorter, fill_page=layout == "handout",
        summary_at=loaded.where.value(("summary",)) if layout == "brief" else None,
        attachments=_ledger_attachment(loaded, ledger) if ledger is not None else [],
        press=press, created=creation_time(loaded.brief.date) if press else None)
    return _Prepared(result, options, loaded, citations, brand, html, layout_job, evidence)


def _press(brand, loaded):
    """The printing condition of a print build: the brand's print shop's, else brief's own
    FOGRA39 profile; BriefError if the brand's profile is no CMYK press profile."""
    from dataclasses import replace as changed

    from brief.press import Press, default_press, profile_description, read_profile

    settings = brand.press if brand else None
    press = default_press()
    if settings is not None and settings.profile is not None:
        data = read_profile(settings.profile, settings.profile.name, settings.at)
        description = profile_description(data)
        press = Press(data, settings.condition or description, description)
    if settings is not None and settings.ink_limit:
        press = changed(press, ink_limit=settings.ink_limit)
    if brand and brand.cmyk:
        press = changed(press, exact={_rgb(colour): inks for colour, inks in brand.cmyk.items()})
    return press


def _rgb(colour: str) -> tuple[float, float, float]:
    """#rrggbb as the PDF writes it: three numbers from 0 to 1, rounded as the press pass
    rounds them."""
    return tuple(round(int(colour[i:i + 2], 16) / 255, 4) for i in (1, 3, 5))


def _ledger_problems(loaded, options: BuildOptions) -> list[Diagnostic]:
    """--ledger needs a layout with room for an appendix, and a PDF that may carry files."""
    at = Location(loaded.where.brief_file)
    if (options.layout or loaded.brief.layout) == "handout":
        return [error(at, "a handout has no room for the Evidence appendix",
                      "build the full brief with --ledger, or the handout without it")]
    variant = options.pdf_variant or ""
    if options.format == "pdf" and variant.startswith(("pdf/a-1", "pdf/a-2")):
        return [error(at, f"{variant.upper()} cannot carry the JSON ledger as an attached "
                      "file", "use --pdf-variant pdf/a-3u, which allows "
                      "associated files, or build without --ledger")]
    return []


def _ledger_attachment(loaded, ledger) -> list[tuple[str, bytes, str]]:
    """The JSON ledger, as a file attached to the PDF: (name, bytes, description)."""
    from brief.ledger import ledger_json

    return [("evidence-ledger.json", ledger_json(loaded, ledger).encode("utf-8"),
             "Evidence ledger: every citing passage and the words in its sources that support "
             "it (W3C Web Annotation collection)")]


def _finish(prepared: _Prepared, lay_out: Callable[[], LaidOut]) -> BuildResult:
    """Lay out (with `lay_out`, which returns pdf.render_pdf's answer) and write the output;
    on any error nothing is written."""
    from brief import freshness
    from brief.handout import overflow_error
    from brief.output import write_output
    from brief.pdf import RefusedFetches, TooManyPages
    from brief.resources import templates_folder

    result, options = prepared.result, prepared.options
    output = options.output or default_output(result.source, options)
    try:
        if prepared.layout_job is None:
            data = prepared.html.encode("utf-8")
        else:
            try:
                laid_out = lay_out()
            except TooManyPages as too_long:
                raise BriefError([overflow_error(prepared.loaded, too_long.pages,
                                                 too_long.overflow_mm)]) from None
            except RefusedFetches as refused:
                raise BriefError(_located_refusals(prepared, refused)) from None
            data = laid_out.pdf
            result.diagnostics += _strictly(
                laid_out.warnings + _coarse_pictures(prepared, laid_out.pictures),
                options.strict)
            result.page_sizes, result.source_boxes = laid_out.page_sizes, laid_out.source_boxes
        if result.ok:
            write_output(data, output)
            result.output = output
            freshness.remember(output, result.source, result.inputs,
                               fingerprint(result.source, options), templates_folder(),
                               result.diagnostics)
    except BriefError as failure:
        result.diagnostics += failure.diagnostics
    result.diagnostics = sort_diagnostics(result.diagnostics)
    return result


def _picture_files(prepared: _Prepared) -> list[tuple[str, Path, Location]]:
    """Each picture and logo of a build that is a file: (what, file, where it is named)."""
    from brief.check import resolve_picture
    from brief.diagnostics import display_path
    from brief.markup import find_images

    loaded, options = prepared.loaded, prepared.options
    pictures: list[tuple[str, str, Location]] = []  # (what, written, where)
    if loaded.brief.organisation.logo:
        pictures.append(("logo", loaded.brief.organisation.logo,
                         loaded.where.value(("organisation", "logo"))))
    for path, text in loaded.brief.markdown_fields():
        if path[-1] == "text":
            pictures += [("picture", image.source, loaded.where.within(path, text, image.offset))
                         for image in find_images(text)]
    files: list[tuple[str, Path, Location]] = []
    for what, written, at in pictures:
        try:
            resolved = resolve_picture(loaded.folder, written, at, what, options.allow_network)
        except BriefError:
            continue
        if isinstance(resolved, Path):
            files.append((f"{what} `{written}`", resolved, at))
    if prepared.brand and prepared.brand.logo:
        files.append((f"the brand's logo `{prepared.brand.logo.path.name}`",
                      prepared.brand.logo.path, Location(display_path(prepared.brand.path))))
    return files


def _located_refusals(prepared: _Prepared, refused) -> list[Diagnostic]:
    """Each refused address said at the logo or picture whose file holds it (an SVG's font or
    image), else where the layout said."""
    from urllib.parse import unquote, urlsplit

    from brief.pdf import refusal

    files = _picture_files(prepared)
    diagnostics = []
    for url in refused.urls:
        spellings = {url, unquote(url), unquote(urlsplit(url).path)} - {""}
        holder = next(((what, at) for what, file, at in files
                       if any(spelling in _text_of(file) for spelling in spellings)), None)
        what, at = holder or ("the brief", refused.at)
        diagnostics.append(refusal(url, at, prepared.options.allow_network, what))
    return diagnostics


PRINT_PPI, COARSE_PPI = 300, 150  # what print shops ask of pictures; below this they blur


def _coarse_pictures(prepared: _Prepared, printed) -> list[Diagnostic]:
    """A warning for each raster picture a print build prints below 300 ppi, at the picture
    or logo that names it: its pixels are known by its size."""
    from PIL import Image, UnidentifiedImageError

    sizes: dict[tuple[int, int], tuple[str, Location]] = {}
    for what, file, at in _picture_files(prepared):
        if file.suffix.lower() == ".svg":
            continue  # drawn, not made of pixels
        try:
            with Image.open(file) as picture:
                sizes.setdefault(picture.size, (what, at))
        except (OSError, UnidentifiedImageError):
            continue  # reported where the picture was checked
    found: dict[tuple[str, Location], float] = {}
    for use in printed:
        if use.ppi < PRINT_PPI and (use.width, use.height) in sizes:
            holder = sizes[(use.width, use.height)]
            found[holder] = min(use.ppi, found.get(holder, use.ppi))
    return [warning(at, f"the {what.removeprefix('the ')} prints at {ppi:.0f} ppi; a print shop asks for "
                    f"{PRINT_PPI}" + (", and below 150 it looks blurred" if ppi < COARSE_PPI
                                      else ""),
                    f"give a picture with at least {PRINT_PPI / ppi:.1f} times as many pixels "
                    "each way, or an SVG")
            for (what, at), ppi in found.items()]


def _text_of(file: Path) -> str:
    try:
        return file.read_bytes().decode("utf-8", "replace")
    except OSError:
        return ""


def build(path: Path, options: BuildOptions) -> BuildResult:
    """Build one brief; on any error nothing is written and an earlier output stays intact."""
    from brief import engine

    if skipped := up_to_date(path, options):
        return skipped
    prepared = _prepare(path, options)
    if isinstance(prepared, BuildResult):
        return prepared
    return _finish(prepared, lambda: engine.render_pdf(**prepared.layout_job))


def _brand_file(loaded, override: Path | None) -> list[Path]:
    """The brand file the brief names, if any, even one that cannot be read yet."""
    from brief.brand import brand_path

    try:
        found = brand_path(loaded, override)
    except BriefError:
        return []  # outside the brief's folder: reported by the build
    return [found[0]] if found else []


def files_read(loaded, style_files: tuple[Path, ...] = (), brand=None) -> list[Path]:
    """Every file a build of this brief read: for the up-to-date check, and what no output
    may overwrite."""
    from brief.check import is_web_address
    from brief.editions import catalog_files
    from brief.evidence import copy_files
    from brief.markup import find_images

    pictures = [image.source for path, text in loaded.brief.markdown_fields()
                if path[-1] == "text" for image in find_images(text)]
    if loaded.brief.organisation.logo:
        pictures.append(loaded.brief.organisation.logo)
    brand_files = [brand.path, *([brand.logo.path] if brand.logo else []),
                   *([brand.press.profile] if brand.press and brand.press.profile else [])
                   ] if brand else []
    return [loaded.path, *loaded.source_files, *style_files, *brand_files,
            *(loaded.folder / p for p in pictures if not is_web_address(p)),
            *copy_files(loaded), *catalog_files(loaded)]


# What tells a brief from the other YAML files beside it, judged on the text alone.
REQUIRED_KEYS = ("title", "date", "organisation", "summary", "sections", "recommendations",
                 "sources")
BRAND_KEYS = ("meta", "color", "logo", "typography", "defaults", "print")
TOP_LEVEL_KEY_RE = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]|$)", re.M)
TOP_LEVEL_LIST_RE = re.compile(r"^(?:-(?:[ \t]|$)|\[)", re.M)


@dataclass(frozen=True)
class Ignored:
    """A YAML file in a folder of briefs that is not built, and why."""

    path: Path
    reason: str

    def format(self) -> str:
        return f"{self.path}: ignored: {self.reason}"


def not_a_brief(text: str) -> str | None:
    """Why a YAML file found in a folder is not a brief, or None if it looks like one.

    A file with three of a brief's required keys, even misspelt, is taken for a brief, so that
    its mistakes are reported rather than the file passed over.
    """
    import difflib

    keys = TOP_LEVEL_KEY_RE.findall(text)
    if "references" in keys:
        return "a sources file (it has `references:`), not a brief"
    if not keys and TOP_LEVEL_LIST_RE.search(text):
        return "a list, as in a sources file, not a brief"
    if keys and set(keys) <= set(BRAND_KEYS):
        return "a brand file, not a brief"
    found = [key for key in REQUIRED_KEYS
             if difflib.get_close_matches(key, keys, n=1, cutoff=0.75)]
    if len(found) >= 3:
        return None
    having = f"only {', '.join(f'`{key}`' for key in found)}" if found else "none"
    return (f"not a brief: it has {having} of the keys a brief needs "
            f"({', '.join(REQUIRED_KEYS)})")


def find_briefs(paths: list[Path], skipped: list[Diagnostic] | None = None,
                ignored: list[Ignored] | None = None) -> list[Path]:
    """The briefs named, with folders replaced by the briefs directly inside them.

    A folder's links that lead out of it, and what is no regular file (a named pipe would
    never end), are not built: each is added to `skipped` as a warning. Every other YAML file
    in a folder that is not taken for a brief (sources and brand files, and other YAML) is
    added to `ignored` with the reason.
    """
    found: list[Path] = []
    for path in paths:
        if not path.is_dir():
            found.append(path)
            continue
        folder = path.resolve()
        for candidate in sorted([*path.glob("*.yaml"), *path.glob("*.yml")]):
            if candidate.name.startswith("."):
                continue
            reason = _not_a_brief_file(candidate, folder)
            if reason:
                if skipped is not None:
                    hint = "name it on the command line to build it all the same" \
                        if candidate.is_symlink() else None
                    skipped.append(warning(Location(str(candidate)), f"not built: {reason}",
                                           hint))
                continue
            try:
                reason = not_a_brief(candidate.read_text("utf-8", errors="replace"))
            except OSError as failure:
                reason = f"cannot be read: {failure.strerror}"
            if reason is None:
                found.append(candidate)
            elif ignored is not None:
                ignored.append(Ignored(candidate, reason))
    return list(dict.fromkeys(found))


def _not_a_brief_file(candidate: Path, folder: Path) -> str | None:
    """Why a file found in a folder is no brief to build, if it is not."""
    import stat

    if candidate.is_symlink() and not candidate.resolve().is_relative_to(folder):
        return f"it is a link to {candidate.resolve()}, outside the folder"
    try:
        mode = candidate.stat().st_mode  # never opened first: a named pipe would wait forever
    except OSError:
        return "it is a link to nothing"
    if stat.S_ISDIR(mode):
        return "it is a folder"
    if not stat.S_ISREG(mode):
        return "it is not a regular file (a named pipe or a device?)"
    return None


def build_many(builds: list[tuple[Path, BuildOptions]], jobs: int = 1
               ) -> Iterator[BuildResult]:
    """Build several briefs (or editions), `jobs` layouts at a time; yields each result as it
    ends."""
    from brief import engine

    pending = []
    for path, options in builds:
        if skipped := up_to_date(path, options):
            yield skipped
        else:
            pending.append((path, options))
    # Each of these was just found out of date: `force` spares checking that again.
    pending = [(path, replace(options, force=True)) for path, options in pending]
    to_lay_out = sum(options.format == "pdf" for _, options in pending)
    if not to_lay_out:
        engine.stop()  # nothing to lay out: the layout processes can go at once
    if jobs <= 1 or to_lay_out <= 1:
        for path, options in pending:
            yield build(path, options)
        return
    started_here = not engine.running()
    engine.start(min(jobs, to_lay_out))  # brief used as a library; the command has them
    try:
        yield from _build_in_parallel(pending, engine.running())
    finally:
        if started_here:
            engine.stop()


def _build_in_parallel(pending: list[tuple[Path, BuildOptions]],
                       processes: list[LayoutProcess]) -> Iterator[BuildResult]:
    """Prepare each brief here while the layout processes lay out the ones prepared before.

    Preparing (loading, citing, templating) takes a fraction of a layout, so it hides behind
    them, and the one WeasyPrint the first process loaded serves them all. A brief whose
    build fails in an unforeseen way is reported, and the batch goes on.
    """
    import selectors
    from collections import deque

    from brief import engine

    waiting, idle = deque(pending), list(processes)
    laying_out: dict[LayoutProcess, _Prepared] = {}
    ready: _Prepared | None = None
    while waiting or ready or laying_out:
        if ready is None and waiting:
            path, options = waiting.popleft()
            prepared = _unforeseen_failure(path, lambda: _prepare(path, options))
            if isinstance(prepared, BuildResult):
                yield prepared
            elif prepared.layout_job is None:
                yield _unforeseen_failure(path, lambda: _finish(prepared, lambda: None))
            else:
                ready = prepared
            continue
        if ready is not None and idle:
            process = idle.pop()
            if process.send(ready.layout_job):
                laying_out[process], ready = ready, None
        elif laying_out:
            with selectors.DefaultSelector() as selector:
                for process in laying_out:
                    selector.register(process.reply_reader, selectors.EVENT_READ, process)
                process = selector.select()[0][0].data
            done = laying_out.pop(process)
            yield _unforeseen_failure(done.result.source, lambda: _finish(done, process.receive))
            if process.alive:
                idle.append(process)
        elif ready is not None:  # every layout process has stopped: lay out here
            job, done, ready = ready.layout_job, ready, None
            yield _unforeseen_failure(done.result.source,
                                      lambda: _finish(done, lambda: engine.render_pdf(**job)))


def _unforeseen_failure(path: Path, step: Callable[[], _Prepared | BuildResult]
                        ) -> _Prepared | BuildResult:
    """The step's outcome; a failed result if it raised, so that one brief cannot stop a
    batch (what a single build would show as a bug)."""
    try:
        return step()
    except Exception as failure:  # noqa: BLE001 - reported to the user, the batch goes on
        return BuildResult(path, diagnostics=[error(
            Location(str(path)), f"the build stopped unexpectedly: {failure}",
            "build this brief on its own to see more, and please report it")])
