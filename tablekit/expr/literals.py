"""Number and string literals, scanned exactly as mltable's parser scans them.

Quirks worth knowing (all observed on mltable 1.7.0):
- ``1_0``, ``1__0``, ``0x1_0`` are fine; ``1_``, ``0_0``, ``00``, ``01`` are not; ``007.5`` is.
- ``1.`` and ``1.e5`` are floats, ``.5`` is not a number at all.
- Integers must fit in int64 (``9223372036854775808`` is rejected).
- ``0x``/``0o``/``0b`` prefixes (any case); a bad one leaves the ``0`` alone.
- Strings: '...' or "...", optional r/R prefix (raw), never empty.  Escapes:
  \\n \\t \\r \\f \\\\ \\' \\" \\xHH \\XHH and octal \\o, \\oo, \\ooo; anything else
  (\\a \\b \\v \\u \\N ...) makes the literal invalid.
"""
from __future__ import annotations

import re
from typing import Optional, Tuple

from tablekit.expr import ast
from tablekit.expr.values import INT64_MAX, DateTime, ErrorValue, format_datetime

_DIGITS = re.compile(r"[0-9][0-9_]*")
_FRACTION = re.compile(r"[0-9_]*")
_EXPONENT = re.compile(r"[eE][+-]?([0-9_]*)")
_VALID_DIGITS = re.compile(r"[0-9]+(_+[0-9]+)*")
_PREFIXED = {"x": (16, re.compile(r"[0-9a-fA-F_]*"), re.compile(r"[0-9a-fA-F]+(_+[0-9a-fA-F]+)*")),
             "o": (8, re.compile(r"[0-7_]*"), re.compile(r"[0-7]+(_+[0-7]+)*")),
             "b": (2, re.compile(r"[01_]*"), re.compile(r"[01]+(_+[01]+)*"))}


class BadEscape(ValueError):
    """An escape mltable crashes on (\\x without two hex digits, \\8 ...): we reject it."""


def _valid(digits: str) -> bool:
    return bool(_VALID_DIGITS.fullmatch(digits))


def _valid_decimal_int(digits: str) -> bool:
    return _valid(digits) and (digits == "0" or not digits.startswith("0"))


def _exponent_end(text: str, pos: int) -> Optional[int]:
    match = _EXPONENT.match(text, pos)
    if match and _valid(match.group(1)):
        return match.end()
    return None


def scan_number(text: str, pos: int) -> Optional[Tuple[ast.Node, int]]:
    """The number literal at ``pos`` and the position after it, or None."""
    int_part = _DIGITS.match(text, pos)
    end = int_part.end()
    digits = int_part.group()
    # Floats with a point: any digits before it (leading zeros allowed), optional fraction.
    if text.startswith(".", end) and _valid(digits):
        fraction = _FRACTION.match(text, end + 1)
        if fraction.group() == "" or _valid(fraction.group()):
            after = _exponent_end(text, fraction.end())
            stop = after if after is not None else fraction.end()
            return ast.FloatLit(float(text[pos:stop].replace("_", ""))), stop
    # Floats with only an exponent: the digits must be a valid integer.
    if _valid_decimal_int(digits):
        after = _exponent_end(text, end)
        if after is not None:
            return ast.FloatLit(float(text[pos:after].replace("_", ""))), after
    # Prefixed integers.
    if digits == "0" and text[end:end + 1].lower() in _PREFIXED:
        base, token, valid = _PREFIXED[text[end].lower()]
        body = token.match(text, end + 1).group()
        if valid.fullmatch(body) and int(body.replace("_", ""), base) <= INT64_MAX:
            return ast.IntLit(int(body.replace("_", ""), base)), end + 1 + len(body)
    if _valid_decimal_int(digits) and int(digits.replace("_", "")) <= INT64_MAX:
        return ast.IntLit(int(digits.replace("_", ""))), end
    return None


_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "\\": "\\", "'": "'", '"': '"'}


def scan_string(text: str, pos: int) -> Optional[Tuple[str, int]]:
    """The string literal at ``pos`` (its value) and the position after it, or None."""
    raw = text[pos] in "rR"
    if raw:
        pos += 1
    quote = text[pos]
    i = pos + 1
    if raw:
        close = text.find(quote, i)
        if close <= i:  # unterminated or empty
            return None
        return text[i:close], close + 1
    out = []
    while i < len(text):
        char = text[i]
        if char == quote:
            return ("".join(out), i + 1) if out else None
        if char != "\\":
            out.append(char)
            i += 1
            continue
        escape = text[i + 1:i + 2]
        if escape in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[escape])
            i += 2
        elif escape in ("x", "X"):
            hex_digits = text[i + 2:i + 4]
            if not re.fullmatch(r"[0-9a-fA-F]{2}", hex_digits):
                raise BadEscape(f"invalid escape \\{escape}{hex_digits!s}: \\x needs two hex digits")
            out.append(chr(int(hex_digits, 16)))
            i += 4
        elif escape.isdigit() and escape.isascii():
            digits = re.match(r"[0-9]{1,3}", text[i + 1:]).group()
            if re.search(r"[89]", digits):
                raise BadEscape(f"invalid octal escape \\{digits}")
            out.append(chr(int(digits, 8)))
            i += 1 + len(digits)
        else:
            return None
    return None


def field_key_text(value) -> str:
    """A non-string constant used as a column/field name, as mltable's error shows it."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, DateTime):
        return format_datetime(value.ns)[:-1] + "+00:00"
    if isinstance(value, ErrorValue):
        return f"{{ErrorCode: \\\"Microsoft.DPrep.ErrorValues.{value.code}\\\", SourceValue: {value.source}}}"
    return str(value)
