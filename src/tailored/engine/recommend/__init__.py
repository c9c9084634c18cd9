"""Serving recommendations: the ranking chain, its in-memory state and its reasons."""

from tailored.engine.recommend.service import Recommendations

__all__ = ["Recommendations"]
