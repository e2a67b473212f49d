"""The workspace catalog end to end, on a fresh tablekit home: datastores, upload/download,
data assets, every azureml URI form in load() and the from_* functions, pandas and fsspec,
bad input, secrets, and registrations from several processes at once."""
from __future__ import annotations

import json
import multiprocessing
import os
import stat

import fsspec
import pandas as pd
import pytest

import tablekit
from tablekit import Datastore, UserErrorException, Workspace
from tablekit.catalog import secrets, uris
from tablekit.catalog.filesystem import AzureMachineLearningFileSystem
from tablekit.catalog.resolve import resolve
from tablekit.sources.credentials import redact

EXPECTED = pd.DataFrame({"id": [1, 2, 3, 4], "name": ["a", "b", "c", "d"]})


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A fresh, empty tablekit home; the working directory is a scratch folder beside it."""
    monkeypatch.setenv("TABLEKIT_HOME", str(tmp_path / "home"))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return tmp_path / "home"


@pytest.fixture
def sales(tmp_path):
    """A local folder of two CSV files and an MLTable file reading them."""
    folder = tmp_path / "sales"
    (folder / "2024").mkdir(parents=True)
    (folder / "2024" / "part1.csv").write_text("id,name\n1,a\n2,b\n")
    (folder / "2024" / "part2.csv").write_text("id,name\n3,c\n4,d\n")
    (folder / "MLTable").write_text("paths:\n- pattern: ./2024/*.csv\ntransformations:\n- read_delimited\n")
    return folder


@pytest.fixture
def workspace(home, sales):
    """The home's workspace with the sales folder uploaded to data/sales and registered as asset 'sales'."""
    ws = Workspace()
    ws.get_default_datastore().upload(str(sales), target_path="data/sales", show_progress=False)
    ws.register_asset("sales", "azureml://datastores/workspaceblobstore/paths/data/sales", description="sales")
    return ws


def frame(table) -> pd.DataFrame:
    return table.to_pandas_dataframe().sort_values("id").reset_index(drop=True)


# -- a fresh home -------------------------------------------------------------

def test_fresh_home_has_the_default_datastore_backed_by_a_local_folder(home):
    ws = Workspace()
    assert os.path.isfile(home / "catalog.sqlite")
    default = ws.get_default_datastore()
    assert default.name == "workspaceblobstore" and default.datastore_type == "LocalFolder"
    assert default.url == str(home / "datastores" / "workspaceblobstore") and os.path.isdir(default.url)
    assert list(ws.datastores) == ["workspaceblobstore"]
    assert Datastore.get(ws, "workspaceblobstore") == default == Datastore(ws)
    assert ws.name == "local" and ws.home == str(home)


def test_home_moves_with_the_environment_variable_or_the_argument(tmp_path, monkeypatch):
    monkeypatch.setenv("TABLEKIT_HOME", str(tmp_path / "a"))
    assert Workspace().home == str(tmp_path / "a")
    assert Workspace(home=str(tmp_path / "b")).home == str(tmp_path / "b")
    assert os.path.isfile(tmp_path / "b" / "catalog.sqlite")


def test_local_folder_datastores_and_the_default(home, tmp_path):
    ws = Workspace()
    ds = Datastore.register_local_folder(ws, "scratch", str(tmp_path / "scratch"))
    assert os.path.isdir(tmp_path / "scratch") and ds.url == str(tmp_path / "scratch")
    assert sorted(ws.datastores) == ["scratch", "workspaceblobstore"]
    ws.set_default_datastore("scratch")
    assert Workspace().get_default_datastore().name == "scratch"
    with pytest.raises(UserErrorException, match="default datastore"):
        ds.unregister()
    ws.set_default_datastore("workspaceblobstore")
    ds.unregister()
    assert list(ws.datastores) == ["workspaceblobstore"]
    assert os.path.isdir(tmp_path / "scratch")  # unregistering never deletes data


