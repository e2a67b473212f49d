"""Resolving azureml URIs through a real Azure ML workspace (an azure-ai-ml ``MLClient``).

mltable accepts an ``ml_client`` but reads the data with its own login; here
the client's own credential goes to the storage.  The client is asked two
things: a data asset (``ml_client.data.get``) and a datastore
(``ml_client.datastores.get``); the rest is building the storage URL.  Needs
``pip install 'tablekit[azureml]'`` (azure-ai-ml) only for making the client.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Optional

from tablekit.catalog import uris
from tablekit.catalog.datastore import DEFAULT_ENDPOINT
from tablekit.errors import user_error

# datastore type (azure-ai-ml's DatastoreType value) -> (URL scheme, storage service, container attribute)
STORAGE_KINDS = {
    "AzureBlob": ("wasbs", "blob", "container_name"),
    "AzureDataLakeGen2": ("abfss", "dfs", "filesystem"),
}


@dataclass(frozen=True)
class ClientTarget:
    """Where a URI points in the client's workspace, and how to reach it with the client's credential."""

    url: str                        # wasbs://, abfss:// or another storage URL
    fs_path: str                    # the same place as a path of its fsspec filesystem
    storage_options: Dict[str, object] = field(default_factory=dict)
    asset_type: Optional[str] = None

    def read_options(self) -> Dict[str, object]:
        """tablekit's storage_options for this storage: the account and the client's credential."""
        return {k: v for k, v in self.storage_options.items() if k in ("account_name", "credential")}

    def filesystem(self):
        import fsspec

        if self.storage_options:
            return fsspec.filesystem("abfs", **self.storage_options)
        return fsspec.core.url_to_fs(self.url)[0]


def _type_name(value) -> str:
    return str(getattr(value, "value", value))  # azure-ai-ml enums hold the string in .value


def _check_scope(scope: uris.WorkspaceScope, ml_client, text: str) -> None:
    client = {"subscription_id": getattr(ml_client, "subscription_id", None),
              "resource_group": getattr(ml_client, "resource_group_name", None),
              "workspace_name": getattr(ml_client, "workspace_name", None)}
    for key, theirs in client.items():
        mine = getattr(scope, key)
        if mine and theirs and mine.lower() != str(theirs).lower():
            # mltable's words for the same check
            raise user_error(f"Workspace context in uri does not match workspace context in ml_client: '{text}' "
                             f"names {key} '{mine}', the client '{theirs}'")


def _datastore_target(ml_client, name: str, path: str, asset_type: Optional[str]) -> ClientTarget:
    datastore = ml_client.datastores.get(name)
    kind = _type_name(getattr(datastore, "type", ""))
    if kind not in STORAGE_KINDS:
        raise user_error(f"Datastore '{name}' is of type {kind}; tablekit reads {' and '.join(STORAGE_KINDS)} "
                         "datastores through an ml_client")
    scheme, service, container_attribute = STORAGE_KINDS[kind]
    container = getattr(datastore, container_attribute)
    endpoint = getattr(datastore, "endpoint", None) or DEFAULT_ENDPOINT
    path = path.lstrip("/")
    url = f"{scheme}://{container}@{datastore.account_name}.{service}.{endpoint}/{path}".rstrip("/")
    options: Dict[str, object] = {"account_name": datastore.account_name,
                                  "credential": getattr(ml_client, "_credential", None)}
    if endpoint != DEFAULT_ENDPOINT:
        options["account_host"] = f"{datastore.account_name}.{service}.{endpoint}"
    return ClientTarget(url, f"{container}/{path}".rstrip("/"), options, asset_type)


def resolve_with_ml_client(text: str, ml_client, root: bool = False) -> ClientTarget:
    """The storage an azureml URI names in the client's workspace.

    ``root``: for a datastore URI, the datastore's root rather than the path
    (what a filesystem for it starts from).
    """
    parsed = uris.parse(text)
    _check_scope(parsed.scope, ml_client, text)
    if isinstance(parsed, uris.DatastoreUri):
        return _datastore_target(ml_client, parsed.datastore, "" if root else parsed.path, None)
    if parsed.version is None:
        asset = ml_client.data.get(parsed.name, label="latest")
    else:
        asset = ml_client.data.get(parsed.name, version=parsed.version)
    asset_type = _type_name(getattr(asset, "type", "")).lower() or None
    if uris.is_azureml(asset.path):
        inner = uris.parse(asset.path)
        if not isinstance(inner, uris.DatastoreUri):
            raise user_error(f"Data asset '{text}' points to another asset ({asset.path})")
        return _datastore_target(ml_client, inner.datastore, inner.path, asset_type)
    return ClientTarget(asset.path, asset.path, {}, asset_type)
