"""SQLAlchemy tables, queries and migrations: the only place SQL lives."""
