"""The workspace catalog: one SQLite file in the tablekit home.

It holds three tables: ``settings`` (the default datastore, the workspace's
identity), ``datastores`` (name -> storage URL, properties, a reference to
the credential) and ``assets`` (name, version, type, location, ...).

Every change runs in a ``BEGIN IMMEDIATE`` transaction: SQLite then lets one
writer in at a time, across processes, and the others wait (``timeout``), so
a new asset version is read and written under the same lock and two
processes never get the same number or lose one.

The catalog may hold secrets (``secret_store="plaintext"``), so it is private
from the start: the home tablekit creates is 0700, the catalog file 0600
(tightened if an older tablekit left it readable by others), and every
connection sets ``secure_delete``, so a replaced or removed secret's bytes
are overwritten rather than left in the file's free pages.
"""
from __future__ import annotations

import json
import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Dict, Iterator, List, Optional

from tablekit.errors import user_error

CATALOG_FILE = "catalog.sqlite"
SCHEMA_VERSION = "1"
LOCK_TIMEOUT_SECONDS = 60.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS datastores (
    name        TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,      -- local | azure_blob | azure_data_lake_gen2 | http
    url         TEXT NOT NULL,      -- the storage root: a local folder or a wasbs/abfss/https URL
    properties  TEXT NOT NULL,      -- JSON: account, container, endpoint, ...
    credential  TEXT,               -- JSON: the credential's kind and where its secret is kept
    created_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS assets (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,  -- registration order: the latest is the highest
    name        TEXT NOT NULL,
    version     TEXT NOT NULL,
    type        TEXT NOT NULL,      -- mltable | uri_file | uri_folder
    location    TEXT NOT NULL,
    description TEXT,
    tags        TEXT NOT NULL,      -- JSON object
    created_at  TEXT NOT NULL,
    UNIQUE (name, version)
);
"""


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class DatastoreRecord:
    name: str
    kind: str
    url: str
    properties: Dict[str, str] = field(default_factory=dict)
    credential: Optional[Dict[str, str]] = None
    created_at: str = ""


@dataclass(frozen=True)
class AssetRecord:
    name: str
    version: str
    type: str
    location: str
    description: Optional[str]
    tags: Dict[str, str]
    created_at: str


class CatalogStore:
    """Reads and writes the catalog file; each method is one transaction."""

    def __init__(self, home: str):
        self.home = home
        self.path = os.path.join(home, CATALOG_FILE)
        self._private = False  # whether the home and the file were seen private

    def _make_private(self) -> None:
        """The home (when tablekit creates it) 0700, the catalog file 0600, before SQLite opens it."""
        if not os.path.isdir(self.home):
            os.makedirs(self.home, exist_ok=True)
            os.chmod(self.home, 0o700)  # makedirs' mode is masked by the umask
        try:
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
            if os.stat(self.path).st_mode & 0o077:
                os.chmod(self.path, 0o600)
        except OSError as exc:
            raise self._unusable(exc) from None
        self._private = True

    @contextmanager
    def _connect(self, write: bool) -> Iterator[sqlite3.Connection]:
        if not self._private:
            self._make_private()
        # isolation_level=None: transactions are begun here, explicitly, not by the sqlite3 module
        try:
            connection = sqlite3.connect(self.path, timeout=LOCK_TIMEOUT_SECONDS, isolation_level=None)
            connection.execute("PRAGMA secure_delete = ON")
        except sqlite3.Error as exc:
            raise self._unusable(exc) from None
        try:
            try:
                connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            except sqlite3.Error as exc:
                raise self._unusable(exc) from None
            try:
                yield connection
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")
        finally:
            connection.close()

    def _unusable(self, exc: Exception):
        return user_error(f"The workspace catalog {self.path} cannot be opened ({exc}); check that "
                          f"TABLEKIT_HOME names a writable folder on a local disk")

    @staticmethod
    def _schema_version(db: sqlite3.Connection) -> Optional[str]:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'settings'").fetchone():
            return None
        found = db.execute("SELECT value FROM settings WHERE key = 'schema_version'").fetchone()
        return found[0] if found else None

    def initialize(self, default_datastore: DatastoreRecord) -> None:
        """Create the tables and the default datastore unless they exist (safe to race)."""
        with self._connect(write=False) as db:
            version = self._schema_version(db)
        if version is None:
            with self._connect(write=True) as db:  # checked again under the write lock: another process may have won
                version = self._schema_version(db)
                if version is None:
                    for statement in _SCHEMA.split(";"):
                        db.execute(statement)
                    db.execute("INSERT INTO settings VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
                    db.execute("INSERT INTO settings VALUES ('default_datastore', ?)", (default_datastore.name,))
                    self._insert_datastore(db, default_datastore)
                    return
        if version != SCHEMA_VERSION:
            raise user_error(f"The catalog {self.path} has schema version {version}; this tablekit reads "
                             f"version {SCHEMA_VERSION}. Use a matching tablekit or another TABLEKIT_HOME.")

    # -- settings ----------------------------------------------------------
    def settings(self) -> Dict[str, str]:
        with self._connect(write=False) as db:
            return dict(db.execute("SELECT key, value FROM settings").fetchall())

    def set_settings(self, values: Dict[str, str]) -> None:
        with self._connect(write=True) as db:
            db.executemany("INSERT OR REPLACE INTO settings VALUES (?, ?)", values.items())

    def set_default_datastore(self, name: str) -> None:
        with self._connect(write=True) as db:
            if not db.execute("SELECT 1 FROM datastores WHERE name = ?", (name,)).fetchone():
                raise unknown_datastore(name, self._names(db))
            db.execute("INSERT OR REPLACE INTO settings VALUES ('default_datastore', ?)", (name,))

    # -- datastores --------------------------------------------------------
    @staticmethod
    def _names(db: sqlite3.Connection) -> List[str]:
        return [row[0] for row in db.execute("SELECT name FROM datastores ORDER BY name")]

    @staticmethod
    def _insert_datastore(db: sqlite3.Connection, record: DatastoreRecord) -> None:
        db.execute("INSERT OR REPLACE INTO datastores VALUES (?, ?, ?, ?, ?, ?)",
                   (record.name, record.kind, record.url, json.dumps(record.properties, sort_keys=True),
                    json.dumps(record.credential) if record.credential else None, record.created_at or now()))

    @staticmethod
    def _datastore(row) -> DatastoreRecord:
        name, kind, url, properties, credential, created_at = row
        return DatastoreRecord(name, kind, url, json.loads(properties),
                               json.loads(credential) if credential else None, created_at)

    def add_datastore(self, record: DatastoreRecord, overwrite: bool) -> None:
        with self._connect(write=True) as db:
            if not overwrite and db.execute("SELECT 1 FROM datastores WHERE name = ?", (record.name,)).fetchone():
                raise user_error(f"A datastore named '{record.name}' is already registered; pass overwrite=True "
                                 "to replace it")
            self._insert_datastore(db, record)

    def datastore(self, name: str) -> DatastoreRecord:
        with self._connect(write=False) as db:
            row = db.execute("SELECT * FROM datastores WHERE name = ?", (name,)).fetchone()
            if row is None:
                raise unknown_datastore(name, self._names(db))
            return self._datastore(row)

    def datastores(self) -> List[DatastoreRecord]:
        with self._connect(write=False) as db:
            return [self._datastore(row) for row in db.execute("SELECT * FROM datastores ORDER BY name")]

    def remove_datastore(self, name: str) -> DatastoreRecord:
        with self._connect(write=True) as db:
            row = db.execute("SELECT * FROM datastores WHERE name = ?", (name,)).fetchone()
            if row is None:
                raise unknown_datastore(name, self._names(db))
            default = db.execute("SELECT value FROM settings WHERE key = 'default_datastore'").fetchone()
            if default and default[0] == name:
                raise user_error(f"'{name}' is the default datastore; make another one the default first")
            db.execute("DELETE FROM datastores WHERE name = ?", (name,))
            return self._datastore(row)

    # -- assets --------------------------------------------------------------
    @staticmethod
    def _asset(row) -> AssetRecord:
        _, name, version, type_, location, description, tags, created_at = row
        return AssetRecord(name, version, type_, location, description, json.loads(tags), created_at)

    def add_asset(self, name: str, version: Optional[str], type_: str, location: str,
                  description: Optional[str], tags: Dict[str, str]) -> AssetRecord:
        """Register a version; with version None, one more than the highest numeric version so far."""
        with self._connect(write=True) as db:
            if version is None:
                numbers = [int(v) for (v,) in db.execute("SELECT version FROM assets WHERE name = ?", (name,))
                           if v.isdigit()]
                version = str(max(numbers, default=0) + 1)
            elif self._has_asset(db, name, version):
                raise version_taken(name, version)
            record = AssetRecord(name, version, type_, location, description, dict(tags), now())
            db.execute("INSERT INTO assets (name, version, type, location, description, tags, created_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (name, version, type_, location, description, json.dumps(record.tags, sort_keys=True),
                        record.created_at))
            return record

    @staticmethod
    def _has_asset(db: sqlite3.Connection, name: str, version: str) -> bool:
        return db.execute("SELECT 1 FROM assets WHERE name = ? AND version = ?", (name, version)).fetchone() is not None

    def has_asset(self, name: str, version: str) -> bool:
        with self._connect(write=False) as db:
            return self._has_asset(db, name, version)

    def asset(self, name: str, version: Optional[str] = None) -> AssetRecord:
        """One version of an asset; the latest registered when version is None."""
        with self._connect(write=False) as db:
            if version is None:
                row = db.execute("SELECT * FROM assets WHERE name = ? ORDER BY id DESC LIMIT 1", (name,)).fetchone()
            else:
                row = db.execute("SELECT * FROM assets WHERE name = ? AND version = ?", (name, version)).fetchone()
            if row is not None:
                return self._asset(row)
            versions = [v for (v,) in db.execute("SELECT version FROM assets WHERE name = ? ORDER BY id", (name,))]
        if not versions:
            raise user_error(f"No data asset named '{name}' is registered in the workspace catalog {self.path}")
        raise user_error(f"Data asset '{name}' has no version '{version}'; its versions are: {', '.join(versions)}")

    def assets(self, name: Optional[str] = None) -> List[AssetRecord]:
        """Every version of one asset, or the latest version of each asset, in registration order."""
        with self._connect(write=False) as db:
            if name is not None:
                rows = db.execute("SELECT * FROM assets WHERE name = ? ORDER BY id", (name,)).fetchall()
            else:
                rows = db.execute("SELECT * FROM assets WHERE id IN (SELECT MAX(id) FROM assets GROUP BY name) "
                                  "ORDER BY name").fetchall()
            return [self._asset(row) for row in rows]


def unknown_datastore(name: str, known: List[str]):
    return user_error(f"No datastore named '{name}' is registered in this workspace; registered datastores: "
                      f"{', '.join(known) or 'none'}")


def version_taken(name: str, version: str):
    return user_error(f"Data asset '{name}' already has a version '{version}'; register another version or leave "
                      "version out to get the next number")
