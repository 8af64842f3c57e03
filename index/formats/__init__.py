"""Readers of corpus file formats: each turns a file into a `index.reader.Page` (text, layout
blocks, the file's own metadata) and knows nothing of how a page splits into stories.

`index.reader.read_page` picks the reader by the file's suffix; the readers of formats with layout
(html, pdf, docx, ocr) lay their page out the same way (`layout.PageBuilder`).
"""
