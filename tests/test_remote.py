"""Remote storage against real servers (Azurite, an aiohttp file server): errors as mltable
reports them, credentials that never show, and what is transferred (counted by a proxy).

The data results themselves are checked by tests/test_remote_differential.py.
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import tablekit as mltable
from tablekit.errors import ErrorCode, UserErrorException
from tests.conftest import CONTAINER, DATA, DATA_PREFIX
from tests.servers import ACCOUNT, ACCOUNT_KEY, CountingProxy, HttpFileServer, free_port

WRONG_KEY = "V3JvbmdLZXlXcm9uZ0tleVdyb25nS2V5V3JvbmdLZXlXcm9uZ0tleVdyb25nS2V5V3JvbmdLZXk0MDA="
WRONG_SIG = "c2lnbmF0dXJlVGhhdElzV3JvbmdBbmRTZWNyZXQ%3D"
WRONG_SAS = f"sv=2023-11-03&ss=b&srt=sco&sp=rl&se=2099-01-01T00:00:00Z&sig={WRONG_SIG}"
ABFSS = f"abfss://{CONTAINER}@{ACCOUNT}.dfs.core.windows.net/{DATA_PREFIX}"
WASBS = f"wasbs://{CONTAINER}@{ACCOUNT}.blob.core.windows.net/{DATA_PREFIX}"


@pytest.fixture
def no_azure_env(monkeypatch):
    for name in ("AZURE_STORAGE_CONNECTION_STRING", "AZURE_STORAGE_ACCOUNT_NAME", "AZURE_STORAGE_ACCOUNT",
                 "AZURE_STORAGE_KEY", "AZURE_STORAGE_ACCOUNT_KEY", "AZURE_STORAGE_SAS_TOKEN"):
        monkeypatch.delenv(name, raising=False)


def key_options(azurite, key=ACCOUNT_KEY, endpoint=None):
    return {"account_key": key, "blob_endpoint": endpoint or azurite.blob_endpoint}


def materialize_error(table) -> UserErrorException:
    with pytest.raises(UserErrorException) as caught:
        table.to_pandas_dataframe()
    return caught.value


# -- reading ------------------------------------------------------------------------------

def in_order(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted: a local folder lists in directory order, a blob folder in name order."""
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


def test_every_azure_url_form_reads_the_same_rows(azurite, azurite_env):
    local = mltable.from_parquet_files([{"folder": str(DATA / "parquet/multi")}]).to_pandas_dataframe()
    for root in (WASBS, ABFSS, WASBS.replace("wasbs://", "wasb://"), ABFSS.replace("abfss://", "abfs://")):
        remote = mltable.from_parquet_files([{"folder": f"{root}/parquet/multi"}]).to_pandas_dataframe()
        pd.testing.assert_frame_equal(in_order(remote), in_order(local))


def test_shared_access_signature(azurite, no_azure_env):
    from datetime import datetime, timedelta, timezone

    from azure.storage.blob import ContainerSasPermissions, generate_container_sas

    sas = generate_container_sas(ACCOUNT, CONTAINER, account_key=ACCOUNT_KEY,
                                 permission=ContainerSasPermissions(read=True, list=True),
                                 expiry=datetime.now(timezone.utc) + timedelta(hours=1))
    table = mltable.from_delimited_files([{"pattern": f"{ABFSS}/paths/tree/*.csv"}],
                                         storage_options={"sas_token": sas, "blob_endpoint": azurite.blob_endpoint})
    local = mltable.from_delimited_files([{"pattern": str(DATA / "paths/tree/*.csv")}])
    pd.testing.assert_frame_equal(table.to_pandas_dataframe(), local.to_pandas_dataframe())


def test_load_resolves_relative_paths_remotely(azurite, azurite_env):
    for folder in ("mltable/parent_path", "mltable/folder_path", "mltable/local_file"):
        remote = mltable.load(f"{WASBS}/{folder}").to_pandas_dataframe()
        local = mltable.load(str(DATA / folder)).to_pandas_dataframe()
        pd.testing.assert_frame_equal(in_order(remote), in_order(local))


def test_load_over_http(http_server):
    remote = mltable.load(f"{http_server.url}/mltable/parent_path")
    assert remote.paths == [{"file": "../../transform/thirty.csv"}]
    pd.testing.assert_frame_equal(remote.to_pandas_dataframe(),
                                  mltable.load(str(DATA / "mltable/parent_path")).to_pandas_dataframe())


# -- errors -------------------------------------------------------------------------------

def test_wrong_account_key(azurite, no_azure_env):
    error = materialize_error(mltable.from_delimited_files([{"file": f"{ABFSS}/paths/tree/a.csv"}],
                                                           storage_options=key_options(azurite, WRONG_KEY)))
    assert error.error_code == ErrorCode.AUTHENTICATION
    assert "Authentication failed" in error.message and ACCOUNT in error.message
    assert WRONG_KEY not in str(error) and WRONG_KEY not in repr(error)


