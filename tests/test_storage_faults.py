"""Storage faults against real servers: tests/fault_proxy.py sits in front of an aiohttp file
server and of Azurite and answers 503/500/429, drops connections mid-body, stalls past the
client's timeout or sends short bodies; servers are killed mid-table.

What must hold: transient faults are retried and the table equals the local read; persistent
and permanent ones end in a UserErrorException naming the path without its secrets; a partial
read never becomes a (shorter) DataFrame.  Nothing here is mocked.
"""
from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone

import pandas as pd
import pytest

import tablekit as mltable
from tablekit.errors import ErrorCode, UserErrorException
from tablekit.sources.retry import RETRIES_VARIABLE, RetryPolicy
from tests.conftest import CONTAINER
from tests.servers import ACCOUNT, ACCOUNT_KEY, FaultProxyServer, HttpFileServer

PREFIX = "storage-faults"
ROWS = 3000
PARTS = ("part-1.csv", "part-2.csv", "part-3.csv")
SECRET_SIG = "c2VjcmV0U2lnbmF0dXJlRm9yRmF1bHRUZXN0cw%3D%3D"
FAST = {"max_retries": 3, "timeout": 2}  # the client's policy in these tests


def write_csv(path, first: int, rows: int) -> None:
    frame = pd.DataFrame({"id": range(first, first + rows), "name": [f"row number {i}" for i in range(rows)],
                          "value": [i * 0.25 for i in range(rows)]})
    frame.to_csv(path, index=False)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """A table (table.csv, ~80 KB) and a table in three parts, on local disk."""
    folder = tmp_path_factory.mktemp("fault-data")
    write_csv(folder / "table.csv", 0, ROWS)
    for i, name in enumerate(PARTS):
        write_csv(folder / name, i * ROWS, ROWS)
    pd.read_csv(folder / "table.csv").to_parquet(folder / "table.parquet", row_group_size=ROWS // 4)
    return folder


@pytest.fixture(scope="module")
def http_backend(data, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("fault-http")
    server = HttpFileServer(data, workdir)
    proxy = FaultProxyServer(server.url, workdir)
    try:
        yield server, proxy
    finally:
        proxy.stop()
        server.stop()


@pytest.fixture(scope="module")
def azure_backend(azurite, data, tmp_path_factory):
    azurite.upload_folder(CONTAINER, data, PREFIX)
    proxy = FaultProxyServer(azurite.url, tmp_path_factory.mktemp("fault-azure"))
    try:
        yield azurite, proxy
    finally:
        proxy.stop()


class Backend:
    """One server behind one fault proxy: the URLs of files through the proxy, and options."""

    def __init__(self, kind: str, proxy: FaultProxyServer):
        self.kind = kind
        self.proxy = proxy

    def url(self, name: str) -> str:
        if self.kind == "http":
            return f"{self.proxy.url}/{name}"
        return f"wasbs://{CONTAINER}@{ACCOUNT}.blob.core.windows.net/{PREFIX}/{name}"

    def options(self, **extra) -> dict:
        if self.kind == "http":
            return {**FAST, **extra}
        return {"account_key": ACCOUNT_KEY, "blob_endpoint": f"{self.proxy.url}/{ACCOUNT}", **FAST, **extra}

    def table(self, names, **extra):
        return mltable.from_delimited_files([{"file": self.url(name)} for name in names],
                                            storage_options=self.options(**extra))

    def parquet(self, name: str):
        return mltable.from_parquet_files([{"file": self.url(name)}], storage_options=self.options())


@pytest.fixture(params=["http", "azure"])
def backend(request, no_env_retries):
    server, proxy = request.getfixturevalue(f"{request.param}_backend")
    proxy.inject("none")
    yield Backend(request.param, proxy)
    proxy.inject("none")


@pytest.fixture
def no_env_retries(monkeypatch):
    for name in ("AZURE_STORAGE_CONNECTION_STRING", RETRIES_VARIABLE):
        monkeypatch.delenv(name, raising=False)


def local(data, names) -> pd.DataFrame:
    return mltable.from_delimited_files([{"file": str(data / name)} for name in names]).to_pandas_dataframe()


def failure(table) -> UserErrorException:
    with pytest.raises(UserErrorException) as caught:
        table.to_pandas_dataframe()
    return caught.value


# -- transient faults: retried, and the table is whole ----------------------------------------

TRANSIENT = {
    "503 twice": ("status", {"status": 503, "count": 2}),
    "500 once": ("status", {"status": 500, "count": 1}),
    "429 three times": ("status", {"status": 429, "count": 3}),
    "dropped mid-body twice": ("drop", {"count": 2}),
    "short body once": ("truncate", {"count": 1}),
    "stall past the timeout once": ("stall", {"seconds": 4, "count": 1}),
}


@pytest.mark.parametrize("fault", TRANSIENT, ids=list(TRANSIENT))
def test_transient_faults_are_retried_and_the_table_is_whole(backend, data, fault):
    kind, arguments = TRANSIENT[fault]
    backend.proxy.inject(kind, match="table.csv", **arguments)
    frame = backend.table(["table.csv"]).to_pandas_dataframe()
    pd.testing.assert_frame_equal(frame, local(data, ["table.csv"]))
    assert backend.proxy.counts()["faulted"] == arguments["count"]  # each fault was met, then retried


def test_faults_on_every_part_of_a_table(backend, data):
    backend.proxy.inject("drop", count=3)  # the first three data requests, whichever parts they are for
    frame = backend.table(PARTS).to_pandas_dataframe()
    pd.testing.assert_frame_equal(frame, local(data, PARTS))


# Parquet data is read by polars' own object-store reader, which retries by itself (its own
# policy: tablekit's max_retries and timeout do not reach it); the footer comes through tablekit.
PARQUET = {"503 twice": ("status", {"status": 503, "count": 2}), "dropped twice": ("drop", {"count": 2}),
           "short body once": ("truncate", {"count": 1})}


@pytest.mark.parametrize("fault", PARQUET, ids=list(PARQUET))
@pytest.mark.parametrize("skip", [0, 1], ids=["footer", "data"])
def test_transient_faults_on_parquet_footers_and_data(backend, data, fault, skip):
    kind, arguments = PARQUET[fault]
    backend.proxy.inject(kind, match="table.parquet", skip=skip, **arguments)
    frame = backend.parquet("table.parquet").to_pandas_dataframe()
    pd.testing.assert_frame_equal(frame, pd.read_parquet(data / "table.parquet"))
    assert backend.proxy.counts()["faulted"] == arguments["count"]


def test_short_parquet_data_is_an_error_not_a_shorter_table(backend):
    backend.proxy.inject("truncate", match="table.parquet", skip=1)  # every data request after the footer
    error = failure(backend.parquet("table.parquet"))
    assert error.error_code == ErrorCode.STREAM_UNEXPECTED and "table.parquet" in error.message


# -- persistent faults: a clear error naming the path, never a shorter table -------------------

PERSISTENT = {
    "503 always": ("status", {"status": 503}, ErrorCode.STREAM_UNEXPECTED),
    "dropped mid-body always": ("drop", {}, ErrorCode.CONNECTION_FAILURE),
    "short body always": ("truncate", {}, ErrorCode.CONNECTION_FAILURE),
    "stall past the timeout always": ("stall", {"seconds": 4}, ErrorCode.CONNECTION_FAILURE),
}


@pytest.mark.parametrize("fault", PERSISTENT, ids=list(PERSISTENT))
def test_persistent_faults_end_in_a_clear_error(backend, fault):
    kind, arguments, code = PERSISTENT[fault]
    backend.proxy.inject(kind, match="table.csv", **arguments)
    error = failure(backend.table(["table.csv"], max_retries=2, timeout=1))
    assert error.error_code == code
    assert "table.csv" in error.message and "3 attempts" in error.message
    assert backend.proxy.counts()["faulted"] == 3  # the first try and two retries


PERMANENT = {404: ErrorCode.NOT_FOUND, 403: ErrorCode.AUTHENTICATION, 400: ErrorCode.STREAM_UNEXPECTED}


@pytest.mark.parametrize("status", PERMANENT)
def test_permanent_errors_are_not_retried(backend, status):
    backend.proxy.inject("status", status=status, match="table.csv", method="HEAD")  # the first request
    error = failure(backend.table(["table.csv"]))
    assert error.error_code == PERMANENT[status]
    assert "table.csv" in error.message
    assert backend.proxy.counts()["faulted"] == 1


def test_errors_name_the_path_without_secrets(http_backend, azure_backend, no_env_retries):
    _, http_proxy = http_backend
    http_proxy.inject("status", status=503, match="table.csv", method="HEAD")
    url = f"{http_proxy.url}/table.csv?sv=2023-11-03&sp=r&sig={SECRET_SIG}"
    error = failure(mltable.from_delimited_files([{"file": url}], storage_options={"max_retries": 1}))
    assert "table.csv" in error.message and SECRET_SIG not in error.message
    http_proxy.inject("none")

    from azure.storage.blob import ContainerSasPermissions, generate_container_sas
    sas = generate_container_sas(ACCOUNT, CONTAINER, account_key=ACCOUNT_KEY,
                                 permission=ContainerSasPermissions(read=True, list=True),
                                 expiry=datetime.now(timezone.utc) + timedelta(hours=1))
    signature = dict(part.split("=", 1) for part in sas.split("&"))["sig"]
    _, azure_proxy = azure_backend
    for options in ({"sas_token": sas}, {"account_key": ACCOUNT_KEY}):
        azure_proxy.inject("drop", match="table.csv")
        table = mltable.from_delimited_files(
            [{"file": f"wasbs://{CONTAINER}@{ACCOUNT}.blob.core.windows.net/{PREFIX}/table.csv"}],
            storage_options={**options, "blob_endpoint": f"{azure_proxy.url}/{ACCOUNT}", "max_retries": 1})
        error = failure(table)
        assert error.error_code == ErrorCode.CONNECTION_FAILURE and "table.csv" in error.message
        assert signature not in error.message and ACCOUNT_KEY not in error.message
    azure_proxy.inject("none")


# -- servers stopped mid-table --------------------------------------------------------------

def kill_when_stalling(proxy: FaultProxyServer, kill) -> threading.Thread:
    """A thread that runs ``kill()`` once the proxy holds a request (the table is half read)."""
    def watch():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proxy.counts()["stalling"] == 0:
            time.sleep(0.05)
        kill()
    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("kind", ["http", "azure"])
def test_storage_killed_mid_table(kind, data, azurite, azure_backend, tmp_path, no_env_retries):
    """The server the client talks to is SIGKILLed while it answers the second part."""
    upstream = HttpFileServer(data, tmp_path) if kind == "http" else azurite
    proxy = FaultProxyServer(upstream.url, tmp_path)
    try:
        backend = Backend(kind, proxy)
        proxy.inject("stall", seconds=30, match="part-2")
        watcher = kill_when_stalling(proxy, proxy.kill)
        error = failure(backend.table(PARTS))
        watcher.join()
        assert error.error_code == ErrorCode.CONNECTION_FAILURE and "part-" in error.message
    finally:
        proxy.stop()
        if kind == "http":
            upstream.stop()


def test_file_server_killed_behind_a_gateway(data, tmp_path, no_env_retries):
    """The file server dies mid-table behind a proxy, which then answers 502 Bad Gateway."""
    server = HttpFileServer(data, tmp_path)
    proxy = FaultProxyServer(server.url, tmp_path)
    try:
        proxy.inject("stall", seconds=1, count=1, match="part-2")
        watcher = kill_when_stalling(proxy, server.process.kill)
        error = failure(Backend("http", proxy).table(PARTS))
        watcher.join()
        assert error.error_code == ErrorCode.STREAM_UNEXPECTED
        assert "part-2.csv" in error.message and "502" in error.message
    finally:
        proxy.stop()
        server.stop()


# -- the policy's settings ------------------------------------------------------------------

def test_retries_come_from_storage_options_then_the_environment(monkeypatch):
    monkeypatch.setenv(RETRIES_VARIABLE, "7")
    assert RetryPolicy.from_options({}).retries == 7
    assert RetryPolicy.from_options({"max_retries": 0}).retries == 0
    monkeypatch.delenv(RETRIES_VARIABLE)
    assert RetryPolicy.from_options(None) == RetryPolicy()
    for wrong in ({"max_retries": -1}, {"max_retries": "many"}, {"timeout": 0}, {"timeout": True}):
        with pytest.raises(UserErrorException):
            RetryPolicy.from_options(wrong)


def test_waits_grow_exponentially_and_stay_bounded():
    policy = RetryPolicy()
    for retry, ceiling in ((1, 0.1), (2, 0.2), (3, 0.4), (10, 2.0)):
        assert all(0 <= policy.wait_before(retry) <= ceiling for _ in range(200))


def test_the_environment_sets_retries_for_every_read(backend, data, monkeypatch):
    monkeypatch.setenv(RETRIES_VARIABLE, "0")
    backend.proxy.inject("status", status=503, count=1, match="table.csv")
    table = mltable.from_delimited_files([{"file": backend.url("table.csv")}],
                                         storage_options={k: v for k, v in backend.options().items()
                                                          if k != "max_retries"})
    assert failure(table).error_code == ErrorCode.STREAM_UNEXPECTED


def test_a_throttled_listing_is_retried(azure_backend, data, no_env_retries):
    _, proxy = azure_backend
    proxy.inject("status", status=503, count=2)  # a folder is listed before any file is read
    try:
        folder = f"wasbs://{CONTAINER}@{ACCOUNT}.blob.core.windows.net/{PREFIX}/"
        table = mltable.from_delimited_files([{"pattern": folder + "part-*.csv"}],
                                             storage_options=Backend("azure", proxy).options())
        pd.testing.assert_frame_equal(table.to_pandas_dataframe(), local(data, PARTS))
        assert proxy.counts()["faulted"] == 2
    finally:
        proxy.inject("none")
