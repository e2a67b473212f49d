"""A datastore on Azure blob storage (the Azurite emulator, tests/conftest.py), end to end: upload,
download, assets, every URI form in load() and from_*, pandas and fsspec, and a wrong key."""
from __future__ import annotations

import os

import fsspec
import pandas as pd
import pytest

import tablekit
from tablekit import Datastore, UserErrorException, Workspace
from tests.servers import ACCOUNT, ACCOUNT_KEY

EXPECTED = pd.DataFrame({"id": [1, 2, 3, 4], "name": ["a", "b", "c", "d"]})
CONTAINER = "catalog"


@pytest.fixture
def workspace(azurite, tmp_path, monkeypatch):
    """A fresh home whose datastore 'azstore' is an Azurite container (its key read from the environment),
    with a sales folder uploaded to data/sales and registered as asset 'sales'."""
    for name in ("AZURE_STORAGE_CONNECTION_STRING", "AZURE_STORAGE_ACCOUNT_NAME", "AZURE_STORAGE_ACCOUNT",
                 "AZURE_STORAGE_KEY", "AZURE_STORAGE_ACCOUNT_KEY", "AZURE_STORAGE_SAS_TOKEN"):
        monkeypatch.delenv(name, raising=False)  # only the datastore's own credential may work
    monkeypatch.setenv("TABLEKIT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TK_AZURITE_KEY", ACCOUNT_KEY)
    monkeypatch.chdir(tmp_path)
    sales = tmp_path / "sales"
    (sales / "2024").mkdir(parents=True)
    (sales / "2024" / "part1.csv").write_text("id,name\n1,a\n2,b\n")
    (sales / "2024" / "part2.csv").write_text("id,name\n3,c\n4,d\n")
    (sales / "MLTable").write_text("paths:\n- pattern: ./2024/*.csv\ntransformations:\n- read_delimited\n")
    ws = Workspace()
    ds = Datastore.register_azure_blob_container(ws, "azstore", CONTAINER, ACCOUNT, account_key="env:TK_AZURITE_KEY",
                                                 protocol="http", account_url=azurite.blob_endpoint,
                                                 create_if_not_exists=True)
    ds.upload(str(sales), target_path=f"{tmp_path.name}/sales", overwrite=True, show_progress=False)
    ws.register_asset("sales", f"azureml://datastores/azstore/paths/{tmp_path.name}/sales")
    return ws


def frame(table) -> pd.DataFrame:
    return table.to_pandas_dataframe().sort_values("id").reset_index(drop=True)


def test_the_datastore_is_the_container(workspace):
    ds = workspace.datastores["azstore"]
    assert ds.datastore_type == "AzureBlob" and ds.url == f"wasb://{CONTAINER}@{ACCOUNT}.blob.core.windows.net"
    assert ds.credential == "account_key (from environment variable TK_AZURITE_KEY)"


def test_load_and_read_through_the_azure_datastore(workspace, tmp_path):
    base = f"azureml://datastores/azstore/paths/{tmp_path.name}/sales"
    for uri in (base, "azureml:sales:1", "azureml:sales@latest",
                f"azureml://subscriptions/s/resourcegroups/r/workspaces/w/datastores/azstore/paths/{tmp_path.name}/"
                "sales", "azureml://subscriptions/s/resourcegroups/r/workspaces/w/data/sales/versions/1"):
        pd.testing.assert_frame_equal(frame(tablekit.load(uri)), EXPECTED)
    table = tablekit.from_delimited_files([{"pattern": f"{base}/2024/*.csv"}], include_path_column=True)
    df = frame(table)
    pd.testing.assert_frame_equal(df[["id", "name"]], EXPECTED)
    assert df["Path"][0] == f"{base}/2024/part1.csv"
    pd.testing.assert_frame_equal(frame(tablekit.from_delimited_files([{"folder": f"{base}/2024"}])), EXPECTED)


def test_parquet_through_the_azure_datastore(workspace, tmp_path):
    EXPECTED.to_parquet(tmp_path / "t.parquet")
    workspace.datastores["azstore"].upload_files([str(tmp_path / "t.parquet")], target_path=f"{tmp_path.name}/pq",
                                                 show_progress=False)
    uri = f"azureml://datastores/azstore/paths/{tmp_path.name}/pq/t.parquet"
    pd.testing.assert_frame_equal(tablekit.from_parquet_files([{"file": uri}]).to_pandas_dataframe(), EXPECTED)
    pd.testing.assert_frame_equal(tablekit.from_parquet_files([{"file": uri}]).filter("id > 2").to_pandas_dataframe(),
                                  EXPECTED.tail(2).reset_index(drop=True))
    pd.testing.assert_frame_equal(pd.read_parquet(uri), EXPECTED)


def test_pandas_and_fsspec_on_the_azure_datastore(workspace, tmp_path):
    base = f"azureml://datastores/azstore/paths/{tmp_path.name}/sales"
    pd.testing.assert_frame_equal(pd.read_csv(f"{base}/2024/part2.csv"), EXPECTED.tail(2).reset_index(drop=True))
    fs = fsspec.filesystem("azureml", uri="azureml://datastores/azstore")
    assert fs.ls(f"{tmp_path.name}/sales") == [f"{tmp_path.name}/sales/2024", f"{tmp_path.name}/sales/MLTable"]
    assert fs.glob(f"{tmp_path.name}/**/*.csv") == [f"{tmp_path.name}/sales/2024/part1.csv",
                                                   f"{tmp_path.name}/sales/2024/part2.csv"]
    with fs.open(f"{tmp_path.name}/sales/2024/part1.csv") as f:
        assert f.read() == b"id,name\n1,a\n2,b\n"


def test_download_and_a_local_asset_uploaded_to_azure(workspace, tmp_path):
    ds = workspace.datastores["azstore"]
    assert ds.download(str(tmp_path / "down"), prefix=f"{tmp_path.name}/sales/2024", show_progress=False) == 2
    assert (tmp_path / "down" / tmp_path.name / "sales" / "2024" / "part2.csv").read_text() == "id,name\n3,c\n4,d\n"
    workspace.set_default_datastore("azstore")
    asset = workspace.register_asset("local_sales", str(tmp_path / "sales"))
    assert asset.path.startswith("azureml://datastores/azstore/paths/LocalUpload/")
    pd.testing.assert_frame_equal(frame(tablekit.load("azureml:local_sales:1")), EXPECTED)


def test_a_wrong_key_fails_without_showing_it(workspace, azurite, tmp_path):
    wrong = "d3Jvbmcta2V5LWZvci10ZXN0aW5nLW9ubHktYWJjZGVmZ2hpams="
    Datastore.register_azure_blob_container(workspace, "badkey", CONTAINER, ACCOUNT, account_key=wrong,
                                            protocol="http", account_url=azurite.blob_endpoint,
                                            secret_store="plaintext")
    with pytest.raises(UserErrorException) as caught:
        tablekit.from_delimited_files([{"folder": f"azureml://datastores/badkey/paths/{tmp_path.name}/sales"}]) \
            .to_pandas_dataframe()
    assert wrong not in str(caught.value) and "badkey" in str(caught.value)
    with pytest.raises(UserErrorException) as caught:
        workspace.datastores["badkey"].download(str(tmp_path / "x"), show_progress=False)
    assert wrong not in str(caught.value)
    assert not os.path.exists(tmp_path / "x")
