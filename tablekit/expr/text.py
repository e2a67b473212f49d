"""Canonical text of an expression tree (for explain()); it parses back to the same tree."""
from __future__ import annotations

import math

from tablekit.expr import ast
from tablekit.expr.parser import NAME

# Precedence levels, lowest first.
IF_ELSE, OR, AND, NOT, COMPARE, SUM, TERM, UNARY, POWER, PRIMARY = range(10)
_BINARY_LEVEL = {"+": SUM, "-": SUM, "*": TERM, "/": TERM, "//": TERM, "%": TERM, "**": POWER}
# Names that must be written col("...") to be read back as a column.
_NOT_BARE = {"True", "False", "None", "not", "and", "or", "if", "else"}
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\f": "\\f"}


def to_text(node) -> str:
    return _text(node, IF_ELSE)


def _level(node) -> int:
    if isinstance(node, ast.IfElse):
        return IF_ELSE
    if isinstance(node, ast.BoolOp):
        return OR if node.op == "or" else AND
    if isinstance(node, ast.Unary):
        return NOT if node.op == "not" else UNARY
    if isinstance(node, ast.Compare):
        return COMPARE
    if isinstance(node, ast.Binary):
        return _BINARY_LEVEL[node.op]
    return PRIMARY


def _text(node, needed: int) -> str:
    text = _bare_text(node)
    return f"({text})" if _level(node) < needed else text


def _bare_text(node) -> str:
    if isinstance(node, ast.IntLit):
        return str(node.value)
    if isinstance(node, ast.FloatLit):
        return "1e999" if math.isinf(node.value) else repr(node.value)
    if isinstance(node, ast.StrLit):
        return string_literal(node.value)
    if isinstance(node, ast.BoolLit):
        return str(node.value)
    if isinstance(node, ast.NoneLit):
        return "None"
    if isinstance(node, ast.Column):
        return column_reference(node.name)
    if isinstance(node, ast.ListLit):
        return "[" + ", ".join(_text(item, IF_ELSE) for item in node.items) + "]"
    if isinstance(node, ast.Field):
        base = _text(node.base, PRIMARY)
        if isinstance(node.base, (ast.IntLit, ast.FloatLit)):
            base = f"({base})"  # "1.x" would read as the float "1."
        if isinstance(node.key, ast.StrLit) and NAME.fullmatch(node.key.value):
            return f"{base}.{node.key.value}"
        return f"{base}[{_text(node.key, IF_ELSE)}]"
    if isinstance(node, ast.Call):
        return f"{node.name}(" + ", ".join(_text(arg, IF_ELSE) for arg in node.args) + ")"
    if isinstance(node, ast.Unary):
        if node.op == "not":
            return "not " + _text(node.operand, NOT)
        return node.op + _text(node.operand, UNARY)
    if isinstance(node, ast.Binary):
        level = _BINARY_LEVEL[node.op]
        if node.op == "**":  # right-associative, and its exponent is a unary-level operand
            return f"{_text(node.left, PRIMARY)} ** {_text(node.right, UNARY)}"
        return f"{_text(node.left, level)} {node.op} {_text(node.right, level + 1)}"
    if isinstance(node, ast.Compare):
        return f"{_text(node.left, COMPARE)} {node.op} {_text(node.right, SUM)}"
    if isinstance(node, ast.BoolOp):
        level = OR if node.op == "or" else AND
        return f" {node.op} ".join(_text(operand, level + 1) for operand in node.operands)
    if isinstance(node, ast.IfElse):
        return f"{_text(node.then, OR)} if {_text(node.cond, OR)} else {_text(node.otherwise, OR)}"
    raise TypeError(f"not an expression node: {node!r}")


def column_reference(name: str) -> str:
    if NAME.fullmatch(name) and name not in _NOT_BARE:
        return name
    return f"col({string_literal(name)})"


def string_literal(value: str) -> str:
    out = []
    for char in value:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20:
            out.append(f"\\x{ord(char):02x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'
