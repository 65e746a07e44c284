"""`brief build --print` read as a print shop's preflight reads it: PDF/X-4 with a CMYK output
intent, black text on the black plate alone, no page over the ink limit, bleed that bleeds,
crop marks outside it, coarse pictures reported; and the brand's own printing condition."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from PIL import Image

from tests.conftest import EXAMPLE

MM = 72 / 25.4
BRANDS = EXAMPLE.parent / "brands"
HARBOUR = BRANDS / "harbour" / "_brand.yml"
FRENCH = Path(__file__).parent / "data" / "french" / "erythree.yaml"
PRINTS = {  # name: the brief and its build options
    "brief": (EXAMPLE, {"for_print": True}),
    "handout": (EXAMPLE, {"for_print": True, "layout": "handout"}),
    "letter-harbour": (EXAMPLE, {"for_print": True, "paper": "letter", "brand": HARBOUR}),
    # a brief written by someone else, in another brand, as a Letter handout
    "handout-letter-harbour": (FRENCH, {"for_print": True, "paper": "letter",
                                        "brand": HARBOUR, "layout": "handout"}),
}


@pytest.fixture(scope="module")
def prints(built) -> dict[str, Path]:
    return {name: built(brief, **options) for name, (brief, options) in PRINTS.items()}


@pytest.mark.parametrize("name", PRINTS)
def test_a_print_build_is_pdf_x4_with_a_cmyk_output_intent(prints, name):
    with pikepdf.open(prints[name]) as pdf:
        assert pdf.pdf_version >= "1.6"
        intent = pdf.Root.OutputIntents[0]
        assert intent.S == "/GTS_PDFX" and str(intent.OutputConditionIdentifier) == "FOGRA39"
        assert intent.DestOutputProfile.N == 4
        xmp = pdf.open_metadata()
        assert xmp["pdfxid:GTS_PDFXVersion"] == "PDF/X-4"
        assert xmp["pdfuaid:part"] == "1"  # still accessible
        assert xmp["xmpMM:DocumentID"].startswith("uuid:") and xmp["xmpMM:VersionID"] == "1"
        assert str(pdf.docinfo.CreationDate).startswith("D:20")  # the brief's date
        assert pdf.docinfo.Trapped == "/False"
        for page in pdf.pages:
            assert "/Annots" not in page.obj  # nothing on the page but what is printed
            assert "/StructParents" in page.obj
            contents = page.obj.Contents
            streams = contents if isinstance(contents, pikepdf.Array) else [contents]
            painted = b"".join(stream.read_bytes() for stream in streams)
            assert b" rg\n" not in painted and b" RG\n" not in painted  # no RGB colour left


@pytest.mark.parametrize("name, width, height", [("brief", 210, 297), ("handout", 210, 297),
                                                 ("letter-harbour", 215.9, 279.4)])
def test_boxes_trim_is_the_paper_bleed_3mm_and_room_for_marks(prints, name, width, height):
    with pikepdf.open(prints[name]) as pdf:
        for page in pdf.pages:
            trim = [float(v) / MM for v in page.obj.TrimBox]
            bleed = [float(v) / MM for v in page.obj.BleedBox]
            media = [float(v) / MM for v in page.obj.MediaBox]
            assert (round(trim[2] - trim[0], 1), round(trim[3] - trim[1], 1)) == (width, height)
            assert [round(b - t, 1) for b, t in zip(bleed, trim)] == [-3, -3, 3, 3]
            assert all(round(m - t, 1) == d for m, t, d in zip(media, trim, (-12, -12, 12, 12)))


def separations(pdf: Path, page: int, resolution: int = 36) -> Image.Image:
    """The page as the press's four plates (a CMYK picture: 255 is full ink)."""
    out = pdf.with_name(f"{pdf.stem}-p{page}.tif")
    subprocess.run(["gs", "-q", "-dSAFER", f"-r{resolution}", "-sDEVICE=tiffsep",
                    f"-dFirstPage={page}", f"-dLastPage={page}", "-o", str(out), str(pdf)],
                   check=True)
    return Image.open(out)


