"""One reader per file format, each turning a file into an `index.reader.Page`.

`index.reader.read_page` picks the reader by the file's suffix; every reader lays its page out the
same way (see `layout.PageBuilder`), so segmentation need not know where a page came from.
"""
