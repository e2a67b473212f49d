"""The checks every plan passes when it is made, as mltable checks the YAML of its steps.

mltable turns each call into a step of its MLTable YAML and parses it at once:
a value of the wrong type (``delimiter=1``), a count beyond int64
(``take(10**20)``), a negative seed or a path that is not valid Unicode fails
the call with UserErrorException / ScriptExecution.Validation ("Yaml script
is invalid").  tablekit checks the same on its plan nodes, so such a value
never reaches the engine (where it would raise TypeError, OverflowError and
the like), and says in words what is wrong.
"""
from __future__ import annotations

from dataclasses import fields, is_dataclass

from tablekit.errors import ErrorCode, UserErrorException

INT64 = (-2 ** 63, 2 ** 63 - 1)
SEED_FIELDS = {"seed"}  # mltable reads a seed as an unsigned number


def _invalid(step, name: str, expected: str, value) -> UserErrorException:
    return UserErrorException(f"Yaml script is invalid: {type(step).__name__}.{name} must be {expected}, "
                              f"got {value!r} ({type(value).__name__}).", ErrorCode.VALIDATION)


def _check_int(step, name: str, value) -> None:
    low = 0 if name in SEED_FIELDS else INT64[0]
    if not isinstance(value, int) or isinstance(value, bool):
        raise _invalid(step, name, "an integer", value)
    if not low <= value <= INT64[1]:
        raise _invalid(step, name, f"an integer from {low:,} to {INT64[1]:,}", value)


def _check_str(step, name: str, value) -> None:
    if not isinstance(value, str):
        raise _invalid(step, name, "a string", value)
    check_text(value, f"{type(step).__name__}.{name}")


def check_text(value: str, what: str) -> None:
    """A string YAML can hold: no lone surrogate (as from a file name that is not UTF-8)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise UserErrorException(f"Yaml script is invalid: {what} {value!r} holds a character that is not valid "
                                 "Unicode (a lone surrogate).", ErrorCode.VALIDATION) from None


def _check_bool(step, name: str, value) -> None:
    if not isinstance(value, bool):
        raise _invalid(step, name, "True or False", value)


def _optional(check):
    return lambda step, name, value: None if value is None else check(step, name, value)


def _each(check):
    def check_all(step, name: str, values) -> None:
        for value in values:
            check(step, name, value)
    return check_all


# the annotations checked (the fields' types as written in plan/nodes.py); others are left alone
_CHECKS = {
    "str": _check_str,
    "int": _check_int,
    "bool": _check_bool,
    "Optional[int]": _optional(_check_int),
    "Optional[str]": _optional(_check_str),
    "Tuple[int, ...]": _each(_check_int),
}


def check_step(step) -> None:
    """Every checked field of a step (and of the dataclasses it holds) has a value of its type."""
    for spec in fields(step):
        value = getattr(step, spec.name)
        check = _CHECKS.get(spec.type)  # a string: plan/nodes.py postpones its annotations
        if check is not None:
            check(step, spec.name, value)
        elif is_dataclass(value) and not isinstance(value, type):
            check_step(value)
