"""The workspace catalog keeps secrets private: its home is its owner's alone (0700) and so is the
catalog file (0600), from the first use, and a secret that is replaced or removed leaves no bytes
behind in the file (SQLite's secure_delete)."""
from __future__ import annotations

import os
import sqlite3
import stat

import pytest

from tablekit import Datastore, Workspace

SECRET_1 = "c2VjcmV0LW51bWJlci1vbmUtZm9yLXRoZS1jYXRhbG9nLXRlc3Q="
SECRET_2 = "c2VjcmV0LW51bWJlci10d28tZm9yLXRoZS1jYXRhbG9nLXRlc3Q="


@pytest.fixture
def permissive_umask():
    """The usual 022 umask, under which files are world-readable unless made otherwise."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def catalog_bytes(home) -> bytes:
    return b"".join((home / name).read_bytes() for name in os.listdir(home) if name.startswith("catalog.sqlite"))


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_new_home_and_catalog_are_private(tmp_path, permissive_umask):
    home = tmp_path / "home"
    Workspace(home=str(home))
    assert mode(home) == 0o700
    assert mode(home / "catalog.sqlite") == 0o600


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_an_older_world_readable_catalog_is_made_private(tmp_path, permissive_umask):
    home = tmp_path / "home"
    Workspace(home=str(home))
    os.chmod(home / "catalog.sqlite", 0o644)
    Workspace(home=str(home)).datastores
    assert mode(home / "catalog.sqlite") == 0o600


@pytest.fixture(params=["platform default", "secure_delete off by default"])
def sqlite_default(request, monkeypatch):
    """SQLite as built here, and as built without SQLITE_SECURE_DELETE (python.org's builds, macOS): Debian's
    SQLite overwrites deleted content by default, most others leave it in free pages."""
    if request.param != "platform default":
        connect = sqlite3.connect

        def connect_with_secure_delete_off(*args, **kwargs):
            connection = connect(*args, **kwargs)
            connection.execute("PRAGMA secure_delete = OFF")
            return connection

        monkeypatch.setattr(sqlite3, "connect", connect_with_secure_delete_off)


def test_a_replaced_or_removed_secret_leaves_no_bytes_in_the_catalog(tmp_path, sqlite_default):
    home = tmp_path / "home"
    ws = Workspace(home=str(home))
    register = Datastore.register_azure_blob_container
    register(ws, "blobs", "container", "account", account_key=SECRET_1, secret_store="plaintext")
    assert SECRET_1.encode() in catalog_bytes(home)
    register(ws, "blobs", "container", "account", account_key=SECRET_2, secret_store="plaintext", overwrite=True)
    assert SECRET_1.encode() not in catalog_bytes(home)
    assert ws.datastores["blobs"].storage_options()["account_key"] == SECRET_2
    ws.datastores["blobs"].unregister()
    assert SECRET_2.encode() not in catalog_bytes(home)