def test_registering_a_name_twice_needs_overwrite(home, tmp_path):
    ws = Workspace()
    Datastore.register_local_folder(ws, "scratch", str(tmp_path / "one"))
    with pytest.raises(UserErrorException, match="already registered"):
        Datastore.register_local_folder(ws, "scratch", str(tmp_path / "two"))
    assert Datastore.register_local_folder(ws, "scratch", str(tmp_path / "two"), overwrite=True).url == \
        str(tmp_path / "two")


# -- upload and download --------------------------------------------------------

def test_upload_a_folder_then_download_it(home, sales, tmp_path, capsys):
    ds = Workspace().get_default_datastore()
    ref = ds.upload(str(sales), target_path="data/sales", show_progress=True)
    assert ref.uri == "azureml://datastores/workspaceblobstore/paths/data/sales"
    assert "upload to workspaceblobstore (3 files)" in capsys.readouterr().err
    stored = os.path.join(ds.url, "data", "sales", "2024", "part1.csv")
    assert open(stored).read() == "id,name\n1,a\n2,b\n"

    count = ds.download(str(tmp_path / "down"), prefix="data/sales/2024", show_progress=False)
    assert count == 2
    assert (tmp_path / "down" / "data" / "sales" / "2024" / "part2.csv").read_text() == "id,name\n3,c\n4,d\n"
    assert capsys.readouterr().err == ""
    assert ds.download(str(tmp_path / "down"), prefix="data/sales/2024", show_progress=False) == 0  # kept
    assert ds.download(str(tmp_path / "down"), prefix="data/sales/2024/part1", overwrite=True,
                       show_progress=False) == 1
    assert ds.download(str(tmp_path / "nothing"), prefix="no/such/prefix", show_progress=False) == 0


def test_upload_skips_existing_files_unless_overwrite(home, sales):
    ds = Workspace().get_default_datastore()
    ds.upload(str(sales), target_path="s", show_progress=False)
    stored = os.path.join(ds.url, "s", "MLTable")
    with open(stored, "w") as f:
        f.write("changed")
    ds.upload(str(sales), target_path="s", show_progress=False)
    assert open(stored).read() == "changed"
    ds.upload(str(sales), target_path="s", overwrite=True, show_progress=False)
    assert open(stored).read() == (sales / "MLTable").read_text()


def test_upload_files_keeps_paths_below_the_relative_root(home, sales):
    ds = Workspace().get_default_datastore()
    files = [str(sales / "2024" / "part1.csv"), str(sales / "MLTable")]
    ds.upload_files(files, target_path="picked", show_progress=False)  # root: the files' common folder
    assert os.path.isfile(os.path.join(ds.url, "picked", "2024", "part1.csv"))
    assert os.path.isfile(os.path.join(ds.url, "picked", "MLTable"))
    ds.upload_files([str(sales / "2024" / "part2.csv")], relative_root=str(sales), show_progress=False)
    assert os.path.isfile(os.path.join(ds.url, "2024", "part2.csv"))
    with pytest.raises(UserErrorException, match="not under relative_root"):
        ds.upload_files(files, relative_root=str(sales / "2024"), show_progress=False)
    with pytest.raises(UserErrorException, match="above the datastore's root"):
        ds.upload_files(files, target_path="../outside", show_progress=False)


# -- data assets ----------------------------------------------------------------

def test_asset_versions_increment_and_latest_resolves(workspace):
    second = workspace.register_asset("sales", "azureml://datastores/workspaceblobstore/paths/data/sales",
                                      tags={"stage": "raw"})
    assert second.version == "2" and second.tags == {"stage": "raw"} and second.uri == "azureml:sales:2"
    named = workspace.register_asset("sales", "azureml://datastores/workspaceblobstore/paths/data/sales",
                                     version="2024.1")
    assert named.version == "2024.1"
    assert workspace.register_asset("sales", "azureml://datastores/workspaceblobstore/paths/data/sales").version == "3"
    assert workspace.get_asset("sales").version == "3" == workspace.get_asset("sales", label="latest").version
    assert resolve("azureml:sales:latest").asset.version == "3" == resolve("azureml:sales@latest").asset.version
    assert [a.version for a in workspace.list_assets("sales")] == ["1", "2", "2024.1", "3"]
    assert [(a.name, a.version) for a in workspace.list_assets()] == [("sales", "3")]
    assert workspace.get_asset("sales", version=1).description == "sales"


