"""An fsspec filesystem for ``azureml://`` URIs (the protocol azureml-fsspec serves).

Registered through the ``fsspec.specs`` entry point, so pandas, dask, pyarrow
and ``fsspec.open`` read datastore paths and data assets::

    pandas.read_csv("azureml://datastores/workspaceblobstore/paths/data/sales.csv")
    fs = AzureMachineLearningFileSystem("azureml://datastores/workspaceblobstore")
    fs.ls("data"); fs.glob("data/**/*.csv"); fs.open("data/sales.csv")

As in azureml-fsspec, one filesystem serves one datastore (or one data
asset): its paths are relative to the datastore's root (the asset's folder),
and a full URI naming another datastore is refused.  Every call goes to the
fsspec filesystem of the storage behind the datastore (local folder, Azure
blob/ADLS through adlfs, https).
"""
from __future__ import annotations

import posixpath
from typing import Optional

from fsspec.implementations.local import LocalFileSystem
from fsspec.spec import AbstractFileSystem

from tablekit.catalog import uris
from tablekit.catalog.datastore import Datastore
from tablekit.errors import user_error
from tablekit.sources.local import path_under

# what an existing destination does on put (azureml-fsspec's 'overwrite' modes)
OVERWRITE_MODES = ("MERGE_WITH_OVERWRITE", "APPEND", "FAIL_ON_FILE_CONFLICT")


def _relative(path: str) -> str:
    """A path in the filesystem: '/'-separated, no leading '/', '.' and '..' resolved within the root."""
    parts = []
    for part in path.replace("\\", "/").split("/"):
        if part == "..":
            if parts:
                parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


