"""Save a table as an MLTable folder: the YAML file, and with colocated=True its data.

What mltable's ``save`` does, made safe:

* paths are written relative to the destination (remote ones as given);
  with ``colocated=True`` the files they name are copied under it, keeping
  their layout relative to the table's folder (the folder it was loaded
  from, or the working directory for ``from_*`` tables).  A path outside
  that folder (absolute, or with ``..``) keeps its layout below the first
  folder it does not share with it, as mltable does.
* everything is written to a staging folder inside the destination first and
  moved into place afterwards, the MLTable file last and atomically
  (``os.replace``): a failed save leaves the previous MLTable, and never
  deletes or truncates a source file (copying a file onto itself is skipped).
"""
from __future__ import annotations

import os
import shutil
import tempfile
from typing import List, Optional, Tuple

from tablekit.errors import ErrorCode, data_error, user_error
from tablekit.plan.nodes import PathEntry, Plan
from tablekit.plan.yaml import dump
from tablekit.progress import SILENT, Progress
from tablekit.sources.registry import resolve_paths, scheme_of
from tablekit.sources.local import local_path, path_under

MLTABLE_FILE = "MLTable"
OVERWRITE_MODES = {True: "overwrite", "overwrite": "overwrite", False: "fail", "fail": "fail", "skip": "skip"}


def overwrite_mode(overwrite) -> str:
    try:
        return OVERWRITE_MODES[overwrite]
    except (KeyError, TypeError):
        raise user_error(f"overwrite must be True/'overwrite', False/'fail' or 'skip', not {overwrite!r}") from None


def already_exists(detail: str):
    return data_error(ErrorCode.ALREADY_EXISTS, f"Destination already exists or is not empty: {detail}")


def _is_local(value: str) -> bool:
    return scheme_of(value) in ("", "file")


def relative_to_destination(value: str, base_dir: str, destination: str) -> str:
    """A local path entry rewritten relative to the destination folder (mltable's rule)."""
    absolute = local_path(value, base_dir)
    if os.path.splitdrive(absolute)[0] != os.path.splitdrive(destination)[0]:
        return absolute  # another drive: no relative path exists
    if os.path.splitdrive(os.path.commonpath([absolute, destination]))[1] in ("/", "\\"):
        return absolute  # only the root is shared: '../../..' would say less than the absolute path
    return os.path.relpath(absolute, destination)


def _colocated_layout(entry: PathEntry, base_dir: str) -> Tuple[str, str]:
    """(folder the entry's files are copied relative to, the entry's value in the saved file)."""
    value = entry.value
    plain = value[len("file://"):] if value.startswith("file://") else value
    if not (os.path.isabs(plain) or ".." in plain.split("/") or ".." in plain.split(os.sep)):
        return base_dir, value
    absolute = local_path(value, base_dir)
    common = os.path.commonpath([base_dir, absolute])
    rel = os.path.relpath(absolute, common)
    child, sep, remainder = rel.partition(os.sep)
    if not sep:  # the entry names something directly in the shared folder
        return common, rel
    return os.path.join(common, child), remainder


def _copy_files(plan: Plan, files_per_entry: List[list], staging: str,
                progress: Progress) -> Tuple[List[dict], List[Tuple[str, str]]]:
    """Copy each entry's files into staging; return the saved entries and (staged, final-rel) pairs."""
    saved_entries, staged = [], []
    for entry, files in zip(plan.paths, files_per_entry):
        base, saved_value = _colocated_layout(entry, plan.base_dir)
        saved_entries.append({entry.kind: saved_value})
        for file in files:
            rel = os.path.relpath(file.path, base)
            target = os.path.join(staging, rel)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copyfile(file.path, target)
            staged.append((target, rel))
            progress.advance(nbytes=file.size, files=1)
    return saved_entries, staged


def _file_id(path: str) -> Optional[Tuple[int, int]]:
    """What makes two paths the same file (None: no file there)."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def _save_colocated(plan: Plan, destination: str, staging: str, mode: str, progress: Progress) -> List[dict]:
    """Copy the data under the destination (through staging); return the saved path entries."""
    for entry in plan.paths:
        if not _is_local(entry.value):
            raise user_error(f"save(colocated=True) copies local files only; {entry.kind} '{entry.value}' is "
                             "remote (save with colocated=False to keep remote paths as they are)")
    files_per_entry = [resolve_paths([entry], plan.base_dir) for entry in plan.paths]
    files = [f for entry_files in files_per_entry for f in entry_files]
    progress.start(len(files), sum(f.size for f in files))
    entries, staged = _copy_files(plan, files_per_entry, staging, progress)
    # a destination file that is one of the sources already holds the data: never rewrite it with itself
    source_ids = {_file_id(f.path) for f in files} - {None}
    moves = [(staged_path, os.path.join(destination, rel)) for staged_path, rel in staged
             if _file_id(os.path.join(destination, rel)) not in source_ids]
    for _, final in moves:  # a symbolic link in the destination must not lead a file out of it
        path_under(destination, os.path.relpath(os.path.dirname(final), destination).replace(os.sep, "/"))
    existing = [final for _, final in moves if os.path.exists(final)]
    if existing and mode == "fail":  # checked before anything is moved
        raise already_exists(f"'{existing[0]}' exists and overwrite is False")
    for staged_path, final in moves:
        if mode == "skip" and os.path.exists(final):
            continue
        os.makedirs(os.path.dirname(final), exist_ok=True)
        os.replace(staged_path, final)
    return entries


def save_mltable(plan: Plan, yaml_dict: dict, path, overwrite=True, colocated: bool = False,
                 progress: Progress = SILENT) -> str:
    """Write the MLTable folder; returns the destination folder.  ``progress`` hears of each file copied."""
    mode = overwrite_mode(overwrite)
    destination = local_path(path, os.getcwd()) if path else os.getcwd()
    if not _is_local(str(path or "")):
        raise user_error(f"tablekit saves MLTable folders to local paths only, not '{path}'")
    if os.path.isfile(destination):
        raise already_exists(f"'{destination}' is a file, not a folder")
    mltable_path = os.path.join(destination, MLTABLE_FILE)
    if os.path.exists(mltable_path) and mode != "overwrite":
        if mode == "fail":
            raise already_exists(f"'{mltable_path}' exists and overwrite is False")
        return destination  # skip: leave the existing MLTable as it is
    os.makedirs(destination, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=".tablekit-save-", dir=destination)
    try:
        if colocated:
            entries = _save_colocated(plan, destination, staging, mode, progress)
        else:
            entries = [{e.kind: relative_to_destination(e.value, plan.base_dir, destination)
                        if _is_local(e.value) else e.value} for e in plan.paths]
        if plan.paths:
            yaml_dict = {**yaml_dict, "paths": entries}
        staged_yaml = os.path.join(staging, MLTABLE_FILE)
        with open(staged_yaml, "w", encoding="utf-8") as f:
            f.write(dump(yaml_dict))
            f.flush()
            os.fsync(f.fileno())
        os.replace(staged_yaml, mltable_path)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return destination
