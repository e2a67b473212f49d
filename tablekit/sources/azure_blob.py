"""Azure Blob Storage and ADLS Gen2 paths: wasbs://, wasb://, abfss://, abfs://.

    wasbs://<container>@<account>.blob.core.windows.net/<path>
    abfss://<filesystem>@<account>.dfs.core.windows.net/<path>

Both name a container (an ADLS filesystem is one) of one account, and both are
read through the account's Blob service (ADLS Gen2 accounts serve it too).
The account and container always come from the URL: credentials that are for
another account are an error, never a silent read of that other account.

Credentials, first found wins (see docs/remote-storage.md):
  1. ``storage_options``: connection_string, account_key, sas_token, credential
     (an azure-identity credential), anon=True; blob_endpoint overrides the
     endpoint (an emulator, a private endpoint).
  2. AZURE_STORAGE_CONNECTION_STRING, when it is for the URL's account (its
     BlobEndpoint may point at the Azurite emulator).
  3. AZURE_STORAGE_KEY / AZURE_STORAGE_ACCOUNT_KEY or AZURE_STORAGE_SAS_TOKEN, when
     AZURE_STORAGE_ACCOUNT(_NAME) is unset or names the URL's account.
  4. azure-identity's DefaultAzureCredential when installed, else anonymous.
A table tablekit did not make itself (``StorageOptions.origin``, see trust.py)
gets none of these for storage other than its own: an account, host or
protocol other than the origin's is read anonymously.

Files are listed and their bytes fetched with the Blob REST calls of
``azure_rest``; parquet data is read by polars' object-store reader
(``az://`` with the same account, endpoint and credential), which fetches
only the needed column chunks.
"""
from __future__ import annotations

import os
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterator, Mapping, Optional, Tuple

from tablekit.errors import user_error
from tablekit.sources.azure_rest import BlobService, ServiceError, ServiceUnreachable, first_blob
from tablekit.sources.credentials import StorageOptions, first_set, parse_connection_string, remember_secret
from tablekit.sources.retry import RetryPolicy
from tablekit.sources.remote import (RemoteConnection, access_denied, connection_failed, glob_prefix,
                                     match_pattern, not_found, unexpected, wrong_kind)

SCHEMES = ("wasbs", "wasb", "abfss", "abfs")
# no query part: '?' in a path is a pattern's wildcard (credentials never go in these URLs)
URL_FORM = re.compile(r"^(?P<scheme>[A-Za-z]+)://(?P<container>[^@/]+)@(?P<host>[^/]+)(?P<name>/.*)?$", re.DOTALL)
HOST_FORM = re.compile(r"^(?P<account>[a-z0-9]+)\.(?:blob|dfs)\.(?P<suffix>[^/:]+(?::\d+)?)$", re.IGNORECASE)

# The Azurite emulator's documented development account (UseDevelopmentStorage=true)
DEVELOPMENT_ACCOUNT = "devstoreaccount1"
DEVELOPMENT_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
DEVELOPMENT_ENDPOINT = "http://127.0.0.1:10000/devstoreaccount1"
STORAGE_SCOPE = "https://storage.azure.com/.default"
PART_SIZE = 8 << 20  # a whole blob bigger than two parts is fetched in parts, over PART_THREADS connections
PART_THREADS = 4


@dataclass(frozen=True)
class BlobLocation:
    """A wasb(s)/abfs(s) URL taken apart: which account, container and blob name (or prefix)."""

    scheme: str
    container: str
    host: str      # as written: <account>.blob.<suffix> or <account>.dfs.<suffix>
    account: str
    suffix: str    # core.windows.net, or a sovereign cloud's
    name: str      # blob name or prefix, without a leading '/'

    @property
    def root(self) -> str:
        return f"{self.scheme}://{self.container}@{self.host}"

    def url(self, name: str) -> str:
        return f"{self.root}/{name}"

    @property
    def default_endpoint(self) -> str:
        protocol = "https" if self.scheme in ("wasbs", "abfss") else "http"  # wasb://, abfs://: plain http
        return f"{protocol}://{self.account}.blob.{self.suffix}"


def parse_url(url: str) -> BlobLocation:
    match = URL_FORM.match(url)
    host = HOST_FORM.match(match.group("host")) if match else None
    if match is None or host is None or match.group("scheme").lower() not in SCHEMES:
        raise user_error(f"'{url}' is not an Azure storage URL; expected "
                         f"wasbs://<container>@<account>.blob.core.windows.net/<path> or "
                         f"abfss://<filesystem>@<account>.dfs.core.windows.net/<path>")
    return BlobLocation(match.group("scheme").lower(), match.group("container"), match.group("host"),
                        host.group("account").lower(), host.group("suffix"), (match.group("name") or "/")[1:])


