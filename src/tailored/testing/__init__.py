"""Reusable test kits: fresh databases on each backend, contract suites."""
