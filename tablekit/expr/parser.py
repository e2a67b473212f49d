"""Parser of mltable's filter expressions (a Python-like language; never eval'd).

mltable parses with a backtracking (PEG-style) combinator parser, and which
inputs it accepts follows from that, so this is one too: each rule either
succeeds and moves on, or fails softly and the caller tries something else
from the same position.  Whatever is left after the longest expression that
parses is the "unconsumed part" of the error.  The only committed choice is
``not`` followed by whitespace: if no operand follows, the whole expression
fails (mltable reports the entire source as unconsumed then).

Grammar (lowest precedence first; ``_`` is optional whitespace: space, tab,
CR, LF; keywords must be followed by whitespace)::

    filter     := expression                      # source is trimmed first
    expression := or_test [ _ "if" ws or_test _ "else" ws or_test ]
    or_test    := and_test ( _ "or" ws and_test )*
    and_test   := not_test ( _ "and" ws not_test )*
    not_test   := "not" ws not_test | comparison
    comparison := sum ( _ ("=="|"!="|"<="|">="|"<"|">") _ sum )*
    sum        := term ( _ ("+"|"-") _ term )*
    term       := factor ( _ ("*"|"//"|"/"|"%") _ factor )*
    factor     := ("+"|"-") _ factor | power
    power      := primary [ _ "**" _ factor ]
    primary    := atom ( _ "." _ NAME [ _ "(" args? ")" ] | _ "[" expression "]" )*
    atom       := NUMBER | STRING | "True" | "False" | "None"
                | NAME _ "(" args ")" | NAME
                | "(" expression ")" | "(" expression ("," expression)+ ")"
                | "[" expression ("," expression)* "]"
    args       := expression ("," expression)*
"""
from __future__ import annotations

import re
from typing import List, Optional, Tuple

from tablekit.errors import ErrorCode, UserErrorException
from tablekit.expr import ast, literals
from tablekit.expr.evaluate import evaluate
from tablekit.expr.limits import MAX_LENGTH, MAX_NESTING, MAX_TREE_DEPTH, deep_recursion

WHITESPACE = " \t\r\n"
# What Rust's str::trim() removes (mltable trims the source before parsing).
TRIMMED = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008" \
          "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
COMPARISON_OPS = ("==", "!=", "<=", ">=", "<", ">")
FUNCTIONS = ("datetime", "startswith", "starts_with")  # callable as f(x, ...) and as x.f(...)
PARSE_ERROR = "Python expression parse error"


class _Committed(Exception):
    """``not`` was followed by something that is not an operand: the whole parse fails."""


def parse_error(message: str) -> UserErrorException:
    return UserErrorException(message, ErrorCode.VALIDATION)


def shown(text: str, limit: int = 300) -> str:
    """A piece of source for a message: quoted, and cut if long."""
    return repr(text) if len(text) <= limit else repr(text[:limit]) + f" (and {len(text) - limit} more characters)"


