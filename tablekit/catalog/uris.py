"""The ``azureml`` URIs Azure ML users name data with, parsed into values.

Datastore paths (a path on a named datastore)::

    azureml://datastores/<datastore>/paths/<path>
    azureml://subscriptions/<sub>/resourcegroups/<rg>/[providers/Microsoft.MachineLearningServices/]
        workspaces/<ws>/datastores/<datastore>/paths/<path>

Data assets (a registered, versioned name)::

    azureml:<name>:<version>      azureml:<name>@latest      azureml:<name>  (latest, as mltable)
    azureml://<name>:<version>    (the form pandas can route to a filesystem: it needs '://')
    azureml://subscriptions/<sub>/resourcegroups/<rg>/[providers/...]workspaces/<ws>/data/<name>/versions/<v>
    azureml://locations/<region>/workspaces/<workspace id>/data/<name>/versions/<v>

Structural words match in any case (Azure ML does the same); names keep theirs.
``/paths/<path>`` may be left off a datastore URI to name its root.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional, Union

from tablekit.errors import UserErrorException, user_error

SCHEME = "azureml"
_WORKSPACE = (r"subscriptions/(?P<subscription>[^/]+)/resourcegroups/(?P<resource_group>[^/]+)/"
              r"(?:providers/Microsoft\.MachineLearningServices/)?workspaces/(?P<workspace>[^/]+)")
_DATASTORE_TAIL = r"datastores/(?P<datastore>[^/]+)(?:/paths(?:/(?P<path>.*))?)?/?"
_ASSET_TAIL = r"data/(?P<name>[^/]+)/versions/(?P<version>[^/]+)/?"

_DATASTORE_SHORT = re.compile(rf"^azureml://{_DATASTORE_TAIL}$", re.IGNORECASE)
_DATASTORE_LONG = re.compile(rf"^azureml://{_WORKSPACE}/{_DATASTORE_TAIL}$", re.IGNORECASE)
_ASSET_LONG = re.compile(rf"^azureml://{_WORKSPACE}/{_ASSET_TAIL}$", re.IGNORECASE)
_ASSET_LOCATION = re.compile(rf"^azureml://locations/(?P<location>[^/]+)/workspaces/(?P<workspace_id>[^/]+)/"
                             rf"{_ASSET_TAIL}$", re.IGNORECASE)
# name, then ':<version>' or '@<label>' or nothing (latest)
_ASSET_SHORT = re.compile(r"^azureml:(?P<name>[^:/\\@]+)(?::(?P<version>[^:/\\@]+)|@(?P<label>[^:/\\@]+))?$",
                          re.IGNORECASE)
# azureml://<name>:<version>: pandas hands only '<protocol>://' URLs to fsspec (the version is required,
# so 'azureml://datastores' is not an asset)
_ASSET_PANDAS = re.compile(r"^azureml://(?P<name>[^:/\\@]+):(?P<version>[^:/\\@]+)$", re.IGNORECASE)

URI_FORMS = (
    "azureml://datastores/<datastore>/paths/<path>",
    "azureml://subscriptions/<sub>/resourcegroups/<rg>/workspaces/<ws>/datastores/<datastore>/paths/<path>",
    "azureml:<asset>:<version>",
    "azureml:<asset>@latest",
    "azureml://subscriptions/<sub>/resourcegroups/<rg>/workspaces/<ws>/data/<asset>/versions/<version>",
    "azureml://locations/<region>/workspaces/<workspace id>/data/<asset>/versions/<version>",
)


@dataclass(frozen=True)
class WorkspaceScope:
    """The workspace a long-form URI names (all None for the short forms)."""

    subscription_id: Optional[str] = None
    resource_group: Optional[str] = None
    workspace_name: Optional[str] = None
    location: Optional[str] = None
    workspace_id: Optional[str] = None


@dataclass(frozen=True)
class DatastoreUri:
    """A path on a named datastore; ``path`` has no leading '/', '' is the root."""

    datastore: str
    path: str
    scope: WorkspaceScope
    text: str

    @property
    def prefix(self) -> str:
        """The URI up to and including 'paths/' as the user wrote it (files below it are shown with it)."""
        if self.path and self.text.endswith(self.path):
            return self.text[:len(self.text) - len(self.path)]
        return datastore_uri(self.datastore, "")


@dataclass(frozen=True)
class AssetUri:
    """A registered data asset; ``version`` None means the latest."""

    name: str
    version: Optional[str]
    scope: WorkspaceScope
    text: str


AzureMLUri = Union[DatastoreUri, AssetUri]


def is_azureml(value: object) -> bool:
    return isinstance(value, str) and value[:len(SCHEME) + 1].lower() == SCHEME + ":"


def malformed(text: str, detail: str = "") -> UserErrorException:
    forms = "\n  ".join(URI_FORMS)
    return user_error(f"'{text}' is not a valid azureml URI{detail}. Accepted forms:\n  {forms}")


def _check_path(path: str, text: str) -> str:
    if any(part == ".." for part in path.split("/")):
        raise malformed(text, ": a path on a datastore cannot go above its root with '..'")
    return path


def parse(text: str) -> AzureMLUri:
    """The datastore path or asset an azureml URI names; UserErrorException if it is none of the forms."""
    if not is_azureml(text):
        raise malformed(str(text))
    match = _DATASTORE_SHORT.match(text)
    if match:
        return DatastoreUri(match["datastore"], _check_path(match["path"] or "", text), WorkspaceScope(), text)
    match = _DATASTORE_LONG.match(text)
    if match:
        scope = WorkspaceScope(match["subscription"], match["resource_group"], match["workspace"])
        return DatastoreUri(match["datastore"], _check_path(match["path"] or "", text), scope, text)
    match = _ASSET_LONG.match(text)
    if match:
        scope = WorkspaceScope(match["subscription"], match["resource_group"], match["workspace"])
        return AssetUri(match["name"], match["version"], scope, text)
    match = _ASSET_LOCATION.match(text)
    if match:
        scope = WorkspaceScope(location=match["location"], workspace_id=match["workspace_id"])
        return AssetUri(match["name"], match["version"], scope, text)
    match = _ASSET_PANDAS.match(text)
    if match:
        return AssetUri(match["name"], match["version"], WorkspaceScope(), text)
    match = _ASSET_SHORT.match(text)
    if match:
        label = match["label"]
        if label is not None and label.lower() != "latest":
            raise malformed(text, f": the only label tablekit knows is 'latest', not '{label}'")
        return AssetUri(match["name"], match["version"], WorkspaceScope(), text)
    raise malformed(text)


def datastore_uri(datastore: str, path: str) -> str:
    """The short URI of a path on a datastore."""
    return f"azureml://datastores/{datastore}/paths/{path.lstrip('/')}"


def asset_uri(name: str, version: str) -> str:
    return f"azureml:{name}:{version}"
