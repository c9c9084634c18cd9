"""Pure value objects and rules: no I/O, no SQLAlchemy, no HTTP."""