class Parser:
    def __init__(self, text: str):
        self.text = text
        self.pos = 0
        self.nesting = 0
        # Calls and fields mltable rejects when compiling (after a successful parse),
        # keyed by node identity: a rejected node may be thrown away by backtracking.
        self.rejected: List[Tuple[object, str]] = []

    # --- low-level helpers ------------------------------------------------------------------

    def at(self, token: str) -> bool:
        return self.text.startswith(token, self.pos)

    def skip_ws(self) -> None:
        text, pos = self.text, self.pos
        while pos < len(text) and text[pos] in WHITESPACE:
            pos += 1
        self.pos = pos

    def symbol(self, token: str) -> bool:
        """Optional whitespace, then ``token``, then optional whitespace."""
        start = self.pos
        self.skip_ws()
        if self.at(token):
            self.pos += len(token)
            self.skip_ws()
            return True
        self.pos = start
        return False

    def keyword(self, word: str) -> bool:
        """Optional whitespace, ``word``, then at least one whitespace character."""
        start = self.pos
        self.skip_ws()
        end = self.pos + len(word)
        if self.at(word) and end < len(self.text) and self.text[end] in WHITESPACE:
            self.pos = end
            self.skip_ws()
            return True
        self.pos = start
        return False

    def enter(self) -> None:
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            raise parse_error(f"{PARSE_ERROR}: the expression is nested more than {MAX_NESTING} levels deep "
                              f"(at character {self.pos + 1}). From source: {shown(self.text)}")

    def leave(self) -> None:
        self.nesting -= 1

    # --- grammar -----------------------------------------------------------------------------

    def expression(self) -> Optional[ast.Node]:
        self.enter()
        try:
            then = self.or_test()
            if then is None:
                return None
            start = self.pos
            if self.keyword("if"):
                cond = self.or_test()
                if cond is not None and self.keyword("else"):
                    otherwise = self.or_test()  # not an expression: `a if b else c if d else e` is rejected
                    if otherwise is not None:
                        return ast.IfElse(then, cond, otherwise)
            self.pos = start
            return then
        finally:
            self.leave()

    def or_test(self) -> Optional[ast.Node]:
        return self._bool_chain("or", self.and_test)

    def and_test(self) -> Optional[ast.Node]:
        return self._bool_chain("and", self.not_test)

    def _bool_chain(self, word, operand_rule) -> Optional[ast.Node]:
        first = operand_rule()
        if first is None:
            return None
        operands = [first]
        while True:
            start = self.pos
            if self.keyword(word):
                operand = operand_rule()
                if operand is not None:
                    operands.append(operand)
                    continue
            self.pos = start
            break
        return first if len(operands) == 1 else ast.BoolOp(word, tuple(operands))

    def not_test(self) -> Optional[ast.Node]:
        end = self.pos + 3
        if self.at("not") and end < len(self.text) and self.text[end] in WHITESPACE:
            self.pos = end
            self.skip_ws()
            self.enter()
            try:
                operand = self.not_test()
            finally:
                self.leave()
            if operand is None:
                raise _Committed()
            return ast.Unary("not", operand)
        return self.comparison()

    def comparison(self) -> Optional[ast.Node]:
        return self._binary_chain(COMPARISON_OPS, self.sum, ast.Compare)

    def sum(self) -> Optional[ast.Node]:
        return self._binary_chain(("+", "-"), self.term, ast.Binary)

    def term(self) -> Optional[ast.Node]:
        return self._binary_chain(("*", "//", "/", "%"), self.factor, ast.Binary)

    def _binary_chain(self, ops, operand_rule, node_class) -> Optional[ast.Node]:
        left = operand_rule()
        if left is None:
            return None
        while True:
            start = self.pos
            self.skip_ws()
            op = next((o for o in ops if self.at(o) and not (o == "*" and self.at("**"))), None)
            if op is not None:
                self.pos += len(op)
                self.skip_ws()
                right = operand_rule()
                if right is not None:
                    left = node_class(op, left, right)
                    continue
            self.pos = start
            return left

    def factor(self) -> Optional[ast.Node]:
        if self.at("+") or self.at("-"):
            start = self.pos
            op = self.text[self.pos]
            self.pos += 1
            self.skip_ws()
            self.enter()
            try:
                operand = self.factor()
            finally:
                self.leave()
            if operand is not None:
                return ast.Unary(op, operand)
            self.pos = start
            return None
        return self.power()

    def power(self) -> Optional[ast.Node]:
        base = self.primary()
        if base is None:
            return None
        start = self.pos
        if self.symbol("**"):
            self.enter()
            try:
                exponent = self.factor()
            finally:
                self.leave()
            if exponent is not None:
                return ast.Binary("**", base, exponent)
        self.pos = start
        return base

    def primary(self) -> Optional[ast.Node]:
        node = self.atom()
        if node is None:
            return None
        while True:
            start = self.pos
            trailed = self.dot_trailer(node) if self.symbol(".") else None
            if trailed is None:
                self.pos = start
                trailed = self.subscript(node) if self.symbol("[") else None
            if trailed is None:
                self.pos = start
                return node
            node = trailed

    def dot_trailer(self, base) -> Optional[ast.Node]:
        name_at = self.pos
        name = self.name()
        if name is None:
            return None
        start = self.pos
        if self.symbol("("):
            args = [] if self.symbol(")") else self.arguments(")")
            if args is not None:
                call = ast.Call(_canonical(name), (base, *args))
                if name not in FUNCTIONS:  # includes `x.col()`: col takes no receiver
                    self.reject_function(call, name, name_at)
                return call
        self.pos = start
        return ast.Field(base, ast.StrLit(name))

    def subscript(self, base) -> Optional[ast.Node]:
        key = self.expression()
        if key is None or not self.symbol("]"):
            return None
        return self.field_or_column(key, lambda name: ast.Field(base, ast.StrLit(name)),
                                    lambda: ast.Field(base, key))

    def arguments(self, closing: str) -> Optional[list]:
        """``expression ("," expression)* closing``; None when that does not parse."""
        items = []
        while True:
            item = self.expression()
            if item is None:
                return None
            items.append(item)
            if self.symbol(closing):
                return items
            if not self.symbol(","):
                return None

    def atom(self) -> Optional[ast.Node]:
        if self.pos >= len(self.text):
            return None
        char = self.text[self.pos]
        if char.isdigit() and char.isascii():
            return self.number()
        if char in "'\"" or (char in "rR" and self.text[self.pos + 1:self.pos + 2] in ("'", '"')):
            return self.string()
        if char == "(":
            return self.parenthesised()
        if char == "[":
            start = self.pos
            self.pos += 1
            self.skip_ws()
            items = self.arguments("]")
            if items is None:
                self.pos = start
                return None
            return ast.ListLit(tuple(items))
        name_at = self.pos
        name = self.name()
        if name is None:
            return None
        if name in ("True", "False"):
            return ast.BoolLit(name == "True")
        if name == "None":
            return ast.NoneLit()
        start = self.pos
        if self.symbol("("):
            args = self.arguments(")")
            if args is not None:
                return self.call(name, args, name_at)
        self.pos = start
        return ast.Column(name)

    def parenthesised(self) -> Optional[ast.Node]:
        start = self.pos
        self.pos += 1
        self.skip_ws()
        items = self.arguments(")")
        if items is None:
            self.pos = start
            return None
        # (a) is a, (a, b) is a list; a one-element tuple "(a,)" is rejected.
        return items[0] if len(items) == 1 else ast.ListLit(tuple(items))

    def call(self, name: str, args: list, name_at: int) -> ast.Node:
        if name == "col" and len(args) == 1:
            return self.field_or_column(args[0], ast.Column, lambda: ast.Call("col", (args[0],)))
        call = ast.Call(_canonical(name), tuple(args))
        if name not in FUNCTIONS:
            self.reject_function(call, name, name_at)
        return call

    def field_or_column(self, key: ast.Node, by_name, dynamic):
        """``col(key)`` / ``x[key]``: a constant string key names the field statically.

        A key computed from columns is never resolved by mltable (null); a
        constant that is not a string is rejected when mltable compiles.
        """
        if any(isinstance(n, (ast.Column, ast.Field)) or (isinstance(n, ast.Call) and n.name == "col")
               for n in ast.walk(key)):
            return dynamic()
        value = evaluate(key, {})
        if isinstance(value, str):
            return by_name(value)
        node = dynamic()
        if not isinstance(key, ast.IfElse):  # mltable folds conditionals only to strings
            shown = "Null" if value is None else literals.field_key_text(value)
            self.reject(node, f"a column or field name must be a string, not {shown} (mltable: Native function "
                              f"compilation error. 'RecordFieldInvalidKind {{ value: \"{shown}\" }}')")
        return node

    def reject(self, node, reason: str) -> None:
        """Remember a node mltable refuses to compile; raised only if it survives backtracking."""
        self.rejected.append((node, reason))

    def reject_function(self, node, name: str, pos: int) -> None:
        known = "col(\"name\"), datetime(year, ...), startswith(text, prefix) or text.startswith(prefix)"
        self.reject(node, f"unknown function {name!r} near character {pos + 1}; the functions are {known} "
                          f"(mltable: Native function compilation error. 'NameNotFound {{ identifier: \"{name}\" }}')")

    def name(self) -> Optional[str]:
        match = NAME.match(self.text, self.pos)
        if match is None:
            return None
        self.pos = match.end()
        return match.group()

    def number(self) -> Optional[ast.Node]:
        parsed = literals.scan_number(self.text, self.pos)
        if parsed is None:
            return None
        node, self.pos = parsed
        return node

    def string(self) -> Optional[ast.Node]:
        try:
            parsed = literals.scan_string(self.text, self.pos)
        except literals.BadEscape as exc:
            raise parse_error(f"{PARSE_ERROR}: {exc} in the string literal at character {self.pos + 1}. "
                              f"From source: {shown(self.text)}") from None
        if parsed is None:
            return None
        value, self.pos = parsed
        return ast.StrLit(value)


