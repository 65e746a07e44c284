"""What a print shop's preflight asks of `brief build --print`: a PDF/X-4 file with a CMYK output
intent, every colour in CMYK for that press (black and greys on the black plate alone, total
ink within the condition's limit), pictures tagged with their colour space, a trim box that is
the paper, 3 mm of bleed, and crop marks in a slug outside the bleed.

WeasyPrint lays the page out in sRGB; this pass rewrites the finished PDF with pikepdf, so that
whatever painted a colour (the layout's CSS, a brand colour, an SVG logo, a QR code) is
converted in one place.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

MM = 72 / 25.4  # PDF points per millimetre
BLEED_MM = 3
MARK_GAP_MM = 2  # between the bleed and the crop marks
MARK_LENGTH_MM = 5
SLUG_MM = BLEED_MM + MARK_GAP_MM + MARK_LENGTH_MM + 2  # the marks, and room around them
NEUTRAL = 0.1  # an sRGB colour whose channels differ less than this is a grey: black ink only
SOLID_BLACK = 0.2  # a grey darker than this (CIE L*) is text's black: 100 % black ink
DEFAULT_PROFILE = "brief-FOGRA39L.icc"
DEFAULT_CONDITION = "FOGRA39"
DEFAULT_INK_LIMIT = 300


@dataclass(frozen=True)
class Press:
    """The printing condition a print build is made for; sent to the layout process."""

    profile: bytes  # a CMYK output ICC profile
    condition: str  # its characterised printing condition, as registered: FOGRA39, GRACoL …
    description: str  # what the build's output says: the profile's own description
    ink_limit: int = DEFAULT_INK_LIMIT  # total area coverage, in per cent
    exact: dict[tuple[float, float, float], tuple[float, float, float, float]] = field(
        default_factory=dict)  # a brand's sRGB colour -> the CMYK it gave for print


def default_press() -> Press:
    """The profile brief ships: FOGRA39 coated offset (templates/print/README.md)."""
    from brief.resources import templates_folder

    data = (templates_folder() / "print" / DEFAULT_PROFILE).read_bytes()
    return Press(data, DEFAULT_CONDITION, profile_description(data))


def profile_description(data: bytes) -> str:
    from PIL import ImageCms

    return ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(data))).strip()


def profile_problem(data: bytes) -> str | None:
    """Why these bytes are no CMYK output profile a press can be described by, or None."""
    from PIL import ImageCms

    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(data)).profile
    except (OSError, ImageCms.PyCMSError, ValueError):
        return "it is not an ICC profile"
    if profile.xcolor_space.strip() != "CMYK":
        return f"it is an {profile.xcolor_space.strip()} profile, not a CMYK one"
    if profile.device_class.strip() != "prtr":
        return "it describes a screen or a colour space, not a printing condition"
    return None


class Colours:
    """sRGB colours as the press prints them, each converted once."""

    def __init__(self, press: Press) -> None:
        from PIL import ImageCms

        self.press = press
        self.done: dict[tuple[float, float, float], tuple[float, ...]] = dict(press.exact)
        self.transform = ImageCms.buildTransform(
            ImageCms.createProfile("sRGB"), ImageCms.ImageCmsProfile(io.BytesIO(press.profile)),
            "RGB", "CMYK", renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
            flags=ImageCms.Flags.BLACKPOINTCOMPENSATION)

    def cmyk(self, red: float, green: float, blue: float) -> tuple[float, ...]:
        key = (round(red, 4), round(green, 4), round(blue, 4))
        if key not in self.done:
            self.done[key] = self._convert(*key)
        return self.done[key]

    def _convert(self, red: float, green: float, blue: float) -> tuple[float, ...]:
        if max(red, green, blue) - min(red, green, blue) < NEUTRAL:
            # Black and greys on the black plate alone: text in four inks blurs at the least
            # misregistration. A grey keeps its lightness (CIE L*); a near black is solid
            # black, as text is best printed, never a screen of dots.
            lightness = _lightness(red, green, blue)
            return 0.0, 0.0, 0.0, 1.0 if lightness < SOLID_BLACK else round(1 - lightness, 4)
        from PIL import Image, ImageCms

        pixel = Image.new("RGB", (1, 1), tuple(round(v * 255) for v in (red, green, blue)))
        c, m, y, k = (v / 255 for v in ImageCms.applyTransform(pixel, self.transform)
                      .getpixel((0, 0)))
        limit = self.press.ink_limit / 100
        if c + m + y + k > limit and c + m + y:  # the condition's total ink: less colour
            scale = max(limit - k, 0) / (c + m + y)
            c, m, y = c * scale, m * scale, y * scale
        return tuple(round(v, 4) for v in (c, m, y, k))


def _lightness(red: float, green: float, blue: float) -> float:
    """CIE L* of an sRGB colour, from 0 to 1."""
    def linear(v: float) -> float:
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    lightness = 116 * luminance ** (1 / 3) - 16 if luminance > 216 / 24389 \
        else luminance * 24389 / 27
    return min(max(lightness / 100, 0.0), 1.0)


@dataclass
class PictureUse:
    """A raster picture as printed: its pixels and the resolution they print at."""

    width: int
    height: int
    ppi: float
    page: int  # from 1


def for_press(pdf_bytes: bytes, press: Press, created: dt.datetime
              ) -> tuple[bytes, list[PictureUse]]:
    """The PDF made PDF/X-4 for `press`; and each raster picture with the resolution it
    prints at."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        painting = _Painting(pdf, Colours(press))
        for number, page in enumerate(pdf.pages, 1):
            painting.walk(page.obj, pikepdf.Matrix(), number)
            if "/Group" in page.obj and page.obj.Group.get("/CS") is not None:
                page.obj.Group.CS = pikepdf.Name.DeviceCMYK
            # A print file has no use for links, and PDF/X allows no annotation on the page.
            if "/Annots" in page.obj:
                del page.obj["/Annots"]
            _boxes_and_marks(pdf, page)
        _output_intent(pdf, press)
        _metadata(pdf, created)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)  # the same brief gives the same bytes
    return out.getvalue(), painting.pictures


