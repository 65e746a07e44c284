"""Brand files in Quarto's brand.yml format: colours, logo and type faces of an organisation.

An organisation that already keeps a `_brand.yml` for Quarto reuses it as it is. The subset that
a printed brief can use is read and checked here (colours, logo, the text and heading faces);
the rest of the format is valid and ignored. Every value is checked before it reaches the
stylesheet: colours are parsed and written back in one normal form, so that nothing but a colour
can ever land in the CSS.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from brief.check import IMAGE_SUFFIXES
from brief.diagnostics import BriefError, Diagnostic, Location, did_you_mean, error, warning
from brief.load import LoadedBrief
from brief.model import NodePath
from brief.source_files import resolve_inside
from brief.yaml_positions import SourceMap, read_yaml_file

# The keys of brand.yml, so that a typo is an error while the parts we do not use are not.
BRAND_KEYS: dict[NodePath, tuple[str, ...]] = {
    (): ("meta", "color", "logo", "typography", "defaults", "print"),
    ("color",): ("palette", "primary", "secondary", "tertiary", "foreground", "background",
                 "success", "info", "warning", "danger", "light", "dark"),
    ("logo",): ("images", "small", "medium", "large"),
    ("typography",): ("fonts", "base", "headings", "monospace", "monospace-inline",
                      "monospace-block", "link"),
}
TYPE_KEYS = ("family", "size", "weight", "style", "line-height", "color")
LOGO_SIZES_PREFERRED = ("medium", "large", "small")  # print wants the medium one first
MAX_FAMILY_LENGTH = 100


@dataclass(frozen=True)
class Logo:
    path: Path
    alt: str


@dataclass(frozen=True)
class Brand:
    """What a brand changes in the layout: colours (CSS custom properties), faces, logo."""

    colours: dict[str, str] = field(default_factory=dict)  # property name -> #rrggbb
    text_family: str | None = None
    heading_family: str | None = None
    logo: Logo | None = None
    path: Path | None = None  # the brand file itself
    # brand colours given in CMYK: the colour on screen (#rrggbb) -> the inks a press prints
    cmyk: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)
    press: PressSettings | None = None  # `print:` the print shop's printing condition


@dataclass(frozen=True)
class PressSettings:
    """The brand's `print:`: the print shop's CMYK profile and printing condition."""

    profile: Path | None
    condition: str | None
    ink_limit: int | None
    at: Location  # where the profile is named (else `print:` itself)

def brand_path(loaded: LoadedBrief, override: Path | None) -> tuple[Path, Location] | None:
    """The brand file to use: the CLI's `--brand`, else the brief's own `brand:`."""
    if override is not None:
        return override, Location(str(override))
    if loaded.brief.brand is None:
        return None
    at = loaded.where.value(("brand",))
    return resolve_inside(loaded.folder, loaded.brief.brand, at, "brand file"), at


def load_brand(path: Path, at: Location) -> tuple[Brand, list[Diagnostic]]:
    """Read and check a brand file: the brand and its warnings; BriefError on any error."""
    if not path.is_file():
        raise BriefError([error(at, f"brand file not found: {path.name}",
                                "paths are relative to the folder of the brief")])
    data, where = read_yaml_file(path, at)
    if data is None:
        return Brand(path=path), []
    problems: list[Diagnostic] = []
    _check_keys(data, (), where, problems)
    colour_section = _mapping(data, ("color",), where, problems)
    colours = _colours(colour_section, where, problems)
    cmyk = _given_in_cmyk(colour_section, colours)
    typography = _mapping(data, ("typography",), where, problems)
    text_family = _family(typography, "base", where, problems)
    heading_family = _family(typography, "headings", where, problems)
    logo = _logo(_mapping(data, ("logo",), where, problems), path.parent, where, problems)
    press = _press(data.get("print") if isinstance(data, dict) else None, path.parent, where,
                   problems)
    if any(problem.is_error for problem in problems):
        raise BriefError(problems)
    return Brand(colours, text_family, heading_family, logo, path, cmyk, press), problems


def _check_keys(data: Any, path: NodePath, where: SourceMap,
                problems: list[Diagnostic]) -> None:
    if not isinstance(data, dict):
        problems.append(error(where.value(path), "a brand file is a mapping of keys such as "
                              "`color` and `logo`" if not path else
                              f"`{path[-1]}` should be a mapping of keys"))
        return
    allowed = BRAND_KEYS[path]
    for key, value in data.items():
        if key not in allowed:
            problems.append(error(where.key(path + (key,)), f"unknown brand key `{key}`",
                                  did_you_mean(key, allowed)
                                  or f"allowed here: {', '.join(allowed)}"))
        elif path + (key,) in BRAND_KEYS:
            _check_keys(value, path + (key,), where, problems)


def _mapping(data: Any, path: NodePath, where: SourceMap,
             problems: list[Diagnostic]) -> dict[str, Any]:
    value = data.get(path[-1]) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


# --- colours -----------------------------------------------------------------------------

def parse_colour(value: Any) -> tuple[float, float, float] | str:
    """An opaque sRGB colour as (r, g, b) in 0..1, or the reason it is not one. A colour
    given in inks (`device-cmyk(1 0.6 0 0.2)`) is shown on screen as those inks on white
    paper would look, and printed as given (given_cmyk)."""
    if not isinstance(value, str) or not value.strip():
        return "a colour is text such as `#1b365d`, `rgb(27 54 93)` or `navy`"
    parsed = _parsed_colour(value)
    if parsed is None or isinstance(parsed, str):  # None, or `currentcolor`
        return f"`{value}` is not a CSS colour"
    if parsed.space == "device-cmyk":
        if parsed.alpha < 1:
            return f"`{value}` is transparent; printed colours must be opaque"
        c, m, y, k = (min(1.0, max(0.0, v)) for v in parsed.coordinates)
        return (1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)
    try:
        red, green, blue = parsed.to("srgb").coordinates
    except NotImplementedError:
        return f"`{value}` is in a colour space print cannot use here"
    if parsed.alpha < 1:
        return f"`{value}` is transparent; printed colours must be opaque"
    return tuple(min(1.0, max(0.0, channel)) for channel in (red, green, blue))


def _parsed_colour(value: str):
    import tinycss2.color5

    return tinycss2.color5.parse_color(value.strip())


def given_cmyk(value: Any) -> tuple[float, float, float, float] | None:
    """The inks of a colour written as `device-cmyk(…)`, else None."""
    parsed = _parsed_colour(value) if isinstance(value, str) and value.strip() else None
    if parsed is None or isinstance(parsed, str) or parsed.space != "device-cmyk":
        return None
    return tuple(round(min(1.0, max(0.0, v)), 4) for v in parsed.coordinates)


# The layout's colours a brand sets as they are, and the brand.yml colour each one is.
GIVEN_AS_IS = {"primary": "primary", "accent": "secondary", "ink": "foreground",
               "paper": "background"}


def _given_in_cmyk(color: dict[str, Any], properties: dict[str, str]
                   ) -> dict[str, tuple[float, float, float, float]]:
    """The screen colour (#rrggbb) of each brand colour given in inks, and its inks."""
    palette = color.get("palette") if isinstance(color.get("palette"), dict) else {}
    found = {}
    for property_name, key in GIVEN_AS_IS.items():
        value = color.get(key)
        if isinstance(value, str) and value.strip() in palette:
            value = palette[value.strip()]
        inks = given_cmyk(value)
        if inks is not None and property_name in properties:
            found[properties[property_name]] = inks
    return found


def hex_colour(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(channel * 255):02x}" for channel in rgb)


def mix(colour: tuple[float, float, float], paper: tuple[float, float, float],
        amount: float) -> tuple[float, float, float]:
    """`amount` of `colour` on `paper`, as ink of that strength would print."""
    return tuple(c * amount + p * (1 - amount) for c, p in zip(colour, paper))


def _colours(color: dict[str, Any], where: SourceMap,
             problems: list[Diagnostic]) -> dict[str, str]:
    palette = color.get("palette") if isinstance(color.get("palette"), dict) else {}
    resolved: dict[str, tuple[float, float, float]] = {}
    for name, value in palette.items():
        rgb = parse_colour(value)
        if isinstance(rgb, str):
            problems.append(error(where.value(("color", "palette", name)), rgb,
                                  "write a hex colour such as `#1b365d`"))
        else:
            resolved[name] = rgb
    theme: dict[str, tuple[float, float, float]] = {}
    for key in ("primary", "secondary", "foreground", "background"):
        if key not in color:
            continue
        value = color[key]
        if isinstance(value, str) and value.strip() in palette:
            if value.strip() in resolved:
                theme[key] = resolved[value.strip()]
            continue  # the palette entry itself is reported
        rgb = parse_colour(value)
        if isinstance(rgb, str):
            problems.append(error(where.value(("color", key)), rgb,
                                  did_you_mean(str(value), palette)
                                  or "write a hex colour such as `#1b365d`, or the name of a "
                                  "colour in `color.palette`"))
        else:
            theme[key] = rgb
    properties = _properties(theme)
    problems.extend(_low_contrast(properties, set(theme), where))
    return properties


# The layout's own colours (templates/print.css), for what a brand leaves unset.
DEFAULT_COLOURS = {"primary": "#1b365d", "accent": "#b5452b", "tint": "#eef2f7",
                   "warm-tint": "#f8efe9", "ink": "#1d1d1f", "muted": "#5b6370",
                   "paper": "#ffffff", "white": "#ffffff"}
# Which brand.yml colour each property of the layout comes from.
THEME_KEY = {"primary": "primary", "tint": "primary", "accent": "secondary",
             "warm-tint": "secondary", "ink": "foreground", "muted": "foreground",
             "paper": "background"}
NORMAL_TEXT, LARGE_TEXT = 4.5, 3.0  # WCAG 2 AA; large is 18 pt, or 14 pt bold
# Text set in a colour on a background, in the brief and handout layouts: (text, background,
# what it sets, the contrast it needs).
TEXT_ON_BACKGROUND = (
    ("ink", "paper", "the text", NORMAL_TEXT),
    ("ink", "tint", "the summary", NORMAL_TEXT),
    ("muted", "paper", "the byline, footer and captions", NORMAL_TEXT),
    ("primary", "paper", "headings, links and note numbers", NORMAL_TEXT),
    ("primary", "tint", "the summary's heading", NORMAL_TEXT),
    ("primary", "warm-tint", "the addressees of recommendations", NORMAL_TEXT),
    ("white", "primary", "the handout's key messages", NORMAL_TEXT),
    ("accent", "paper", "note calls", NORMAL_TEXT),
    ("accent", "warm-tint", "the numbers of recommendations", NORMAL_TEXT),
)


def contrast_ratio(one: str, other: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours, from 1 to 21."""
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        red, green, blue = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
                            for c in channels]
        return 0.2126 * red + 0.7152 * green + 0.0722 * blue

    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _low_contrast(properties: dict[str, str], set_by_brand: set[str],
                  where: SourceMap) -> list[Diagnostic]:
    """A warning for each brand colour that sets text too faint to read on its background,
    located at the brand's colour that is to blame (the text's, else the background's)."""
    colours = {**DEFAULT_COLOURS, **properties}
    problems = []
    for text, background, what, needed in TEXT_ON_BACKGROUND:
        blamed = next((THEME_KEY[p] for p in (text, background)
                       if THEME_KEY.get(p) in set_by_brand), None)
        ratio = contrast_ratio(colours[text], colours[background])
        if blamed is None or ratio >= needed:
            continue
        problems.append(warning(
            where.value(("color", blamed)),
            f"`color.{blamed}` gives {what} a contrast of {ratio:.1f}:1 "
            f"({colours[text]} on {colours[background]}); text needs at least {needed:g}:1 "
            "to be read by everyone (WCAG AA)",
            f"choose a {'darker' if blamed != 'background' else 'lighter'} colour for "
            f"`color.{blamed}`"))
    return problems


def _properties(theme: dict[str, tuple[float, float, float]]) -> dict[str, str]:
    """The layout's colour properties from the brand's theme colours.

    The light panels and rules are tints of the brand's colours on its paper, in the same
    strengths as the default design, so a brand keeps the layout's contrast.
    """
    paper = theme.get("background", (1.0, 1.0, 1.0))
    properties = {}
    if "primary" in theme:
        properties["primary"] = hex_colour(theme["primary"])
        properties["tint"] = hex_colour(mix(theme["primary"], paper, 0.08))
        properties["rule"] = hex_colour(mix(theme["primary"], paper, 0.24))
    if "secondary" in theme:
        properties["accent"] = hex_colour(theme["secondary"])
        properties["warm-tint"] = hex_colour(mix(theme["secondary"], paper, 0.09))
    if "foreground" in theme:
        properties["ink"] = hex_colour(theme["foreground"])
        properties["muted"] = hex_colour(mix(theme["foreground"], paper, 0.7))
    if "background" in theme:
        properties["paper"] = hex_colour(paper)
    return properties


# --- type faces --------------------------------------------------------------------------

def _family(typography: dict[str, Any], key: str, where: SourceMap,
            problems: list[Diagnostic]) -> str | None:
    value = typography.get(key)
    if value is None:
        return None
    path: NodePath = ("typography", key)
    if isinstance(value, dict):
        for name in value:
            if name not in TYPE_KEYS:
                problems.append(error(where.key(path + (name,)), f"unknown brand key `{name}`",
                                      did_you_mean(name, TYPE_KEYS)
                                      or f"allowed here: {', '.join(TYPE_KEYS)}"))
        if "family" not in value:
            return None
        value, path = value["family"], path + ("family",)
    if not isinstance(value, str) or not value.strip():
        problems.append(error(where.value(path), "a font family is a name such as `Noto Sans`"))
        return None
    family = value.strip()
    if len(family) > MAX_FAMILY_LENGTH or any(not c.isprintable() or c in "\"'\\;{}<>"
                                               for c in family):
        problems.append(error(where.value(path), f"`{family}` is not a font family name",
                              "write the family's name as fc-list shows it, e.g. `Noto Sans`"))
        return None
    from brief.fonts import installed_families

    installed = installed_families()
    if installed and family.lower() not in installed:
        problems.append(warning(where.value(path), f"font `{family}` is not installed; the "
                                "default faces are used instead",
                                "install it (`fc-list` shows what is installed)"))
    return family


# --- logo ----------------------------------------------------------------------------------

def _logo(logo: dict[str, Any], folder: Path, where: SourceMap,
          problems: list[Diagnostic]) -> Logo | None:
    images = logo.get("images") if isinstance(logo.get("images"), dict) else {}
    for size in LOGO_SIZES_PREFERRED:
        if size not in logo:
            continue
        value, path = logo[size], ("logo", size)
        if isinstance(value, str) and value in images:  # a named image from `logo.images`
            value, path = images[value], ("logo", "images", value)
        return _image(value, path, folder, where, problems)
    return None


def _image(value: Any, path: NodePath, folder: Path, where: SourceMap,
           problems: list[Diagnostic]) -> Logo | None:
    at = where.value(path)
    if isinstance(value, str):
        problems.append(error(at, f"the logo `{value}` has no alt text",
                              f"write it as {{path: {value}, alt: the organisation's name}}, "
                              "so that readers who cannot see it hear what it is"))
        return None
    if not isinstance(value, dict) or not isinstance(value.get("path"), str):
        problems.append(error(at, "a logo is a path, or {path: logo.svg, alt: Name}"))
        return None
    alt = value.get("alt")
    if not isinstance(alt, str) or not alt.strip():
        problems.append(error(at, f"the logo `{value['path']}` has no alt text",
                              "add `alt: ` with the organisation's name"))
    try:
        file = resolve_inside(folder, value["path"], where.value(path + ("path",)), "logo",
                              "brand file")
    except BriefError as failure:
        problems.extend(failure.diagnostics)
        return None
    if not file.is_file():
        problems.append(error(where.value(path + ("path",)), f"logo not found: {value['path']}",
                              "paths are relative to the folder of the brand file"))
        return None
    if file.suffix.lower() not in IMAGE_SUFFIXES:
        problems.append(error(where.value(path + ("path",)),
                              f"`{value['path']}` is not an SVG, PNG or JPEG image"))
        return None
    return Logo(file, alt.strip()) if isinstance(alt, str) and alt.strip() else None


# --- print ---------------------------------------------------------------------------------

PRINT_KEYS = ("profile", "condition", "ink-limit")


def _press(section: Any, folder: Path, where: SourceMap,
           problems: list[Diagnostic]) -> PressSettings | None:
    """`print: {profile: shop.icc, condition: FOGRA39, ink-limit: 300}`: the profile found
    inside the brand's folder, as its logo is."""
    if section is None:
        return None
    at = where.value(("print",))
    if not isinstance(section, dict):
        problems.append(error(at, "`print` is a mapping: {profile: shop.icc, condition: "
                              "FOGRA39}"))
        return None
    for key in section:
        if key not in PRINT_KEYS:
            problems.append(error(where.key(("print", key)), f"unknown key `{key}` in `print`",
                                  did_you_mean(str(key), PRINT_KEYS)
                                  or f"allowed here: {', '.join(PRINT_KEYS)}"))
    profile = None
    if "profile" in section:
        written, place = section["profile"], where.value(("print", "profile"))
        if not isinstance(written, str) or not written.lower().endswith((".icc", ".icm")):
            problems.append(error(place, "`profile` is the print shop's ICC profile file, "
                                  "e.g. ISOcoated_v2_300.icc"))
        else:
            try:
                profile = resolve_inside(folder, written, place, "profile", "brand file")
            except BriefError as failure:
                problems.extend(failure.diagnostics)
    condition = section.get("condition")
    if condition is not None and (not isinstance(condition, str) or not condition.strip()
                                  or len(condition) > 100):
        problems.append(error(where.value(("print", "condition")), "`condition` names the "
                              "printing condition as registered, e.g. FOGRA39 or GRACoL2013"))
        condition = None
    if profile is not None and condition is None:
        problems.append(warning(at, "the print shop's profile is given without its printing "
                                "condition", "add `condition:` as the shop names it (e.g. "
                                "FOGRA51), which a preflight checks the file against"))
    limit = section.get("ink-limit")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)
                              or not 200 <= limit <= 400):
        problems.append(error(where.value(("print", "ink-limit")), "`ink-limit` is the total "
                              "ink the press allows, in per cent, from 200 to 400 (e.g. 300)"))
        limit = None
    return PressSettings(profile, condition.strip() if condition else None, limit,
                         where.value(("print", "profile")) if profile else at)


