"""Scheme registry: a path's scheme picks the source that lists and opens it.

Adding a storage scheme means writing one source class and adding it to
``SOURCES``; nothing else in tablekit knows about schemes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Sequence

from tablekit.errors import ErrorCode, data_error
from tablekit.plan.nodes import PathEntry
from tablekit.sources.local import LocalSource


@dataclass(frozen=True)
class SourceFile:
    """One file to read: where it is, how to show it, and which source opens it."""

    path: str        # what the source opens (a local absolute path for local files)
    display: str     # what a Path column shows
    size: int
    source: object


SOURCES: Dict[str, object] = {
    "": LocalSource(),
    "file": LocalSource(),
}


def scheme_of(path: str) -> str:
    head, sep, _ = path.partition("://")
    if sep and head.isalpha() and len(head) > 1:  # 'C:/x' is a drive letter, not a scheme
        return head.lower()
    return ""


def source_for(path: str):
    scheme = scheme_of(path)
    try:
        return SOURCES[scheme]
    except KeyError:
        raise data_error(ErrorCode.NOT_FOUND,
                         f"The requested stream was not found: no storage is registered for '{scheme}://' "
                         f"paths ({path})") from None


def resolve_paths(entries: Sequence[PathEntry], base_dir: str, check_files: bool = True) -> List[SourceFile]:
    """List every file the entries name, in entry order.

    ``check_files=False`` lets a file entry name a file that does not exist
    (from_paths does not check them).
    """
    files: List[SourceFile] = []
    for entry in entries:
        source = source_for(entry.value)
        for path, display, size in source.list(entry, base_dir, check_files):
            files.append(SourceFile(path, display, size, source))
    return files
