"""Scans — images, and PDF pages without a text layer — read by OCR, only with `newsqa index --ocr`.

The engine is RapidOCR (`rapidocr-onnxruntime`): PP-OCRv4 Chinese detection and recognition
models shipped inside its wheel, run by the ONNX Runtime the encoder already uses. It was chosen
over Tesseract (Debian's chi_sim) by character accuracy on the bundled pages printed and
rasterised with the Noto CJK fonts (benchmarks/formats.py; README, Formats). Each recognised
text line keeps its position, so the page is ordered and marked like a PDF's text layer
(index/formats/pdf.py): columns, headlines by size, running heads.

The page text is what the engine recognised, character for character, and the page is marked
`text_source: ocr`: a quote from it is exact OCR text, which may differ from the printed page.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from index.errors import UnreadableFileError
from index.formats.layout import PageBuilder
from index.reader import Page, PageMetadata, TextSource

RENDER_DPI = 200  # PDF scans are rendered at this resolution for recognition
_MAX_PIXELS = 60_000_000  # a larger image is not a page scan (and would take minutes)


class OcrUnavailableError(UnreadableFileError):
    """The OCR engine is not installed."""


@cache
def engine():
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError:
        raise OcrUnavailableError(
            "OCR needs the rapidocr-onnxruntime package; install it with `pip install -e '.[ocr]'`."
        ) from None
    import logging

    logging.getLogger("RapidOCR").setLevel(logging.WARNING)
    return RapidOCR()


def recognise(image) -> list[tuple[float, float, float, float, str]]:
    """(left, top, right, bottom, text) of each text line the engine finds in a PIL image."""
    import numpy as np

    array = np.asarray(image.convert("RGB"))
    result, _ = engine()(array)
    lines = []
    for box, text, _score in result or ():
        xs = [point[0] for point in box]
        ys = [point[1] for point in box]
        if text and text.strip():
            lines.append((float(min(xs)), float(min(ys)), float(max(xs)), float(max(ys)), text))
    return lines


def read_image(path: Path, raw: bytes, *, sha256: str) -> Page:
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(raw))
        frames = []
        for number in range(getattr(image, "n_frames", 1)):  # a multi-page TIFF is one page per frame
            image.seek(number)
            if image.width * image.height > _MAX_PIXELS:
                raise UnreadableFileError(f"{path.name}: the image is too large for a page scan "
                                          f"({image.width}×{image.height} pixels).")
            frames.append(image.copy())
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise UnreadableFileError(f"{path.name}: the image cannot be read ({type(error).__name__}); it may be damaged.") from None
    return _page(path, frames, sha256=sha256, encoding="ocr")


def ocr_pdf(path: Path, pdf, *, sha256: str) -> Page:
    """A PDF without a text layer: each page rendered and recognised."""
    frames = [pdf[n].render(scale=RENDER_DPI / 72, grayscale=True).to_pil() for n in range(len(pdf))]
    return _page(path, frames, sha256=sha256, encoding="ocr")


def recognised_lines(frame, *, scale: float = 1.0) -> list:
    """The text lines of an image as `index.formats.pdf` lays lines out, in its coordinates
    (upwards from the bottom), `scale` times the image's pixels."""
    from index.formats.pdf import _Line

    height = float(frame.height)
    return [
        _Line(x0=left * scale, y0=(height - bottom) * scale, x1=right * scale, y1=(height - top) * scale,
              size=(bottom - top) * scale, text=text)
        for left, top, right, bottom, text in recognise(frame)
    ]


def recognised_pdf_page(path: Path, page) -> list:
    """The lines of one PDF page without a text layer, in the page's own units (points)."""
    _check_engine(path)
    frame = page.render(scale=RENDER_DPI / 72, grayscale=True).to_pil()
    return recognised_lines(frame, scale=72 / RENDER_DPI)


def _check_engine(path: Path) -> None:
    try:
        engine()
    except OcrUnavailableError as error:
        raise OcrUnavailableError(f"{path.name}: {error}") from None


def _page(path: Path, frames, *, sha256: str, encoding: str) -> Page:
    from index.formats.pdf import RECOGNISED, lay_out

    _check_engine(path)
    pages = [(recognised_lines(frame), float(frame.height)) for frame in frames]
    builder = PageBuilder()
    lay_out(builder, pages, sizes=RECOGNISED)
    if not builder.has_text:
        raise UnreadableFileError(f"{path.name}: OCR found no text in the scan.")
    return Page(source=path.name, path=path, text=builder.text(), encoding=encoding, sha256=sha256,
                text_source=TextSource.OCR, metadata=PageMetadata(), blocks=builder.blocks())
