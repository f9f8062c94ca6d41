"""Text from pictures of pages: Tesseract, the system's library (`tesseract_lib.py`) where
installed, else the one compiled into PyMuPDF's wheel, which needs nothing but language data.

Chosen by measurement over RapidOCR (benchmarks/README.md, "OCR"): fewer characters wrong on
the same scans, and nothing to ship but Tesseract's language data, which Debian packages
(`tesseract-ocr-eng`, ...) and the installers carry. Nothing is ever downloaded.

A page is rendered at the resolution its text needs (`render_dpi_for`), recognised, and its
words come back in the page's own coordinates with their boxes, in the tuple shape of PyMuPDF's
`get_text("words")`, so the reader marks a cited passage on a scanned page the same way as on
a text page.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pymupdf

from docnook.ingest import tesseract_lib
from docnook.ingest.pdf import clean_text

# First render resolution, and the only one for PyMuPDF's Tesseract: where body text of 10-11
# pt has lines LINE_PX high (benchmarks/README.md, "OCR", "Speed, third pass" and "fourth").
OCR_DPI = 130
# The text's size in the picture is what decides errors and CPU, not the scan's resolution
# (small print read like a coarser scan, large print at up to a third more CPU). Errors stop
# falling once lines (median height, ascender to descender, as Tesseract's layout boxes them)
# are about 21 px high; 18 px, one step below, costs about a tenth of a point of character
# errors (0.57 -> 0.66 % on the tuning pages, 0.65 -> 0.74 % on the benchmark's) for a sixth
# less CPU, which is what reading a page a second on two cores needs: the 3 % error
# budget leaves room for it, its speed target does not leave room for 21 px. A page whose
# lines are off by more than the band is rendered again so they are LINE_PX high; within it,
# a second layout analysis would cost more than it saves.
LINE_PX = 18
LINE_PX_BAND = 0.15
MIN_DPI, MAX_DPI = 72, 300
DEFAULT_LANGUAGES = "eng"
_TEXT_FLAGS = pymupdf.TEXTFLAGS_TEXT | pymupdf.TEXT_DEHYPHENATE
# Where Tesseract's language data is looked for after TESSDATA_PREFIX: Debian and Ubuntu
# (tesseract 5, then 4), Fedora, Homebrew, and the folder an installer puts beside the app.
TESSDATA_DIRS = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
    "/opt/homebrew/share/tessdata",
)
# The Debian package of each language's data is "tesseract-ocr-" + its code, with "_" as "-".
INSTALL_HINT = "sudo apt install tesseract-ocr-{package}"

Word = tuple[float, float, float, float, str, int, int, int]  # x0 y0 x1 y1 text block line n


class OcrUnavailable(Exception):
    """Tesseract's language data for the languages asked for is not on this computer."""


@dataclass
class OcrPage:
    text: str
    words: list[Word] = field(default_factory=list)
    dpi: int = OCR_DPI  # the resolution the page was read at


def languages_of(languages: str) -> list[str]:
    return [code for code in languages.replace(",", "+").split("+") if code.strip()]


def _bundled_dirs() -> list[Path]:
    """The tessdata folder a frozen bundle (PyInstaller) carries, when there is one."""
    base = getattr(sys, "_MEIPASS", None)
    return [Path(base) / "tessdata"] if base else []


def find_tessdata(languages: str = DEFAULT_LANGUAGES) -> Path:
    """The folder holding `<code>.traineddata` for every language in `languages` ("eng",
    "eng+deu"): TESSDATA_PREFIX first, then the usual system folders. Raises `OcrUnavailable`
    with a sentence saying what to install."""
    codes = languages_of(languages) or [DEFAULT_LANGUAGES]
    candidates: list[Path] = []
    prefix = os.environ.get("TESSDATA_PREFIX")
    if prefix:
        candidates += [Path(prefix), Path(prefix) / "tessdata"]
    candidates += _bundled_dirs() + [Path(d) for d in TESSDATA_DIRS]
    for folder in candidates:
        if all((folder / f"{code}.traineddata").is_file() for code in codes):
            return folder
    packages = " ".join(
        "tesseract-ocr-" + code.lower().replace("_", "-")
        for code in codes
        if not any((folder / f"{code}.traineddata").is_file() for folder in candidates)
    )
    raise OcrUnavailable(
        f"Scanned pages need Tesseract's language data ({'+'.join(codes)}), which this "
        f"computer lacks: install it with `sudo apt install {packages}` "
        "(or set TESSDATA_PREFIX to a folder holding it)."
    )


def engine_name() -> str:
    """Which Tesseract reads pages here: the system's library, or PyMuPDF's."""
    return "libtesseract" if tesseract_lib.library() is not None else "pymupdf"