# -- credentials -------------------------------------------------------------------

@dataclass
class BlobAccess:
    """How to reach one account: endpoint, credential for the Azure SDK, and the same for polars."""

    account: str
    endpoint: str
    credential: Any                      # None (anonymous), key dict, SAS string or a TokenCredential
    source: str                          # where the credential came from (for error messages)
    polars_options: Dict[str, str] = field(default_factory=dict)
    credential_provider: Optional[Callable] = None

    def service(self, retry: RetryPolicy = RetryPolicy()) -> BlobService:
        """The REST client of the account with this credential, retrying as ``retry`` says."""
        if isinstance(self.credential, dict):
            return BlobService(self.endpoint, self.account, key=self.credential["account_key"], retry=retry)
        if isinstance(self.credential, str):
            return BlobService(self.endpoint, self.account, sas=self.credential, retry=retry)
        return BlobService(self.endpoint, self.account, token_credential=self.credential, retry=retry)


def _connection_string_account(parts: Mapping[str, str]) -> Tuple[str, Optional[str]]:
    """(account, blob endpoint) a connection string is for."""
    if parts.get("UseDevelopmentStorage", "").lower() == "true":
        endpoint = parts.get("DevelopmentStorageProxyUri", DEVELOPMENT_ENDPOINT)
        return DEVELOPMENT_ACCOUNT, endpoint
    endpoint = parts.get("BlobEndpoint")
    account = parts.get("AccountName", "")
    if not account and endpoint:
        match = re.match(r"^[a-z]+://([^/:]+)(?::\d+)?(?:/([^/]+))?", endpoint, re.IGNORECASE)
        if match:  # emulators put the account in the path, Azure in the host
            host, first_segment = match.groups()
            account = first_segment if re.match(r"^[\d.]+$|^localhost$", host) and first_segment \
                else host.split(".")[0]
    if not endpoint and account:
        protocol = parts.get("DefaultEndpointsProtocol", "https")
        endpoint = f"{protocol}://{account}.blob.{parts.get('EndpointSuffix', 'core.windows.net')}"
    return account.lower(), endpoint


class TokenProvider:
    """polars' credential provider for an azure-identity credential: a bearer token and its expiry."""

    def __init__(self, credential):
        self.credential = credential

    def __call__(self):
        token = self.credential.get_token(STORAGE_SCOPE)
        return {"bearer_token": token.token}, token.expires_on


def _same_storage(location: BlobLocation, origin: str) -> bool:
    """Whether ``origin`` (a table's URL) is in the location's account, at the same host, by the same protocol."""
    match = URL_FORM.match(origin)
    if match is None or match.group("scheme").lower() not in SCHEMES or not HOST_FORM.match(match.group("host")):
        return False  # a web server or a local folder: no Azure storage is the table's own
    return parse_url(origin).default_endpoint.lower() == location.default_endpoint.lower()