def test_wrong_sas_token(azurite, no_azure_env):
    table = mltable.from_parquet_files([{"folder": f"{ABFSS}/parquet/multi"}],
                                       storage_options={"sas_token": WRONG_SAS, "blob_endpoint": azurite.blob_endpoint})
    error = materialize_error(table)
    assert error.error_code == ErrorCode.AUTHENTICATION
    assert WRONG_SIG not in str(error)


def test_wrong_key_in_connection_string(azurite, monkeypatch):
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", azurite.connection_string.replace(ACCOUNT_KEY, WRONG_KEY))
    error = materialize_error(mltable.from_json_lines_files([{"file": f"{WASBS}/jsonl/basic.jsonl"}]))
    assert error.error_code == ErrorCode.AUTHENTICATION
    assert "AZURE_STORAGE_CONNECTION_STRING" in error.message
    assert WRONG_KEY not in str(error)


def test_missing_container(azurite, azurite_env):
    url = f"wasbs://nocontainer@{ACCOUNT}.blob.core.windows.net/x.csv"
    error = materialize_error(mltable.from_delimited_files([{"file": url}]))
    assert error.error_code == ErrorCode.NOT_FOUND
    assert "The requested stream was not found" in error.message and "container 'nocontainer'" in error.message


@pytest.mark.parametrize("entry", ["file", "folder", "pattern"])
def test_missing_blob(azurite, azurite_env, entry):
    value = f"{WASBS}/paths/nope" + ("*.csv" if entry == "pattern" else ".csv")
    error = materialize_error(mltable.from_delimited_files([{entry: value}]))
    assert error.error_code == ErrorCode.NOT_FOUND
    assert value in error.message


def test_storage_gone(no_azure_env):
    endpoint = f"http://127.0.0.1:{free_port()}/{ACCOUNT}"  # nothing listens there
    table = mltable.from_parquet_files([{"file": f"{ABFSS}/parquet/types.parquet"}],
                                       storage_options={"account_key": ACCOUNT_KEY, "blob_endpoint": endpoint})
    error = materialize_error(table)
    assert error.error_code == ErrorCode.CONNECTION_FAILURE
    assert endpoint in error.message and ACCOUNT_KEY not in error.message


def test_credentials_for_another_account_are_refused(azurite, no_azure_env):
    table = mltable.from_delimited_files([{"file": f"{ABFSS}/paths/tree/a.csv"}],
                                         storage_options={"account_name": "otheraccount", "account_key": ACCOUNT_KEY})
    error = materialize_error(table)
    assert error.error_code == ErrorCode.USER_ERROR
    assert "'otheraccount'" in error.message and f"'{ACCOUNT}'" in error.message


def test_unknown_storage_option_is_an_argument_error():
    with pytest.raises(UserErrorException, match="unknown keys"):
        mltable.from_parquet_files([{"file": f"{ABFSS}/x.parquet"}], storage_options={"acount_key": "x"})


def test_http_errors(http_server, tmp_path):
    missing = materialize_error(mltable.from_delimited_files([{"file": f"{http_server.url}/paths/nope.csv"}]))
    assert missing.error_code == ErrorCode.NOT_FOUND
    forbidden = materialize_error(mltable.from_delimited_files([{"file": f"{http_server.url}/forbidden/a.csv"}]))
    assert forbidden.error_code == ErrorCode.AUTHENTICATION
    for kind in ("folder", "pattern"):
        error = materialize_error(mltable.from_delimited_files([{kind: f"{http_server.url}/paths/tree/"}]))
        assert error.error_code == ErrorCode.NOT_FOUND and "cannot list files" in error.message


def test_http_server_gone(tmp_path):
    server = HttpFileServer(DATA, tmp_path)
    table = mltable.from_parquet_files([{"file": f"{server.url}/parquet/types.parquet"}])
    assert len(table.to_pandas_dataframe()) > 0
    server.stop()
    error = materialize_error(table)
    assert error.error_code == ErrorCode.CONNECTION_FAILURE


# -- secrets ------------------------------------------------------------------------------

