"""From an azureml URI to the storage it names, through the workspace catalog."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Optional, Tuple

from tablekit.catalog import uris
from tablekit.catalog.datastore import Datastore
from tablekit.catalog.workspace import MLTABLE_FILE, DataAsset, Workspace
from tablekit.errors import user_error


@dataclass(frozen=True)
class Location:
    """Where a URI points.

    ``url`` is the backing local path or storage URL.  For data on a
    datastore, ``datastore`` and ``path`` (on it) are set and ``prefix`` is
    the URI text files below the datastore's root are shown with.
    """

    url: str
    datastore: Optional[Datastore] = None
    path: str = ""
    prefix: str = ""
    asset: Optional[DataAsset] = None

    def storage_options(self) -> dict:
        """The datastore's credentials for tablekit's readers (none for a URL outside any datastore)."""
        return self.datastore.storage_options() if self.datastore is not None else {}

    def display(self, backing: str) -> str:
        """The azureml URI of a file the backing storage lists as ``backing``."""
        if self.datastore is None:
            return backing
        root = self.datastore.url_of("")
        if self.datastore.kind == "local":
            rel = os.path.relpath(backing, root)
            if rel == os.curdir or rel.startswith(os.pardir):
                return backing
            return self.prefix + rel.replace(os.sep, "/")
        if backing.startswith(root + "/"):
            return self.prefix + backing[len(root) + 1:]
        return backing


def resolve(text: str, workspace: Optional[Workspace] = None) -> Location:
    """The storage an azureml URI (datastore path or data asset) names."""
    workspace = workspace or Workspace()
    parsed = uris.parse(text)
    workspace.check_scope(parsed.scope, text)
    if isinstance(parsed, uris.AssetUri):
        asset = workspace.get_asset(parsed.name, parsed.version)
        if not uris.is_azureml(asset.path):
            return Location(asset.path, asset=asset)
        inner = uris.parse(asset.path)
        datastore = Datastore(workspace, inner.datastore)
        return Location(datastore.url_of(inner.path), datastore, inner.path,
                        uris.datastore_uri(datastore.name, ""), asset)
    datastore = Datastore(workspace, parsed.datastore)
    return Location(datastore.url_of(parsed.path), datastore, parsed.path, parsed.prefix)


def mltable_folder(text: str, ml_client=None,
                   storage_options: Optional[dict] = None) -> Tuple[str, Optional[dict], str]:
    """(the storage folder holding the MLTable file an azureml URI names, the storage_options to read it with,
    the storage it is in: the datastore's root, or the asset's URL).

    A data asset must be of type mltable, as mltable requires.  The options
    are the datastore's credentials (the caller's own ones win); with an
    azure-ai-ml ``ml_client`` the URI is resolved by that workspace instead of
    the local catalog, and read with the client's credential.  What the table
    may read besides that storage: see tablekit/sources/trust.py.
    """
    if ml_client is not None:
        from tablekit.catalog.ml_client import resolve_with_ml_client

        target = resolve_with_ml_client(text, ml_client)
        if target.asset_type not in (None, "mltable"):
            raise user_error(f"Can only load MLTable type asset; '{text}' is a {target.asset_type} asset")
        return target.url, storage_options or target.read_options(), target.url
    location = resolve(text)
    if location.asset is not None and location.asset.type != "mltable":
        raise user_error(f"Can only load MLTable type asset; '{text}' is a {location.asset.type} asset "
                         "(read it with from_delimited_files/from_parquet_files/... instead)")
    if location.datastore is not None and location.datastore.kind == "local" \
            and not os.path.isfile(os.path.join(location.url, MLTABLE_FILE)) \
            and not (os.path.basename(location.url) == MLTABLE_FILE and os.path.isfile(location.url)):
        raise user_error(f"Not able to find MLTable file from the MLTable folder '{text}' (the folder "
                         f"{location.url} of datastore '{location.datastore.name}')")
    root = location.datastore.url_of("") if location.datastore is not None else location.url
    return location.url, storage_options or location.storage_options() or None, root
