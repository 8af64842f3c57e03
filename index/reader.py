"""Reading corpus files: bytes on disk → a decoded `Page`.

Text files (.txt, .md) are decoded here; HTML, PDF, DOCX and images are read by the reader of
their format in `index/formats/`, chosen by the file's suffix. Every file that cannot be read
raises an `UnreadableFileError` whose message names the file and says why in one sentence.

Newspaper archives arrive in whatever encoding the scanner or export tool used. Strict UTF-8 is
tried first because it is by far the most common and cannot be confused with anything else;
byte-order marks settle UTF-8-SIG/UTF-16/UTF-32; charset-normalizer handles the legacy Chinese
code pages (GB2312/GBK/GB18030, Big5). Whatever cannot be read as text is rejected with an
`UnreadableFileError` whose message names the file and says why.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

import charset_normalizer

from index.errors import UnreadableFileError

TEXT_SUFFIXES = (".txt", ".md")
HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
PDF_SUFFIXES = (".pdf",)
DOCX_SUFFIXES = (".docx",)
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")  # read by OCR, with --ocr
SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + PDF_SUFFIXES + DOCX_SUFFIXES + IMAGE_SUFFIXES
#: formats people try that cannot be read, and what to do instead
_CONVERT_FIRST = {".doc": "save it as .docx", ".wps": "save it as .docx", ".rtf": "save it as .docx",
                  ".mht": "save the page as HTML", ".mhtml": "save the page as HTML", ".caj": "export it as PDF",
                  ".djvu": "export it as PDF"}
MANIFEST_NAME = "newsqa-manifest.json"
#: the archive's own words for the keyword tokenizer, beside the pages (index.tokenize.Vocabulary)
USER_DICTIONARY_NAME = "newsqa-userdict.txt"
#: the example questions an archive may supply for the chat page (read by `newsqa serve`)
EXAMPLES_NAME = "newsqa-examples.txt"
#: files beside the pages that are about the archive, not pages of it
ARCHIVE_FILES = (USER_DICTIONARY_NAME, EXAMPLES_NAME)

# Checked longest first: the UTF-32-LE mark begins with the UTF-16-LE one.
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
# charset-normalizer names the GB family by its smallest member that fits the sample; GB18030 is
# a strict superset of both, so decoding with it never loses a character the guess allowed.
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "cp936"}
# Real text has essentially no C0 control characters besides line breaks and tabs; a decoded file
# in which more than this share of characters are controls is binary that happened to decode.
_MAX_CONTROL_SHARE = 0.05
_TEXT_CONTROLS = {"\n", "\r", "\t", "\f", "\v"}
# A newspaper page is tens of kilobytes. A file hundreds of times larger is an export of a whole
# archive or a mistake; indexing it as one page would take minutes and date every article alike.
MAX_PAGE_BYTES = 5 * 1024 * 1024
# Files with layout carry fonts, images and markup besides their text: a printed edition's PDF
# with its fonts, a scan at 300 dpi or a saved web page with inline scripts is far larger than
# its words, so their limits are those of such files, not of text.
_MAX_BYTES_BY_SUFFIX = {
    **dict.fromkeys(HTML_SUFFIXES, 20 * 1024 * 1024),
    **dict.fromkeys(PDF_SUFFIXES + DOCX_SUFFIXES, 200 * 1024 * 1024),
    **dict.fromkeys(IMAGE_SUFFIXES, 100 * 1024 * 1024),
}


class TextSource(str, Enum):
    """Where a page's text came from; OCR text is marked on every citation quoting it."""

    TEXT = "text"  # a plain-text or Markdown file, as written
    HTML = "html"  # extracted from a web or e-paper page
    PDF = "pdf"  # a PDF page's text layer
    DOCX = "docx"
    OCR = "ocr"  # recognised from an image: quotes are exact OCR text, not the printed page


class BlockRole(str, Enum):
    """What the file's own layout says a span of the page text is."""

    STORY = "story"  # one story as the layout delimits it (an <article>, an e-paper region)
    HEADLINE = "headline"
    KICKER = "kicker"  # the line above a headline
    SUBTITLE = "subtitle"
    SUBHEADING = "subheading"  # a heading inside a story: never a story boundary by itself
    BYLINE = "byline"
    PARAGRAPH = "paragraph"
    CAPTION = "caption"
    FURNITURE = "furniture"  # page name, page number, editor credits, navigation


@dataclass(frozen=True)
class Block:
    """A span `text[start:end]` of the page text and its role in the file's layout. `column` is
    the printed column (PDF/OCR) where the layout shows one; `size` a relative font size."""

    start: int
    end: int
    role: BlockRole
    column: int | None = None
    size: float | None = None