def in_box(picture: Image.Image, pdf: Path, box: str, resolution: int = 36) -> Image.Image:
    """The part of a page's picture inside one of its boxes (the picture is the media box)."""
    with pikepdf.open(pdf) as document:
        page = document.pages[0].obj
        media, inner = [float(v) for v in page.MediaBox], [float(v) for v in page[box]]
    scale = resolution / 72
    return picture.crop((round((inner[0] - media[0]) * scale),
                         round((media[3] - inner[3]) * scale),
                         round((inner[2] - media[0]) * scale),
                         round((media[3] - inner[1]) * scale)))


def inks(plates: Image.Image) -> list[int]:
    """The total ink of each pixel of a CMYK picture (255 for each full ink)."""
    data = plates.tobytes()
    return [sum(data[i:i + 4]) for i in range(0, len(data), 4)]


@pytest.mark.parametrize("name", PRINTS)
def test_no_page_goes_over_the_ink_limit(prints, name):
    pages = len(pikepdf.open(prints[name]).pages)
    for number in range(1, pages + 1):
        plates = in_box(separations(prints[name], number), prints[name], "/BleedBox")
        worst = max(inks(plates))
        assert worst <= 3.05 * 255, f"page {number}: {worst / 2.55:.0f} % of ink"


def test_body_text_is_on_the_black_plate_alone(prints):
    pdf = prints["brief"]
    with pdfplumber.open(pdf) as document:
        page = document.pages[2]
        body = [char for char in page.chars if char["size"] < 11 and char["y0"] > 80]
        colours = {tuple(round(float(v), 3) for v in char["non_stroking_color"])
                   for char in body}
        # Black text, greys and the brand's navy headings: black is K alone, never rich.
        assert (0.0, 0.0, 0.0, 1.0) in colours
        assert all(len(colour) == 4 for colour in colours)
        black = [char for char in body if float(char["non_stroking_color"][3]) > 0.85]
        words = [char for char in black if char["text"].isalpha()]
        assert len(words) > 500
        assert all(tuple(map(float, char["non_stroking_color"][:3])) == (0, 0, 0)
                   for char in black)
    # The plates agree: where the first paragraph of page 3 stands, only black ink.
    first = min(black, key=lambda char: (char["top"], char["x0"]))
    line = [char for char in black if abs(char["top"] - first["top"]) < 1]
    plates = separations(pdf, 3, 150)  # the media box, as pdfplumber measures from it
    scale = 150 / 72
    region = plates.crop((round(min(c["x0"] for c in line) * scale),
                          round(first["top"] * scale), round(max(c["x1"] for c in line) * scale),
                          round(first["bottom"] * scale)))
    cyan, magenta, yellow, black_plate = (channel.getextrema()[1] for channel in
                                          region.split())
    assert (cyan, magenta, yellow) == (0, 0, 0) and black_plate > 200


