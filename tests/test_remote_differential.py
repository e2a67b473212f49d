"""The differential cases against remote storage: the recorded real-mltable outcomes on local
tests/data must come out the same when tablekit reads tests/data from Azurite (wasbs://, with
AZURE_STORAGE_CONNECTION_STRING alone; abfss://, with storage_options) and over HTTP.

A case runs remotely unless it depends on the local disk itself (see ``local_only``); over
HTTP only cases whose paths are all files run (a web server cannot list folders or patterns:
tests/test_remote.py checks that error).
"""
from __future__ import annotations

import json

import pytest

from tests.differential.cases import all_cases
from tests.differential.compare import outcome_differences
from tests.differential.deviations import DEVIATIONS
from tests.differential.remote import RemoteLibrary
from tests.differential.runner import run_case
from tests.servers import ACCOUNT_KEY
from tests.test_differential import FIXTURES

CASES = all_cases()

# What makes a case about the local disk rather than about reading data.
LOCAL_ONLY_MARKS = {
    "os.": "inspects the local file system",
    "open(": "writes or reads local files itself",
    "save(": "saves an MLTable to a local folder",
    ".paths": "shows the path entries as written (local paths, not URLs)",
    "repr(": "shows the path entries as written (local paths, not URLs)",
    "from_delta_lake": "Delta tables are read from local folders",
}
LOCAL_ONLY_CASES = {
    "partition_format.pq_hive_folder": "relies on the local folder's directory order (blob listings are sorted)",
    "transform.eq_relative_vs_absolute": "compares a relative and an absolute path, which become the same URL",
    # a loaded MLTable's folder: its files come in the local directory order, blobs in name order
    "mltable_file.load_dot_folder": "reads its folder, MLTable file included, in local directory order",
    "mltable_file.load_folder_path": "reads a folder in local directory order",
    "mltable_file.load_parquet_path_column": "reads a folder in local directory order",
    "mltable_file.load_select_partitions": "selects partitions of a folder in local directory order",
}
LOCAL_ONLY_TOPICS = {"delta": "Delta tables are read from local folders"}


def local_only(name: str) -> str:
    """Why a case cannot run on remote storage ('' when it can)."""
    if name in LOCAL_ONLY_CASES:
        return LOCAL_ONLY_CASES[name]
    if "repr" in name.split(".")[1]:
        return "shows the path entries made absolute (file:// paths, not URLs)"
    topic = name.split(".")[0]
    if topic in LOCAL_ONLY_TOPICS:
        return LOCAL_ONLY_TOPICS[topic]
    code = CASES[name].code
    return next((why for mark, why in LOCAL_ONLY_MARKS.items() if mark in code), "")


def lists_files(name: str) -> bool:
    code = CASES[name].code
    return "'folder'" in code or "'pattern'" in code or '"folder"' in code or '"pattern"' in code \
        or "load(" in code or "partition_format" in code


REMOTE_CASES = sorted(n for n in CASES if not local_only(n) and (FIXTURES / f"{n}.json").exists())
# a web server answers a folder's URL as it likes (aiohttp: 403, which mltable also reports as an access error)
HTTP_LOCAL_ONLY = {"paths.file_is_a_folder"}
HTTP_CASES = [n for n in REMOTE_CASES if not lists_files(n) and n not in HTTP_LOCAL_ONLY]


def check_case(name: str, library: RemoteLibrary) -> None:
    record = json.loads((FIXTURES / f"{name}.json").read_text())
    case = CASES[name]
    got = library.local_view(run_case(case.code, library))
    if name in DEVIATIONS:
        problems = DEVIATIONS[name].check(got)
    else:
        problems = outcome_differences(got, record["outcome"], case.phrase, case.compare_values)
    assert not problems, f"{name} over {library.base_url}: {case.note}\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("name", REMOTE_CASES)
def test_wasbs_matches_mltable(name, wasbs_data, azurite_env):
    check_case(name, RemoteLibrary(wasbs_data))


@pytest.mark.parametrize("name", REMOTE_CASES)
def test_abfss_matches_mltable(name, abfss_data, azurite, monkeypatch):
    monkeypatch.delenv("AZURE_STORAGE_CONNECTION_STRING", raising=False)
    check_case(name, RemoteLibrary(abfss_data, {"account_key": ACCOUNT_KEY, "blob_endpoint": azurite.blob_endpoint}))


@pytest.mark.parametrize("name", HTTP_CASES)
def test_http_matches_mltable(name, http_server):
    check_case(name, RemoteLibrary(http_server.url))


def test_most_cases_run_remotely():
    """The exclusions stay exclusions: most of the corpus runs against every remote scheme."""
    assert len(REMOTE_CASES) > 0.6 * len(CASES)
    assert len(HTTP_CASES) > 0.4 * len(CASES)