def test_a_local_folder_asset_is_uploaded_to_the_default_datastore(home, sales):
    ws = Workspace()
    asset = ws.register_asset("local_sales", str(sales))
    assert asset.path.startswith("azureml://datastores/workspaceblobstore/paths/LocalUpload/")
    assert asset.path.endswith("/sales")
    pd.testing.assert_frame_equal(frame(tablekit.load(asset.uri)), EXPECTED)


def test_asset_registration_errors(workspace, sales):
    with pytest.raises(UserErrorException, match="already has a version '1'"):
        workspace.register_asset("sales", str(sales), version="1")
    with pytest.raises(UserErrorException, match="needs a folder with an MLTable file"):
        workspace.register_asset("bad", str(sales / "2024"))
    with pytest.raises(UserErrorException, match="needs a file"):
        workspace.register_asset("bad", str(sales), type="uri_file")
    with pytest.raises(UserErrorException, match="type must be one of"):
        workspace.register_asset("bad", str(sales), type="table")
    with pytest.raises(UserErrorException, match="No datastore named 'nope'"):
        workspace.register_asset("bad", "azureml://datastores/nope/paths/x", type="uri_folder")
    with pytest.raises(UserErrorException, match="not another asset"):
        workspace.register_asset("bad", "azureml:sales:1")
    with pytest.raises(UserErrorException, match="asset name"):
        workspace.register_asset("bad:name", str(sales))


# -- every URI form, in load() and in from_* -----------------------------------

DATASTORE_FORMS = [
    "azureml://datastores/workspaceblobstore/paths/data/sales",
    "azureml://datastores/workspaceblobstore/paths/data/sales/",
    "azureml://subscriptions/sub/resourcegroups/rg/workspaces/ws/datastores/workspaceblobstore/paths/data/sales",
    "azureml://subscriptions/sub/resourcegroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/"
    "datastores/workspaceblobstore/paths/data/sales",
]
ASSET_FORMS = [
    "azureml:sales:1",
    "azureml:sales@latest",
    "azureml:sales",
    "azureml://sales:1",
    "azureml://subscriptions/sub/resourcegroups/rg/workspaces/ws/data/sales/versions/1",
    "azureml://subscriptions/sub/resourcegroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/"
    "data/sales/versions/1",
    "azureml://locations/westeurope/workspaces/0000-1111/data/sales/versions/1",
]


@pytest.mark.parametrize("uri", DATASTORE_FORMS + ASSET_FORMS)
def test_load_by_every_uri_form(workspace, uri):
    table = tablekit.load(uri)
    pd.testing.assert_frame_equal(frame(table), EXPECTED)
    assert table.paths == [{"pattern": "./2024/*.csv"}]


@pytest.mark.parametrize("prefix", [DATASTORE_FORMS[0], DATASTORE_FORMS[2], DATASTORE_FORMS[3]])
def test_from_delimited_files_by_datastore_uri_file_folder_and_pattern(workspace, prefix):
    for paths in ([{"folder": f"{prefix}/2024"}], [{"pattern": f"{prefix}/2024/*.csv"}],
                  [{"file": f"{prefix}/2024/part1.csv"}, {"file": f"{prefix}/2024/part2.csv"}]):
        table = tablekit.from_delimited_files(paths, include_path_column=True)
        df = frame(table)
        pd.testing.assert_frame_equal(df[["id", "name"]], EXPECTED)
        assert list(df["Path"]) == [f"{prefix}/2024/part1.csv"] * 2 + [f"{prefix}/2024/part2.csv"] * 2


