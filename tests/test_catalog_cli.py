"""`tablekit datastore ...` and `tablekit asset ...`: output, effects on the catalog, errors.

Run in-process through ``tablekit.cli.main`` (the same code as the console
script); one subprocess checks the console script, exit status and a secret
read from standard input.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pandas as pd
import pytest

import tablekit
from tablekit import Workspace
from tablekit.cli import main


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("TABLEKIT_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sales").mkdir()
    (tmp_path / "sales" / "a.csv").write_text("id,name\n1,a\n2,b\n")
    (tmp_path / "sales" / "MLTable").write_text("paths:\n- file: ./a.csv\ntransformations:\n- read_delimited\n")
    return tmp_path / "home"


def run(capsys, *args) -> tuple:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_datastore_add_list_show_remove(home, tmp_path, capsys):
    status, _, err = run(capsys, "datastore", "add", "scratch", "--folder", str(tmp_path / "scratch"), "--default")
    assert status == 0 and "registered datastore scratch" in err
    status, out, _ = run(capsys, "datastore", "list")
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "TYPE", "DEFAULT", "URL"]
    assert lines[1].split() == ["scratch", "LocalFolder", "*", str(tmp_path / "scratch")]
    assert lines[2].split()[:2] == ["workspaceblobstore", "LocalFolder"]
    status, out, _ = run(capsys, "datastore", "show", "scratch", "--json")
    shown = json.loads(out)
    assert (shown["name"], shown["default"], shown["url"]) == ("scratch", True, str(tmp_path / "scratch"))
    listed = json.loads(run(capsys, "datastore", "list", "--json")[1])
    assert [row["default"] for row in listed] == [True, False]  # JSON booleans, not '*' and ''
    assert "default:    true" in run(capsys, "datastore", "show", "scratch")[1]
    assert run(capsys, "datastore", "remove", "scratch")[0] == 1  # the default cannot go
    assert run(capsys, "datastore", "add", "other", "--folder", str(tmp_path / "o"), "--default")[0] == 0
    assert run(capsys, "datastore", "remove", "scratch")[0] == 0
    assert sorted(Workspace().datastores) == ["other", "workspaceblobstore"]


def test_datastore_upload_and_download(home, tmp_path, capsys):
    status, out, err = run(capsys, "datastore", "upload", "workspaceblobstore", "sales", "--target", "in/sales")
    assert status == 0 and out.strip() == "azureml://datastores/workspaceblobstore/paths/in/sales"
    assert "upload to workspaceblobstore (2 files)" in err  # the progress bar
    status, _, err = run(capsys, "datastore", "download", "workspaceblobstore", "down", "--prefix", "in/",
                         "--no-progress")
    assert status == 0 and err.strip() == "downloaded 2 files to down"
    assert (tmp_path / "down" / "in" / "sales" / "a.csv").read_text() == "id,name\n1,a\n2,b\n"


def test_asset_register_list_show(home, capsys):
    status, out, _ = run(capsys, "asset", "register", "sales", "sales", "--tag", "team=ml", "--description", "d")
    assert status == 0 and out.strip() == "azureml:sales:1"
    assert run(capsys, "asset", "register", "sales", "sales", "--version", "v2")[1].strip() == "azureml:sales:v2"
    status, out, _ = run(capsys, "asset", "list", "sales")
    assert [line.split()[:3] for line in out.splitlines()] == [["NAME", "VERSION", "TYPE"], ["sales", "1", "mltable"],
                                                               ["sales", "v2", "mltable"]]
    shown = json.loads(run(capsys, "asset", "show", "sales:1", "--json")[1])
    assert (shown["version"], shown["tags"], shown["description"]) == ("1", {"team": "ml"}, "d")
    assert json.loads(run(capsys, "asset", "show", "azureml:sales@latest", "--json")[1])["version"] == "v2"
    df = tablekit.load("azureml:sales:1").to_pandas_dataframe()
    pd.testing.assert_frame_equal(df, pd.DataFrame({"id": [1, 2], "name": ["a", "b"]}))


def test_errors_are_one_line_with_status_1(home, capsys):
    status, _, err = run(capsys, "asset", "show", "nope")
    assert status == 1 and err.startswith("tablekit asset: error: No data asset named 'nope'")
    status, _, err = run(capsys, "asset", "show", "a:b:c")
    assert status == 1 and "is not a valid azureml URI" in err
    status, _, err = run(capsys, "datastore", "upload", "nope", "sales")
    assert status == 1 and "No datastore named 'nope'" in err
    status, _, err = run(capsys, "asset", "register", "x", "sales", "--tag", "novalue")
    assert status == 1 and "--tag takes KEY=VALUE" in err


def test_console_script_reads_a_secret_from_standard_input(home, tmp_path):
    env = {**os.environ, "TABLEKIT_HOME": str(home)}
    command = [sys.executable, "-m", "tablekit", "datastore", "add", "blobs", "--blob", "acct/cont",
               "--account-key", "-", "--secret-store", "plaintext"]
    done = subprocess.run(command, input="c2VjcmV0LWtleQ==\n", capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    shown = subprocess.run([sys.executable, "-m", "tablekit", "datastore", "show", "blobs"], capture_output=True,
                           text=True, env=env, timeout=120)
    assert "account_key (stored in clear in the catalog)" in shown.stdout
    assert "c2VjcmV0LWtleQ" not in shown.stdout + shown.stderr
    assert Workspace(home=str(home)).datastores["blobs"].storage_options()["account_key"] == "c2VjcmV0LWtleQ=="