def test_the_handout_bands_run_into_the_bleed_and_marks_stand_outside_it(prints):
    pdf = prints["handout"]
    plates = separations(pdf, 1, 72)
    bleed = in_box(plates, pdf, "/BleedBox", 72)
    # The key messages' navy band: across the whole bleed box, edge to edge.
    rows = [y for y in range(bleed.height)
            if bleed.getpixel((1, y))[0] > 150 and bleed.getpixel((bleed.width - 2, y))[0] > 150]
    assert len(rows) > 40
    # The tint under the evidence strip runs on to the foot of the bleed.
    assert sum(bleed.getpixel((bleed.width // 2, bleed.height - 2))) > 0
    # Crop marks: registration ink in the slug, none of it inside the bleed box.
    with pikepdf.open(pdf) as document:
        page = document.pages[0].obj
        media = [float(v) for v in page.MediaBox]
        trim = [float(v) for v in page.TrimBox]
    left_of_trim = round((trim[0] - media[0]) - 7.5 * MM)  # in the slug, at 72 dpi
    at_trim_top = round(media[3] - trim[3])
    assert plates.getpixel((left_of_trim, at_trim_top)) == (255, 255, 255, 255)
    outside = [plates.getpixel((x, y)) for x in range(plates.width) for y in range(
        plates.height) if plates.getpixel((x, y)) == (255, 255, 255, 255)]
    inside = [total for total in inks(bleed) if total == 4 * 255]
    assert outside and not inside


def test_the_build_says_which_printing_condition(example_copy, run, tmp_path):
    code, output = run("build", str(example_copy), "--print", "-o", str(tmp_path / "p.pdf"))
    assert code == 0
    assert output == (f"wrote {tmp_path / 'p.pdf'}: PDF/X-4 for FOGRA39 (FOGRA39L coated "
                      "offset (brief default))\n")
    code, output = run("build", str(example_copy), "--pdf-variant", "PDF/X-4",
                       "-o", str(tmp_path / "x.pdf"))
    assert code == 0 and "PDF/X-4 for FOGRA39" in output
    # the same build: the same bytes, identifier included
    assert (tmp_path / "x.pdf").read_bytes() == (tmp_path / "p.pdf").read_bytes()
    code, output = run("build", str(example_copy), "--print", "--pdf-variant", "pdf/a-3u")
    assert code == 2 and "a print build is PDF/X-4" in output
    code, output = run("build", str(example_copy), "--pdf-variant", "pdf/x-1a")
    assert code == 2 and "allow no transparency" in output


def test_the_brand_names_the_shops_profile_and_gives_cmyk_colours(example_copy, run, tmp_path):
    folder = example_copy.parent / "brands" / "shop"
    folder.mkdir()
    shutil.copy(Path(__file__).parents[1] / "templates" / "print" / "brief-FOGRA39L.icc",
                folder / "shop.icc")
    (folder / "_brand.yml").write_text(
        "color:\n  primary: device-cmyk(1 0.6 0 0.2)\n"
        "print:\n  profile: shop.icc\n  condition: FOGRA51\n  ink-limit: 280\n", "utf-8")
    out = tmp_path / "shop.pdf"
    code, output = run("build", str(example_copy), "--print", "--brand",
                       str(folder / "_brand.yml"), "-o", str(out))
    assert code == 0, output
    assert "PDF/X-4 for FOGRA51 (FOGRA39L coated offset (brief default))" in output
    with pikepdf.open(out) as pdf:
        assert str(pdf.Root.OutputIntents[0].OutputConditionIdentifier) == "FOGRA51"
    with pdfplumber.open(out) as document:
        headings = {tuple(round(float(v), 3) for v in char["non_stroking_color"])
                    for char in document.pages[0].chars if char["size"] > 20}
    assert headings == {(1.0, 0.6, 0.0, 0.2)}  # the title in the brand's inks, as given
    plates = in_box(separations(out, 1), out, "/BleedBox")
    assert max(inks(plates)) <= 2.85 * 255


def test_a_profile_that_is_not_for_a_press_is_a_located_error(example_copy, run, tmp_path):
    folder = example_copy.parent / "brands" / "shop"
    folder.mkdir()
    from PIL import ImageCms

    (folder / "screen.icc").write_bytes(ImageCms.ImageCmsProfile(
        ImageCms.createProfile("sRGB")).tobytes())
    (folder / "_brand.yml").write_text("print:\n  profile: screen.icc\n  condition: X\n",
                                       "utf-8")
    code, output = run("build", str(example_copy), "--print", "--brand",
                       str(folder / "_brand.yml"), "-o", str(tmp_path / "x.pdf"))
    assert code == 1
    assert "_brand.yml:2:12: error: screen.icc cannot describe the press: it is an RGB " \
           "profile, not a CMYK one" in output
    assert not (tmp_path / "x.pdf").exists()


def test_a_coarse_picture_is_reported_at_the_logo(example_copy, run, tmp_path):
    Image.new("RGB", (48, 48), (27, 54, 93)).save(example_copy.parent / "logo.png")
    text = example_copy.read_text("utf-8")
    example_copy.write_text(text.replace("organisation:\n", "organisation:\n  logo: logo.png\n",
                                         1), "utf-8")
    line = example_copy.read_text("utf-8").splitlines().index("  logo: logo.png") + 1
    code, output = run("build", str(example_copy), "--print", "-o", str(tmp_path / "p.pdf"))
    assert code == 0, output
    assert f"north-korea-refugees.yaml:{line}:9: warning: the logo `logo.png` prints at " in output
    assert "a print shop asks for 300, and below 150 it looks blurred" in output
    code, output = run("build", str(example_copy), "--print", "--strict",
                       "-o", str(tmp_path / "s.pdf"))
    assert code == 1 and "error: the logo `logo.png` prints at" in output
    # Off the press, a screen picture is no problem.
    code, output = run("build", str(example_copy), "-o", str(tmp_path / "screen.pdf"))
    assert code == 0 and "ppi" not in output