def test_uri_folder_and_uri_file_assets_as_paths(workspace):
    folder = workspace.register_asset("parts", "azureml://datastores/workspaceblobstore/paths/data/sales/2024",
                                      type="uri_folder")
    workspace.register_asset("part1", "azureml://datastores/workspaceblobstore/paths/data/sales/2024/part1.csv",
                                   type="uri_file")
    df = frame(tablekit.from_delimited_files([{"folder": folder.uri}], include_path_column=True))
    pd.testing.assert_frame_equal(df[["id", "name"]], EXPECTED)
    assert df["Path"][0] == "azureml://datastores/workspaceblobstore/paths/data/sales/2024/part1.csv"
    pd.testing.assert_frame_equal(frame(tablekit.from_delimited_files([{"file": "azureml:part1@latest"}])),
                                  EXPECTED.head(2))
    with pytest.raises(UserErrorException, match="Can only load MLTable type asset"):
        tablekit.load("azureml:parts:1")


def test_parquet_and_json_lines_through_a_datastore(workspace, tmp_path):
    EXPECTED.to_parquet(tmp_path / "t.parquet")
    EXPECTED.to_json(tmp_path / "t.jsonl", orient="records", lines=True)
    ds = workspace.get_default_datastore()
    ds.upload_files([str(tmp_path / "t.parquet"), str(tmp_path / "t.jsonl")], target_path="formats",
                    show_progress=False)
    uri = "azureml://datastores/workspaceblobstore/paths/formats"
    pd.testing.assert_frame_equal(tablekit.from_parquet_files([{"file": f"{uri}/t.parquet"}]).to_pandas_dataframe(),
                                  EXPECTED)
    pd.testing.assert_frame_equal(tablekit.from_json_lines_files([{"file": f"{uri}/t.jsonl"}]).to_pandas_dataframe(),
                                  EXPECTED)


def test_a_saved_table_keeps_its_azureml_paths(workspace, tmp_path):
    uri = "azureml://datastores/workspaceblobstore/paths/data/sales/2024"
    tablekit.from_delimited_files([{"folder": uri}]).save(str(tmp_path / "saved"))
    reloaded = tablekit.load(str(tmp_path / "saved"))
    assert reloaded.paths == [{"folder": uri}]
    pd.testing.assert_frame_equal(frame(reloaded), EXPECTED)


# -- pandas and fsspec ------------------------------------------------------------

def test_pandas_reads_azureml_uris(workspace):
    for uri in ("azureml://datastores/workspaceblobstore/paths/data/sales/2024/part1.csv",
                "azureml://subscriptions/s/resourcegroups/r/workspaces/w/datastores/workspaceblobstore/paths/"
                "data/sales/2024/part1.csv"):
        pd.testing.assert_frame_equal(pd.read_csv(uri), EXPECTED.head(2))
    EXPECTED.to_csv("azureml://datastores/workspaceblobstore/paths/written/all.csv", index=False)
    pd.testing.assert_frame_equal(pd.read_csv("azureml://datastores/workspaceblobstore/paths/written/all.csv"),
                                  EXPECTED)


def test_fsspec_ls_glob_info_open(workspace):
    fs = fsspec.filesystem("azureml", uri="azureml://datastores/workspaceblobstore")
    assert isinstance(fs, AzureMachineLearningFileSystem)
    assert fs.ls() == ["data"]
    assert fs.ls("data/sales") == ["data/sales/2024", "data/sales/MLTable"]
    assert fs.glob("data/**/*.csv") == ["data/sales/2024/part1.csv", "data/sales/2024/part2.csv"]
    assert fs.glob("azureml://datastores/workspaceblobstore/paths/data/*/2024/*2.csv") == \
        ["data/sales/2024/part2.csv"]
    info = fs.info("data/sales/2024/part1.csv")
    assert (info["name"], info["type"], info["size"]) == ("data/sales/2024/part1.csv", "file", 16)
    assert fs.isdir("data/sales") and not fs.exists("data/nope.csv")
    with fs.open("/data/sales/2024/part2.csv") as f:
        assert f.read() == b"id,name\n3,c\n4,d\n"
    with fsspec.open("azureml://datastores/workspaceblobstore/paths/data/sales/2024/part1.csv", "rt") as f:
        assert f.readline() == "id,name\n"
    with pytest.raises(UserErrorException, match="not on this filesystem"):
        fs.open("azureml://datastores/other/paths/x.csv")


