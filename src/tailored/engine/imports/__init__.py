"""Bulk import: readers turn files into raw rows, `import_rows` writes them in batches.

The CLI (`tailored import ...`) and `tailored demo` both go through here.
"""

from tailored.engine.imports.batches import (
    ERROR_KEY,
    KINDS,
    ImportReport,
    Kind,
    RowRejection,
    import_rows,
)

__all__ = ["ERROR_KEY", "KINDS", "ImportReport", "Kind", "RowRejection", "import_rows"]
