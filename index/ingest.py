"""One corpus file → its articles: read, dated, split. `build_index` does the same for a whole
corpus, with sidecar manifests read once per folder."""

from __future__ import annotations

from pathlib import Path

from index.dates import resolve_page_date
from index.reader import load_sidecar, read_page
from index.records import Article
from index.segment import split_page


def parse_file(path: Path, *, sidecar: dict | None = None) -> list[Article]:
    """Read, date and split one file. `sidecar` is the file's manifest entry; when None, the
    `newsqa-manifest.json` next to the file is consulted."""
    page = read_page(path)
    if sidecar is None:
        sidecar = load_sidecar(Path(path).parent).get(page.source)
    return split_page(page, page_date=resolve_page_date(page, sidecar=sidecar))
