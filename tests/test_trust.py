"""Tables tablekit did not make itself (docs/reliability.md, "Trust"): an MLTable loaded from storage
or a registered asset gets the user's credentials only for its own storage, and reads no local file
and no other datastore unless the user trusts it.  Against real servers: Azurite (reached by the
production-style host devstoreaccount1.blob.localhost, so that no blob_endpoint pins the requests)
and a loopback HTTP server standing for someone else's host, which keeps what it was sent."""
from __future__ import annotations

import http.server
import threading
import uuid
from datetime import datetime, timedelta, timezone

import pytest

import tablekit as mltable
from tablekit.errors import ErrorCode, UserErrorException
from tests.conftest import CONTAINER, DATA
from tests.servers import ACCOUNT, ACCOUNT_KEY

AZURE_VARIABLES = ("AZURE_STORAGE_CONNECTION_STRING", "AZURE_STORAGE_ACCOUNT_NAME", "AZURE_STORAGE_ACCOUNT",
                   "AZURE_STORAGE_KEY", "AZURE_STORAGE_ACCOUNT_KEY", "AZURE_STORAGE_SAS_TOKEN")
CSV = b"id,name\n1,a\n2,b\n"


class OtherHost:
    """Someone else's storage: answers 403 to everything, and keeps each request's target and headers."""

    def __init__(self):
        self.requests = []
        recorder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self):
                recorder.requests.append((self.command, self.path, dict(self.headers)))
                self.send_response(403)
                self.send_header("Content-Length", "0")
                self.send_header("x-ms-error-code", "AuthenticationFailed")
                self.end_headers()

            do_GET = do_HEAD = _answer

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, account: str, name: str) -> str:
        return f"wasb://{CONTAINER}@{account}.blob.localhost:{self.port}/{name}"

    def sent(self) -> str:
        return repr(self.requests)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def other_host():
    host = OtherHost()
    yield host
    host.close()


@pytest.fixture
def no_azure_env(monkeypatch):
    for name in AZURE_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def container_sas() -> str:
    from azure.storage.blob import ContainerSasPermissions, generate_container_sas

    return generate_container_sas(ACCOUNT, CONTAINER, account_key=ACCOUNT_KEY,
                                  permission=ContainerSasPermissions(read=True, list=True),
                                  expiry=datetime.now(timezone.utc) + timedelta(hours=1))


def signature(sas: str) -> str:
    return sas.split("sig=")[1].split("&")[0]


def remote_table(azurite, mltable_text: str, files=()) -> str:
    """An MLTable folder (and files beside it) uploaded to Azurite; its URL by the production-style host."""
    folder = f"trust/{uuid.uuid4().hex}"
    container = azurite.container(CONTAINER)
    container.upload_blob(f"{folder}/MLTable", mltable_text.encode(), overwrite=True)
    for name, data in files:
        container.upload_blob(f"{folder}/{name}", data, overwrite=True)
    return f"wasb://{CONTAINER}@{ACCOUNT}.blob.localhost:{azurite.port}/{folder}"


def read_error(table) -> UserErrorException:
    with pytest.raises(UserErrorException) as caught:
        table.to_pandas_dataframe()
    return caught.value


# -- credentials go only to the storage they were given for -----------------------------------

@pytest.mark.parametrize("account", ["evilacct", ACCOUNT])  # another account; the same account on another host
def test_a_sas_token_in_storage_options_stays_with_the_tables_storage(azurite, no_azure_env, other_host, account):
    sas = container_sas()
    table_url = remote_table(azurite, f"paths:\n- file: {other_host.url(account, 'x.csv')}\n"
                                      f"transformations:\n- read_delimited\n")
    table = mltable.load(table_url, storage_options={"sas_token": sas})
    error = read_error(table)
    assert other_host.requests, "the other host was asked (anonymously) for its file"
    assert signature(sas) not in other_host.sent() and "sig=" not in other_host.sent()
    assert error.error_code == ErrorCode.AUTHENTICATION
    assert "no credentials were sent" in error.message and table_url in error.message


def test_an_environment_sas_token_stays_with_the_tables_storage(azurite, no_azure_env, other_host, monkeypatch):
    sas = container_sas()
    monkeypatch.setenv("AZURE_STORAGE_SAS_TOKEN", sas)
    table_url = remote_table(azurite, f"paths:\n- file: {other_host.url('evilacct', 'x.csv')}\n"
                                      f"transformations:\n- read_delimited\n")
    read_error(mltable.load(table_url))
    assert other_host.requests and signature(sas) not in other_host.sent()


def test_an_account_key_signs_nothing_for_another_host(azurite, no_azure_env, other_host):
    """Shared Key signs with the key: the other host must not get a signature it could check it against."""
    table_url = remote_table(azurite, f"paths:\n- file: {other_host.url(ACCOUNT, 'x.csv')}\n"
                                      f"transformations:\n- read_delimited\n")
    read_error(mltable.load(table_url, storage_options={"account_key": ACCOUNT_KEY}))
    assert other_host.requests and not any("Authorization" in headers for _, _, headers in other_host.requests)


