"""The workspace: a tablekit home folder holding the catalog, opened like Azure ML's.

``Workspace()`` opens the home named by ``TABLEKIT_HOME`` (default
``~/.tablekit``), creating it, its catalog and the default datastore
``workspaceblobstore`` (a local folder inside the home) on first use.  A
workspace may carry an Azure identity (subscription, resource group, name,
from ``Workspace(...)`` arguments or ``Workspace.from_config()``): long-form
URIs naming another workspace are then refused instead of silently read from
this one.
"""
from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from tablekit.catalog import uris
from tablekit.catalog.datastore import Datastore, clean_path
from tablekit.catalog.store import AssetRecord, CatalogStore, DatastoreRecord, version_taken
from tablekit.errors import user_error
from tablekit.sources.credentials import redact

HOME_ENV = "TABLEKIT_HOME"
DEFAULT_HOME = os.path.join("~", ".tablekit")
DEFAULT_DATASTORE = "workspaceblobstore"
ASSET_TYPES = ("mltable", "uri_file", "uri_folder")
UPLOAD_FOLDER = "LocalUpload"  # where Azure ML puts local data registered as an asset
CONFIG_FILE = "config.json"
MLTABLE_FILE = "MLTable"
# identity settings, with the config.json / URI names they come from
IDENTITY = ("subscription_id", "resource_group", "workspace_name", "location", "workspace_id")
REMOTE_PREFIXES = ("http://", "https://", "wasb://", "wasbs://", "abfs://", "abfss://", "adl://")


def default_home() -> str:
    return os.path.abspath(os.path.expanduser(os.environ.get(HOME_ENV) or DEFAULT_HOME))


@dataclass(frozen=True)
class DataAsset:
    """One registered version of a data asset."""

    name: str
    version: str
    type: str
    path: str  # where the data is: an azureml datastore URI or a storage URL
    description: Optional[str] = None
    tags: Dict[str, str] = field(default_factory=dict)
    created_at: str = ""

    def __repr__(self) -> str:
        return (f"DataAsset(name={self.name!r}, version={self.version!r}, type={self.type!r}, "
                f"path={redact(self.path)!r}, description={self.description!r}, tags={self.tags!r}, "
                f"created_at={self.created_at!r})")  # a SAS token in the path's URL is not for showing

    @property
    def uri(self) -> str:
        """``azureml:<name>:<version>``: load() and every from_* accept it."""
        return uris.asset_uri(self.name, self.version)

    @classmethod
    def _of(cls, record: AssetRecord) -> "DataAsset":
        return cls(record.name, record.version, record.type, record.location, record.description,
                   dict(record.tags), record.created_at)


def _check_asset_name(name: str) -> str:
    if not isinstance(name, str) or not name or any(c in name for c in ":/\\@ \t\n"):
        raise user_error(f"A data asset name must be a non-empty string without ':', '/', '\\', '@' or spaces, "
                         f"not {name!r}")
    return name


def _check_version(version) -> Optional[str]:
    if version is None:
        return None
    if isinstance(version, int) and not isinstance(version, bool) and version > 0:
        return str(version)
    if not isinstance(version, str) or not version or any(c in version for c in ":/\\@ \t\n") \
            or version.lower() == "latest":
        raise user_error(f"A data asset version must be a positive integer or a string without ':', '/', '@' or "
                         f"spaces (and not 'latest'), not {version!r}")
    return version


