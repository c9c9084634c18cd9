"""Alembic migrations, applied by `Engine.open` and `tailored db upgrade`."""
