"""The differential cases over remote storage: tests/data served from a URL instead of the disk.

``RemoteLibrary`` is tablekit with every path a case names in tests/data
(relative, absolute or file://) rewritten to the same file under a base URL,
so a case reads the uploaded copy; ``local_view`` turns the base URL in an
outcome back into the local data folder, so the outcome compares with the
recording real mltable made on local files.
"""
from __future__ import annotations

import json
import posixpath
from typing import Any, Optional

import tablekit
from tests.differential.encoding import DATA_MARK
from tests.differential.runner import DATA_DIR

FROM_FUNCTIONS = ("from_delimited_files", "from_parquet_files", "from_json_lines_files", "from_paths")


class RemoteLibrary:
    """tablekit, reading tests/data from ``base_url`` (with ``storage_options`` if given)."""

    def __init__(self, base_url: str, storage_options: Optional[dict] = None):
        self.base_url = base_url.rstrip("/")
        self.storage_options = storage_options

    def __getattr__(self, name: str) -> Any:
        return getattr(tablekit, name)

    def remote(self, value: Any) -> Any:
        """The URL of a tests/data path; anything else (wrong types, other places) unchanged."""
        if not isinstance(value, str):
            return value
        local = value[len("file://"):] if value.startswith("file://") else value
        if local.startswith(DATA_DIR):
            relative = local[len(DATA_DIR):].lstrip("/")
        elif "://" in local or local.startswith("/"):
            return value
        else:
            relative = local
        relative = posixpath.normpath(relative) + ("/" if relative.endswith("/") else "")
        return f"{self.base_url}/{relative}" if relative not in (".", "./") else self.base_url

    def _paths(self, paths: Any) -> Any:
        if not isinstance(paths, list):
            return paths
        return [{k: self.remote(v) for k, v in item.items()} if isinstance(item, dict) else item for item in paths]

    def _read(self, name: str, paths, *args, **kwargs):
        kwargs.setdefault("storage_options", self.storage_options)
        return getattr(tablekit, name)(self._paths(paths), *args, **kwargs)

    def from_delimited_files(self, paths, *args, **kwargs):
        return self._read("from_delimited_files", paths, *args, **kwargs)

    def from_parquet_files(self, paths, *args, **kwargs):
        return self._read("from_parquet_files", paths, *args, **kwargs)

    def from_json_lines_files(self, paths, *args, **kwargs):
        return self._read("from_json_lines_files", paths, *args, **kwargs)

    def from_paths(self, paths, *args, **kwargs):
        return self._read("from_paths", paths, *args, **kwargs)

    def load(self, uri, storage_options=None, ml_client=None):
        return tablekit.load(self.remote(uri), storage_options or self.storage_options, ml_client)

    def local_view(self, outcome: dict) -> dict:
        """``outcome`` with the base URL written as the local data folder (as recordings write it)."""
        text = json.dumps(outcome)
        return json.loads(text.replace(self.base_url, DATA_MARK))