def render_dpi_for(line_heights: list[int], dpi: int) -> int:
    """The resolution at which the median of a page's text lines, `line_heights` pixels high
    when rendered at `dpi`, is LINE_PX high; `dpi` itself when that is within the band or no
    line was found. Within MIN_DPI..MAX_DPI (a poster's letters, a footnote's)."""
    heights = sorted(h for h in line_heights if h > 0)
    if not heights:
        return dpi
    wanted = dpi * LINE_PX / heights[len(heights) // 2]
    if abs(wanted / dpi - 1) <= LINE_PX_BAND:
        return dpi
    return round(min(MAX_DPI, max(MIN_DPI, wanted)))


def recognise_page(
    page: pymupdf.Page,
    tessdata: Path,
    languages: str = DEFAULT_LANGUAGES,
    dpi: int | None = None,
) -> OcrPage:
    """The text and words of `page` as Tesseract reads its picture: the system's libtesseract
    when there is one (twice as fast), else the one inside PyMuPDF. `dpi`: a fixed render
    resolution; None, the resolution the page's text needs (libtesseract only)."""
    if tesseract_lib.library() is not None:
        return _with_library(page, tessdata, languages, dpi)
    return _with_pymupdf(page, tessdata, languages, dpi or OCR_DPI)


def _render(page: pymupdf.Page, dpi: int) -> pymupdf.Pixmap:
    return page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY, alpha=False)


def _with_library(
    page: pymupdf.Page, tessdata: Path, languages: str, fixed_dpi: int | None
) -> OcrPage:
    dpi = fixed_dpi or OCR_DPI
    pix = _render(page, dpi)
    if fixed_dpi is None:
        # Tesseract's layout of this rendering measures the lines; where it stays, reading
        # reuses that analysis, so pages of ordinary print pay nothing for the question.
        better = render_dpi_for(tesseract_lib.line_heights(pix, tessdata, languages), dpi)
        if better != dpi:
            dpi, pix = better, _render(page, better)
    found = tesseract_lib.read_words(pix, tessdata, languages)
    # Pixels of the rendered (rotated) page back to the page's own points.
    matrix = pymupdf.Matrix(72.0 / dpi, 72.0 / dpi) * page.derotation_matrix
    words: list[Word] = []
    paragraphs: dict[tuple[int, int], dict[int, list[str]]] = {}
    for n, word in enumerate(found):
        rect = pymupdf.Rect(word.left, word.top, word.left + word.width, word.top + word.height)
        rect = rect * matrix
        line = word.paragraph * 1000 + word.line  # unique within its block, as MuPDF's are
        box = (round(rect.x0, 1), round(rect.y0, 1), round(rect.x1, 1), round(rect.y1, 1))
        words.append((*box, word.text, word.block, line, n))
        paragraphs.setdefault((word.block, word.paragraph), {}).setdefault(line, []).append(
            word.text
        )
    text = "\n".join(_join_lines(list(lines.values())) for lines in paragraphs.values())
    return OcrPage(clean_text(text), words, dpi)


def _join_lines(lines: list[list[str]]) -> str:
    """A paragraph's lines, a word hyphenated across a line end joined again (as MuPDF's
    TEXT_DEHYPHENATE does for text layers, so both read alike)."""
    out: list[list[str]] = []
    for line in lines:
        previous = out[-1] if out else None
        if (
            previous
            and previous[-1].endswith("-")
            and len(previous[-1]) > 1
            and line[0][:1].islower()
        ):
            previous[-1] = previous[-1][:-1] + line[0]
            line = line[1:]
            if not line:
                continue
        out.append(list(line))
    return "\n".join(" ".join(line) for line in out)


def _with_pymupdf(page: pymupdf.Page, tessdata: Path, languages: str, dpi: int) -> OcrPage:
    # RGB: MuPDF's OCR writer returns no text at all for a greyscale pixmap (measured).
    pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csRGB, alpha=False)
    data = pix.pdfocr_tobytes(compress=False, language=languages, tessdata=str(tessdata))
    with pymupdf.open(stream=data, filetype="pdf") as ocr_pdf:
        ocr_page = ocr_pdf.load_page(0)
        # The OCR page is the picture's size; bring its words back onto the original page.
        unzoom = page.rect.width / ocr_page.rect.width
        matrix = pymupdf.Matrix(unzoom, unzoom) * page.derotation_matrix
        textpage = ocr_page.get_textpage(flags=_TEXT_FLAGS, matrix=matrix)
        text = clean_text(textpage.extractText())
        words = [
            (round(x0, 1), round(y0, 1), round(x1, 1), round(y1, 1), w, b, n, i)
            for x0, y0, x1, y1, w, b, n, i in textpage.extractWORDS()
        ]
    return OcrPage(text, words, dpi)
