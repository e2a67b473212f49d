"""Raising filter errors from inside a polars predicate.

mltable raises when a row's filter value is an error or not a boolean, at
materialization.  compile.py attaches ``check_filter_batch`` to such
predicates; it raises for the first offending row:

- an error value (division by zero, ...): code ScriptExecution.Transformation.Unexpected,
  class ``ExecutionError`` (azureml.dataprep's, a sibling of UserErrorException, not
  a subclass), except for ValueWrongKind errors, which mltable reclassifies as
  ``UserErrorException``;
- a value that is not a boolean: ``UserErrorException`` (ScriptExecution.Validation).

polars re-raises an exception from a Python UDF by calling its class with one
string (the original text plus context), which would lose ``error_code``.  The
two classes here are subclasses of tablekit.errors' classes of the same names
(differential tests compare class names) that recover the code and the clean
message from that text.
"""
from __future__ import annotations

import re

import polars as pl

from tablekit import errors
from tablekit.errors import ErrorCode
from tablekit.expr.values import ERROR_PREFIX

# mltable's code for errors found while evaluating a transformation (not in tablekit.errors yet).
TRANSFORMATION_UNEXPECTED = "ScriptExecution.Transformation.Unexpected"

_POLARS_CONTEXT = "\n\nThis error occurred"
_WITH_CODE = re.compile(r"(?s)\s*Error Code: ([\w.]+)\nError Message: (.*)")  # str() of an MLTableError


def _recover(message: str):
    """(message, code) from the text polars hands back to the exception class."""
    message = message.split(_POLARS_CONTEXT, 1)[0]
    match = _WITH_CODE.fullmatch(message)
    return (match.group(2), match.group(1)) if match else (message, None)


class UserErrorException(errors.UserErrorException):
    def __init__(self, message: str, error_code: str | None = None):
        if error_code is None:
            message, error_code = _recover(message)
        super().__init__(message, error_code or ErrorCode.USER_ERROR)


class ExecutionError(errors.ExecutionError):
    """An error value reached the top of a filter (mltable: azureml.dataprep's ExecutionError)."""

    def __init__(self, message: str, error_code: str | None = None):
        if error_code is None:
            message, error_code = _recover(message)
        super().__init__(message, error_code or TRANSFORMATION_UNEXPECTED)


_EXPLANATIONS = {
    "DivisorMustNotBeZero": "division by zero",
    "ValueWrongKind": "a value of the wrong type (+ needs two numbers or two strings; startswith needs two "
                      "non-null strings)",
    "NumericValueRequired": "arithmetic on a value that is not a number",
    "BooleanOpOnInvalidKind": "and/or/not/if on a value that is not True, False or null",
    "GetFieldOfNonRecord": "a field of a value that is not a record",
    "InvokedFunctionWithWrongNumberOfArguments": "a function called with the wrong number of arguments",
    "InvalidDateTimePartValue": "a datetime() part that is not an integer (or text holding a number)",
    "InvalidYMD": "datetime() of a date that does not exist",
    "InvalidHMS": "datetime() of a time of day that does not exist",
}


# mltable (azureml.dataprep's _reclassify_rslex_error) re-raises an ExecutionError as a
# UserErrorException when its message names one of these error values.
USER_ERROR_VALUES = ("ValueWrongKind",)


def value_error(code: str, source: str, row: int):
    explanation = _EXPLANATIONS.get(code, code)
    error_class = UserErrorException if code in USER_ERROR_VALUES else ExecutionError
    return error_class(
        f"Error processing data : . While processing value: SyncErrorValue {{ error_code: "
        f"\"{ERROR_PREFIX}{code}\", source_value: {source}, error_details: None }}. "
        f"(The filter expression failed on row {row}: {explanation}.)",
        TRANSFORMATION_UNEXPECTED)


def cast_error(kind: str, source: str, row: int) -> UserErrorException:
    return UserErrorException(
        f"Value cast error. Expected 'Boolean', got '{kind}'. {source}. "
        f"(The filter expression must be True, False or null; on row {row} it is {source}.)",
        ErrorCode.VALIDATION)


def check_filter_batch(batch: pl.Series) -> pl.Series:
    """Raise for the first row that is an error or not a boolean; otherwise the keep mask."""
    frame = batch.struct.unnest()
    bad = frame.filter(pl.col("error").is_not_null() | pl.col("cast").is_not_null()).head(1)
    if bad.height:
        row, error, cast = bad.row(0)[0], bad["error"][0], bad["cast"][0]
        if error is not None:
            code, _, source = error.partition("|")
            raise value_error(code, source, row)
        kind, _, source = cast.partition("|")
        raise cast_error(kind, source, row)
    return frame["keep"]
