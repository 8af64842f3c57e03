"""Format readers, measured on the fixtures made from the bundled pages (tests/fixtures/make_formats.py).

    pip install -e '.[benchmark,ocr]'        # readability-lxml, pdfplumber, htmldate, rapidfuzz
    python benchmarks/formats.py             # everything (OCR of ~16 page images takes a while)
    python benchmarks/formats.py --skip-ocr  # HTML, PDF and ingestion only
    python benchmarks/formats.py --ocr-pages 4
    python benchmarks/formats.py --only pdf  # re-measure one part, keep the others' figures

Prints each figure and saves them to results/formats.json:

- **HTML main text**: on the article pages, the share of the story's paragraphs found whole in
  the extracted text (recall), and the share of extracted characters that are not story text
  (boilerplate), for trafilatura (the product's choice), readability-lxml, and the product's
  own structural pass (the densest container's paragraphs), which reads e-paper stories;
- **HTML publication date**: right on the pages that state one (the product's own pass over
  meta tags, JSON-LD, URL, <time>, labelled visible dates; htmldate with and without its
  extensive search; trafilatura's metadata), and dates claimed on pages that state none;
- **PDF reading order**: 1 − CER of each reader's text against the stories' text in reading
  order (white space ignored, NFKC-folded), paragraphs found whole on one line, and seconds per
  page: the product's pypdfium2 + XY-cut reader, pypdfium2's text in file order, pdfplumber,
  pdfminer.six with its default layout settings and with line_margin 1.0;
- **OCR**: character accuracy (1 − CER against the printed page's text in reading order, white
  space ignored; also with full-width and half-width forms folded, NFKC), the F1 of the characters
  recognised in any order (recognition apart from layout), and seconds per page, for RapidOCR
  (PP-OCRv4, the product's choice) and Tesseract 5 with Debian's chi_sim, on every printed page
  rasterised at 200 dpi;
- **Ingestion**: the time to read HTML and PDF pages and turn them into articles, chunks and
  keyword tokens, as a share of the time the default encoder takes to embed those chunks.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from pathlib import Path

from common import RESULTS, save_results

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
sys.path.insert(0, str(FIXTURES))

import make_formats  # noqa: E402

_SPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    return _SPACE.sub("", text)


def cer(hypothesis: str, reference: str) -> float:
    from rapidfuzz.distance import Levenshtein

    return Levenshtein.distance(hypothesis, reference) / max(1, len(reference))


def stories() -> dict[str, dict]:
    return {f"{page['source']}#{n}": story for page in make_formats.load_pages() for n, story in enumerate(page["stories"])}


def expected() -> dict:
    return json.loads((FIXTURES / "formats" / "expected.json").read_text(encoding="utf-8"))


# --- HTML ---------------------------------------------------------------------------------------


def html_text_product(raw: bytes, path: Path) -> str:
    from index.reader import read_page

    return read_page(path).text


def html_text_readability(raw: bytes, path: Path) -> str:
    import lxml.html
    from readability import Document

    summary = Document(raw.decode("utf-8")).summary(html_partial=True)
    tree = lxml.html.fromstring(summary)
    return "\n".join(_SPACE.sub(" ", el.text_content()).strip() for el in tree.iter("p", "h1", "h2", "h3", "li"))


def html_text_structural(raw: bytes, path: Path) -> str:
    import lxml.html

    from index.formats.html import add_structured_story, densest_container
    from index.formats.layout import PageBuilder

    tree = lxml.html.document_fromstring(raw.decode("utf-8"))
    builder = PageBuilder()
    container = densest_container(tree)
    if container is not None:
        add_structured_story(builder, container)
    return builder.text()


def measure_html_text() -> dict:
    cases = {name: e for name, e in expected().items() if e["kind"] == "html-article"}
    by_ref = stories()
    readers = {"trafilatura (product)": html_text_product, "readability-lxml": html_text_readability,
               "structural pass": html_text_structural}
    results = {}
    for label, reader in readers.items():
        found = own_line = total = extra_chars = all_chars = 0
        started = time.perf_counter()
        for name, case in cases.items():
            path = FIXTURES / "formats" / name
            text = reader(path.read_bytes(), path)
            story = by_ref[case["stories"][0]]
            paragraphs = story["paragraphs"]
            flat = squash(text)
            found += sum(1 for p in paragraphs if squash(p) in flat)
            lines = {line.strip() for line in text.splitlines()}
            own_line += sum(1 for p in paragraphs if p in lines)
            total += len(paragraphs)
            # what is left once the story's own text is taken out is boilerplate
            rest = flat
            for known in sorted(paragraphs + [story.get(k) or "" for k in ("kicker", "title", "subtitle", "byline")],
                                key=len, reverse=True):
                if known:
                    rest = rest.replace(squash(known), "", 1)
            all_chars += len(flat)
            extra_chars += len(rest)
        results[label] = {
            "pages": len(cases),
            "paragraph_recall": round(found / total, 4),
            "paragraph_per_line": round(own_line / total, 4),
            "boilerplate_share": round(extra_chars / max(1, all_chars), 4),
            "ms_per_page": round(1000 * (time.perf_counter() - started) / len(cases), 1),
        }
        print(f"HTML text  {label:24s} paragraphs found {found}/{total} ({found / total:.3f}), each on its own line "
              f"{own_line / total:.3f}, boilerplate {extra_chars / max(1, all_chars):.3f} of characters, "
              f"{results[label]['ms_per_page']} ms/page")
    return results


def measure_html_dates() -> dict:
    import htmldate
    import lxml.html
    import trafilatura

    from index.formats.html import _json_ld_articles, _page_url, page_date

    cases = {name: e for name, e in expected().items() if e["kind"] in ("html-article", "html-epaper")}

    def product(text: str):
        tree = lxml.html.document_fromstring(text)
        found = page_date(tree, _json_ld_articles(tree), url=_page_url(tree, text))
        return (found.iso(), found.source) if found else (None, None)

    def htmldate_plain(text: str):
        return htmldate.find_date(text, extensive_search=False, original_date=True), None

    def htmldate_extensive(text: str):
        return htmldate.find_date(text, extensive_search=True, original_date=True), None

    def trafilatura_meta(text: str):
        meta = trafilatura.extract_metadata(text)
        return (meta.date if meta else None), None

    methods = {"product": product, "htmldate": htmldate_plain, "htmldate extensive": htmldate_extensive,
               "trafilatura metadata": trafilatura_meta}
    results = {}
    for label, method in methods.items():
        right = stated = claimed_without = without = right_source = 0
        wrong = []
        for name, case in cases.items():
            text = (FIXTURES / "formats" / name).read_text(encoding="utf-8")
            date, source = method(text)
            if case["date"] is None:
                without += 1
                claimed_without += date is not None
                continue
            stated += 1
            if date == case["date"]:
                right += 1
                right_source += source == case["date_source"]
            else:
                wrong.append((name, date))
        results[label] = {"pages_with_date": stated, "right": right, "accuracy": round(right / stated, 4),
                          "pages_without_date": without, "dates_claimed_without": claimed_without,
                          "wrong": wrong[:10]}
        if label == "product":
            results[label]["right_source"] = right_source
        print(f"HTML date  {label:24s} right {right}/{stated} ({right / stated:.3f}); "
              f"dated {claimed_without} of {without} pages that state no date")
    return results


# --- PDF ----------------------------------------------------------------------------------------


def pdf_product(path: Path) -> str:
    from index.reader import read_page

    return read_page(path).text


def pdf_pypdfium_raw(path: Path) -> str:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(path)
    text = "\n".join(pdf[n].get_textpage().get_text_range() for n in range(len(pdf)))
    pdf.close()
    return text


def pdf_pdfplumber(path: Path) -> str:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def pdf_pdfminer(path: Path) -> str:
    from pdfminer.high_level import extract_text

    return extract_text(str(path))


def pdf_pdfminer_tuned(path: Path) -> str:
    """pdfminer.six with lines up to one line height apart grouped into one box (the default, half
    a line, leaves the lines of a 1.55-spaced column apart, so columns run together)."""
    from pdfminer.high_level import extract_text
    from pdfminer.layout import LAParams

    return extract_text(str(path), laparams=LAParams(line_margin=1.0))


def measure_pdf(printed: Path) -> dict:
    import pypdfium2

    cases = {name: e for name, e in expected().items() if e["kind"] == "pdf"}
    by_ref = stories()
    readers = {"pypdfium2 + XY-cut (product)": pdf_product, "pypdfium2 file order": pdf_pypdfium_raw,
               "pdfplumber": pdf_pdfplumber, "pdfminer.six": pdf_pdfminer,
               "pdfminer.six line_margin 1.0": pdf_pdfminer_tuned}
    results = {}
    for label, reader in readers.items():
        scores, found, total, seconds, pages = [], 0, 0, 0.0, 0
        for name, case in cases.items():
            path = printed / name
            pages += len(pypdfium2.PdfDocument(path))
            started = time.perf_counter()
            text = reader(path)
            seconds += time.perf_counter() - started
            parts = []
            for ref in case["stories"]:
                story = by_ref[ref]
                parts += [story.get(k) or "" for k in ("kicker", "title", "subtitle", "byline")]
                parts += story["paragraphs"] + [story.get("credit") or ""]
            # NFKC: pdfminer.six (and pdfplumber on it) read some CJK glyphs as Kangxi radicals
            # (⽇ for 日); folded here, so the figure measures reading order
            reference = unicodedata.normalize("NFKC", squash("".join(parts)))
            # the running heads and feet are on the page too; leave them out of both sides
            hypothesis = unicodedata.normalize("NFKC", squash("".join(
                line for line in text.splitlines() if not re.search(r"周口日报|第3版|责任编辑|星期", line) or len(line) > 40)))
            scores.append(1 - cer(hypothesis, reference))
            # a paragraph whole on one line: as printed, or short of spaces the print dropped at wraps
            lines = {unicodedata.normalize("NFKC", squash(line)) for line in text.splitlines()}
            found += sum(1 for ref in case["stories"] for p in by_ref[ref]["paragraphs"]
                         if unicodedata.normalize("NFKC", squash(p)) in lines)
            total += sum(len(by_ref[ref]["paragraphs"]) for ref in case["stories"])
        results[label] = {"files": len(cases), "pages": pages, "order_accuracy": round(statistics.mean(scores), 4),
                          "worst_file": round(min(scores), 4), "paragraphs_whole": round(found / total, 4),
                          "s_per_page": round(seconds / pages, 3)}
        print(f"PDF        {label:30s} 1-CER {results[label]['order_accuracy']:.4f} (worst file "
              f"{results[label]['worst_file']:.4f}), paragraphs whole {found}/{total}, "
              f"{results[label]['s_per_page']} s/page")
    return results


# --- OCR ----------------------------------------------------------------------------------------


def printed_page_texts(pdf_path: Path) -> list[str]:
    """Each page's text layer, as the product's PDF reader orders it."""
    import pypdfium2

    from index.formats.layout import PageBuilder
    from index.formats.pdf import _page_lines, lay_out

    pdf = pypdfium2.PdfDocument(pdf_path)
    texts = []
    for n in range(len(pdf)):
        builder = PageBuilder()
        lay_out(builder, [(_page_lines(pdf[n])[0], pdf[n].get_height())])
        texts.append(builder.text())
    pdf.close()
    return texts


def ocr_rapidocr(image_path: Path) -> str:
    from index.reader import read_page

    return read_page(image_path, ocr=True).text


def ocr_tesseract(image_path: Path) -> str:
    done = subprocess.run(["tesseract", str(image_path), "-", "-l", "chi_sim", "--psm", "3"],
                          capture_output=True, text=True, check=True)
    return done.stdout


def measure_ocr(printed: Path, *, limit: int | None) -> dict:
    images = sorted((printed / "scan").glob("print-[0-9]*-p*.png"))
    truth: dict[Path, str] = {}
    for pdf_path in sorted((printed / "pdf").glob("print-[0-9]*.pdf")):
        for n, text in enumerate(printed_page_texts(pdf_path), start=1):
            truth[printed / "scan" / f"{pdf_path.stem}-p{n}.png"] = text
    if limit:
        images = images[:: max(1, len(images) // limit)][:limit]
    engines = {"rapidocr (PP-OCRv4)": ocr_rapidocr}
    if shutil.which("tesseract"):
        engines["tesseract chi_sim"] = ocr_tesseract
    else:
        print("OCR        tesseract not installed (apt-get install tesseract-ocr tesseract-ocr-chi-sim): not measured")
    results = {}
    for label, engine in engines.items():
        errors = errors_nfkc = chars = matched = produced = 0
        seconds = 0.0
        for image in images:
            started = time.perf_counter()
            text = engine(image)
            seconds += time.perf_counter() - started
            reference, hypothesis = squash(truth[image]), squash(text)
            errors += cer(hypothesis, reference) * len(reference)
            errors_nfkc += cer(unicodedata.normalize("NFKC", hypothesis),
                               unicodedata.normalize("NFKC", reference)) * len(reference)
            chars += len(reference)
            # recognition alone, whatever the reading order: characters in common, as multisets
            folded_ref, folded_hyp = (Counter(unicodedata.normalize("NFKC", t)) for t in (reference, hypothesis))
            matched += sum((folded_ref & folded_hyp).values())
            produced += sum(folded_hyp.values())
        recall, precision = matched / chars, matched / max(1, produced)
        results[label] = {"pages": len(images), "characters": chars, "accuracy": round(1 - errors / chars, 4),
                          "accuracy_nfkc": round(1 - errors_nfkc / chars, 4),
                          "characters_f1_any_order": round(2 * recall * precision / max(1e-9, recall + precision), 4),
                          "s_per_page": round(seconds / len(images), 1)}
        print(f"OCR        {label:24s} accuracy {results[label]['accuracy']:.4f} "
              f"(NFKC-folded {results[label]['accuracy_nfkc']:.4f}; characters in any order F1 "
              f"{results[label]['characters_f1_any_order']:.4f}) over {chars} characters on "
              f"{len(images)} pages, {results[label]['s_per_page']} s/page")
    return results


# --- ingestion vs encoding ----------------------------------------------------------------------


def measure_ingestion(printed: Path, *, rounds: int = 3) -> dict:
    from index.embedding import load_encoder
    from index.pipeline import _process, passage_text
    from index.reader import read_page

    groups = {
        "html e-paper": sorted((FIXTURES / "formats" / "html").glob("epaper-*.html")),
        "html article": sorted((FIXTURES / "formats" / "html").glob("article-*.html")),
        "pdf": sorted((printed / "pdf").glob("print-[0-9]*.pdf")),
    }
    encoder = load_encoder()
    encoder.encode_passages(["预热"], progress=False)
    # the splitter's and tokenizer's word lists and the readers' imports load once, before timing
    _process(read_page(groups["pdf"][0]), entry={}, sidecar=None)
    read_page(groups["html article"][0])
    results = {}
    for kind, files in groups.items():
        # the fastest of three rounds each: on a shared machine a round is often slowed by others
        ingest_s, encode_s = [], []
        for _ in range(rounds):
            started = time.perf_counter()
            chunks = []
            for path in files:  # as `newsqa index` does: read, split, date, chunk, tokenize
                chunks += _process(read_page(path), entry={}, sidecar=None).chunks
            ingest_s.append(time.perf_counter() - started)
            texts = [passage_text(c) for c in chunks]
            started = time.perf_counter()
            encoder.encode_passages(texts, progress=False)
            encode_s.append(time.perf_counter() - started)
        read_s, encoded_s = min(ingest_s), min(encode_s)
        results[kind] = {"files": len(files), "chunks": len(chunks), "rounds": rounds, "ingest_s": round(read_s, 2),
                         "encode_s": round(encoded_s, 2), "share": round(read_s / encoded_s, 4)}
        print(f"Ingestion  {kind:12s} read, split, chunk, tokenize {read_s:.2f} s, encode {encoded_s:.2f} s "
              f"({len(chunks)} chunks; fastest of {rounds}): reading adds {100 * read_s / encoded_s:.1f}% to the encoder time")
    return results


PARTS = ("html_text", "html_dates", "pdf", "ingestion", "ocr")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip-ocr", action="store_true")
    parser.add_argument("--ocr-pages", type=int, default=None, help="OCR only this many page images (spread out)")
    parser.add_argument("--printed", type=Path, default=None, help="reuse a folder made by make_printed()")
    parser.add_argument("--only", nargs="+", choices=PARTS, default=None,
                        help="measure only these parts, keeping the others' last figures in results/formats.json")
    args = parser.parse_args()
    parts = args.only or [p for p in PARTS if not (p == "ocr" and args.skip_ocr)]
    figures = {}
    previous = RESULTS / "formats.json"
    if args.only and previous.exists():
        kept = json.loads(previous.read_text(encoding="utf-8"))
        figures = {part: kept[part] for part in PARTS if part in kept}
    with tempfile.TemporaryDirectory() as tmp:
        printed = args.printed or make_formats.make_printed(Path(tmp))
        measures = {"html_text": measure_html_text, "html_dates": measure_html_dates,
                    "pdf": lambda: measure_pdf(printed), "ingestion": lambda: measure_ingestion(printed),
                    "ocr": lambda: measure_ocr(printed, limit=args.ocr_pages)}
        for part in parts:
            figures[part] = measures[part]()
    save_results("formats", figures)
    print(f"saved {RESULTS / 'formats.json'}")


if __name__ == "__main__":
    main()