class AzureMachineLearningFileSystem(AbstractFileSystem):
    """Files of one datastore or data asset, through the workspace catalog (or an ml_client)."""

    protocol = "azureml"
    root_marker = ""
    cachable = False  # the catalog may change between calls; an instance is cheap

    def __init__(self, uri: Optional[str] = None, ml_client=None, workspace=None, **storage_options):
        super().__init__(**storage_options)
        if ml_client is not None:
            from tablekit.catalog.ml_client import resolve_with_ml_client

            if uri is None:
                raise user_error("An AzureMachineLearningFileSystem with an ml_client needs the uri to open")
            self.uri, self._target = uri, uris.parse(uri)
            resolved = resolve_with_ml_client(uri, ml_client, root=True)
            self._backing, self._root = resolved.filesystem(), resolved.fs_path
        else:
            from tablekit.catalog.workspace import Workspace

            self._workspace = workspace if workspace is not None else Workspace()
            if uri is None:
                uri = uris.datastore_uri(self._workspace.get_default_datastore().name, "")
            self.uri, self._target = uri, uris.parse(uri)
            self._backing, self._root = self._resolve_root()
        self._start = self._target.path if isinstance(self._target, uris.DatastoreUri) else ""
        # instance lookups of _strip_protocol get the checking version; fsspec's class-level calls the plain one
        self._strip_protocol = self._strip_checked

    def _resolve_root(self):
        """(backing filesystem, the root of this filesystem's paths in it)."""
        import fsspec

        self._workspace.check_scope(self._target.scope, self.uri)
        if isinstance(self._target, uris.DatastoreUri):
            return Datastore(self._workspace, self._target.datastore).filesystem()
        asset = self._workspace.get_asset(self._target.name, self._target.version)
        if not uris.is_azureml(asset.path):
            return fsspec.core.url_to_fs(asset.path)
        inner = uris.parse(asset.path)
        backing, root = Datastore(self._workspace, inner.datastore).filesystem()
        return backing, f"{root}/{inner.path}".rstrip("/") if inner.path else root

    # -- paths -----------------------------------------------------------------
    @classmethod
    def _strip_protocol(cls, path):
        if isinstance(path, list):
            return [cls._strip_protocol(p) for p in path]
        path = str(path)
        if uris.is_azureml(path):
            parsed = uris.parse(path)
            return _relative(parsed.path) if isinstance(parsed, uris.DatastoreUri) else ""
        return _relative(path)

    def _strip_checked(self, path):
        """_strip_protocol, refusing a URI that names another datastore or asset than this filesystem's."""
        if isinstance(path, list):
            return [self._strip_checked(p) for p in path]
        if uris.is_azureml(str(path)):
            parsed = uris.parse(str(path))
            same = (isinstance(parsed, uris.DatastoreUri) and isinstance(self._target, uris.DatastoreUri)
                    and parsed.datastore == self._target.datastore) or \
                   (isinstance(parsed, uris.AssetUri) and isinstance(self._target, uris.AssetUri)
                    and (parsed.name, parsed.version) == (self._target.name, self._target.version))
            if not same:
                raise user_error(f"'{path}' is not on this filesystem ({self.uri}); create a new "
                                 "AzureMachineLearningFileSystem for another datastore or asset")
        return type(self)._strip_protocol(path)

    @staticmethod
    def _get_kwargs_from_urls(path):
        return {"uri": path}

    def _full(self, path: str) -> str:
        path = self._strip_protocol(path)
        return f"{self._root}/{path}" if path else self._root

    def _writable(self, path: str) -> str:
        """``_full(path)`` to write or remove; in a local folder, refused when a symbolic link leads it out."""
        full = self._full(path)
        if isinstance(self._backing, LocalFileSystem):
            path_under(self._root, full[len(self._root):])
        return full

    def _mine(self, backing_name: str) -> str:
        name = backing_name.rstrip("/")
        root = self._root.rstrip("/")
        return name[len(root) + 1:] if name.startswith(root + "/") else ("" if name == root else name)

    def _entry(self, info: dict) -> dict:
        return {**info, "name": self._mine(info["name"])}

    # -- reading -----------------------------------------------------------------
    def ls(self, path: str = None, detail: bool = False, **kwargs):
        """What a folder holds (the URI's own path when none is given); names are relative to the root."""
        full = self._full(self._start if path is None else path)
        entries = [self._entry(info) for info in self._backing.ls(full, detail=True)]
        entries.sort(key=lambda info: info["name"])
        return entries if detail else [info["name"] for info in entries]

    def info(self, path, **kwargs):
        return self._entry(self._backing.info(self._full(path)))

    def _open(self, path, mode="rb", block_size=None, autocommit=True, cache_options=None, **kwargs):
        full = self._full(path) if mode.startswith("r") else self._writable(path)
        return self._backing.open(full, mode, block_size=block_size, cache_options=cache_options, **kwargs)

    def get_file(self, rpath, lpath, callback=None, **kwargs):
        return self._backing.get_file(self._full(rpath), lpath, **kwargs)

    # -- writing -----------------------------------------------------------------
    def put_file(self, lpath, rpath, callback=None, overwrite: str = "MERGE_WITH_OVERWRITE", **kwargs):
        mode = str(overwrite).upper()
        if mode not in OVERWRITE_MODES:
            raise user_error(f"overwrite must be one of {', '.join(OVERWRITE_MODES)}, not {overwrite!r}")
        full = self._writable(rpath)
        if mode != "MERGE_WITH_OVERWRITE" and self._backing.exists(full):
            if mode == "APPEND":
                return None  # keep the file that is there
            raise FileExistsError(f"'{rpath}' exists on {self.uri} (overwrite='FAIL_ON_FILE_CONFLICT')")
        parent = posixpath.dirname(full)
        if parent and parent != self._root:
            self._backing.makedirs(parent, exist_ok=True)
        return self._backing.put_file(lpath, full, **kwargs)

    def mkdir(self, path, create_parents=True, **kwargs):
        return self._backing.mkdir(self._writable(path), create_parents=create_parents, **kwargs)

    def makedirs(self, path, exist_ok=False):
        return self._backing.makedirs(self._writable(path), exist_ok=exist_ok)

    def rm_file(self, path):
        return self._backing.rm_file(self._writable(path))

    def rmdir(self, path):
        return self._backing.rmdir(self._writable(path))

    def _rm(self, path):
        return self._backing.rm(self._writable(path))

    def cp_file(self, path1, path2, **kwargs):
        return self._backing.cp_file(self._full(path1), self._writable(path2), **kwargs)

    def modified(self, path):
        return self._backing.modified(self._full(path))

    def __repr__(self) -> str:
        return f"AzureMachineLearningFileSystem({self.uri!r})"
