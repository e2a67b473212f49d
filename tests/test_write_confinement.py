"""Nothing is written outside the folder the user named: not by a blob name with '..' in it
(Datastore.download), not through a symbolic link in a download target, in a local datastore
(upload, the azureml fsspec filesystem) or in a save destination (save(colocated=True))."""
from __future__ import annotations

import http.client
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import fsspec
import pytest

import tablekit as mltable
from tablekit import Datastore, UserErrorException, Workspace
from tests.servers import ACCOUNT, ACCOUNT_KEY

CONTAINER = "confinement"


def files_under(folder: Path) -> list:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("TABLEKIT_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    return Workspace()


@pytest.fixture
def outside(tmp_path) -> Path:
    """A folder nothing may be written to: symbolic links below point at it."""
    folder = tmp_path / "outside"
    folder.mkdir()
    return folder


@pytest.fixture
def source(tmp_path) -> Path:
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "x.csv").write_text("a\n1\n")
    return folder


def container_sas(azurite) -> str:
    from azure.storage.blob import ContainerSasPermissions, generate_container_sas

    azurite.container(CONTAINER)
    return generate_container_sas(ACCOUNT, CONTAINER, account_key=ACCOUNT_KEY,
                                  permission=ContainerSasPermissions(read=True, write=True, create=True, list=True),
                                  expiry=datetime.now(timezone.utc) + timedelta(hours=1))


def put_blob(azurite, name: str, data: bytes) -> None:
    """A blob with exactly this name: the Azure SDK's HTTP client would resolve its '..' before sending."""
    connection = http.client.HTTPConnection("127.0.0.1", azurite.port, timeout=30)
    connection.request("PUT", f"/{ACCOUNT}/{CONTAINER}/{name}?{container_sas(azurite)}", body=data,
                       headers={"x-ms-blob-type": "BlockBlob", "x-ms-version": "2021-08-06"})
    assert connection.getresponse().status == 201
    connection.close()


def test_a_blob_name_with_dot_dot_is_not_downloaded_above_the_target(azurite, home, tmp_path, monkeypatch):
    monkeypatch.setenv("TK_CONFINEMENT_SAS", container_sas(azurite))
    put_blob(azurite, "trav/ok.csv", b"a\n1\n")
    put_blob(azurite, "trav//../../escaped.txt", b"owned")
    put_blob(azurite, "escaped.txt", b"owned")  # what the client asks for once its HTTP library resolved the '..'
    ds = Datastore.register_azure_blob_container(home, "az", CONTAINER, ACCOUNT, sas_token="env:TK_CONFINEMENT_SAS",
                                                 protocol="http", account_url=azurite.blob_endpoint)
    target = tmp_path / "down" / "a" / "target"
    before = files_under(tmp_path / "down") if (tmp_path / "down").exists() else []
    with pytest.raises(UserErrorException, match=r"trav//\.\./\.\./escaped\.txt.*outside"):
        ds.download(str(target), prefix="trav/", show_progress=False)
    assert files_under(tmp_path / "down") == before  # nothing at all: the names are checked before copying


def test_a_symlink_in_the_download_target_is_not_followed(home, tmp_path, outside, source):
    ds = Datastore.register_local_folder(home, "box", str(tmp_path / "box"))
    ds.upload(str(source), target_path="data", show_progress=False)
    target = tmp_path / "target"
    target.mkdir()
    (target / "data").symlink_to(outside, target_is_directory=True)
    with pytest.raises(UserErrorException, match="outside"):
        ds.download(str(target), prefix="data", show_progress=False)
    assert files_under(outside) == []


def test_upload_does_not_follow_a_symlinked_target_path(home, tmp_path, outside, source):
    ds = Datastore.register_local_folder(home, "box", str(tmp_path / "box"))
    (tmp_path / "box" / "link").symlink_to(outside, target_is_directory=True)
    with pytest.raises(UserErrorException, match="outside"):
        ds.upload(str(source), target_path="link", show_progress=False)
    with pytest.raises(UserErrorException, match="outside"):
        ds.upload_files([str(source / "x.csv")], target_path="link/deeper", show_progress=False)
    fs = fsspec.filesystem("azureml", uri="azureml://datastores/box")
    with pytest.raises(UserErrorException, match="outside"):
        fs.put_file(str(source / "x.csv"), "link/x.csv")
    with pytest.raises(UserErrorException, match="outside"):
        with fs.open("link/y.csv", "wb") as f:
            f.write(b"owned")
    assert files_under(outside) == []
    ds.upload(str(source), target_path="real", show_progress=False)  # a real folder is fine
    assert files_under(tmp_path / "box" / "real") == ["x.csv"]


def test_save_colocated_does_not_follow_a_symlinked_data_folder(tmp_path, outside, monkeypatch):
    work = tmp_path / "work"
    (work / "data").mkdir(parents=True)
    (work / "data" / "x.csv").write_text("a\n1\n")
    monkeypatch.chdir(work)
    table = mltable.from_delimited_files([{"file": "data/x.csv"}])
    destination = tmp_path / "saved"
    destination.mkdir()
    (destination / "data").symlink_to(outside, target_is_directory=True)
    with pytest.raises(UserErrorException, match="outside"):
        table.save(str(destination), colocated=True)
    assert files_under(outside) == [] and not (destination / "MLTable").exists()
    assert not [p for p in os.listdir(destination) if p.startswith(".tablekit-save-")]
