"""Session fixtures: the real storage servers of the remote-storage tests (see tests/servers.py).

Each server starts when the first test that needs it runs and stops (by its
PID) when the session ends.  tests/data is uploaded to Azurite once and
served over HTTP as it is.

The suite reaches no address but loopback: a network guard (below) refuses every
other connection and name lookup and fails the test that tried one.
"""
from __future__ import annotations

import ipaddress
import os
import socket

import pytest

from tests.servers import ACCOUNT, Azurite, HttpFileServer, REPO

DATA = REPO / "tests" / "data"
CONTAINER = "data"
DATA_PREFIX = "tests-data"  # tests/data/<path> is blob <CONTAINER>/<DATA_PREFIX>/<path>


# -- the network guard ---------------------------------------------------------------
# The servers the suite starts listen on 127.0.0.1; nothing else may be reached.  A connection to
# another address, or a name lookup of any name but localhost, is refused (so no packet leaves
# the machine) and recorded, and the test that made it fails after its phase even when the code
# under test swallowed the refusal (credential chains do).  Names under '.localhost' resolve to
# 127.0.0.1 (RFC 6761): tests use them for hosts that must be told apart (another account).
# Python sockets only: Rust readers (polars' object store, deltalake) are given loopback URLs.

class NonLoopbackConnection(ConnectionRefusedError):
    """What the guard raises instead of reaching a non-loopback address."""


REACHED: list = []  # what the guard refused since the current test phase began
_getaddrinfo, _connect, _connect_ex = socket.getaddrinfo, socket.socket.connect, socket.socket.connect_ex


def _is_local_name(host: str) -> bool:
    return host.lower().rstrip(".") == "localhost" or host.lower().rstrip(".").endswith(".localhost")


def _loopback_host(host):
    """The loopback address to use for ``host``; refuses (and records) any other host."""
    text = host.decode() if isinstance(host, bytes) else host
    if text is None:
        return host  # a passive (listening) lookup
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        if _is_local_name(text):
            return host if text.lower().rstrip(".") == "localhost" else "127.0.0.1"
        what = f"a lookup of the name {text!r}"
    else:
        if address.is_loopback or address.is_unspecified:
            return host
        what = f"a connection to {text}"
    REACHED.append(what)
    raise NonLoopbackConnection(f"the test suite reaches loopback only; refused {what}")


def _guarded_getaddrinfo(host, port, *args, **kwargs):
    return _getaddrinfo(_loopback_host(host), port, *args, **kwargs)


def _loopback_address(sock, address):
    if sock.family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple):
        return (_loopback_host(address[0]),) + tuple(address[1:])
    return address  # Unix sockets and the like never leave the machine


def _guarded_connect(self, address):
    return _connect(self, _loopback_address(self, address))


def _guarded_connect_ex(self, address):
    return _connect_ex(self, _loopback_address(self, address))


socket.getaddrinfo = _guarded_getaddrinfo
socket.socket.connect = _guarded_connect
socket.socket.connect_ex = _guarded_connect_ex

# Credential chains must not probe either: DefaultAzureCredential tries only the environment
# credential (which has no variables here) instead of managed identity (the metadata address
# 169.254.169.254), the Azure CLI and the others; a managed-identity credential made directly
# asks a closed loopback port.
for _name in ("AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_TENANT_ID", "AZURE_CLIENT_CERTIFICATE_PATH",
              "AZURE_USERNAME", "AZURE_PASSWORD", "AZURE_FEDERATED_TOKEN_FILE", "IDENTITY_ENDPOINT",
              "IDENTITY_HEADER", "MSI_ENDPOINT", "MSI_SECRET"):
    os.environ.pop(_name, None)
os.environ["AZURE_TOKEN_CREDENTIALS"] = "EnvironmentCredential"
os.environ["AZURE_POD_IDENTITY_AUTHORITY_HOST"] = "http://127.0.0.1:9"


def _guarded_phase():
    """A hook wrapper's body: the phase fails if it reached beyond loopback."""
    try:
        result = yield
    except BaseException:
        REACHED.clear()  # the phase failed already (the guard's own error says what it refused)
        raise
    if REACHED:
        refused = ", ".join(REACHED)
        REACHED.clear()
        raise AssertionError(f"the test tried to reach beyond loopback: {refused}")
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    REACHED.clear()
    return (yield from _guarded_phase())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    return (yield from _guarded_phase())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    return (yield from _guarded_phase())


@pytest.fixture(autouse=True)
def no_default_azure_credential(monkeypatch):
    """Tests pass their credentials: none may fall back to DefaultAzureCredential, which would
    probe the machine's managed-identity endpoint (an address outside this machine)."""
    def refuse():
        raise AssertionError("a test reached DefaultAzureCredential; give it credentials")
    monkeypatch.setattr("tablekit.sources.azure_blob.default_credential", refuse)


@pytest.fixture(scope="session")
def azurite(tmp_path_factory):
    server = Azurite(tmp_path_factory.mktemp("azurite"))
    try:
        server.upload_folder(CONTAINER, DATA, DATA_PREFIX)
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def http_server(tmp_path_factory):
    server = HttpFileServer(DATA, tmp_path_factory.mktemp("http"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def wasbs_data(azurite) -> str:
    """tests/data as a wasbs:// URL (the credentials come from AZURE_STORAGE_CONNECTION_STRING)."""
    return f"wasbs://{CONTAINER}@{ACCOUNT}.blob.core.windows.net/{DATA_PREFIX}"


@pytest.fixture(scope="session")
def abfss_data(azurite) -> str:
    """tests/data as an abfss:// URL (the credentials come from storage_options)."""
    return f"abfss://{CONTAINER}@{ACCOUNT}.dfs.core.windows.net/{DATA_PREFIX}"


@pytest.fixture
def azurite_env(azurite, monkeypatch):
    """Only AZURE_STORAGE_CONNECTION_STRING set, pointing at Azurite: how the tests pass credentials."""
    for name in ("AZURE_STORAGE_ACCOUNT_NAME", "AZURE_STORAGE_ACCOUNT", "AZURE_STORAGE_KEY",
                 "AZURE_STORAGE_ACCOUNT_KEY", "AZURE_STORAGE_SAS_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", azurite.connection_string)
    return azurite
