"""Local disk: plain paths, relative paths and file:// URIs.

Listing follows mltable: a folder's files come in directory order (as
os.scandir returns them), depth-first, not sorted; a pattern's matches are
sorted by full path.
"""
from __future__ import annotations

import glob
import os
from typing import Iterator, List, Tuple
from urllib.parse import unquote

from tablekit.errors import ErrorCode, ExecutionError, data_error, user_error


def local_path(value: str, base_dir: str) -> str:
    """The absolute local path of a path entry's value."""
    if value.startswith("file://"):
        value = unquote(value[len("file://"):])
    value = os.path.expanduser(value)
    if not os.path.isabs(value):
        value = os.path.join(base_dir, value)
    return os.path.normpath(value)


def is_within(path: str, root: str) -> bool:
    """Whether ``path`` is ``root`` or below it once symbolic links (of the parts that exist) are resolved."""
    root = os.path.realpath(root)
    try:
        return os.path.commonpath([root, os.path.realpath(path)]) == root
    except ValueError:  # another drive
        return False


def path_under(root: str, relative: str) -> str:
    """``root`` joined with the '/'-separated ``relative``, for writing: a UserErrorException when that
    is not inside ``root`` (a '..' part, an absolute path, or a symbolic link, the path's own or a
    folder's on the way, leading out)."""
    parts = [part for part in relative.split("/") if part not in ("", ".")]
    path = os.path.join(root, *parts)
    if ".." in parts or not is_within(path, root):
        raise user_error(f"Not writing '{relative}': it would land outside {root} (a '..' in the name, or a "
                         f"symbolic link leading out of the folder)")
    return path


def not_found(kind: str, value: str, detail: str = ""):
    return data_error(ErrorCode.NOT_FOUND,
                      f"The requested stream was not found: {kind} '{value}' does not exist{detail}.")


def wrong_kind(value: str, detail: str):
    return ExecutionError(f"Got unexpected error: '{value}' {detail}", ErrorCode.STREAM_UNEXPECTED)


def _glob(pattern: str) -> List[str]:
    if pattern.endswith(os.sep + "**"):
        return []  # mltable: a bare trailing ** matches nothing
    try:  # mltable matches names starting with '.' too; include_hidden needs Python 3.11
        return glob.glob(pattern, recursive=True, include_hidden=True)
    except TypeError:
        return glob.glob(pattern, recursive=True)


def walk_in_directory_order(folder: str) -> Iterator[str]:
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir():
                yield from walk_in_directory_order(entry.path)
            else:
                yield entry.path


class LocalSource:
    def list(self, entry, base_dir: str, check_files: bool = True) -> Iterator[Tuple[str, str, int]]:
        path = local_path(entry.value, base_dir)
        # a relative path that is not there: say where it was looked for (the folder it is relative to)
        where = "" if os.path.isabs(entry.value) or ":" in entry.value or entry.value.startswith("~") \
            else f" (a relative path: looked for as {path})"
        if entry.kind == "file":
            if not os.path.isfile(path):
                if not check_files:  # from_paths lists the entry without opening it, as mltable does
                    yield path, path, 0
                    return
                if os.path.isdir(path):
                    raise wrong_kind(entry.value, "is a directory (os error 21); use {'folder': ...} for folders")
                raise not_found("file", entry.value, where)
            yield path, path, os.path.getsize(path)
        elif entry.kind == "folder":
            if os.path.isfile(path):
                raise wrong_kind(entry.value, "is not a directory (os error 20); use {'file': ...} for files")
            if not os.path.isdir(path):
                raise not_found("folder", entry.value, where)
            for p in walk_in_directory_order(path):
                yield p, p, os.path.getsize(p)
        else:  # pattern
            matches = sorted(p for p in _glob(path) if os.path.isfile(p))
            if not matches:
                raise not_found("pattern", entry.value, " (no file matches it)" + where)
            for p in matches:
                yield p, p, os.path.getsize(p)

    def open(self, path: str, mode: str = "rb"):
        return open(path, mode)

    def reader_input(self, path: str) -> str:
        """What pyarrow's and polars' readers take: the path itself (they read local files best)."""
        return path

    def parquet_footer_input(self, path: str) -> str:
        """What pyarrow reads a parquet footer from."""
        return path

    def parquet_scan_args(self, path: str):
        """polars.scan_parquet's source and keyword arguments."""
        return path, {}

    def read_bytes(self, path: str, start: int = 0, end: int | None = None) -> bytes:
        with open(path, "rb") as f:
            f.seek(start)
            return f.read() if end is None else f.read(end - start)
