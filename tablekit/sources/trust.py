"""Tables tablekit did not make itself: what their paths may name, where credentials go.

A table the user makes (``from_*()``, ``load()`` of a local MLTable) is theirs, as in
mltable: its paths may name anything, and its ``storage_options`` (and the environment's
credentials) go wherever its paths say.  An MLTable loaded from storage (a URL) or through
the workspace catalog (a datastore path, a registered asset) was written by whoever can
write there.  Unless it is loaded with ``trusted=True``, such a table

* reads no local file, except inside the local datastore folder it came from: no
  absolute path, ``~``, ``file://`` or ``..`` leading out of it, and no Delta table
  elsewhere (tablekit reads Delta tables from local folders only);
* names no ``azureml:`` datastore or asset (the user's other datastores, with their
  credentials);
* gets credentials for its own storage only: an account, host or protocol other than
  the one it was loaded from is read anonymously (``StorageOptions.origin``, enforced by
  ``azure_blob.resolve_access``).

The paths are checked when the table is loaded, before anything is read.
"""
from __future__ import annotations

from dataclasses import replace

from tablekit.errors import UserErrorException, user_error
from tablekit.plan.nodes import PathEntry, Plan, ReadDeltaLake
from tablekit.sources.credentials import StorageOptions, redact
from tablekit.sources.local import is_within, local_path
from tablekit.sources.registry import scheme_of


def _refused(where: str, entry: PathEntry, reason: str) -> UserErrorException:
    return user_error(redact(
        f"The MLTable loaded from '{where}' names {entry.kind} '{entry.value}', {reason}. A table loaded from "
        f"storage or a registered asset reads only its own storage; if you trust whoever wrote it, load it with "
        f"trusted=True (see docs/reliability.md)."))


def confine(plan: Plan, origin: str, where: str) -> Plan:
    """``plan``, an MLTable's from ``origin`` (its storage: a URL, or a local datastore's folder), with its
    paths checked and its credentials confined to that storage; ``where`` is what the user loaded."""
    local_root = origin if scheme_of(origin) in ("", "file") else None
    relative_is_local = local_root is not None or isinstance(plan.read, ReadDeltaLake)
    for entry in plan.paths:
        scheme = scheme_of(entry.value)
        if scheme == "azureml":
            raise _refused(where, entry, "a datastore or data asset of your workspace")
        if scheme == "file" or (scheme == "" and relative_is_local):
            path = local_path(entry.value, plan.base_dir)
            if local_root is None:
                raise _refused(where, entry, f"a file on this machine ({path})")
            if not is_within(path, local_root):
                raise _refused(where, entry, f"a file on this machine outside the datastore folder {local_root}")
    options = plan.storage_options if plan.storage_options is not None else StorageOptions()
    return replace(plan, storage_options=options.confined_to(origin))
