"""Validation: every rule of the catalogue, run over a book, giving findings by cell."""

from .files import find_books, validate_file, validate_paths
from .runner import CHECKS, validate_book

__all__ = ["CHECKS", "find_books", "validate_book", "validate_file", "validate_paths"]