def resolve_access(location: BlobLocation, options: StorageOptions,
                   environ: Mapping[str, str] = os.environ) -> BlobAccess:
    """The endpoint and credential for the URL's account (see the module docstring for the order)."""
    account = location.account
    if options.origin is not None and not _same_storage(location, options.origin):
        # a path someone else's table names: the user's credentials are not for it
        return _access(account, options.get("blob_endpoint") or location.default_endpoint,
                       source=f"anonymous access (no credentials were sent: the table was loaded from "
                              f"'{options.origin}', and credentials go only to that storage unless the table "
                              f"is loaded with trusted=True)")
    named = options.get("account_name")
    if named and named.lower() != account:
        raise user_error(f"storage_options name account '{named}' but the path '{location.url(location.name)}' "
                         f"is in account '{account}'; tablekit reads only the account a path names")
    endpoint = options.get("blob_endpoint")
    explicit = any(options.get(k) for k in ("account_key", "sas_token", "credential", "anon"))

    conn_text, conn_source = options.get("connection_string"), "the connection_string in storage_options"
    if conn_text is None and not explicit:
        conn_text, conn_source = environ.get("AZURE_STORAGE_CONNECTION_STRING"), "AZURE_STORAGE_CONNECTION_STRING"
    if conn_text:
        parts = parse_connection_string(conn_text)
        conn_account, conn_endpoint = _connection_string_account(parts)
        if conn_account == account:
            key = parts.get("AccountKey") or (DEVELOPMENT_KEY if conn_account == DEVELOPMENT_ACCOUNT
                                              and "SharedAccessSignature" not in parts else None)
            sas = parts.get("SharedAccessSignature")
            return _access(account, endpoint or conn_endpoint or location.default_endpoint, key=key, sas=sas,
                           source=conn_source)
        if options.get("connection_string"):
            raise user_error(f"the connection_string in storage_options is for account '{conn_account}' but the "
                             f"path '{location.url(location.name)}' is in account '{account}'")
        # an environment connection string for another account does not apply to this path

    endpoint = endpoint or location.default_endpoint
    if options.get("anon"):
        return _access(account, endpoint, source="anonymous access (anon=True)")
    if options.get("credential") is not None:
        return _access(account, endpoint, token=options.get("credential"), source="the credential in storage_options")
    if options.get("account_key") or options.get("sas_token"):
        return _access(account, endpoint, key=options.get("account_key"), sas=options.get("sas_token"),
                       source="storage_options")
    env_account = first_set(environ, ("AZURE_STORAGE_ACCOUNT_NAME", "AZURE_STORAGE_ACCOUNT"))
    if env_account is None or env_account.lower() == account:
        key = first_set(environ, ("AZURE_STORAGE_ACCOUNT_KEY", "AZURE_STORAGE_KEY"))
        sas = environ.get("AZURE_STORAGE_SAS_TOKEN")
        if key or sas:
            return _access(account, endpoint, key=key, sas=sas, source="the AZURE_STORAGE_* environment variables")
    credential = default_credential()
    if credential is None:
        return _access(account, endpoint, source="anonymous access (no credentials found, azure-identity "
                                                 "not installed)")
    return _access(account, endpoint, token=credential, source="DefaultAzureCredential")


def default_credential():
    """azure-identity's DefaultAzureCredential (managed identity, Azure CLI, ...), or None without azure-identity."""
    try:
        from azure.identity import DefaultAzureCredential
    except ImportError:
        return None
    return DefaultAzureCredential()


def _access(account: str, endpoint: str, key: Optional[str] = None, sas: Optional[str] = None, token=None,
            source: str = "") -> BlobAccess:
    endpoint = endpoint.rstrip("/")
    polars = {"account_name": account, "endpoint": endpoint}
    if endpoint.startswith("http://"):
        polars["allow_http"] = "true"
    access = BlobAccess(account, endpoint, None, source, polars)
    if key:
        remember_secret(key)
        access.credential = {"account_name": account, "account_key": key}
        polars["account_key"] = key
    elif sas:
        sas = sas.lstrip("?")
        remember_secret(sas)
        access.credential = sas
        polars["sas_token"] = sas
    elif token is not None:
        access.credential = token
        access.credential_provider = TokenProvider(token)
    else:
        polars["skip_signature"] = "true"
    return access


# -- the source ----------------------------------------------------------------------

class AzureBlobSource:
    """The registry's entry for wasb(s)/abfs(s): ``connect`` gives a connection for one materialization."""

    def connect(self, storage_options: Optional[StorageOptions] = None) -> "AzureBlobConnection":
        return AzureBlobConnection(storage_options if storage_options is not None else StorageOptions())


