"""What a picture may cost: read within the budget's size, and refused before layout when its
pixels or its SVG drawing would take minutes or gigabytes (a 490 KB PNG of 169 megapixels, a
1.6 KB SVG whose `<use>` elements draw a billion shapes)."""

from __future__ import annotations

import base64
import io
import re
import warnings
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from brief.diagnostics import BriefError, Location, error
from brief.limits import LIMITS, Limits, read_limited, size_in_words

HINT = "make the picture smaller (fewer pixels, or a simpler drawing) and save it again"
REFERENCE_RE = re.compile(r"url\(\s*['\"]?#([^)'\"\s]+)")
HREFS = ("href", "{http://www.w3.org/1999/xlink}href")
ENDLESS = 2 ** 62  # what a drawing that refers to itself counts as


def read_picture(path: Path, shown: str, at: Location, limits: Limits = LIMITS) -> bytes:
    """The bytes of a picture file that fits the budget; BriefError, located, if not."""
    data = read_limited(path, shown, at, "a picture", limits.picture_bytes)
    _within_budget(data, path.suffix.lower() == ".svg", shown, at, limits)
    return data


def _within_budget(data: bytes, is_svg: bool, shown: str, at: Location, limits: Limits) -> None:
    if not is_svg:
        pixels = _pixels(data, shown, at)
        if pixels > limits.picture_pixels:
            raise BriefError([error(
                at, f"{shown} has {pixels / 1e6:,.0f} megapixels; a picture may have at most "
                f"{limits.picture_pixels / 1e6:,.0f}", HINT)])
        return
    root = _svg_tree(data, shown, at)
    drawn = svg_elements(root)
    if drawn >= ENDLESS:
        raise BriefError([error(at, f"{shown} never ends: its references (<use>, url(#…)) "
                                "form a loop", HINT)])
    if drawn > limits.svg_elements:
        raise BriefError([error(
            at, f"{shown} draws {drawn:,} shapes once its references (<use>) are followed; "
            f"a picture may draw at most {limits.svg_elements:,}",
            "simplify the drawing, or save a detailed one (a map, say) as a PNG")])
    # Pictures embedded in the drawing are held to the same budget.
    for image in root.iter("{http://www.w3.org/2000/svg}image"):
        href = next((image.get(name) for name in HREFS if image.get(name)), "")
        header, comma, payload = href.partition(",")
        if href.startswith("data:") and comma and header.endswith(";base64"):
            try:
                inner = base64.b64decode(payload, validate=False)
            except ValueError:
                continue  # WeasyPrint cannot show it either, and says so
            _within_budget(inner, "svg" in header, f"a picture inside {shown}", at, limits)


def _pixels(data: bytes, shown: str, at: Location) -> int:
    """Width times height, read from the file's header without decoding the pixels."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Pillow's DecompressionBombWarning: we judge size
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
    except Image.DecompressionBombError:
        return ENDLESS
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise BriefError([error(at, f"{shown} is not a readable PNG or JPEG image",
                                "open it in an image editor and save it again")]) from None
    return width * height


def _svg_tree(data: bytes, shown: str, at: Location) -> ElementTree.Element:
    try:
        return ElementTree.fromstring(data)  # expat refuses entity bombs itself
    except ElementTree.ParseError as failure:
        raise BriefError([error(at, f"{shown} is not a readable SVG image: {failure}",
                                "open it in an image editor and save it again")]) from None


def svg_elements(root: ElementTree.Element) -> int:
    """How many elements the SVG draws with each reference (`<use>`, `url(#…)`) expanded,
    counted without expanding them; a reference loop counts as ENDLESS."""
    by_id = {element.get("id"): element for element in root.iter() if element.get("id")}
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()

    def size(element: ElementTree.Element) -> int:
        key = id(element)
        if key in sizes:
            return sizes[key]
        if key in in_progress:
            return ENDLESS
        in_progress.add(key)
        total = 1
        referenced = [value[1:] for name in HREFS
                      if (value := element.get(name)) and value.startswith("#")]
        referenced += [match.group(1) for value in element.attrib.values()
                       for match in REFERENCE_RE.finditer(value)]
        for target in referenced:
            if target in by_id:
                total = min(total + size(by_id[target]), ENDLESS)
        # What <defs> holds is drawn only where it is referenced.
        for child in () if element.tag.endswith("}defs") else element:
            total = min(total + size(child), ENDLESS)
            if total >= ENDLESS:
                break
        in_progress.discard(key)
        sizes[key] = min(total, ENDLESS)
        return sizes[key]

    # Deep trees are walked without Python's recursion limit getting in the way.
    import sys

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20_000))
    try:
        return size(root)
    except RecursionError:
        return ENDLESS
    finally:
        sys.setrecursionlimit(limit)
