"""mltable's filter expression language: parse, inspect and compile to polars.

    node = parse_filter('a > 1 and col("b c") == "x"')   # UserErrorException if invalid
    referenced_columns(node)                              # frozenset({'a', 'b c'})
    to_text(node)                                         # 'a > 1 and col("b c") == "x"'
    frame.filter(compile_filter(node, frame.schema))

The language is documented in docs/filter-language.md.
"""
from __future__ import annotations

from typing import Optional

from tablekit.errors import UserErrorException
from tablekit.expr import ast
from tablekit.expr.parser import parse_filter
from tablekit.expr.text import to_text

Node = ast.Node


def referenced_columns(node: Node) -> frozenset:
    """Names of the columns a filter reads (columns named per row are never resolved, so not listed)."""
    return frozenset(n.name for n in ast.walk(node) if isinstance(n, ast.Column))


def columns_read(expression: str) -> Optional[frozenset]:
    """The columns a filter expression reads; None when it does not parse (its error is
    reported when the filter runs, not by whoever only wanted its columns)."""
    try:
        return referenced_columns(parse_filter(expression))
    except UserErrorException:
        return None


def __getattr__(name: str):
    # compile_filter is imported when first asked for: it needs polars, and the parser (which the
    # optimizer and plan/ use) does not, so importing the parser keeps polars unloaded
    if name == "compile_filter":
        from tablekit.expr.compile import compile_filter
        return compile_filter
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["parse_filter", "compile_filter", "referenced_columns", "columns_read", "to_text", "Node"]