class Workspace:
    """An offline Azure ML workspace: datastores and data assets in a local catalog."""

    def __init__(self, subscription_id: Optional[str] = None, resource_group: Optional[str] = None,
                 workspace_name: Optional[str] = None, auth=None, *, home: Optional[str] = None,
                 location: Optional[str] = None):
        self.home = os.path.abspath(os.path.expanduser(home)) if home else default_home()
        self._store = CatalogStore(self.home)
        self._store.initialize(DatastoreRecord(DEFAULT_DATASTORE, "local",
                                               os.path.join(self.home, "datastores", DEFAULT_DATASTORE), {}))
        os.makedirs(os.path.join(self.home, "datastores", DEFAULT_DATASTORE), exist_ok=True)
        given = {"subscription_id": subscription_id, "resource_group": resource_group,
                 "workspace_name": workspace_name, "location": location}
        self._bind_identity({k: v for k, v in given.items() if v})

    def _bind_identity(self, given: Dict[str, str]) -> None:
        """Record the Azure identity this home stands for; refuse one that contradicts it."""
        if not given:
            return
        stored = self._store.settings()
        for key, value in given.items():
            if stored.get(key) and stored[key].lower() != str(value).lower():
                raise user_error(f"This tablekit home ({self.home}) is the workspace with {key} "
                                 f"'{stored[key]}', not '{value}'; set {HOME_ENV} to another folder for "
                                 "another workspace")
        new = {k: str(v) for k, v in given.items() if not stored.get(k)}
        if new:
            self._store.set_settings(new)

    @classmethod
    def from_config(cls, path: Optional[str] = None, auth=None, _logger=None,
                    _file_name: Optional[str] = None) -> "Workspace":
        """The workspace a config.json describes (searched as Azure ML does), in the tablekit home.

        Without ``path``, config.json (or .azureml/config.json) is looked for
        in the working directory and its parents; none found opens the home
        workspace without an identity.  A ``path`` that holds no config is an
        error.
        """
        file_name = _file_name or CONFIG_FILE
        if path is not None:
            path = os.path.abspath(os.path.expanduser(path))
            candidates = [path] if os.path.isfile(path) else \
                [os.path.join(path, file_name), os.path.join(path, ".azureml", file_name)]
        else:
            candidates, folder = [], os.getcwd()
            while True:
                candidates += [os.path.join(folder, file_name), os.path.join(folder, ".azureml", file_name)]
                parent = os.path.dirname(folder)
                if parent == folder:
                    break
                folder = parent
        found = next((c for c in candidates if os.path.isfile(c)), None)
        if found is None:
            if path is not None:
                raise user_error(f"We could not find {file_name} in: {path} or in .azureml below it")
            return cls(auth=auth)
        try:
            with open(found, encoding="utf-8") as f:
                config = json.load(f)
        except (OSError, ValueError) as exc:
            raise user_error(f"The workspace config {found} is not readable JSON: {exc}") from None
        if not isinstance(config, dict):
            raise user_error(f"The workspace config {found} must hold a JSON object")
        # Azure ML writes 'workspace_name'; some tools write 'workspace'
        return cls(config.get("subscription_id"), config.get("resource_group"),
                   config.get("workspace_name") or config.get("workspace"), auth,
                   location=config.get("location"))

    # -- identity ----------------------------------------------------------------
    def _identity(self) -> Dict[str, str]:
        settings = self._store.settings()
        return {k: settings[k] for k in IDENTITY if settings.get(k)}

    @property
    def name(self) -> str:
        return self._identity().get("workspace_name", "local")

    @property
    def subscription_id(self) -> Optional[str]:
        return self._identity().get("subscription_id")

    @property
    def resource_group(self) -> Optional[str]:
        return self._identity().get("resource_group")

    @property
    def location(self) -> Optional[str]:
        return self._identity().get("location")

    def check_scope(self, scope: uris.WorkspaceScope, text: str) -> None:
        """Refuse a URI naming a workspace other than the one this home stands for."""
        identity = self._identity()
        for key in IDENTITY:
            wanted = getattr(scope, key)
            if wanted and identity.get(key) and identity[key].lower() != wanted.lower():
                raise user_error(f"'{text}' names {key} '{wanted}', but this tablekit home ({self.home}) is the "
                                 f"workspace with {key} '{identity[key]}'; set {HOME_ENV} to that workspace's "
                                 "home")

    def __repr__(self) -> str:
        return f"Workspace(name={self.name!r}, home={self.home!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Workspace) and other.home == self.home

    __hash__ = None

    # -- datastores --------------------------------------------------------------
    @property
    def datastores(self) -> Dict[str, Datastore]:
        return {record.name: Datastore._of(self, record) for record in self._store.datastores()}

    def get_default_datastore(self) -> Datastore:
        return Datastore(self)

    def set_default_datastore(self, name: str) -> None:
        self._store.set_default_datastore(name)

    # -- data assets -------------------------------------------------------------
    def register_asset(self, name: str, path: str, version=None, type: str = "mltable",
                       description: Optional[str] = None, tags: Optional[Dict[str, str]] = None) -> DataAsset:
        """Register a version of a data asset; returns it with its version.

        ``path`` is an azureml datastore URI, a storage URL, or a local file
        or folder, which is first uploaded to the default datastore (under
        LocalUpload/, as Azure ML does) so the asset does not depend on it.
        Without ``version`` the asset gets one more than its highest numeric
        version; registrations from several processes at once each get their own.
        """
        name = _check_asset_name(name)
        version = _check_version(version)
        if type not in ASSET_TYPES:
            raise user_error(f"A data asset type must be one of {', '.join(ASSET_TYPES)}, not {type!r}")
        if tags is not None and not (isinstance(tags, dict) and all(isinstance(k, str) for k in tags)):
            raise user_error("tags must be a dictionary with string keys")
        if description is not None and not isinstance(description, str):
            raise user_error("description must be a string")
        if not isinstance(path, str) or not path:
            raise user_error(f"The path of data asset '{name}' must be a non-empty string")
        if version is not None and self._store.has_asset(name, version):  # say so before uploading anything
            raise version_taken(name, version)
        location = self._asset_location(name, path, type)
        tags = {k: str(v) for k, v in (tags or {}).items()}
        return DataAsset._of(self._store.add_asset(name, version, type, location, description, tags))

    def _asset_location(self, name: str, path: str, type_: str) -> str:
        """What the catalog records as the asset's path (local data is uploaded first)."""
        if uris.is_azureml(path):
            parsed = uris.parse(path)
            if isinstance(parsed, uris.AssetUri):
                raise user_error(f"The path of data asset '{name}' must name data, not another asset ({path})")
            self.check_scope(parsed.scope, path)
            datastore = Datastore(self, parsed.datastore)  # fails clearly when unknown
            if datastore.kind == "local":
                _check_local_data(datastore.url_of(parsed.path), type_, path)
            return uris.datastore_uri(datastore.name, parsed.path)
        if path.lower().startswith(REMOTE_PREFIXES):
            return path
        local = os.path.abspath(os.path.expanduser(path[len("file://"):] if path.startswith("file://") else path))
        _check_local_data(local, type_, path)
        target = clean_path(f"{UPLOAD_FOLDER}/{uuid.uuid4().hex}/{os.path.basename(local.rstrip(os.sep))}")
        datastore = self.get_default_datastore()
        if os.path.isdir(local):
            datastore.upload(local, target_path=target, overwrite=True, show_progress=False)
        else:
            datastore.upload_files([local], target_path=os.path.dirname(target), overwrite=True,
                                   show_progress=False)
        return uris.datastore_uri(datastore.name, target)

    def get_asset(self, name: str, version=None, label: Optional[str] = None) -> DataAsset:
        """One version of an asset; the latest when neither version nor label='latest' says otherwise."""
        if label is not None and label != "latest":
            raise user_error(f"The only label tablekit knows is 'latest', not {label!r}")
        if version is not None and label is not None:
            raise user_error("Give a version or a label, not both")
        if isinstance(version, str) and version.lower() == "latest":  # azureml:<name>:latest means the label
            version = None
        return DataAsset._of(self._store.asset(_check_asset_name(name), _check_version(version)))

    def list_assets(self, name: Optional[str] = None) -> List[DataAsset]:
        """Every version of the named asset, or the latest version of every asset."""
        return [DataAsset._of(r) for r in self._store.assets(None if name is None else _check_asset_name(name))]


def _check_local_data(local: str, type_: str, shown: str) -> None:
    if type_ == "uri_file" and not os.path.isfile(local):
        raise user_error(f"A uri_file asset needs a file; '{shown}' is not one")
    if type_ in ("uri_folder", "mltable") and not os.path.isdir(local):
        raise user_error(f"A {type_} asset needs a folder; '{shown}' is not one")
    if type_ == "mltable" and not os.path.isfile(os.path.join(local, MLTABLE_FILE)):
        raise user_error(f"An mltable asset needs a folder with an MLTable file; '{shown}' has none")

