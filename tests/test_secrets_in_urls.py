"""A SAS token written into a path's URL (a blob's https URL with '?...&sig=...') is the user's secret:
repr, explain(), `tablekit asset show|list` and `tablekit datastore show|list` mask its signature, as
error messages do; the table still reads with it and saves it."""
from __future__ import annotations

import tablekit as mltable
from tablekit.cli import main

SIGNATURE = "c2lnbmF0dXJlLWluLXRoZS11cmwtcGF0aA%3D%3D"
QUERY = f"sv=2023-11-03&sr=b&sp=r&se=2099-01-01T00:00:00Z&sig={SIGNATURE}"


def test_repr_and_explain_mask_the_signature(http_server, tmp_path):
    url = f"{http_server.url}/transform/thirty.csv?{QUERY}"
    table = mltable.from_delimited_files([{"file": url}]).take(2)
    for text in (repr(table), str(table), table.explain()):
        assert SIGNATURE not in text and "sig=***" in text
    assert len(table.to_pandas_dataframe()) == 2  # the URL itself is kept: the server gets the signature
    assert table.paths == [{"file": url}]
    table.save(str(tmp_path / "saved"))
    assert SIGNATURE in (tmp_path / "saved" / "MLTable").read_text()  # a saved table must still read


def test_the_catalog_commands_mask_the_signature(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TABLEKIT_HOME", str(tmp_path / "home"))
    url = f"https://files.localhost/data/sales.csv?{QUERY}"
    for args in (["asset", "register", "sales", url, "--type", "uri_file"],
                 ["datastore", "add", "signed", "--url", f"https://files.localhost/data?{QUERY}"]):
        assert main(args) == 0
    shown = []
    for args in (["asset", "show", "sales"], ["asset", "list"], ["asset", "list", "--json"], ["asset", "list", "sales"],
                 ["datastore", "show", "signed"], ["datastore", "list"]):
        assert main(args) == 0
        shown.append(capsys.readouterr().out)
    assert not [out for out in shown if SIGNATURE in out], shown
    assert all("sig=***" in out for out in shown)
    workspace = mltable.Workspace()
    assert SIGNATURE not in repr(workspace.get_asset("sales")) + repr(workspace.datastores["signed"])
    assert workspace.get_asset("sales").path == url  # the catalog keeps what was registered
