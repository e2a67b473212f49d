"""Scheme registry: a path's scheme picks the source that lists and opens it.

Adding a storage scheme means writing one source class and adding it to
``SOURCES``; nothing else in tablekit knows about schemes.  A source that
needs credentials, or keeps what it fetched for one materialization (the
remote ones), has ``connect(storage_options)``, which gives the object that
lists and opens the files.  Sources other than local files are named by
``"module:Class"`` and imported the first time a path needs them, so
``import tablekit`` does not load the storage clients.
"""
from __future__ import annotations

import importlib
import threading
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Sequence

from tablekit.errors import ErrorCode, data_error
from tablekit.plan.nodes import PathEntry
from tablekit.sources.credentials import StorageOptions
from tablekit.sources.local import LocalSource
from tablekit.sources.remote import RemoteConnection, join_url


@dataclass(frozen=True)
class SourceFile:
    """One file to read: where it is, how to show it, and which source opens it."""

    path: str        # what the source opens (a local absolute path for local files)
    display: str     # what a Path column shows
    size: int
    source: object


_HTTP, _AZURE_BLOB = "tablekit.sources.http:HttpSource", "tablekit.sources.azure_blob:AzureBlobSource"
SOURCES: Dict[str, object] = {  # scheme -> a source, or the "module:Class" of one
    "": LocalSource(),
    "file": LocalSource(),
    "azureml": "tablekit.catalog.source:AzureMLSource",  # datastore paths and data assets (workspace catalog)
    "http": _HTTP, "https": _HTTP,  # files on web servers (no listing)
    "wasbs": _AZURE_BLOB, "wasb": _AZURE_BLOB, "abfss": _AZURE_BLOB, "abfs": _AZURE_BLOB,
}
_LOADED: Dict[str, object] = {}  # "module:Class" -> its one instance
_LOADING = threading.Lock()


def _loaded(name: str):
    with _LOADING:
        if name not in _LOADED:
            module, _, cls = name.partition(":")
            _LOADED[name] = getattr(importlib.import_module(module), cls)()
        return _LOADED[name]


def scheme_of(path: str) -> str:
    if path[:8].lower() == "azureml:":  # asset URIs (azureml:<name>:<version>) have no '//'
        return "azureml"
    head, sep, _ = path.partition("://")
    if sep and head.isalpha() and len(head) > 1:  # 'C:/x' is a drive letter, not a scheme
        return head.lower()
    return ""


def registered_source(path: str):
    scheme = scheme_of(path)
    try:
        source = SOURCES[scheme]
    except KeyError:
        raise data_error(ErrorCode.NOT_FOUND,
                         f"The requested stream was not found: no storage is registered for '{scheme}://' "
                         f"paths ({path})") from None
    return _loaded(source) if isinstance(source, str) else source


def source_for(path: str, storage_options: Optional[StorageOptions] = None):
    """The source that lists and opens ``path`` (connected with ``storage_options`` if it connects)."""
    source = registered_source(path)
    connect = getattr(source, "connect", None)
    return connect(storage_options) if connect is not None else source


def resolve_paths(entries: Sequence[PathEntry], base_dir: str, check_files: bool = True,
                  storage_options: Optional[StorageOptions] = None) -> List[SourceFile]:
    """List every file the entries name, in entry order.

    ``check_files=False`` lets a file entry name a file that does not exist
    (from_paths does not check them).  A source lists (path, display, size)
    triples, or SourceFiles when another source opens its files (azureml).
    Relative entries of a remote table (one loaded from a URL) are relative to
    its URL; every remote file of the call shares one connection per source.
    """
    files: List[SourceFile] = []
    connections: Dict[int, object] = {}
    for entry in entries:
        if scheme_of(entry.value) == "" and scheme_of(base_dir) not in ("", "file"):
            entry = PathEntry(entry.kind, join_url(base_dir, entry.value))
        registered = registered_source(entry.value)
        if id(registered) not in connections:
            connections[id(registered)] = source_for(entry.value, storage_options)
        source = connections[id(registered)]
        for found in source.list(entry, base_dir, check_files):
            files.append(found if isinstance(found, SourceFile) else SourceFile(*found, source))
    return files


def prefetch(files: Iterable[SourceFile]) -> None:
    """Fetch remote files whole, several at a time, before the engine reads them one by one
    (nothing to do for local files)."""
    by_source: Dict[int, tuple] = {}
    for file in files:
        if getattr(file.source, "prefetch", None) is not None:
            by_source.setdefault(id(file.source), (file.source, []))[1].append(file.path)
    for source, paths in by_source.values():
        source.prefetch(paths)


def is_remote(file: SourceFile) -> bool:
    """Whether a file is read over the network (its source fetches bytes: see sources/remote.py)."""
    return isinstance(file.source, RemoteConnection)