@dataclass(frozen=True)
class PageMetadata:
    """What the file itself says about its story (HTML `<meta>`, JSON-LD, PDF info, DOCX core
    properties). `date` is an `index.records.ArticleDate` with its source (e.g. "html-meta");
    None when the file states none."""

    title: str | None = None
    byline: str | None = None
    date: object | None = None
    url: str | None = None
    publication: str | None = None


@dataclass(frozen=True)
class Page:
    """One corpus file, decoded: `text` has no BOM and only `\\n` line breaks.

    Readers of formats with layout (HTML, PDF, DOCX, OCR) also give `blocks`, spans of `text`
    whose role the layout shows, and `metadata`; a plain-text page has neither, and segmentation
    reads its lines by their shape.
    """

    source: str  # file name, e.g. "000_x.txt"; article ids are built from it
    path: Path
    text: str
    encoding: str
    sha256: str  # of the raw bytes, so re-indexing can skip unchanged files
    text_source: TextSource = TextSource.TEXT
    metadata: PageMetadata = field(default_factory=PageMetadata)
    blocks: tuple[Block, ...] = ()


def read_page(path: Path, *, ocr: bool = False) -> Page:
    """Read one corpus file by its format; raise UnreadableFileError if it cannot be read.
    Images, and PDFs without a text layer, are read by OCR only when `ocr` is set."""
    path = Path(path)
    raw = _read_bytes(path)
    sha256 = hashlib.sha256(raw).hexdigest()
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES:
        from index.formats.html import read_html

        return read_html(path, raw, sha256=sha256)
    if suffix in PDF_SUFFIXES:
        from index.formats.pdf import read_pdf

        if not raw.lstrip()[:5] == b"%PDF-":
            raise UnreadableFileError(f"{path.name}: the file is not a PDF (it does not start with %PDF-), or it is damaged.")
        return read_pdf(path, raw, sha256=sha256, ocr=ocr)
    if suffix in DOCX_SUFFIXES:
        from index.formats.docx import read_docx

        return read_docx(path, raw, sha256=sha256)
    if suffix in IMAGE_SUFFIXES:
        if not ocr:
            raise UnreadableFileError(f"{path.name}: an image's text can only be read by OCR; index with --ocr to read it.")
        from index.formats.ocr import read_image

        return read_image(path, raw, sha256=sha256)
    text, encoding = decode_text(raw, name=path.name)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise UnreadableFileError(f"{path.name}: the file holds only blank space.")
    if _control_share(text) > _MAX_CONTROL_SHARE:
        raise UnreadableFileError(f"{path.name}: the file looks binary (mostly control characters), not text.")
    return Page(source=path.name, path=path, text=text, encoding=encoding, sha256=sha256)


def file_sha256(path: Path) -> str:
    """The sha256 of a corpus file's bytes, checking only that it can be read (not parsing it):
    an unchanged file's earlier reading can then be reused, which for a scan saves its OCR."""
    return hashlib.sha256(_read_bytes(Path(path))).hexdigest()


def decode_text(raw: bytes, *, name: str) -> tuple[str, str]:
    """(text without BOM, encoding name) of a text file's bytes, or UnreadableFileError."""
    text, encoding = _decode(raw, name=name)
    return text.removeprefix("\ufeff"), encoding


def unsupported_message(path: Path) -> str:
    name = path.name or str(path)
    suffix = path.suffix.lower()
    if suffix in _CONVERT_FIRST:
        return f"{name}: {suffix} files cannot be read; {_CONVERT_FIRST[suffix]} to index it."
    kinds = ", ".join(TEXT_SUFFIXES + HTML_SUFFIXES[:2] + PDF_SUFFIXES + DOCX_SUFFIXES)
    return (f"{name}: {'files of type ' + suffix if suffix else 'a file without a suffix'} cannot be indexed; "
            f"NewsQA reads {kinds} and, with --ocr, images ({', '.join(IMAGE_SUFFIXES)}).")


def iter_corpus_files(paths: Sequence[Path]) -> list[Path]:
    """Expand directories (recursively, sorted) to their files of a readable type (`SUFFIXES`).

    Files named explicitly are kept whatever their suffix, so `read_page` can say why an
    unsupported one is skipped instead of it vanishing silently. Hidden files and folders
    (".git", editor swap files) are not corpus, and neither is an archive's dictionary
    (`newsqa-userdict.txt`, `newsqa-examples.txt`), even when named. Duplicates are dropped, order is kept.
    """
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(_corpus_files_under(path))
        elif path.name not in ARCHIVE_FILES:
            found.append(path)
    seen: set[Path] = set()
    unique = []
    for path in found:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


