"""The QR poster (A4, Chinese): the community's name and area, a QR code pointing at its public page
(segno, no external service) and what residents can do there.

Posters are drawn straight into a PDF (pydyf, the PDF writer under WeasyPrint): the QR code as
vector squares, the Chinese lines as 300 dpi images drawn with Pillow in Noto Sans CJK SC, the URL
in Helvetica. WeasyPrint's layout costs about 0.1 s a page on our machines, too slow for a district
(浦东新区: 1,168 posters in under 30 s); here the lines every poster shares are drawn once and
referenced by every page, so a poster costs a few milliseconds."""

import io
import zlib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

A4 = (595.28, 841.89)
DPI_SCALE = 300 / 72  # image pixels per PDF point
FONT_DIR = Path("/usr/share/fonts/opentype/noto")
FONTS = {False: "NotoSansCJK-Regular.ttc", True: "NotoSansCJK-Bold.ttc"}
SC_INDEX = 2  # Simplified Chinese in the Noto Sans CJK collections (JP, KR, SC, TC, HK)
GREEN, INK, GREY = (46, 125, 79), 30, 90  # RGB, or a grey level
QR_SIZE = 312  # points: 110 mm
# A fixed mask pattern: segno's search for the best of the eight (pure Python) costs ~50 ms a code,
# most of a poster's time; any mask is valid and every reader decodes it (tests decode the posters).
MASK = 2


def page_url(base_url: str, community_id: str) -> str:
    return base_url.rstrip("/") + reverse("residents:page", kwargs={"code": community_id})


@lru_cache(maxsize=8)
def _font(size_px: int, bold: bool):
    from PIL import ImageFont

    return ImageFont.truetype(str(FONT_DIR / FONTS[bold]), size_px, index=SC_INDEX)


def _lines(text: str, font, max_px: int) -> list[str]:
    """Break Chinese text where it reaches the width (any character may end a line)."""
    if font.getlength(text) <= max_px:
        return [text]
    lines, line = [], ""
    for ch in text:
        if line and font.getlength(line + ch) > max_px:
            lines.append(line)
            line = ""
        line += ch
    return [*lines, line] if line else lines


def _qr_path(matrix, left: float, top: float, unit: float) -> bytes:
    """The dark modules as rectangles, one per horizontal run."""
    parts = []
    for r, row in enumerate(matrix):
        y = top - (r + 5) * unit
        c, n = 0, len(row)
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                parts.append(
                    f"{left + (start + 4) * unit:.2f} {y:.2f} {(c - start) * unit:.2f} {unit:.2f} re"
                )
            else:
                c += 1
    return "\n".join(parts).encode()


