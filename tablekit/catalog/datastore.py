"""Datastores: named storage roots of a workspace, with Azure ML's Python API.

A datastore maps a name to where its files live (``kind`` and ``url``):

=====================  ==========================================================
kind                   url (the datastore's root)
=====================  ==========================================================
local                  an absolute local folder
azure_blob             ``wasbs://<container>@<account>.blob.<endpoint>``
azure_data_lake_gen2   ``abfss://<filesystem>@<account>.dfs.<endpoint>``
http                   an ``https://`` base URL (read only)
=====================  ==========================================================

``ds.upload``/``upload_files``/``download`` copy files through the fsspec
filesystem of that storage (``filesystem()``), with a progress bar.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Dict, List, Optional, Sequence, Tuple

from tablekit.catalog import secrets
from tablekit.catalog.store import DatastoreRecord, now
from tablekit.catalog.uris import datastore_uri
from tablekit.errors import user_error
from tablekit.sources.credentials import redact, remember_secret
from tablekit.sources.local import path_under

if TYPE_CHECKING:
    from tablekit.catalog.workspace import Workspace

DEFAULT_ENDPOINT = "core.windows.net"
# Azure ML's names for the kinds (Datastore.datastore_type)
AZURE_KINDS = ("azure_blob", "azure_data_lake_gen2")
DATASTORE_TYPES = {"local": "LocalFolder", "azure_blob": "AzureBlob", "azure_data_lake_gen2": "AzureDataLakeGen2",
                   "http": "Http"}


@dataclass(frozen=True)
class DataReference:
    """A path on a datastore (what Azure ML's ``ds.path()`` and ``ds.upload()`` return)."""

    datastore: "Datastore"
    path_on_datastore: str

    @property
    def uri(self) -> str:
        """The short ``azureml://datastores/<name>/paths/<path>`` URI: usable in every tablekit path."""
        return datastore_uri(self.datastore.name, self.path_on_datastore)

    def __str__(self) -> str:
        return self.uri

    def __repr__(self) -> str:
        return f"DataReference(datastore={self.datastore.name!r}, path_on_datastore={self.path_on_datastore!r})"


def clean_path(path: Optional[str], what: str = "path") -> str:
    """A path on a datastore: '/'-separated, no leading '/', never above the root."""
    if path is None:
        return ""
    if not isinstance(path, str):
        raise user_error(f"The {what} on a datastore must be a string, not {type(path).__name__}")
    parts = [p for p in path.replace("\\", "/").split("/") if p not in ("", ".")]
    if ".." in parts:
        raise user_error(f"The {what} '{path}' goes above the datastore's root ('..')")
    return "/".join(parts)


class Datastore:
    """A registered datastore of a workspace (Azure ML's ``azureml.core.Datastore``, offline)."""

    def __init__(self, workspace: "Workspace", name: Optional[str] = None):
        record = workspace._store.datastore(name or workspace._store.settings()["default_datastore"])
        self.workspace = workspace
        self._record = record

    @classmethod
    def _of(cls, workspace: "Workspace", record: DatastoreRecord) -> "Datastore":
        datastore = cls.__new__(cls)
        datastore.workspace, datastore._record = workspace, record
        return datastore

    # -- looking up ----------------------------------------------------------
    @staticmethod
    def get(workspace: "Workspace", datastore_name: str) -> "Datastore":
        return Datastore(workspace, datastore_name)

    @staticmethod
    def get_default(workspace: "Workspace") -> "Datastore":
        return workspace.get_default_datastore()

    # -- registering ---------------------------------------------------------
    @staticmethod
    def register_local_folder(workspace: "Workspace", datastore_name: str, folder: str,
                              overwrite: bool = False, create_if_not_exists: bool = True) -> "Datastore":
        """A datastore whose files are a local folder (tablekit's own kind: no Azure needed)."""
        folder = os.path.abspath(os.path.expanduser(folder))
        if os.path.exists(folder) and not os.path.isdir(folder):
            raise user_error(f"'{folder}' is a file; a local datastore needs a folder")
        if not os.path.isdir(folder):
            if not create_if_not_exists:
                raise user_error(f"The folder '{folder}' does not exist (pass create_if_not_exists=True)")
            os.makedirs(folder, exist_ok=True)
        return _register(workspace, DatastoreRecord(_check_name(datastore_name), "local", folder, {}), overwrite)

    @staticmethod
    def register_azure_blob_container(workspace: "Workspace", datastore_name: str, container_name: str,
                                      account_name: str, sas_token: Optional[str] = None,
                                      account_key: Optional[str] = None, protocol: Optional[str] = None,
                                      endpoint: Optional[str] = None, overwrite: bool = False,
                                      create_if_not_exists: bool = False, skip_validation: bool = False,
                                      blob_cache_timeout=None, grant_workspace_access: bool = False,
                                      subscription_id: Optional[str] = None, resource_group: Optional[str] = None,
                                      *, account_url: Optional[str] = None,
                                      secret_store: Optional[str] = None) -> "Datastore":
        """An Azure blob container.

        ``sas_token``/``account_key`` are kept as ``secret_store`` says (see
        ``tablekit.catalog.secrets``), or read from the environment when given
        as ``'env:VARIABLE'``.  ``account_url`` points at a blob service that
        is not ``<protocol>://<account>.blob.<endpoint>`` (an emulator such
        as Azurite).  ``create_if_not_exists`` creates the container.
        Arguments only a real workspace uses (validation, cache, workspace
        access, subscription) are accepted and ignored.
        """
        datastore = _register_azure(workspace, "azure_blob", "wasbs", "blob", datastore_name, container_name,
                                    account_name, protocol, endpoint, account_url, overwrite,
                                    {"sas_token": sas_token, "account_key": account_key}, secret_store,
                                    {"container_name": container_name})
        if create_if_not_exists:
            datastore._create_root()
        return datastore

    @staticmethod
    def register_azure_data_lake_gen2(workspace: "Workspace", datastore_name: str, filesystem: str,
                                      account_name: str, tenant_id: Optional[str] = None,
                                      client_id: Optional[str] = None, client_secret: Optional[str] = None,
                                      resource_url=None, authority_url=None, protocol: Optional[str] = None,
                                      endpoint: Optional[str] = None, overwrite: bool = False,
                                      subscription_id: Optional[str] = None, resource_group: Optional[str] = None,
                                      grant_workspace_access: bool = False, *, account_key: Optional[str] = None,
                                      sas_token: Optional[str] = None, account_url: Optional[str] = None,
                                      secret_store: Optional[str] = None) -> "Datastore":
        """An ADLS Gen2 filesystem; a service principal (tenant, client, secret) or a key/SAS authenticates."""
        if client_secret is not None and not (tenant_id and client_id):
            raise user_error("A client_secret needs its tenant_id and client_id")
        extra = {"filesystem": filesystem}
        if tenant_id:
            extra.update(tenant_id=tenant_id, client_id=client_id or "")
        return _register_azure(workspace, "azure_data_lake_gen2", "abfss", "dfs", datastore_name, filesystem,
                               account_name, protocol, endpoint, account_url, overwrite,
                               {"client_secret": client_secret, "account_key": account_key, "sas_token": sas_token},
                               secret_store, extra)

    @staticmethod
    def register_http(workspace: "Workspace", datastore_name: str, url: str, overwrite: bool = False) -> "Datastore":
        """A read-only datastore over an http(s) base URL (public data)."""
        if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")):
            raise user_error(f"An http datastore needs an http:// or https:// URL, not {url!r}")
        return _register(workspace, DatastoreRecord(_check_name(datastore_name), "http", url.rstrip("/"), {}),
                         overwrite)

    def unregister(self) -> None:
        removed = self.workspace._store.remove_datastore(self.name)
        secrets.forget(removed.credential)

    # -- describing ----------------------------------------------------------
    @property
    def name(self) -> str:
        return self._record.name

    @property
    def kind(self) -> str:
        return self._record.kind

    @property
    def datastore_type(self) -> str:
        return DATASTORE_TYPES[self._record.kind]

    @property
    def url(self) -> str:
        """The storage root: a local folder, or the wasbs/abfss/https URL."""
        return self._record.url

    @property
    def account_name(self) -> Optional[str]:
        return self._record.properties.get("account_name")

    @property
    def container_name(self) -> Optional[str]:
        return self._record.properties.get("container_name") or self._record.properties.get("filesystem")

    @property
    def endpoint(self) -> Optional[str]:
        return self._record.properties.get("endpoint")

    @property
    def protocol(self) -> Optional[str]:
        return self._record.properties.get("protocol")

    @property
    def credential_type(self) -> Optional[str]:
        return self._record.credential["type"] if self._record.credential else None

    @property
    def credential(self) -> str:
        """How the datastore authenticates, never the secret itself."""
        return secrets.describe(self._record.credential)

    @property
    def is_default(self) -> bool:
        return self.workspace._store.settings().get("default_datastore") == self.name

    def describe(self) -> Dict[str, str]:
        """What ``tablekit datastore show`` prints: no secret, only where it is kept."""
        info = {"name": self.name, "type": self.datastore_type, "url": redact(self.url), "credential": self.credential,
                "default": self.is_default, "created": self._record.created_at}
        info.update({k: v for k, v in sorted(self._record.properties.items())})
        return info

    def __repr__(self) -> str:
        return f"Datastore(name={self.name!r}, type={self.datastore_type!r}, url={redact(self.url)!r}, " \
               f"credential={self.credential!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Datastore) and other._record == self._record \
            and other.workspace.home == self.workspace.home

    __hash__ = None

    # -- paths ---------------------------------------------------------------
    def path(self, path: Optional[str] = None, data_reference_name: Optional[str] = None) -> DataReference:
        return DataReference(self, clean_path(path))

    def uri(self, path: str = "") -> str:
        return datastore_uri(self.name, clean_path(path))

    def url_of(self, path: str) -> str:
        """Where a path on this datastore lives in its storage (a local path or a URL)."""
        path = clean_path(path)
        if self.kind == "local":
            return os.path.join(self.url, *path.split("/")) if path else self.url
        return f"{self.url}/{path}" if path else self.url

    def _secret(self) -> Optional[str]:
        credential = self._record.credential
        if not credential:
            return None
        secret = secrets.reveal(credential, self.name)
        remember_secret(secret)  # tablekit scrubs it from every error text from now on
        return secret

    def storage_options(self) -> Dict[str, object]:
        """tablekit's ``storage_options`` for reading this datastore's storage (secrets included, never shown)."""
        if self.kind not in AZURE_KINDS:
            return {}
        props = self._record.properties
        options: Dict[str, object] = {"account_name": props["account_name"]}
        if props.get("account_url"):
            options["blob_endpoint"] = props["account_url"]
        credential, secret = self._record.credential, self._secret()
        if credential and credential["type"] == "client_secret":
            from azure.identity import ClientSecretCredential

            options["credential"] = ClientSecretCredential(props["tenant_id"], props["client_id"], secret)
        elif credential:
            options[credential["type"]] = secret
        return options

    def fsspec_options(self) -> Dict[str, object]:
        """The same for adlfs, the fsspec filesystem of Azure storage (upload, download, fsspec)."""
        props = self._record.properties
        options: Dict[str, object] = {"account_name": props["account_name"]}
        credential, secret = self._record.credential, self._secret()
        if props.get("account_url"):
            # an emulator or private endpoint: a connection string is the one way to give adlfs its URL
            parts = [f"BlobEndpoint={props['account_url']}", f"AccountName={props['account_name']}"]
            if credential and credential["type"] == "account_key":
                parts.append(f"AccountKey={secret}")
            elif credential and credential["type"] == "sas_token":
                parts.append(f"SharedAccessSignature={secret.lstrip('?')}")
            return {"connection_string": ";".join(parts) + ";"}
        if props.get("endpoint", DEFAULT_ENDPOINT) != DEFAULT_ENDPOINT:
            service = "dfs" if self.kind == "azure_data_lake_gen2" else "blob"
            options["account_host"] = f"{props['account_name']}.{service}.{props['endpoint']}"
        if credential and credential["type"] == "client_secret":
            options.update(tenant_id=props["tenant_id"], client_id=props["client_id"], client_secret=secret)
        elif credential:
            options[credential["type"]] = secret
        return options

    def filesystem(self):
        """(fsspec filesystem of the storage, this datastore's root in it)."""
        import fsspec

        if self.kind == "local":
            return fsspec.filesystem("file", auto_mkdir=True), self.url.replace(os.sep, "/")
        if self.kind == "http":
            return fsspec.filesystem("https"), self.url
        try:
            filesystem = fsspec.filesystem("abfs", **self.fsspec_options())
        except ImportError:
            raise user_error(f"Datastore '{self.name}' is in Azure storage, which needs the 'adlfs' package: "
                             "pip install 'tablekit[azure]'") from None
        return filesystem, self.container_name

    # -- moving files --------------------------------------------------------
    def upload(self, src_dir: str, target_path: Optional[str] = None, overwrite: bool = False,
               show_progress: bool = True) -> DataReference:
        """Copy a local folder's files (recursively) to target_path on this datastore.

        Existing files are skipped unless ``overwrite`` (Azure ML does the
        same).  Returns a reference to target_path.
        """
        if not os.path.isdir(src_dir):
            raise user_error(f"upload needs a local folder; '{src_dir}' is not one (use upload_files for files)")
        files = [os.path.join(folder, name) for folder, _, names in os.walk(src_dir) for name in sorted(names)]
        return self.upload_files(files, relative_root=src_dir, target_path=target_path, overwrite=overwrite,
                                 show_progress=show_progress)

    def upload_files(self, files: Sequence[str], relative_root: Optional[str] = None,
                     target_path: Optional[str] = None, overwrite: bool = False,
                     show_progress: bool = True) -> DataReference:
        """Copy local files to target_path, each at its path relative to relative_root.

        relative_root defaults to the files' common folder.
        """
        from tablekit.catalog.transfer import copy_files

        if isinstance(files, str) or not files:
            raise user_error("upload_files needs a non-empty list of local file paths")
        files = [os.path.abspath(f) for f in files]
        missing = [f for f in files if not os.path.isfile(f)]
        if missing:
            raise user_error(f"upload_files: '{missing[0]}' is not a file")
        if relative_root is None:
            relative_root = os.path.commonpath([os.path.dirname(f) for f in files])
        relative_root = os.path.abspath(relative_root)
        target = clean_path(target_path, "target_path")
        pairs: List[Tuple[str, str]] = []
        for file in files:
            rel = os.path.relpath(file, relative_root)
            if rel.startswith(os.pardir + os.sep):
                raise user_error(f"upload_files: '{file}' is not under relative_root '{relative_root}'")
            pairs.append((file, clean_path("/".join([target, rel.replace(os.sep, "/")]))))
        filesystem, root = self.filesystem()
        self._check_writable()
        if self.kind == "local":  # a symbolic link in the datastore's folder must not lead a copy out of it
            for _, path in pairs:
                path_under(self.url, path)
        copies = [(local, f"{root}/{path}", os.path.getsize(local)) for local, path in pairs]
        copy_files(filesystem, copies, upload=True, overwrite=overwrite, show_progress=show_progress,
                   description=f"upload to {self.name}")
        return DataReference(self, target)

    def download(self, target_path: str, prefix: Optional[str] = None, overwrite: bool = False,
                 show_progress: bool = True) -> int:
        """Copy the datastore's files whose path starts with prefix into target_path (keeping their paths).

        Existing local files are skipped unless ``overwrite``.  Returns the
        number of files downloaded.
        """
        from tablekit.catalog.transfer import copy_files, list_files

        filesystem, root = self.filesystem()
        prefix_text = (prefix or "").replace("\\", "/").lstrip("/")
        if ".." in prefix_text.split("/"):
            raise user_error(f"The prefix '{prefix}' goes above the datastore's root ('..')")
        description = f"download from {self.name}"
        # list the folder holding the prefix, then keep what starts with it (blob-style prefixes)
        folder = prefix_text.rsplit("/", 1)[0] if "/" in prefix_text else ""
        remote = [(path, size) for path, size in list_files(filesystem, root, folder, description)
                  if path.startswith(prefix_text)]
        target_path = os.path.abspath(target_path)
        # a blob name is anyone's text: every destination is checked before the first copy
        copies = [(f"{root}/{path}", path_under(target_path, path), size) for path, size in remote]
        return copy_files(filesystem, copies, upload=False, overwrite=overwrite, show_progress=show_progress,
                          description=description)

    def _create_root(self) -> None:
        """Create the container (or folder) the datastore's root is, if it does not exist."""
        from tablekit.catalog.transfer import storage_error

        filesystem, root = self.filesystem()
        try:
            if not filesystem.exists(root):
                filesystem.mkdir(root)
        except Exception as exc:
            raise storage_error(f"create the root of datastore '{self.name}'", exc) from None

    def _check_writable(self) -> None:
        if self.kind == "http":
            raise user_error(f"Datastore '{self.name}' is an http datastore: it can be read, not written")


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not name or any(c in name for c in "/\\:@ ") or name in (".", ".."):
        raise user_error(f"A datastore name must be a non-empty string without '/', '\\', ':', '@' or spaces, "
                         f"not {name!r}")
    return name


def _check_free(workspace: "Workspace", name: str, overwrite: bool) -> None:
    if not overwrite and any(r.name == name for r in workspace._store.datastores()):
        raise user_error(f"A datastore named '{name}' is already registered; pass overwrite=True to replace it")


def _register(workspace: "Workspace", record: DatastoreRecord, overwrite: bool) -> "Datastore":
    _check_free(workspace, record.name, overwrite)
    previous = next((r for r in workspace._store.datastores() if r.name == record.name), None)
    record = replace(record, created_at=now())
    workspace._store.add_datastore(record, overwrite)
    if previous and previous.credential != record.credential:
        secrets.forget(previous.credential)  # the replaced datastore's keyring entry, if it had one
    return Datastore._of(workspace, record)


def _register_azure(workspace, kind: str, scheme: str, service: str, datastore_name: str, container: str,
                    account_name: str, protocol: Optional[str], endpoint: Optional[str],
                    account_url: Optional[str], overwrite: bool, given_secrets: Dict[str, Optional[str]],
                    secret_store: Optional[str], extra: Dict[str, str]) -> "Datastore":
    name = _check_name(datastore_name)
    for what, value in (("container/filesystem name", container), ("account_name", account_name)):
        if not isinstance(value, str) or not value or "/" in value:
            raise user_error(f"The {what} of datastore '{name}' must be a non-empty string without '/'")
    chosen = [(kind_, value) for kind_, value in given_secrets.items() if value is not None]
    if len(chosen) > 1:
        raise user_error(f"Give one credential for datastore '{name}', not {' and '.join(k for k, _ in chosen)}")
    protocol = (protocol or "https").lower()
    if protocol not in ("https", "http"):
        raise user_error(f"protocol must be 'https' or 'http', not {protocol!r}")
    endpoint = endpoint or DEFAULT_ENDPOINT
    properties = {"account_name": account_name, "endpoint": endpoint, "protocol": protocol, **extra}
    if account_url:
        properties["account_url"] = account_url.rstrip("/")
    scheme = scheme if protocol == "https" else scheme.rstrip("s")  # wasb:// and abfs:// are the plain-http forms
    url = f"{scheme}://{container}@{account_name}.{service}.{endpoint}"
    credential = None
    if chosen:
        _check_free(workspace, name, overwrite)  # before a keyring entry of an existing datastore is replaced
        credential = secrets.keep_secret(workspace.home, name, chosen[0][0], chosen[0][1], secret_store)
    return _register(workspace, DatastoreRecord(name, kind, url, properties, credential), overwrite)

