"""The ``azureml`` scheme for tablekit's readers: a URI is resolved through the
workspace catalog, then listed and opened by the source of the storage behind it.

Files keep their azureml URI as what a ``Path`` column shows; reading goes to
the backing source (for a local datastore, plain local files, read as fast as
any local path), with the datastore's credentials.
"""
from __future__ import annotations

from typing import Iterator

from tablekit.errors import MLTableError
from tablekit.plan.nodes import PathEntry


class AzureMLSource:
    def list(self, entry: PathEntry, base_dir: str, check_files: bool = True) -> Iterator:
        # imported here: the registry imports this module, and these import the registry's layer
        from tablekit.catalog.resolve import resolve
        from tablekit.sources.credentials import StorageOptions
        from tablekit.sources.registry import SourceFile, source_for

        location = resolve(entry.value)
        backing = source_for(location.url, StorageOptions(location.storage_options()))
        try:
            for path, display, size in backing.list(PathEntry(entry.kind, location.url), base_dir, check_files):
                yield SourceFile(path, location.display(display), size, backing)
        except MLTableError as exc:
            # the storage names the backing path; say which URI it came from
            raise type(exc)(f"{exc.message} (resolved from '{entry.value}')", exc.error_code) from None
