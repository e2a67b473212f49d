"""Retries of remote storage requests: the one loop every remote request goes through.

A request to a storage can fail for a moment (the service throttles with 503
or 429, a connection is reset or dropped in the middle of a body, an answer
takes longer than the timeout): such a failure is a ``TransientError`` and the
request is tried again after an exponentially growing, jittered wait.  Other
answers (404, 403, 400...) are final and pass through at once.

How many times, and how long one request may take, come from storage_options
(``max_retries``, ``timeout`` in seconds) or else from the environment
(``TABLEKIT_STORAGE_RETRIES``, ``TABLEKIT_STORAGE_TIMEOUT``).  The defaults
keep the total wait short: 3 retries wait at most 0.1 + 0.2 + 0.4 seconds.

A body shorter than its headers promise (``Content-Length``,
``Content-Range``) or than the range asked for is a ``TransientError`` too,
so a partial read is fetched again or fails; it never becomes a table.
"""
from __future__ import annotations

import os
import random
import time
from dataclasses import dataclass
from typing import Callable, Mapping, Optional, TypeVar

from tablekit.errors import user_error

DEFAULT_RETRIES = 3
DEFAULT_TIMEOUT_SECONDS = 60.0
FIRST_WAIT_SECONDS = 0.1
LONGEST_WAIT_SECONDS = 2.0
RETRIES_VARIABLE = "TABLEKIT_STORAGE_RETRIES"
TIMEOUT_VARIABLE = "TABLEKIT_STORAGE_TIMEOUT"
TRANSIENT_STATUSES = (408, 429, 500, 502, 503, 504)

T = TypeVar("T")


class TransientError(Exception):
    """A failure a later attempt may not have: what happened, and the HTTP status if there was one."""

    def __init__(self, detail: str, status: Optional[int] = None, code: str = ""):
        super().__init__(detail)
        self.detail = detail
        self.status = status
        self.code = code


@dataclass(frozen=True)
class RetryPolicy:
    """How often to retry a transient failure and how long one request may take."""

    retries: int = DEFAULT_RETRIES
    timeout: float = DEFAULT_TIMEOUT_SECONDS

    @classmethod
    def from_options(cls, options, environ: Mapping[str, str] = os.environ) -> "RetryPolicy":
        """The policy storage_options ask for, else the environment's, else the defaults."""
        retries = _number(options.get("max_retries") if options else None, environ.get(RETRIES_VARIABLE),
                          "max_retries", RETRIES_VARIABLE, DEFAULT_RETRIES, int)
        timeout = _number(options.get("timeout") if options else None, environ.get(TIMEOUT_VARIABLE),
                          "timeout", TIMEOUT_VARIABLE, DEFAULT_TIMEOUT_SECONDS, float)
        return cls(int(retries), float(timeout))

    def wait_before(self, retry: int) -> float:
        """Seconds to wait before retry number ``retry`` (1, 2, ...): exponential, with full jitter
        so that many readers throttled together do not come back together."""
        return random.uniform(0, min(LONGEST_WAIT_SECONDS, FIRST_WAIT_SECONDS * 2 ** (retry - 1)))

    def run(self, attempt: Callable[[], T], on_retry: Optional[Callable[[], None]] = None) -> T:
        """``attempt()``, tried again while it raises TransientError (the last one is raised).
        ``on_retry`` runs before each new attempt (e.g. to drop a broken connection)."""
        for retry in range(self.retries + 1):
            if retry:
                if on_retry is not None:
                    on_retry()
                time.sleep(self.wait_before(retry))
            try:
                return attempt()
            except TransientError as exc:
                if retry == self.retries:
                    exc.detail = f"{exc.detail} ({self.retries + 1} attempts)" if self.retries else exc.detail
                    raise
        raise AssertionError("unreachable")


def _number(option, variable: Optional[str], option_name: str, variable_name: str, default, kind):
    value, where = (option, f"storage_options['{option_name}']") if option is not None \
        else (variable, f"the environment variable {variable_name}")
    if value is None or value == "":
        return default
    try:
        number = kind(value)
    except (TypeError, ValueError):
        number = -1
    if isinstance(value, bool) or number < 0 or (kind is float and number == 0):
        raise user_error(f"{where} must be a {'positive number' if kind is float else 'whole number >= 0'}, "
                         f"not {value!r}")
    return number


def check_length(body: bytes, headers: Mapping[str, str], start: int = 0, end: Optional[int] = None,
                 size: Optional[int] = None) -> bytes:
    """``body`` if it is all there, else TransientError: a partial read is never used.

    ``headers`` are the answer's, lower-cased.  ``Content-Range: bytes a-b/total``
    says what a ranged answer holds; otherwise ``Content-Length``, and the
    file's ``size`` when known, say how long the whole file is; the range
    asked for ([start, end)) must be covered up to the end of the file.
    """
    content_range = headers.get("content-range", "")
    if content_range.startswith("bytes ") and "-" in content_range:
        span, _, total = content_range[6:].partition("/")
        first, _, last = span.partition("-")
        if first.isdigit() and last.isdigit():
            promised = int(last) - int(first) + 1
            if len(body) != promised or int(first) != start:
                raise TransientError(f"the answer held {len(body)} bytes from {first}, "
                                     f"but announced {content_range}")
            if total.isdigit():
                size = int(total)
    elif headers.get("content-length", "").isdigit() and len(body) != int(headers["content-length"]):
        raise TransientError(f"the body ended after {len(body)} of {headers['content-length']} bytes")
    if size is not None:
        expected = max(0, min(size if end is None else end, size) - start)
        whole = not content_range  # a server ignoring the range sends all of the file
        got = len(body) - (start if whole and start else 0)
        if got < expected:
            raise TransientError(f"got {max(got, 0)} of the {expected} bytes asked for")
    return body
