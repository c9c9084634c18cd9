"""The `tailored` command line (Typer)."""
