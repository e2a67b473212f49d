"""The tablekit command: output, files written, exit codes.

What a shell user sees (exit codes, one-line errors, the console script,
progress on standard error) is checked in subprocesses; the commands'
output in-process through ``main``, which is the same code and much faster.
"""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import tablekit as mltable
from tablekit.cli import as_flags, main

ROWS = 300


@pytest.fixture
def data(tmp_path):
    csv = tmp_path / "sales.csv"
    csv.write_text("id,region,amount\n" + "".join(f"{i},{'north' if i % 3 else 'south'},{i * 1.5}\n"
                                                  for i in range(ROWS)))
    folder = tmp_path / "pq"
    folder.mkdir()
    for part in range(2):
        ids = list(range(part * 100, (part + 1) * 100))
        pq.write_table(pa.table({"id": ids, "score": [i / 10 for i in ids]}), folder / f"p{part}.parquet")
    jsonl = tmp_path / "events.jsonl"
    jsonl.write_text("".join(json.dumps({"id": i, "kind": "click" if i % 2 else "view"}) + "\n" for i in range(50)))
    return tmp_path


def tablekit(*args, env=None):
    """The command in a new process, as a shell runs it."""
    return subprocess.run([sys.executable, "-m", "tablekit", *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=120)


@pytest.fixture
def run(capsys):
    """The command in this process: (exit status, stdout, stderr)."""
    def run_main(*args):
        try:
            status = main([str(a) for a in args])
        except SystemExit as exit:  # argparse's usage errors, --help, --version
            status = exit.code
        captured = capsys.readouterr()
        return status, captured.out, captured.err
    return run_main


@pytest.fixture
def ok(run):
    def succeeded(*args) -> str:
        status, out, err = run(*args)
        assert status == 0, err
        return out
    return succeeded


@pytest.fixture
def failed(run):
    def failed_with(status: int, *args) -> str:
        got, out, err = run(*args)
        assert got == status, (out, err)
        return err
    return failed_with


def test_console_script_is_installed():
    script = Path(sys.executable).parent / ("tablekit.exe" if os.name == "nt" else "tablekit")
    assert script.exists()
    assert subprocess.run([str(script), "--version"], capture_output=True, text=True).stdout.startswith("tablekit ")


def test_show_prints_the_first_rows(data, ok):
    out = ok("show", data / "sales.csv", "-n", "3")
    lines = out.splitlines()
    assert lines[0].split() == ["id", "region", "amount"] and len(lines) == 4
    assert lines[3].split() == ["2", "north", "3.0"]
    assert ok("head", data / "sales.csv", "-n", "3") == out


def test_show_as_csv_and_json_lines(data, ok):
    assert ok("show", data / "sales.csv", "-n", "2", "-o", "csv") == "id,region,amount\n0,south,0.0\n1,north,1.5\n"
    out = ok("show", data / "events.jsonl", "-n", "2", "-o", "jsonl")
    assert [json.loads(line) for line in out.splitlines()] == [{"id": 0, "kind": "view"}, {"id": 1, "kind": "click"}]


def test_filter_and_columns(data, ok):
    out = ok("show", data / "sales.csv", "--filter", "region == 'south' and id > 3", "--columns", "id", "-o", "csv")
    assert out.splitlines()[:3] == ["id", "6", "9"]


def test_an_unknown_column_is_an_error(data, run, ok):
    """The API keeps mltable's result (and warns); the CLI, tablekit's own, refuses."""
    status, out, err = run("show", data / "sales.csv", "--filter", "regoin == 'north'")
    assert status == 1 and "the table has no column 'regoin' (did you mean 'region'?)" in err and out == ""
    status, _, err = run("show", data / "sales.csv", "--columns", "id,ammount")
    assert status == 1 and "keep_columns: the table has no column 'ammount'" in err
    assert ok("show", data / "sales.csv", "--columns", "id", "-n", "1", "-o", "csv") == "id\n0\n"


def test_glob_folder_and_format_override(data, ok):
    pattern_rows = ok("count", str(data / "pq" / "*.parquet"))
    assert pattern_rows.strip() == "200" and ok("count", data / "pq").strip() == "200"
    (data / "plain.txt").write_text("a;b\n10;x\n")
    out = ok("show", data / "plain.txt", "--format", "csv", "--delimiter", ";", "-o", "csv")
    assert out == "a,b\n10,x\n"


def test_schema(data, ok):
    out = ok("schema", data / "pq")
    assert [line.split() for line in out.splitlines()] == [["id", "int64"], ["score", "double"]]


def test_explain_names_the_files(data, ok):
    out = ok("explain", data / "pq", "--filter", "id > 150")
    assert "p0.parquet" in out and "p1.parquet" in out and "predicate: id > 150" in out


def test_count_streams_and_applies_the_filter(data, ok):
    assert ok("count", data / "sales.csv").strip() == str(ROWS)
    assert ok("count", data / "sales.csv", "--filter", "region == 'south'").strip() == str(ROWS // 3)


def test_sample_is_repeatable_with_a_seed(data, ok):
    first = ok("sample", data / "sales.csv", "-p", "0.2", "--seed", "7", "-n", "100", "-o", "csv")
    assert first == ok("sample", data / "sales.csv", "-p", "0.2", "--seed", "7", "-n", "100", "-o", "csv")
    expected = mltable.from_delimited_files([{"file": str(data / "sales.csv")}]).take_random_sample(0.2, 7)
    assert [int(line.split(",")[0]) for line in first.splitlines()[1:]] == \
        expected.to_pandas_dataframe()["id"].tolist()[:100]


def test_convert_writes_a_loadable_parquet_folder(data):
    out = data / "cache"
    result = tablekit("convert", data / "sales.csv", out, "--rows-per-file", "120", "--no-progress")
    assert result.returncode == 0, result.stderr
    assert "wrote 300 rows" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["MLTable", "part-00000.parquet", "part-00001.parquet",
                                                    "part-00002.parquet"]
    original = mltable.from_delimited_files([{"file": str(data / "sales.csv")}]).to_pandas_dataframe()
    assert mltable.load(str(out)).to_pandas_dataframe().equals(original)
    assert not [p for p in data.iterdir() if p.name.startswith(".")]  # no staging folder left behind


def test_convert_refuses_an_existing_destination_unless_told(data, ok, failed):
    out = data / "cache"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    err = failed(1, "convert", data / "sales.csv", out)
    assert "already exists" in err and "--overwrite" in err and (out / "keep.txt").exists()
    ok("convert", data / "sales.csv", out, "--overwrite", "--filter", "id < 10")
    assert not (out / "keep.txt").exists()
    assert mltable.load(str(out)).to_pandas_dataframe()["id"].tolist() == list(range(10))


def test_convert_leaves_nothing_when_reading_fails(data, failed):
    err = failed(1, "convert", data / "sales.csv", data / "cache", "--filter", "id >>> 1")
    assert "parse error" in err
    assert sorted(p.name for p in data.iterdir()) == ["events.jsonl", "pq", "sales.csv"]


def test_convert_makes_missing_parent_folders_like_save(data, ok):
    out = data / "cache" / "deeper" / "sales"
    ok("convert", data / "sales.csv", out, "--no-progress")
    assert (out / "MLTable").exists()
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o777 & ~umask  # not mkdtemp's 0700


def test_errors_speak_flags_and_quoting(data, run):
    (data / "latin.csv").write_bytes("name\nJos\xe9\n".encode("latin-1"))
    status, _, err = run("show", data / "latin.csv")
    assert status == 1 and "--encoding latin1" in err and "encoding=" not in err
    status, _, err = run("show", data / "sales.csv", data / "events.jsonl")  # what an unquoted glob becomes
    assert status == 2 and "quote it" in err
    status, _, err = run("show", data / "pq" / os.listdir(data / "pq")[0], "--format", "csv")
    assert status == 1 and "is a parquet file, not csv text: use --format parquet" in err and "latin1" not in err
    status, _, err = run("show", "no/such.csv")
    assert status == 1 and "(looked for as " in err  # names the folder it was resolved against
    assert as_flags("pass overwrite=True to replace it") == "pass --overwrite to replace it"
    assert as_flags("use secret_store='plaintext'") == "use --secret-store plaintext"


def test_mltable_folders_are_loaded(data, ok):
    folder = data / "tbl"
    folder.mkdir()
    (folder / "MLTable").write_text("paths:\n  - file: ../sales.csv\ntransformations:\n"
                                    "  - read_delimited:\n      delimiter: ','\n  - take: 4\n")
    assert ok("count", folder).strip() == "4"
    assert ok("count", folder / "MLTable").strip() == "4"


@pytest.mark.parametrize("args, phrase", [
    (("show", "missing.csv"), "does not exist"),
    (("show", "{data}/sales.csv", "--filter", "amount >>> 2"), "parse error"),
    (("show", "{data}/sales.csv", "--columns", "nope"), "the table has no column 'nope'"),
    (("sample", "{data}/sales.csv", "-p", "1.5"), "between 0 and 1"),
    (("show", "{data}/missing_folder/*.csv"), "does not exist"),
])
def test_user_errors_are_one_line_and_status_1(data, run, args, phrase):
    args = [a.format(data=data) for a in args]
    status, out, err = run(*args)
    assert status == 1 and out == ""
    assert err.startswith(f"tablekit {args[0]}: error:") and phrase in err and len(err.strip().splitlines()) == 1


def test_a_folder_of_mixed_files_asks_for_a_format(data, failed):
    (data / "pq" / "notes.txt").write_text("x")
    err = failed(1, "show", data / "pq")
    assert "cannot tell the format" in err and "--format" in err


@pytest.mark.parametrize("args", [(), ("frobnicate",), ("show",), ("show", "x.csv", "-n", "0"),
                                  ("show", "x.csv", "--format", "xml")])
def test_usage_errors_exit_2(run, args):
    status, _, err = run(*args)
    assert status == 2 and "usage: tablekit" in err


def test_exit_statuses_in_a_shell(data):
    missing = tablekit("show", data / "missing.csv")
    assert missing.returncode == 1 and missing.stderr == "tablekit show: error: '%s' does not exist\n" % (
        data / "missing.csv")
    usage = tablekit("frobnicate")
    assert usage.returncode == 2 and "usage: tablekit" in usage.stderr and "Traceback" not in usage.stderr


def test_progress_only_when_asked_off_a_terminal(data):
    quiet = tablekit("count", data / "sales.csv")
    assert quiet.returncode == 0 and quiet.stderr == ""
    shown = tablekit("count", data / "sales.csv", "--progress")
    assert shown.returncode == 0 and "1/1 files" in shown.stderr and f"{ROWS} rows" in shown.stderr
    env = dict(os.environ, TABLEKIT_PROGRESS="1")
    assert tablekit("count", data / "sales.csv", "--no-progress", env=env).stderr == ""
    assert "1/1 files" in tablekit("count", data / "sales.csv", env=env).stderr


def test_reads_datastore_uris_and_registered_assets(data, ok, failed, tmp_path, monkeypatch):
    monkeypatch.setenv("TABLEKIT_HOME", str(tmp_path / "home"))
    workspace = mltable.Workspace()
    store = workspace.get_default_datastore()
    store.upload(str(data), target_path="cli", show_progress=False)
    uri = "azureml://datastores/workspaceblobstore/paths/cli"
    assert ok("count", f"{uri}/sales.csv").strip() == str(ROWS)
    assert ok("count", f"{uri}/pq/*.parquet").strip() == "200"
    mltable.from_json_lines_files([{"file": str(data / "events.jsonl")}]).take(7).save(
        str(tmp_path / "events_table"), colocated=True)
    workspace.register_asset("events", str(tmp_path / "events_table"))
    assert ok("count", "azureml:events:1").strip() == "7"
    assert "kind" in ok("schema", "azureml:events@latest")
    failed(1, "count", "azureml:nothing:1")