def test_the_tables_own_storage_gets_the_credential(azurite, no_azure_env):
    sas = container_sas()
    folder = f"trust/{uuid.uuid4().hex}"
    root = f"wasb://{CONTAINER}@{ACCOUNT}.blob.localhost:{azurite.port}/{folder}"
    container = azurite.container(CONTAINER)
    container.upload_blob(f"{folder}/data.csv", CSV)
    container.upload_blob(f"{folder}/MLTable", f"paths:\n- file: ./data.csv\n- file: {root}/data.csv\n"
                                               "transformations:\n- read_delimited\n".encode())
    frame = mltable.load(root, storage_options={"sas_token": sas}).to_pandas_dataframe()
    assert frame["id"].tolist() == [1, 2, 1, 2]


def test_a_trusted_table_gets_the_credential_everywhere_as_a_local_one_does(azurite, no_azure_env, other_host):
    sas = container_sas()
    table_url = remote_table(azurite, f"paths:\n- file: {other_host.url('evilacct', 'x.csv')}\n"
                                      f"transformations:\n- read_delimited\n")
    read_error(mltable.load(table_url, storage_options={"sas_token": sas}, trusted=True))
    assert signature(sas) in other_host.sent()  # the user said the table is theirs


# -- a table from elsewhere reads nothing local, and none of the user's datastores ---------------

@pytest.fixture
def secret_file(tmp_path):
    """A local file no remote table may read."""
    path = tmp_path / "private" / "secret.csv"
    path.parent.mkdir()
    path.write_bytes(b"id,name\n7,secret\n")
    return path


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("TABLEKIT_HOME", str(tmp_path / "home"))
    return mltable.Workspace()


def refused(load) -> UserErrorException:
    with pytest.raises(UserErrorException, match="trusted=True") as caught:
        load()
    assert caught.value.error_code == ErrorCode.USER_ERROR
    return caught.value


@pytest.mark.parametrize("entry", ["file://{secret}", "azureml://datastores/workspaceblobstore/paths/secret.csv"])
def test_a_remote_table_names_no_local_file_and_no_datastore(azurite, no_azure_env, home, secret_file, entry):
    home.get_default_datastore().upload_files([str(secret_file)], show_progress=False)  # the user's datastore
    value = entry.format(secret=secret_file)
    table_url = remote_table(azurite, f"paths:\n- file: '{value}'\ntransformations:\n- read_delimited\n")
    options = {"sas_token": container_sas()}
    error = refused(lambda: mltable.load(table_url, storage_options=options))
    assert value in error.message and table_url in error.message
    trusted = mltable.load(table_url, storage_options=options, trusted=True)  # the user's own after all
    assert trusted.to_pandas_dataframe()["name"].tolist() == ["secret"]


def test_a_remote_table_reads_no_local_delta_table(azurite, no_azure_env):
    local = DATA / "delta" / "partitioned"
    table_url = remote_table(azurite, f"paths:\n- folder: '{local}'\ntransformations:\n- read_delta_lake\n")
    options = {"sas_token": container_sas()}
    refused(lambda: mltable.load(table_url, storage_options=options))
    assert len(mltable.load(table_url, storage_options=options, trusted=True).to_pandas_dataframe()) > 0


def test_an_absolute_path_in_a_remote_table_stays_in_its_container(azurite, no_azure_env, secret_file):
    """'/x' in a table at wasbs://c@a/... is blob x of container c (as it was), never the local /x."""
    folder = f"trust/{uuid.uuid4().hex}"
    azurite.container(CONTAINER).upload_blob(f"{folder}/data.csv", CSV)
    table_url = remote_table(azurite, f"paths:\n- file: /{folder}/data.csv\ntransformations:\n- read_delimited\n")
    assert mltable.load(table_url, storage_options={"sas_token": container_sas()}) \
        .to_pandas_dataframe()["id"].tolist() == [1, 2]


def registered(workspace, tmp_path, mltable_text: str, name: str = "shared") -> str:
    """An mltable asset (uploaded to the local default datastore) whose MLTable file says ``mltable_text``."""
    folder = tmp_path / f"asset-{uuid.uuid4().hex[:8]}"
    folder.mkdir()
    (folder / "data.csv").write_bytes(CSV)
    (folder / "MLTable").write_text(mltable_text)
    return workspace.register_asset(name, str(folder)).uri


@pytest.mark.parametrize("entry", ["{secret}", "file://{secret}", "~/secret.csv", "../" * 20 + "..{secret}",
                                   "azureml://datastores/workspaceblobstore/paths/x.csv"])
def test_a_registered_asset_reads_only_its_datastore(home, tmp_path, secret_file, entry):
    value = entry.format(secret=secret_file)
    uri = registered(home, tmp_path, f"paths:\n- file: '{value}'\ntransformations:\n- read_delimited\n")
    assert value in refused(lambda: mltable.load(uri)).message
    if not entry.startswith(("~", "azureml")):
        assert mltable.load(uri, trusted=True).to_pandas_dataframe()["name"].tolist() == ["secret"]


def test_a_registered_asset_reads_its_own_files(home, tmp_path):
    uri = registered(home, tmp_path, "paths:\n- file: ./data.csv\n- pattern: ../*/data.csv\n"
                                     "transformations:\n- read_delimited\n")
    assert mltable.load(uri).to_pandas_dataframe()["id"].tolist() == [1, 2, 1, 2]


def test_a_local_table_is_the_users_own(tmp_path, secret_file):
    (tmp_path / "MLTable").write_text(f"paths:\n- file: file://{secret_file}\n- file: {secret_file}\n"
                                      "transformations:\n- read_delimited\n")
    assert mltable.load(str(tmp_path)).to_pandas_dataframe()["id"].tolist() == [7, 7]