# --- colours on screen -------------------------------------------------------------------

DARK_PAPER = (0x15 / 255, 0x18 / 255, 0x1e / 255)


def contrast(one: tuple[float, float, float], other: tuple[float, float, float]) -> float:
    """contrast_ratio of two colours given as (r, g, b)."""
    return contrast_ratio(hex_colour(one), hex_colour(other))


def readable(colour: tuple[float, float, float], backgrounds: list[tuple[float, float, float]],
             towards: tuple[float, float, float]) -> tuple[float, float, float]:
    """`colour`, moved towards black or white only as far as text in it needs to be read on
    every one of `backgrounds`."""
    for step in range(51):
        candidate = mix(towards, colour, step / 50)
        if all(contrast(candidate, background) >= NORMAL_TEXT for background in backgrounds):
            return candidate
    return towards


def web_colours(colours: dict[str, str]) -> dict[str, str]:
    """Colour properties for the web edition: the brand's primary and accent as text that
    keeps its contrast on the page and its panels, light and dark.

    Print keeps the brand's colours as they are; a screen is read in every light and in dark
    mode, and a small note number in a pale accent would not be read.
    """
    def rgb(name: str) -> tuple[float, float, float]:
        parsed = parse_colour(colours.get(name) or DEFAULT_COLOURS[name])
        assert not isinstance(parsed, str)  # checked when the brand was read
        return parsed

    primary, accent = rgb("primary"), rgb("accent")
    light = [rgb("paper"), rgb("tint"), rgb("warm-tint")]
    dark_tint, dark_warm_tint = mix(primary, DARK_PAPER, 0.3), mix(accent, DARK_PAPER, 0.22)
    dark = [DARK_PAPER, dark_tint, dark_warm_tint]
    white, black = (1.0, 1.0, 1.0), (0.0, 0.0, 0.0)
    return {
        "primary-text": hex_colour(readable(primary, light, black)),
        "accent-text": hex_colour(readable(accent, light, black)),
        "primary-dark": hex_colour(readable(mix(white, primary, 0.55), dark, white)),
        "accent-dark": hex_colour(readable(mix(white, accent, 0.45), dark, white)),
        "paper-dark": hex_colour(DARK_PAPER),
        "tint-dark": hex_colour(dark_tint),
        "warm-tint-dark": hex_colour(dark_warm_tint),
    }