def test_fsspec_on_a_path_and_on_an_asset(workspace):
    on_path = AzureMachineLearningFileSystem("azureml://datastores/workspaceblobstore/paths/data/sales/2024")
    assert on_path.ls() == ["data/sales/2024/part1.csv", "data/sales/2024/part2.csv"]
    on_asset = AzureMachineLearningFileSystem("azureml:sales:1")
    assert on_asset.ls("") == ["2024", "MLTable"]
    assert on_asset.cat("2024/part1.csv") == b"id,name\n1,a\n2,b\n"


def test_fsspec_upload_and_download_with_overwrite_modes(workspace, sales, tmp_path):
    fs = AzureMachineLearningFileSystem("azureml://datastores/workspaceblobstore")
    fs.upload(str(sales), "copied", recursive=True)
    assert fs.find("copied") == ["copied/2024/part1.csv", "copied/2024/part2.csv", "copied/MLTable"]
    (tmp_path / "other.csv").write_text("other")
    fs.upload(str(tmp_path / "other.csv"), "copied/MLTable", overwrite="APPEND")
    assert fs.cat("copied/MLTable") == (sales / "MLTable").read_bytes()
    with pytest.raises(FileExistsError):
        fs.upload(str(tmp_path / "other.csv"), "copied/MLTable", overwrite="FAIL_ON_FILE_CONFLICT")
    fs.upload(str(tmp_path / "other.csv"), "copied/MLTable", overwrite="MERGE_WITH_OVERWRITE")
    assert fs.cat("copied/MLTable") == b"other"
    fs.download("copied/2024", str(tmp_path / "got"), recursive=True)
    assert sorted(os.listdir(tmp_path / "got")) == ["part1.csv", "part2.csv"]


# -- bad input ----------------------------------------------------------------------

@pytest.mark.parametrize("uri", [
    "azureml://datastores",
    "azureml://datastores//paths/x",
    "azureml://datastore/workspaceblobstore/paths/x",
    "azureml://datastores/workspaceblobstore/paths/../../etc/passwd",
    "azureml:a:b:c",
    "azureml:sales@v1",
    "azureml://subscriptions/s/resourcegroups/r/workspaces/w/data/sales",
    "azureml:",
])
def test_malformed_uris_are_user_errors(workspace, uri):
    with pytest.raises(UserErrorException) as caught:
        tablekit.load(uri)
    assert caught.value.error_code == "UserError"
    assert "azureml URI" in str(caught.value) and "azureml://datastores/<datastore>/paths/<path>" in str(caught.value)
    with pytest.raises(UserErrorException):
        tablekit.from_delimited_files([{"folder": uri}]).to_pandas_dataframe()


def test_unknown_datastore_asset_and_version(workspace):
    with pytest.raises(UserErrorException, match="No datastore named 'nope' is registered in this "
                                                 "workspace; registered datastores: workspaceblobstore") as caught:
        tablekit.from_delimited_files([{"folder": "azureml://datastores/nope/paths/x"}]).to_pandas_dataframe()
    assert caught.value.error_code == "UserError"
    with pytest.raises(UserErrorException, match="No data asset named 'nope'"):
        tablekit.load("azureml:nope:1")
    with pytest.raises(UserErrorException, match="Data asset 'sales' has no version '7'; its versions are: 1"):
        tablekit.load("azureml:sales:7")
    with pytest.raises(UserErrorException, match="Not able to find MLTable file"):
        tablekit.load("azureml://datastores/workspaceblobstore/paths/data/sales/2024")


