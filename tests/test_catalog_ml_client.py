"""Resolving azureml URIs through a real azure-ai-ml MLClient (its own entity classes; no network:
the client's data/datastore lookups are answered with entities built here)."""
from __future__ import annotations

import pytest

pytest.importorskip("azure.ai.ml")

from azure.ai.ml import MLClient  # noqa: E402
from azure.ai.ml.entities import AzureBlobDatastore, AzureDataLakeGen2Datastore, AzureFileDatastore, Data  # noqa: E402
from azure.core.credentials import AccessToken  # noqa: E402

from tablekit import UserErrorException  # noqa: E402
from tablekit.catalog.ml_client import resolve_with_ml_client  # noqa: E402
from tablekit.catalog.resolve import mltable_folder  # noqa: E402


class StaticCredential:
    """A TokenCredential that never signs in (nothing here reaches Azure)."""

    def get_token(self, *scopes, **kwargs):
        return AccessToken("token", 2 ** 31)


@pytest.fixture(scope="module")
def client():
    return MLClient(StaticCredential(), "sub-1", "rg-1", "ws-1")


@pytest.fixture
def workspace(client, monkeypatch):
    """The client's workspace: two datastores and three data assets, answered by the client's own operations."""
    datastores = {
        "blobs": AzureBlobDatastore(name="blobs", account_name="acct", container_name="cont"),
        "lake": AzureDataLakeGen2Datastore(name="lake", account_name="lakeacct", filesystem="fs",
                                           endpoint="core.chinacloudapi.cn"),
        "files": AzureFileDatastore(name="files", account_name="acct", file_share_name="share"),
    }
    assets = {
        ("sales", "1"): Data(name="sales", version="1", type="mltable",
                             path="azureml://datastores/blobs/paths/tables/sales/"),
        ("sales", "2"): Data(name="sales", version="2", type="mltable",
                             path="azureml://subscriptions/sub-1/resourcegroups/rg-1/workspaces/ws-1/datastores/"
                                  "lake/paths/sales"),
        ("raw", "1"): Data(name="raw", version="1", type="uri_folder", path="https://example.org/raw/"),
    }
    asked = []

    def get_data(name, version=None, label=None):
        asked.append((name, version, label))
        version = version or max(v for n, v in assets if n == name)  # label 'latest'
        return assets[name, version]

    monkeypatch.setattr(client.datastores, "get", lambda name, **kwargs: datastores[name])
    monkeypatch.setattr(client.data, "get", get_data)
    return asked


def test_a_datastore_uri_becomes_the_storage_url_read_with_the_clients_credential(client, workspace):
    target = resolve_with_ml_client("azureml://datastores/blobs/paths/tables/sales/2024.csv", client)
    assert target.url == "wasbs://cont@acct.blob.core.windows.net/tables/sales/2024.csv"
    assert target.fs_path == "cont/tables/sales/2024.csv"
    assert target.storage_options["credential"] is client._credential
    assert target.read_options() == {"account_name": "acct", "credential": client._credential}


def test_an_asset_resolves_through_the_client(client, workspace):
    target = resolve_with_ml_client("azureml:sales:1", client)
    assert (target.url, target.asset_type) == ("wasbs://cont@acct.blob.core.windows.net/tables/sales", "mltable")
    latest = resolve_with_ml_client("azureml:sales@latest", client)
    assert latest.url == "abfss://fs@lakeacct.dfs.core.chinacloudapi.cn/sales"
    assert latest.storage_options["account_host"] == "lakeacct.dfs.core.chinacloudapi.cn"
    assert workspace == [("sales", "1", None), ("sales", None, "latest")]
    long_form = "azureml://subscriptions/SUB-1/resourcegroups/rg-1/providers/Microsoft.MachineLearningServices/" \
                "workspaces/ws-1/data/sales/versions/1"
    assert resolve_with_ml_client(long_form, client).url == target.url


def test_load_refuses_what_it_cannot_load(client, workspace):
    with pytest.raises(UserErrorException, match="Can only load MLTable type asset"):
        mltable_folder("azureml:raw:1", ml_client=client)
    url, options, root = mltable_folder("azureml:sales:1", ml_client=client)
    assert url.startswith("wasbs://cont@acct") and options["credential"] is client._credential and root == url
    with pytest.raises(UserErrorException, match="does not match workspace context in ml_client"):
        resolve_with_ml_client("azureml://subscriptions/sub-1/resourcegroups/rg-1/workspaces/other/datastores/"
                               "blobs/paths/x", client)
    with pytest.raises(UserErrorException, match="of type AzureFile"):
        resolve_with_ml_client("azureml://datastores/files/paths/x", client)
    assert resolve_with_ml_client("azureml:raw:1", client).url == "https://example.org/raw/"


def test_an_fsspec_filesystem_through_the_client(client, workspace):
    from tablekit.catalog.filesystem import AzureMachineLearningFileSystem

    fs = AzureMachineLearningFileSystem("azureml://datastores/blobs/paths/tables", ml_client=client)
    assert type(fs._backing).__name__ == "AzureBlobFileSystem" and fs._backing.account_name == "acct"
    assert fs._full("tables/sales/2024.csv") == "cont/tables/sales/2024.csv"
    assert fs._strip_protocol("azureml://datastores/blobs/paths/tables/x.csv") == "tables/x.csv"
    with pytest.raises(UserErrorException, match="not on this filesystem"):
        fs._strip_protocol("azureml://datastores/lake/paths/x.csv")
