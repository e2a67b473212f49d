"""Local disk: plain paths, relative paths and file:// URIs."""
from __future__ import annotations

import glob
import os
from typing import Iterator, Tuple
from urllib.parse import unquote

from tablekit.errors import ErrorCode, data_error


def local_path(value: str, base_dir: str) -> str:
    """The absolute local path of a path entry's value."""
    if value.startswith("file://"):
        value = unquote(value[len("file://"):])
    value = os.path.expanduser(value)
    if not os.path.isabs(value):
        value = os.path.join(base_dir, value)
    return os.path.normpath(value)


def not_found(kind: str, value: str, detail: str = ""):
    return data_error(ErrorCode.NOT_FOUND,
                      f"The requested stream was not found: {kind} '{value}' does not exist{detail}.")


def _glob(pattern: str):
    try:  # mltable matches names starting with '.' too; include_hidden needs Python 3.11
        return glob.glob(pattern, recursive=True, include_hidden=True)
    except TypeError:
        return glob.glob(pattern, recursive=True)


class LocalSource:
    def list(self, entry, base_dir: str) -> Iterator[Tuple[str, str, int]]:
        path = local_path(entry.value, base_dir)
        if entry.kind == "file":
            if not os.path.isfile(path):
                raise not_found("file", entry.value)
            yield path, path, os.path.getsize(path)
        elif entry.kind == "folder":
            if not os.path.isdir(path):
                raise not_found("folder", entry.value)
            found = []
            for root, _dirs, names in os.walk(path):
                found.extend(os.path.join(root, n) for n in names)
            for p in sorted(found):
                yield p, p, os.path.getsize(p)
        else:  # pattern
            matches = sorted(p for p in _glob(path) if os.path.isfile(p))
            if not matches:
                raise not_found("pattern", entry.value, " (no file matches it)")
            for p in matches:
                yield p, p, os.path.getsize(p)

    def open(self, path: str, mode: str = "rb"):
        return open(path, mode)

    def read_bytes(self, path: str, start: int = 0, end: int | None = None) -> bytes:
        with open(path, "rb") as f:
            f.seek(start)
            return f.read() if end is None else f.read(end - start)