def test_secrets_never_show(azurite, no_azure_env, tmp_path, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    options = key_options(azurite)
    table = mltable.from_delimited_files([{"pattern": f"{ABFSS}/paths/tree/*.csv"}], storage_options=options)
    table = table.filter("id").keep_columns(["file"])
    texts = [repr(table), str(table), table.explain(), repr(table._plan), table.to_pandas_dataframe().to_string()]
    table.save(str(tmp_path / "saved"))
    texts += [p.read_text() for p in (tmp_path / "saved").rglob("*") if p.is_file()]
    texts.append(repr(mltable.load(str(tmp_path / "saved"))))
    for bad in ({"account_key": WRONG_KEY, "blob_endpoint": azurite.blob_endpoint},
                {"sas_token": WRONG_SAS, "blob_endpoint": azurite.blob_endpoint},
                {"connection_string": azurite.connection_string.replace(ACCOUNT_KEY, WRONG_KEY)}):
        error = materialize_error(mltable.from_parquet_files([{"folder": f"{ABFSS}/parquet/multi"}],
                                                             storage_options=bad))
        texts += [str(error), repr(error), error.message]
    captured = capfd.readouterr()
    texts += [caplog.text, captured.out, captured.err]
    for secret in (ACCOUNT_KEY, WRONG_KEY, WRONG_SIG, ACCOUNT_KEY[:20], WRONG_KEY[:20]):
        leaks = [text[max(0, text.index(secret) - 150):text.index(secret) + 50] for text in texts if secret in text]
        assert not leaks, f"a secret shows in: {leaks}"


# -- what is transferred ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def proxy(azurite):
    counting = CountingProxy(azurite.port)
    yield counting
    counting.close()


@pytest.fixture(scope="module")
def row_groups_file(azurite, tmp_path_factory):
    """A 10-row-group parquet file sorted by id, uploaded as perf/rowgroups.parquet."""
    rng = np.random.default_rng(7)
    rows = 200_000
    table = pa.table({"id": np.arange(rows), "x": rng.random(rows),
                      "text": [f"row {i} " + "x" * int(rng.integers(10, 40)) for i in range(rows)]})
    path = tmp_path_factory.mktemp("perf") / "rowgroups.parquet"
    pq.write_table(table, path, row_group_size=rows // 10)
    with open(path, "rb") as data:
        azurite.container("perf").upload_blob("rowgroups.parquet", data, overwrite=True)
    return path


def transferred(proxy: CountingProxy, table) -> tuple:
    proxy.reset()
    frame = table.to_pandas_dataframe()
    return frame, proxy.bytes_down


def test_parquet_reads_only_needed_row_groups_and_columns(azurite, proxy, row_groups_file, no_azure_env):
    url = f"abfss://perf@{ACCOUNT}.dfs.core.windows.net/rowgroups.parquet"
    options = key_options(azurite, endpoint=f"http://127.0.0.1:{proxy.port}/{ACCOUNT}")
    remote = mltable.from_parquet_files([{"file": url}], storage_options=options)
    local = mltable.from_parquet_files([{"file": str(row_groups_file)}])
    size = row_groups_file.stat().st_size

    full, full_bytes = transferred(proxy, remote)
    pd.testing.assert_frame_equal(full, local.to_pandas_dataframe())
    assert size <= full_bytes < size * 1.5 + 100_000  # the footer twice (layout, then polars) at most

    filtered, filtered_bytes = transferred(proxy, remote.filter("id < 1000"))
    pd.testing.assert_frame_equal(filtered, local.filter("id < 1000").to_pandas_dataframe())
    assert filtered_bytes < size / 5  # one row group of ten, and the footers

    column, column_bytes = transferred(proxy, remote.keep_columns(["id"]))
    pd.testing.assert_frame_equal(column, local.keep_columns(["id"]).to_pandas_dataframe())
    assert column_bytes < size / 3  # the text column is most of the file


def test_text_files_are_downloaded_once(azurite, proxy, no_azure_env):
    options = key_options(azurite, endpoint=f"http://127.0.0.1:{proxy.port}/{ACCOUNT}")
    for name, read in (("transform/thirty.csv", mltable.from_delimited_files),
                       ("csv/infer_250rows.csv", mltable.from_delimited_files),
                       ("jsonl/nested.jsonl", mltable.from_json_lines_files)):
        size = (DATA / name).stat().st_size
        _, got = transferred(proxy, read([{"file": f"{ABFSS}/{name}"}], storage_options=options))
        assert got < size + 8_000, f"{name}: {got} bytes for a {size}-byte file"  # + HTTP headers


def test_many_small_files_are_fetched_concurrently(azurite, proxy, no_azure_env):
    options = key_options(azurite, endpoint=f"http://127.0.0.1:{proxy.port}/{ACCOUNT}")
    table = mltable.from_delimited_files([{"folder": f"{ABFSS}/paths/tree"}], storage_options=options)
    proxy.reset()
    remote = table.to_pandas_dataframe()
    local = mltable.from_delimited_files([{"folder": str(DATA / "paths/tree")}]).to_pandas_dataframe()
    assert sorted(remote["file"]) == sorted(local["file"])
    assert proxy.peak_connections > 1


# -- which account, endpoint and credential a URL gets (no server needed) --------------------

def access(url: str, options=None, environ=None):
    from tablekit.sources.azure_blob import parse_url, resolve_access
    from tablekit.sources.credentials import StorageOptions

    return resolve_access(parse_url(url), StorageOptions(options), environ or {})


def test_every_url_form_names_its_own_account_and_endpoint():
    from tablekit.sources.azure_blob import parse_url

    blob = parse_url("wasbs://box@acct1.blob.core.windows.net/a/b.csv")
    dfs = parse_url("abfs://fs@acct2.dfs.core.chinacloudapi.cn/x/?.csv")
    assert (blob.account, blob.container, blob.name, blob.default_endpoint) == \
        ("acct1", "box", "a/b.csv", "https://acct1.blob.core.windows.net")
    assert (dfs.account, dfs.container, dfs.name, dfs.default_endpoint) == \
        ("acct2", "fs", "x/?.csv", "http://acct2.blob.core.chinacloudapi.cn")
    with pytest.raises(UserErrorException, match="not an Azure storage URL"):
        parse_url("wasbs://acct1.blob.core.windows.net/box/a.csv")  # no container@


def test_a_connection_string_for_another_account_is_not_used(monkeypatch):
    other = f"AccountName=other;AccountKey={WRONG_KEY};EndpointSuffix=core.windows.net"
    with_key = access(f"wasbs://c@{ACCOUNT}.blob.core.windows.net/x", environ={
        "AZURE_STORAGE_CONNECTION_STRING": other, "AZURE_STORAGE_KEY": ACCOUNT_KEY})
    assert with_key.credential == {"account_name": ACCOUNT, "account_key": ACCOUNT_KEY}
    assert with_key.endpoint == f"https://{ACCOUNT}.blob.core.windows.net"
    monkeypatch.setattr("tablekit.sources.azure_blob.default_credential", lambda: "the default credential")
    fallback = access(f"wasbs://c@{ACCOUNT}.blob.core.windows.net/x", environ={"AZURE_STORAGE_CONNECTION_STRING": other})
    assert fallback.credential == "the default credential" and fallback.source == "DefaultAzureCredential"
    with pytest.raises(UserErrorException, match="'other'"):
        access(f"wasbs://c@{ACCOUNT}.blob.core.windows.net/x", {"connection_string": other})


def test_development_storage_and_sas_tokens():
    emulator = access(f"wasbs://c@{ACCOUNT}.blob.core.windows.net/x",
                      environ={"AZURE_STORAGE_CONNECTION_STRING": "UseDevelopmentStorage=true"})
    assert emulator.endpoint == f"http://127.0.0.1:10000/{ACCOUNT}"
    assert emulator.polars_options["allow_http"] == "true" and emulator.polars_options["account_key"] == ACCOUNT_KEY
    sas = access("abfss://c@acct.dfs.core.windows.net/x", {"sas_token": "?" + WRONG_SAS})
    assert sas.credential == WRONG_SAS and sas.polars_options["sas_token"] == WRONG_SAS
    anonymous = access("abfss://c@acct.dfs.core.windows.net/x", {"anon": True})
    assert anonymous.credential is None and anonymous.polars_options["skip_signature"] == "true"
    assert repr(mltable.from_paths([{"file": "abfss://c@acct.dfs.core.windows.net/x"}],
                                   storage_options={"sas_token": WRONG_SAS})._plan).count(WRONG_SIG) == 0


def test_a_blob_url_with_a_sas_token_reads_over_http(azurite, no_azure_env):
    """A blob's https URL with a SAS token in its query: read as a web file, the signature never shown."""
    from datetime import datetime, timedelta, timezone

    from azure.storage.blob import ContainerSasPermissions, generate_container_sas

    sas = generate_container_sas(ACCOUNT, CONTAINER, account_key=ACCOUNT_KEY,
                                 permission=ContainerSasPermissions(read=True),
                                 expiry=datetime.now(timezone.utc) + timedelta(hours=1))
    blob = f"{azurite.blob_endpoint}/{CONTAINER}/{DATA_PREFIX}"
    for name, read in (("parquet/types.parquet", mltable.from_parquet_files),
                       ("transform/thirty.csv", mltable.from_delimited_files)):
        remote = read([{"file": f"{blob}/{name}?{sas}"}]).to_pandas_dataframe()
        pd.testing.assert_frame_equal(remote, read([{"file": str(DATA / name)}]).to_pandas_dataframe())
    signature = sas.split("sig=")[1].split("&")[0]
    error = materialize_error(mltable.from_parquet_files([{"file": f"{blob}/parquet/types.parquet?{WRONG_SAS}"}]))
    assert error.error_code == ErrorCode.AUTHENTICATION
    assert WRONG_SIG not in str(error) and signature not in str(error) and "***" in error.message
