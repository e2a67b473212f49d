"""Session fixtures: the real storage servers of the remote-storage tests (see tests/servers.py).

Each server starts when the first test that needs it runs and stops (by its
PID) when the session ends.  tests/data is uploaded to Azurite once and
served over HTTP as it is.
"""
from __future__ import annotations

import pytest

from tests.servers import ACCOUNT, Azurite, HttpFileServer, REPO

DATA = REPO / "tests" / "data"
CONTAINER = "data"
DATA_PREFIX = "tests-data"  # tests/data/<path> is blob <CONTAINER>/<DATA_PREFIX>/<path>


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