def test_a_missing_file_on_a_datastore_is_not_found_and_names_the_uri(workspace):
    uri = "azureml://datastores/workspaceblobstore/paths/data/nothing.csv"
    with pytest.raises(UserErrorException) as caught:
        tablekit.from_delimited_files([{"file": uri}]).to_pandas_dataframe()
    assert caught.value.error_code == "ScriptExecution.StreamAccess.NotFound"
    assert uri in str(caught.value)


def test_uri_parsing():
    parsed = uris.parse("AzureML://Subscriptions/S1/ResourceGroups/RG/Workspaces/W/Datastores/DS/Paths/a/b.csv")
    assert (parsed.datastore, parsed.path, parsed.scope.subscription_id, parsed.scope.workspace_name) == \
        ("DS", "a/b.csv", "S1", "W")
    assert uris.parse("azureml://datastores/ds").path == ""
    assert uris.parse("azureml:name@latest") == uris.AssetUri("name", None, uris.WorkspaceScope(),
                                                              "azureml:name@latest")
    located = uris.parse("azureml://locations/westus/workspaces/abc/data/n/versions/3/")
    assert (located.name, located.version, located.scope.location, located.scope.workspace_id) == \
        ("n", "3", "westus", "abc")


# -- the workspace identity ------------------------------------------------------------

def test_from_config_binds_the_home_to_an_azure_workspace(home, sales, tmp_path):
    config = {"subscription_id": "sub-1", "resource_group": "rg-1", "workspace_name": "ws-1"}
    (tmp_path / "work" / ".azureml").mkdir()
    (tmp_path / "work" / ".azureml" / "config.json").write_text(json.dumps(config))
    os.makedirs("deeper/still")
    os.chdir("deeper/still")  # found in a parent folder, as Azure ML does
    ws = Workspace.from_config()
    assert (ws.name, ws.subscription_id, ws.resource_group) == ("ws-1", "sub-1", "rg-1")
    ws.get_default_datastore().upload(str(sales), "data/sales", show_progress=False)
    good = "azureml://subscriptions/SUB-1/resourcegroups/rg-1/workspaces/ws-1/datastores/workspaceblobstore/" \
           "paths/data/sales"
    pd.testing.assert_frame_equal(frame(tablekit.load(good)), EXPECTED)
    with pytest.raises(UserErrorException, match="names workspace_name 'other'"):
        tablekit.load(good.replace("ws-1", "other"))
    with pytest.raises(UserErrorException, match="set TABLEKIT_HOME to another folder"):
        Workspace("sub-1", "rg-1", "ws-2")
    with pytest.raises(UserErrorException, match="could not find config.json"):
        Workspace.from_config(path=str(tmp_path / "nowhere"))


def test_from_config_without_a_config_opens_the_home(home):
    assert Workspace.from_config().home == str(home)


# -- secrets --------------------------------------------------------------------------------

SAS = "sv=2024-01-01&ss=b&sig=SECRET%2Bsignature"


def test_a_literal_secret_needs_a_chosen_store(home, monkeypatch):
    monkeypatch.setattr(secrets, "_keyring", lambda: None)
    with pytest.raises(UserErrorException, match="secret_store='plaintext'") as caught:
        Datastore.register_azure_blob_container(Workspace(), "blobs", "data", "account", sas_token=SAS)
    assert SAS not in str(caught.value)
    assert "blobs" not in Workspace().datastores


def test_a_plaintext_secret_is_kept_only_by_choice_and_never_shown(home):
    ws = Workspace()
    ds = Datastore.register_azure_blob_container(ws, "blobs", "data", "account", sas_token=SAS,
                                                 secret_store="plaintext")
    assert ds.url == "wasbs://data@account.blob.core.windows.net"
    assert ds.storage_options() == {"account_name": "account", "sas_token": SAS}
    for shown in (repr(ds), str(ds.describe()), repr(ws.datastores), ds.credential):
        assert SAS not in shown and "SECRET" not in shown
    assert ds.credential == "sas_token (stored in clear in the catalog)"
    assert stat.S_IMODE(os.stat(home / "catalog.sqlite").st_mode) == 0o600