RGB_OPERATORS = {"rg": "k", "RG": "K"}


class _Painting:
    """Walks what each page paints: its content, and the forms it draws, followed with their
    transformation. Each content stream is rewritten once, in CMYK; each picture is noted
    every time it is drawn, at the size it is drawn."""

    def __init__(self, pdf, colours: Colours) -> None:
        import pikepdf
        from PIL import ImageCms

        self.pdf, self.colours = pdf, colours
        self.pictures: list[PictureUse] = []
        self.rewritten: set[tuple[int, int]] = set()
        sRGB = pikepdf.Stream(pdf, ImageCms.ImageCmsProfile(
            ImageCms.createProfile("sRGB")).tobytes())
        sRGB.N = 3
        self.srgb = pikepdf.Array([pikepdf.Name.ICCBased, pdf.make_indirect(sRGB)])

    def walk(self, holder, matrix, page: int) -> None:
        import pikepdf

        first_time = holder.objgen not in self.rewritten
        self.rewritten.add(holder.objgen)
        resources = holder.get("/Resources", pikepdf.Dictionary())
        if first_time:
            _tag_pictures_and_shadings(resources, self.colours, self.srgb, self.rewritten)
        instructions, stack = [], []
        current, spaces = matrix, {"fill": None, "stroke": None}
        for operands, operator in pikepdf.parse_content_stream(holder):
            name = str(operator)
            if name == "q":
                stack.append((current, dict(spaces)))
            elif name == "Q" and stack:
                current, spaces = stack.pop()
            elif name == "cm":
                current = pikepdf.Matrix(*[float(v) for v in operands]) @ current
            elif name in RGB_OPERATORS:
                operands = [*self.colours.cmyk(*(float(v) for v in operands))]
                operator = pikepdf.Operator(RGB_OPERATORS[name])
            elif name in ("cs", "CS"):
                spaces["fill" if name == "cs" else "stroke"] = str(operands[0])
                if str(operands[0]) == "/DeviceRGB":
                    operands = [pikepdf.Name.DeviceCMYK]
            elif name in ("sc", "scn", "SC", "SCN"):
                space = spaces["fill" if name in ("sc", "scn") else "stroke"]
                if space == "/DeviceRGB" and len(operands) == 3:
                    operands = [*self.colours.cmyk(*(float(v) for v in operands))]
            elif name == "Do":
                self._draw(resources.get("/XObject", {}).get(str(operands[0])), current, page)
            instructions.append((operands, operator))
        if not first_time:
            return
        data = pikepdf.unparse_content_stream(instructions)
        if "/Contents" in holder:  # a page: its streams become one
            holder.Contents = self.pdf.make_indirect(pikepdf.Stream(self.pdf, data))
        else:  # a form
            holder.write(data)

    def _draw(self, xobject, current, page: int) -> None:
        import pikepdf

        if xobject is None:
            return
        if xobject.get("/Subtype") == "/Form":
            if "/Group" in xobject and xobject.Group.get("/CS") is not None:
                xobject.Group.CS = pikepdf.Name.DeviceCMYK
            form = pikepdf.Matrix(*[float(v) for v in xobject.get("/Matrix",
                                                                  [1, 0, 0, 1, 0, 0])])
            self.walk(xobject, form @ current, page)
        elif xobject.get("/Subtype") == "/Image" and not xobject.get("/ImageMask", False):
            # The unit square the picture fills, as drawn: its printed width and height.
            width = (current.a ** 2 + current.b ** 2) ** 0.5
            height = (current.c ** 2 + current.d ** 2) ** 0.5
            if width > 0 and height > 0:
                pixels = int(xobject.Width), int(xobject.Height)
                self.pictures.append(PictureUse(*pixels, min(pixels[0] / (width / 72),
                                                             pixels[1] / (height / 72)), page))


