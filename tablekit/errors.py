"""Errors raised by tablekit.

mltable raises a single exception class, ``UserErrorException``, and tells
situations apart by its ``error_code`` attribute.  Code that catches mltable
errors matches on that class name and on the code, so we keep both, but write
messages a person can read (mltable's are multi-screen rslex dumps).
"""
from __future__ import annotations


class ErrorCode:
    """The error_code values real mltable uses."""

    USER_ERROR = "UserError"  # argument errors raised at call time
    NOT_FOUND = "ScriptExecution.StreamAccess.NotFound"
    AUTHENTICATION = "ScriptExecution.StreamAccess.Authentication"  # 401/403 from the storage
    CONNECTION_FAILURE = "ScriptExecution.StreamAccess.ConnectionFailure"  # storage unreachable
    STREAM_UNEXPECTED = "ScriptExecution.StreamAccess.Unexpected"
    VALIDATION = "ScriptExecution.Validation"
    TRANSFORMATION_VALIDATION = "ScriptExecution.Transformation.Validation"
    UNEXPECTED = "ScriptExecution.Unexpected"
    ALREADY_EXISTS = "ScriptExecution.WriteStreams.AlreadyExists"
    WRITE_STREAMS_UNEXPECTED = "ScriptExecution.WriteStreams.Unexpected"  # data that cannot be decoded


class MLTableError(Exception):
    """Base of tablekit's errors; ``error_code`` matches what mltable 1.7.0 reports."""

    def __init__(self, message: str, error_code: str | None = None):
        super().__init__(message)
        self.message = message
        self.error_code = error_code
        self.compliant_message = message

    def __str__(self) -> str:
        # mltable's text: an empty line, then its code on a line of its own; code that matches on
        # str(e) relies on it.  The message follows: tablekit's own, readable one.
        if self.error_code is None:
            return self.message
        return f"\nError Code: {self.error_code}\nError Message: {self.message}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(error_code={self.error_code!r}, message={self.message!r})"

    def __reduce__(self):
        # pickled with its code (errors raised on Dask workers travel to the client this way)
        return type(self), (self.message, self.error_code)


class UserErrorException(MLTableError):
    """An error caused by the user's input or data, never by a bug in tablekit."""

    def __init__(self, message: str, error_code: str = ErrorCode.USER_ERROR):
        super().__init__(message, error_code)


class ExecutionError(MLTableError):
    """A storage error mltable reports as ExecutionError (e.g. a file entry naming a folder)."""


class UnknownColumnWarning(UserWarning):
    """A step names a column the table does not have at that step (a misspelled name, most
    likely).  mltable ignores such a name, and so does tablekit: the result stays mltable's.
    Silence it with ``warnings.simplefilter("ignore", tablekit.UnknownColumnWarning)``."""

    def __init__(self, message: str, step: str = "", column: str = "", near: tuple = ()):
        super().__init__(message)
        self.step, self.column, self.near = step, column, near

    def as_error(self) -> str:
        """The CLI's wording, where an unknown column is an error."""
        hint = f" (did you mean {' or '.join(repr(n) for n in self.near)}?)" if self.near else ""
        return f"{self.step}: the table has no column {self.column!r}{hint}"


def user_error(message: str) -> UserErrorException:
    """An argument error, raised when the bad call is made."""
    return UserErrorException(message, ErrorCode.USER_ERROR)


def data_error(code: str, message: str) -> UserErrorException:
    """An error found while reading data, raised at materialization."""
    return UserErrorException(message, code)


def no_columns_error(records: int) -> UserErrorException:
    """mltable's error for rows without any column (all keys dropped, JSON objects without keys)."""
    return data_error(ErrorCode.VALIDATION, f"The input data contains no columns. Looked at {records} records.")