def test_an_environment_reference_stores_no_secret(home, monkeypatch):
    ws = Workspace()
    ds = Datastore.register_azure_blob_container(ws, "blobs", "data", "account", account_key="env:TK_TEST_KEY")
    assert ds.credential == "account_key (from environment variable TK_TEST_KEY)"
    with pytest.raises(UserErrorException, match="TK_TEST_KEY, which is not set"):
        ds.storage_options()
    monkeypatch.setenv("TK_TEST_KEY", "a2V5")
    assert ds.storage_options() == {"account_name": "account", "account_key": "a2V5"}
    with open(home / "catalog.sqlite", "rb") as f:
        assert b"a2V5" not in f.read()


def test_a_keyring_secret(home, monkeypatch):
    keyring = pytest.importorskip("keyring")
    from keyring.backend import KeyringBackend

    class MemoryKeyring(KeyringBackend):
        priority = 1

        def __init__(self):
            super().__init__()
            self.store = {}

        def set_password(self, service, username, password):
            self.store[service, username] = password

        def get_password(self, service, username):
            return self.store.get((service, username))

        def delete_password(self, service, username):
            del self.store[service, username]

    memory = MemoryKeyring()
    monkeypatch.setattr(keyring, "get_keyring", lambda: memory)
    monkeypatch.setattr(keyring, "set_password", memory.set_password)
    monkeypatch.setattr(keyring, "get_password", memory.get_password)
    monkeypatch.setattr(keyring, "delete_password", memory.delete_password)
    ws = Workspace()
    ds = Datastore.register_azure_data_lake_gen2(ws, "lake", "fs", "account", tenant_id="t", client_id="c",
                                                 client_secret="very-secret")
    assert ds.url == "abfss://fs@account.dfs.core.windows.net"
    assert ds.credential == "client_secret (in the system keyring)"
    assert ds.fsspec_options()["client_secret"] == "very-secret"
    assert ds.storage_options()["credential"].__class__.__name__ == "ClientSecretCredential"
    with open(home / "catalog.sqlite", "rb") as f:
        assert b"very-secret" not in f.read()
    ds.unregister()
    assert memory.store == {}


def test_a_revealed_secret_is_scrubbed_from_error_texts(home):
    ds = Datastore.register_azure_blob_container(Workspace(), "blobs", "data", "account", account_key="bm90LXNob3du",
                                                 secret_store="plaintext")
    ds.storage_options()
    assert redact("AuthenticationFailed: key bm90LXNob3du refused") == "AuthenticationFailed: key *** refused"


# -- several processes at once ------------------------------------------------------------------

def _register_many(home: str, count: int) -> list:
    ws = Workspace(home=home)
    return [ws.register_asset("shared", "azureml://datastores/workspaceblobstore/paths/data",
                              type="uri_folder").version for _ in range(count)]


def _open_fresh(home: str) -> list:
    return list(Workspace(home=home).datastores)


def test_concurrent_registrations_never_lose_or_duplicate_a_version(tmp_path):
    home = str(tmp_path / "home")
    os.makedirs(os.path.join(home, "datastores", "workspaceblobstore", "data"))
    context = multiprocessing.get_context("spawn")
    with context.Pool(4) as pool:
        # four processes open the same fresh home at once: one catalog, one default datastore
        assert pool.starmap(_open_fresh, [(home,)] * 4) == [["workspaceblobstore"]] * 4
        results = pool.starmap(_register_many, [(home, 15)] * 4)
    versions = [v for result in results for v in result]
    assert sorted(versions, key=int) == [str(n) for n in range(1, 61)]
    for result in results:  # each process saw its own versions increase
        assert [int(v) for v in result] == sorted(int(v) for v in result)
    assert [a.version for a in Workspace(home=home).list_assets("shared")] == [str(n) for n in range(1, 61)]