def load_sidecar(directory: Path) -> dict[str, dict]:
    """The `pages` mapping of `directory/newsqa-manifest.json` (file name → entry); {} if absent.

    Entry shape: {"date": "YYYY-MM-DD" | "YYYY-MM" | "YYYY", "title"?: str, "publication"?: str}.
    A manifest that is present but malformed raises UnreadableFileError: silently ignoring it
    would give every page the wrong date.
    """
    from index.dates import parse_iso_date  # dates imports this module for Page

    path = Path(directory) / MANIFEST_NAME
    if not path.is_file():
        return {}
    try:
        data = json.loads(_read_bytes(path).decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UnreadableFileError(f"{path}: the manifest is not valid UTF-8 JSON ({error}).") from None
    pages = data.get("pages") if isinstance(data, dict) else None
    if not isinstance(pages, dict) or not all(isinstance(e, dict) for e in pages.values()):
        raise UnreadableFileError(f'{path}: the manifest needs a "pages" object mapping file names to entries.')
    for name, entry in pages.items():
        if "date" in entry and parse_iso_date(entry["date"]) is None:
            raise UnreadableFileError(
                f"{path}: the date {entry['date']!r} for {name} is not YYYY-MM-DD, YYYY-MM or YYYY."
            )
    return pages


def _corpus_files_under(directory: Path) -> list[Path]:
    files = []
    for path in sorted(directory.rglob("*")):
        relative = path.relative_to(directory)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.suffix.lower() in SUFFIXES and path.name not in ARCHIVE_FILES and path.is_file():
            files.append(path)
    return files


def _read_bytes(path: Path) -> bytes:
    name = path.name or str(path)
    if path.is_dir():
        raise UnreadableFileError(f"{name}: is a directory, not a text file.")
    if not path.exists():
        raise UnreadableFileError(f"{name}: the file does not exist.")
    if path.name != MANIFEST_NAME and path.suffix.lower() not in SUFFIXES:
        raise UnreadableFileError(unsupported_message(path))
    _check_size(path, name=name)
    try:
        raw = path.read_bytes()
    except PermissionError:
        raise UnreadableFileError(f"{name}: the file cannot be read (permission denied).") from None
    except OSError as error:
        raise UnreadableFileError(f"{name}: the file cannot be read ({error.strerror or error}).") from None
    if not raw:
        raise UnreadableFileError(f"{name}: the file is empty.")
    return raw


def _check_size(path: Path, *, name: str) -> None:
    try:
        size = path.stat().st_size
    except OSError:
        return  # reading will say what is wrong
    limit = _MAX_BYTES_BY_SUFFIX.get(path.suffix.lower(), MAX_PAGE_BYTES)
    if size > limit:
        raise UnreadableFileError(
            f"{name}: the file is {size / 1024 / 1024:.1f} MB, too large for one newspaper page "
            f"(the limit is {limit // 1024 // 1024} MB); split it into pages."
        )


def _decode(raw: bytes, *, name: str) -> tuple[str, str]:
    """(text, encoding name) or UnreadableFileError."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            label = "utf-8-sig" if encoding == "utf-8" else encoding
            return _strict(raw[len(bom) :], encoding, name=name), label
    if b"\x00" in raw:
        encoding = _bomless_utf16(raw)
        if encoding is None:
            raise UnreadableFileError(f"{name}: the file looks binary (it contains NUL bytes), not text.")
        return _strict(raw, encoding, name=name), encoding
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as error:
        not_utf8 = error
    if not_utf8.reason == "unexpected end of data":
        # valid UTF-8 up to a character cut off at the very end: a truncated copy or download
        raise UnreadableFileError(
            f"{name}: the file ends partway through a UTF-8 character, so it looks truncated."
        )
    best = charset_normalizer.from_bytes(raw).best()
    if best is None:
        raise UnreadableFileError(
            f"{name}: the text encoding could not be recognised (not UTF-8: invalid byte at "
            f"offset {not_utf8.start}; no other text encoding fits either)."
        )
    encoding = "gb18030" if best.encoding.lower() in _GB_FAMILY else best.encoding
    return _strict(raw, encoding, name=name), encoding.replace("_", "-")


def _bomless_utf16(raw: bytes) -> str | None:
    """UTF-16 without a BOM: NUL bytes are the high half of ASCII characters there. Whichever
    byte order decodes to cleaner text wins; binary data fails both (stray surrogates, U+0000)."""
    if len(raw) % 2:
        return None
    scores = {}
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text and _control_share(text) <= _MAX_CONTROL_SHARE:
            scores[encoding] = sum(1 for ch in text if ch.isprintable() or ch in _TEXT_CONTROLS)
    return max(scores, key=scores.get) if scores else None


def _strict(raw: bytes, encoding: str, *, name: str) -> str:
    try:
        return raw.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        raise UnreadableFileError(f"{name}: the file is not valid {encoding} text.") from None


def _control_share(text: str) -> float:
    controls = sum(1 for ch in text if ch not in _TEXT_CONTROLS and unicodedata.category(ch) == "Cc")
    return controls / len(text)