def _tag_pictures_and_shadings(resources, colours: Colours, srgb, converted: set) -> None:
    """RGB pictures are tagged as sRGB, which PDF/X-4 allows and the press converts; the
    colours of RGB shadings (gradients) are converted like any other."""
    import pikepdf

    for xobject in resources.get("/XObject", {}).values():
        if xobject.get("/Subtype") == "/Image" and xobject.get("/ColorSpace") == "/DeviceRGB":
            xobject.ColorSpace = srgb
    spaces = resources.get("/ColorSpace", {})
    for key, value in list(spaces.items()):
        if value == "/DeviceRGB":
            spaces[key] = pikepdf.Name.DeviceCMYK
    for shading in resources.get("/Shading", {}).values():
        _convert_shading(shading, colours, converted)
    for pattern in resources.get("/Pattern", {}).values():
        if "/Shading" in pattern:
            _convert_shading(pattern.Shading, colours, converted)
    for state in resources.get("/ExtGState", {}).values():
        if "/SMask" in state and isinstance(state.SMask, pikepdf.Dictionary) \
                and "/G" in state.SMask and "/Group" in state.SMask.G:
            group = state.SMask.G.Group
            if group.get("/CS") == "/DeviceRGB":
                group.CS = pikepdf.Name.DeviceCMYK


def _convert_shading(shading, colours: Colours, converted: set) -> None:
    import pikepdf

    if shading.objgen in converted and shading.objgen != (0, 0):
        return
    converted.add(shading.objgen)
    if shading.get("/ColorSpace") != "/DeviceRGB":
        return
    shading.ColorSpace = pikepdf.Name.DeviceCMYK

    def convert(function) -> None:
        if function.get("/FunctionType") == 2:
            for key in ("/C0", "/C1"):
                values = [float(v) for v in function.get(key, [0, 0, 0] if key == "/C0"
                                                         else [1, 1, 1])]
                function[key] = pikepdf.Array(colours.cmyk(*values))
        elif function.get("/FunctionType") == 3:
            for part in function.Functions:
                convert(part)
        else:
            raise ValueError("a sampled gradient cannot be converted for the press")

    convert(shading.Function)