def _text_image(text: str, size_pt: float, *, bold=False, color=INK, max_width_pt=500.0, spacing=1.5):
    """(image, width in points, height in points) of `text`, wrapped to max_width_pt; a single line
    that does not fit (a long name) is made smaller instead."""
    from PIL import Image, ImageDraw

    size_px = round(size_pt * DPI_SCALE)
    font = _font(size_px, bold)
    max_px = round(max_width_pt * DPI_SCALE)
    lines = _lines(text, font, max_px)
    if spacing == 0 and len(lines) > 1:  # one line only: shrink to fit
        return _text_image(
            text,
            size_pt * max_px / font.getlength(text) * 0.98,
            bold=bold,
            color=color,
            max_width_pt=max_width_pt,
            spacing=0,
        )
    line_px = round(size_px * (spacing or 1.3))
    width = max(1, round(max(font.getlength(line) for line in lines)))
    # Grey ink as a grey image (a third of the bytes to compress); coloured lines in RGB.
    grey = isinstance(color, int)
    image = Image.new("L" if grey else "RGB", (width, line_px * len(lines)), 255 if grey else (255, 255, 255))
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((0, i * line_px + (line_px - size_px) // 2), line, font=font, fill=color)
    return image, width / DPI_SCALE, image.height / DPI_SCALE


class _Writer:
    """One PDF: shared image objects, one page per poster."""

    def __init__(self):
        import pydyf

        self.pydyf = pydyf
        self.pdf = pydyf.PDF()
        self.font = pydyf.Dictionary({"Type": "/Font", "Subtype": "/Type1", "BaseFont": "/Helvetica"})
        self.pdf.add_object(self.font)

    def image(self, picture):
        image, width, height = picture
        stream = self.pydyf.Stream(
            [zlib.compress(image.tobytes(), 1)],
            extra={
                "Type": "/XObject",
                "Subtype": "/Image",
                "Width": image.width,
                "Height": image.height,
                "ColorSpace": "/DeviceRGB" if image.mode == "RGB" else "/DeviceGray",
                "BitsPerComponent": 8,
                "Filter": "/FlateDecode",
            },
        )
        self.pdf.add_object(stream)
        return stream, width, height

    def page(self, placed: list, qr_matrix, url: str) -> None:
        """placed: [(image object, width, height, top y)], centred; the QR code below the name."""
        pydyf = self.pydyf
        content = pydyf.Stream(compress=True)
        xobjects = {}
        for i, (stream, width, height, top) in enumerate(placed):
            key = f"I{i}"
            xobjects[key] = stream.reference
            content.push_state()
            content.set_matrix(width, 0, 0, height, (A4[0] - width) / 2, top - height)
            content.draw_x_object(key)
            content.pop_state()
        # The QR code: one rectangle per run of dark modules in a row (quiet zone of 4 modules).
        modules = len(qr_matrix) + 8
        unit = QR_SIZE / modules
        left, top = (A4[0] - QR_SIZE) / 2, QR_TOP
        content.set_color_rgb(0, 0, 0)
        content.stream.append(_qr_path(qr_matrix, left, top, unit))
        content.fill()
        # The URL, small, for who cannot scan.
        size = 9
        width = len(url) * size * 0.556  # Helvetica's digits, letters and punctuation are about this wide
        content.begin_text()
        content.set_font_size("F1", size)
        content.set_text_matrix(1, 0, 0, 1, (A4[0] - width) / 2, URL_Y)
        content.show_text_string(url)
        content.end_text()
        self.pdf.add_object(content)
        self.pdf.add_page(
            pydyf.Dictionary(
                {
                    "Type": "/Page",
                    "Parent": self.pdf.pages.reference,
                    "MediaBox": pydyf.Array([0, 0, *A4]),
                    "Contents": content.reference,
                    "Resources": pydyf.Dictionary(
                        {
                            "XObject": pydyf.Dictionary(xobjects),
                            "Font": pydyf.Dictionary({"F1": self.font.reference}),
                        }
                    ),
                }
            )
        )

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.pdf.write(out)
        return out.getvalue()


KICKER_TOP, NAME_TOP, AREA_TOP, QR_TOP = 800, 770, 722, 690
CALL_TOP, WHAT_TOP, URL_Y, FOOT_TOP = 360, 318, 150, 128


def _shared(writer: _Writer) -> list:
    """The lines every poster carries, drawn once (in Chinese, whatever the reader's language)."""
    with translation.override("zh-hans"):
        kicker = _("Green Community Creation Action") + " · " + _("Residents' voice")
        call = _("Scan with your phone: see and rate your community")
        what = _(
            "See what your community committee says it has done for a green community, where its application stands this year, and tell the authorities how satisfied you are (five short questions, about one minute, anonymous)."
        )
        foot = _(
            "Your answer is anonymous: no name is asked, and a phone number, where a code is required, is never stored."
        )
    parts = [
        (_text_image(kicker, 14, color=GREEN, spacing=0), KICKER_TOP),
        (_text_image(call, 20, bold=True, spacing=0), CALL_TOP),
        (_text_image(what, 13, max_width_pt=425, spacing=1.7), WHAT_TOP),
        (_text_image(foot, 10, color=GREY, max_width_pt=425), FOOT_TOP),
    ]
    return [(*writer.image(picture), top) for picture, top in parts]


def render_many(communities, *, base_url: str, progress: Callable[[int], None] | None = None) -> bytes:
    """One PDF with one A4 poster per community, in order; `progress(done)` every 100 posters and
    at the end."""
    import segno

    writer = _Writer()
    shared = _shared(writer)
    areas: dict[str, tuple] = {}
    for done, c in enumerate(communities, start=1):
        url = page_url(base_url, c.code)
        area = "".join(r.name for r in (c.province, c.city, c.county, c.street) if r is not None and r.name)
        name = writer.image(_text_image(c.name, 30, bold=True, spacing=0))
        if area not in areas:  # one image per street, shared by its communities' pages
            areas[area] = writer.image(_text_image(area, 13, color=GREY, spacing=0))
        area_image = areas[area]
        # Error correction M: readable from a printed sheet with some wear.
        matrix = segno.make(url, error="m", micro=False, mask=MASK).matrix
        writer.page([*shared, (*name, NAME_TOP), (*area_image, AREA_TOP)], matrix, url)
        if progress and (done % 100 == 0 or done == len(communities)):
            progress(done)
    return writer.bytes()


def render_one(community, *, base_url: str) -> bytes:
    return render_many([community], base_url=base_url)
