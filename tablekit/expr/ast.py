"""Expression tree of mltable's filter language.

Nodes are small frozen dataclasses, so trees compare and hash by value (the
round-trip tests rely on that).  Literals of different types are different
classes on purpose: ``1 == True == 1.0`` in Python, but not in the language.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Tuple, Union


@dataclass(frozen=True)
class IntLit:
    value: int  # 0 .. 2**63-1; negative numbers are a unary minus


@dataclass(frozen=True)
class FloatLit:
    value: float  # never negative or NaN; may be inf (``1e400``)


@dataclass(frozen=True)
class StrLit:
    value: str  # never empty: mltable rejects ``''``


@dataclass(frozen=True)
class BoolLit:
    value: bool


@dataclass(frozen=True)
class NoneLit:
    pass


@dataclass(frozen=True)
class ListLit:
    """``[a, b]`` or a parenthesised tuple ``(a, b)``: a list value."""
    items: Tuple["Node", ...]


@dataclass(frozen=True)
class Column:
    """A column by name: a bare identifier, or ``col("a b")`` with a constant name."""
    name: str


@dataclass(frozen=True)
class Field:
    """``base.name`` or ``base[key]``: a field of a record (struct) value.

    ``key`` is a StrLit when the field is known statically; any other key is
    computed per row, which mltable never resolves (the result is null).
    """
    base: "Node"
    key: "Node"


@dataclass(frozen=True)
class Call:
    """A call of a built-in: ``datetime``, ``startswith`` or ``col`` (dynamic name only).

    ``x.f(a)`` is parsed as ``f(x, a)``.  The argument count is not checked by
    the parser: mltable reports a wrong count per row, at materialization.
    """
    name: str
    args: Tuple["Node", ...]


@dataclass(frozen=True)
class Unary:
    op: str  # "-", "+", "not"
    operand: "Node"


@dataclass(frozen=True)
class Binary:
    op: str  # "+", "-", "*", "/", "//", "%", "**"
    left: "Node"
    right: "Node"


@dataclass(frozen=True)
class Compare:
    """One comparison.  ``a < b < c`` is ``(a < b) < c`` in this language."""
    op: str  # "==", "!=", "<", "<=", ">", ">="
    left: "Node"
    right: "Node"


@dataclass(frozen=True)
class BoolOp:
    """``a and b and c`` / ``a or b or c``: evaluated left to right."""
    op: str  # "and", "or"
    operands: Tuple["Node", ...]


@dataclass(frozen=True)
class IfElse:
    """``then if cond else otherwise``."""
    then: "Node"
    cond: "Node"
    otherwise: "Node"


Node = Union[IntLit, FloatLit, StrLit, BoolLit, NoneLit, ListLit, Column, Field, Call,
             Unary, Binary, Compare, BoolOp, IfElse]

LITERALS = (IntLit, FloatLit, StrLit, BoolLit, NoneLit)


def children(node: Node) -> Tuple[Node, ...]:
    """The direct sub-expressions of a node, in source order."""
    if isinstance(node, ListLit):
        return node.items
    if isinstance(node, Field):
        return (node.base, node.key)
    if isinstance(node, Call):
        return node.args
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, (Binary, Compare)):
        return (node.left, node.right)
    if isinstance(node, BoolOp):
        return node.operands
    if isinstance(node, IfElse):
        return (node.then, node.cond, node.otherwise)
    return ()


def walk(node: Node):
    """Every node of the tree, parents before children (iterative: trees may be long chains)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(children(current)))


def depth(node: Node) -> int:
    """Height of the tree (a lone literal has depth 1)."""
    best = 0
    stack = [(node, 1)]
    while stack:
        current, level = stack.pop()
        best = max(best, level)
        stack.extend((child, level + 1) for child in children(current))
    return best