class AzureBlobConnection(RemoteConnection):
    """Lists and reads blobs with one set of storage options; keeps what it fetched (see remote.FetchedBytes)."""

    def __init__(self, options: StorageOptions):
        super().__init__()
        self._options = options
        # by account, host and protocol: the same account named at another host is another storage
        self._services: Dict[str, Tuple[BlobService, BlobAccess]] = {}

    # -- services and errors
    def _service(self, location: BlobLocation) -> Tuple[BlobService, BlobAccess]:
        key = location.default_endpoint.lower()
        if key not in self._services:
            access = resolve_access(location, self._options)
            self._services[key] = (access.service(RetryPolicy.from_options(self._options)), access)
        return self._services[key]

    @contextmanager
    def _errors(self, location: BlobLocation, display: str):
        """The service's answers as mltable's errors: NotFound, Authentication, ConnectionFailure, Unexpected."""
        try:
            yield
        except ServiceError as exc:
            if exc.code == "ContainerNotFound":
                raise not_found(display, f" (container '{location.container}' does not exist in account "
                                         f"'{location.account}')") from None
            if exc.status == 404:
                raise not_found(display) from None
            if exc.status in (401, 403):
                raise self._denied(location, display, exc.code) from None
            raise unexpected(display, f"the storage answered {exc.status} {exc.code}") from None
        except ServiceUnreachable as exc:
            raise connection_failed(display, f"{self._service(location)[1].endpoint} gave no complete answer "
                                             f"({exc})") from None
        except Exception as exc:  # the credential could not give a token (azure-identity)
            if type(exc).__module__.startswith(("azure.identity", "azure.core")):
                raise self._denied(location, display, type(exc).__name__) from None
            raise

    def _denied(self, location: BlobLocation, display: str, code: str):
        access = self._service(location)[1]
        return access_denied(display, f"the storage refused the credentials ({code}) for account "
                                      f"'{location.account}' from {access.source}")

    # -- listing
    def list(self, entry, base_dir: str, check_files: bool = True) -> Iterator[Tuple[str, str, int]]:
        location = parse_url(entry.value)
        service, _ = self._service(location)
        display = entry.value
        with self._errors(location, display):
            if entry.kind == "file":
                yield from self._list_file(service, location, display, check_files)
            elif entry.kind == "folder":
                yield from self._list_folder(service, location, display)
            else:
                sizes = {blob.name: blob.size for blob in self._blobs(service, location, glob_prefix(location.name))}
                matches = match_pattern(location.name, sizes)
                if not matches:
                    raise not_found(display, " (no file matches it)")
                for name in matches:
                    yield self._found(location.url(name), sizes[name])

    @staticmethod
    def _blobs(service: BlobService, location: BlobLocation, prefix: str):
        return [blob for blob in service.list_blobs(location.container, prefix) if not blob.is_folder]

    def _found(self, url: str, size: int) -> Tuple[str, str, int]:
        self._sizes[url] = size
        return url, url, size

    def _list_file(self, service: BlobService, location: BlobLocation, display: str, check_files: bool):
        url = location.url(location.name)
        if not check_files:  # from_paths: files are not checked, as locally
            yield url, url, 0
            return
        try:
            blob = service.properties(location.container, location.name)
        except ServiceError as exc:
            folder = location.name.rstrip("/") + "/"
            if exc.status == 404 and location.name and first_blob(service, location.container, folder) is not None:
                raise wrong_kind(display, "is a directory; use {'folder': ...} for folders") from None
            raise
        if blob.is_folder:
            raise wrong_kind(display, "is a directory; use {'folder': ...} for folders")
        yield self._found(url, blob.size)

    def _list_folder(self, service: BlobService, location: BlobLocation, display: str):
        prefix = location.name.rstrip("/") + "/" if location.name.strip("/") else ""
        blobs = self._blobs(service, location, prefix)
        if not blobs:
            if location.name.strip("/") and self._is_blob(service, location.container, location.name.rstrip("/")):
                raise wrong_kind(display, "is not a directory; use {'file': ...} for files")
            raise not_found(display)
        for blob in blobs:  # the service lists names in byte order
            yield self._found(location.url(blob.name), blob.size)

    @staticmethod
    def _is_blob(service: BlobService, container: str, name: str) -> bool:
        try:
            service.properties(container, name)
            return True
        except ServiceError as exc:
            if exc.status == 404:
                return False
            raise

    # -- reading
    def _download(self, url: str, start: int, end: Optional[int]) -> bytes:
        location = parse_url(url)
        service, _ = self._service(location)
        with self._errors(location, url):
            if start == 0 and end is None and self.size(url) > PART_SIZE * 2:  # big: several connections at once
                return service.download_in_parts(location.container, location.name, self.size(url), PART_SIZE,
                                                 PART_THREADS)
            if end is not None and end <= start:
                return b""
            return service.download(location.container, location.name, start, end, self.size(url))

    def size(self, url: str) -> int:
        if url not in self._sizes:
            location = parse_url(url)
            service, _ = self._service(location)
            with self._errors(location, url):
                self._sizes[url] = service.properties(location.container, location.name).size
        return self._sizes[url]

    def parquet_scan_args(self, url: str) -> Tuple[str, Dict[str, Any]]:
        """polars.scan_parquet's source and keyword arguments for its own Azure reader."""
        location = parse_url(url)
        _, access = self._service(location)
        return f"az://{location.container}/{location.name}", {
            "storage_options": dict(access.polars_options),
            "credential_provider": access.credential_provider,
            "glob": False,
        }
