"""Copying files between this machine and a datastore's storage, with a progress bar."""
from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from typing import Iterator, List, Tuple

from tablekit.errors import user_error
from tablekit.sources.credentials import redact


def storage_error(action: str, exc: Exception):
    """A storage client's failure as a UserErrorException, secrets taken out of its text."""
    return user_error(f"Could not {action}: {redact(f'{type(exc).__name__}: {exc}')}")


def list_files(filesystem, root: str, folder: str, description: str) -> Iterator[Tuple[str, int]]:
    """(path relative to root, size) of every file under root/folder, sorted; nothing if it does not exist."""
    base = f"{root}/{folder}".rstrip("/") if folder else root
    try:
        if not filesystem.exists(base):
            return
        found = filesystem.find(base, detail=True)
    except Exception as exc:
        raise storage_error(f"{description}: listing '{folder or '/'}' failed", exc) from None
    prefix = root.rstrip("/") + "/"
    for name, info in sorted(found.items()):
        if info.get("type") == "file":
            yield name[len(prefix):] if name.startswith(prefix) else name, int(info.get("size") or 0)


@contextmanager
def progress_bar(show_progress: bool, files: int, nbytes: int, description: str):
    """A tqdm bar over bytes on standard error (None when not shown)."""
    bar = None
    if show_progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=nbytes, unit="B", unit_scale=True, unit_divisor=1024, file=sys.stderr,
                   desc=f"{description} ({files} files)", dynamic_ncols=True)
    try:
        yield bar
    finally:
        if bar is not None:
            bar.close()


def copy_files(filesystem, copies: List[Tuple[str, str, int]], upload: bool, overwrite: bool, show_progress: bool,
               description: str) -> int:
    """Copy (source, destination, size) up to or down from the filesystem; returns how many were copied.

    A destination that exists is skipped unless ``overwrite``.
    """
    def exists(path: str) -> bool:
        return filesystem.exists(path) if upload else os.path.exists(path)

    try:
        todo = [copy for copy in copies if overwrite or not exists(copy[1])]
    except Exception as exc:
        raise storage_error(description, exc) from None
    with progress_bar(show_progress, len(todo), sum(nbytes for _, _, nbytes in todo), description) as bar:
        for source, destination, nbytes in todo:
            try:
                if upload:
                    filesystem.put_file(source, destination)
                else:
                    os.makedirs(os.path.dirname(destination), exist_ok=True)
                    filesystem.get_file(source, destination)
            except Exception as exc:
                raise storage_error(f"{description}: '{source}'", exc) from None
            if bar is not None:
                bar.update(nbytes)
    return len(todo)
