"""File readers: CSV/TSV, JSON lines, JSON arrays, Parquet and MovieLens folders.

Pure adapters: a reader turns a file into numbered raw rows (`rows.ERROR_KEY` marks one
it could not read) and stores nothing; `tailored.workflows.imports` writes what they read
through the engine.
"""
