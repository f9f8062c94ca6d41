"""The index: one SQLite file with documents, pages, chunks, BM25 and vectors."""