def _boxes_and_marks(pdf, page) -> None:
    """Trim = the paper, bleed = 3 mm beyond it, the sheet large enough for crop marks in a
    slug outside the bleed; the marks drawn there in registration colour (every ink)."""
    import pikepdf

    trim = [float(v) for v in page.obj.get("/TrimBox", page.obj.MediaBox)]
    left, bottom, right, top = trim
    bleed, slug = BLEED_MM * MM, SLUG_MM * MM
    page.obj.TrimBox = pikepdf.Array(trim)
    page.obj.BleedBox = pikepdf.Array([left - bleed, bottom - bleed, right + bleed, top + bleed])
    page.obj.MediaBox = pikepdf.Array([left - slug, bottom - slug, right + slug, top + slug])
    if "/CropBox" in page.obj:
        del page.obj["/CropBox"]
    near, far = (BLEED_MM + MARK_GAP_MM) * MM, (BLEED_MM + MARK_GAP_MM + MARK_LENGTH_MM) * MM
    lines = []
    for x, outward_x in ((left, -1), (right, 1)):
        for y, outward_y in ((bottom, -1), (top, 1)):
            lines.append(f"{x + outward_x * near:.3f} {y:.3f} m "
                         f"{x + outward_x * far:.3f} {y:.3f} l S")
            lines.append(f"{x:.3f} {y + outward_y * near:.3f} m "
                         f"{x:.3f} {y + outward_y * far:.3f} l S")
    marks = ("q\n/Artifact <</Type /Pagination /Subtype /Watermark>> BDC\n"
             "0.25 w 1 1 1 1 K\n" + "\n".join(lines) + "\nEMC\nQ\n").encode()
    page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
    page.contents_add(pikepdf.Stream(pdf, b"Q\n" + marks))


def _output_intent(pdf, press: Press) -> None:
    import pikepdf

    profile = pikepdf.Stream(pdf, press.profile)
    profile.N = 4
    intent = pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFX,
        OutputConditionIdentifier=pikepdf.String(press.condition),
        OutputCondition=pikepdf.String(press.description),
        RegistryName=pikepdf.String("http://www.color.org"),
        Info=pikepdf.String(press.description),
        DestOutputProfile=pdf.make_indirect(profile))
    pdf.Root.OutputIntents = pikepdf.Array([pdf.make_indirect(intent)])


def _metadata(pdf, created: dt.datetime) -> None:
    """PDF/X-4's identification, and the dates and identifiers it asks for, in the XMP and
    the document information alike."""
    import pikepdf

    stamp = created.astimezone(dt.timezone.utc)
    pdf_date = stamp.strftime("D:%Y%m%d%H%M%S+00'00'")
    xmp_date = stamp.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    pdf.docinfo.CreationDate = pikepdf.String(pdf_date)
    pdf.docinfo.ModDate = pikepdf.String(pdf_date)
    pdf.docinfo.Trapped = pikepdf.Name("/False")
    identifier = bytes(pdf.trailer.ID[0]).hex() if "/ID" in pdf.trailer else "0" * 32
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
        xmp["pdfxid:GTS_PDFXVersion"] = "PDF/X-4"
        xmp["xmp:CreateDate"] = xmp_date
        xmp["xmp:ModifyDate"] = xmp_date
        xmp["xmp:MetadataDate"] = xmp_date
        xmp["pdf:Trapped"] = "False"
        xmp["xmpMM:DocumentID"] = f"uuid:{_uuid(identifier)}"
        xmp["xmpMM:VersionID"] = "1"
        xmp["xmpMM:RenditionClass"] = "default"


def _uuid(hexadecimal: str) -> str:
    h = (hexadecimal + "0" * 32)[:32]
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def creation_time(brief_date: dt.date) -> dt.datetime:
    """A print file must say when it was made: SOURCE_DATE_EPOCH when it is set, else the
    brief's own date, so that the same brief still gives the same bytes."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if re.fullmatch(r"\d{1,12}", epoch):
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    return dt.datetime(brief_date.year, brief_date.month, brief_date.day,
                       tzinfo=dt.timezone.utc)


def read_profile(path: Path, shown: str, at) -> bytes:
    """A print shop's profile, read like every file a brand names."""
    from brief.diagnostics import BriefError, error
    from brief.limits import LIMITS, read_limited

    data = read_limited(path, shown, at, "an ICC profile", LIMITS.picture_bytes)
    if problem := profile_problem(data):
        raise BriefError([error(at, f"{shown} cannot describe the press: {problem}",
                                "give the CMYK output profile of the print shop's printing "
                                "condition (ask the shop for it, e.g. ISOcoated_v2_300.icc)")])
    return data
