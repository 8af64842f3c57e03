"""Readers of corpus file formats: each turns a file into a `index.reader.Page` (text, layout
blocks, the file's own metadata) and knows nothing of how a page splits into stories."""