def _canonical(name: str) -> str:
    return "startswith" if name == "starts_with" else name


def parse_filter(text: str) -> ast.Node:
    """Parse a filter expression; raise UserErrorException (ScriptExecution.Validation) if invalid."""
    if not isinstance(text, str):
        raise parse_error(f"{PARSE_ERROR}: the expression must be a string, not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise parse_error(f"{PARSE_ERROR}: the expression is longer than {MAX_LENGTH} characters")
    surrogate = re.search(r"[\ud800-\udfff]", text)
    if surrogate:  # not valid Unicode text: mltable cannot even receive it
        raise parse_error(f"{PARSE_ERROR}: the expression holds a lone surrogate character at position "
                          f"{surrogate.start() + 1}, which is not valid Unicode text")
    source = text.strip(TRIMMED)
    parser = Parser(source)
    with deep_recursion():
        try:
            node = parser.expression()
        except _Committed:
            node, parser.pos = None, 0
        except RecursionError:  # belt and braces: the nesting limit should come first
            raise parse_error(f"{PARSE_ERROR}: the expression is nested too deeply. "
                              f"From source: {shown(source)}") from None
    rest_at = parser.pos if node is not None else 0
    if node is not None:
        parser.skip_ws()
        rest_at = parser.pos
    if node is None or rest_at < len(source):
        raise parse_error(_unconsumed_message(source, rest_at))
    _check_rejected(node, parser.rejected)
    if ast.depth(node) > MAX_TREE_DEPTH:
        raise parse_error(f"{PARSE_ERROR}: the expression has more than {MAX_TREE_DEPTH} nested operations. "
                          f"From source: {shown(source)}")
    return node


def _check_rejected(node, rejected) -> None:
    if not rejected:
        return
    wanted = {id(n): message for n, message in rejected}
    for current in ast.walk(node):
        if id(current) in wanted and any(n is current for n, _ in rejected):
            raise parse_error(f"{PARSE_ERROR}: {wanted[id(current)]}.")


_HINTS = (
    ("&&", "use 'and' instead of '&&'"),
    ("||", "use 'or' instead of '||'"),
    ("!=", None),
    ("!", "use 'not' instead of '!'"),
    ("&", "use 'and' instead of '&'"),
    ("|", "use 'or' instead of '|'"),
    ("~", "use 'not' instead of '~'"),
    ("`", "backquotes are not supported: write col(\"column name\")"),
    ("#", "comments are not supported"),
    ("''", "empty strings are not supported"),
    ('""', "empty strings are not supported"),
    ("==", None),
    ("=", "use '==' to compare"),
)


def _unconsumed_message(source: str, at: int) -> str:
    rest = source[at:]
    hint = "could not parse the expression from here"
    if not source:
        hint = "the expression is empty"
    elif re.match(r"(in|is)\b", rest) or re.search(r"\s(in|is)\s", rest[:1] + rest):
        hint = "'in' and 'is' are not supported: compare with == and combine with 'or'"
    elif re.match(r"(and|or|if|else)[^\sA-Za-z0-9_]", rest):
        hint = f"write whitespace after '{re.match(r'[a-z]+', rest).group()}'"
    elif re.match(r"\.\d", rest) or re.search(r"(?<![\w.])\.\d", rest):
        hint = "write numbers with a digit before the point: 0.5, not .5"
    else:
        for token, text in _HINTS:
            if token in rest:
                if text is not None:
                    hint = text
                break
    return (f"{PARSE_ERROR}. Unconsumed part: {shown(rest)}. From source: {shown(source)}. "
            f"At character {at + 1}: {hint}.")
