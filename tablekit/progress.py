"""Progress bars for long reads: files, bytes and rows, drawn by tqdm.

By default a bar appears when standard error is a terminal or the code runs in
a Jupyter notebook, and only once a read has lasted a second (quick reads
stay silent); elsewhere (logs, pipes, CI) nothing is printed.  The
``show_progress`` keyword of the materializing methods turns it on or off;
without it the environment variable ``TABLEKIT_PROGRESS`` does (``1``/``0``).

The engine reports what it has: each file or block read, each parquet row
group, the rows produced.  A single file read at once advances in one step.
"""
from __future__ import annotations

import os
import sys
from typing import Optional, Tuple

ENV_VAR = "TABLEKIT_PROGRESS"
AUTO_DELAY = 1.0  # seconds before an automatic bar shows: short reads print nothing
_OFF = ("0", "false", "no", "off", "")


def _in_notebook() -> bool:
    if "IPython" not in sys.modules:  # never import IPython just to ask
        return False
    shell = sys.modules["IPython"].get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def _interactive() -> bool:
    stream = sys.stderr
    try:
        return bool(stream is not None and stream.isatty()) or _in_notebook()
    except (AttributeError, ValueError):  # a replaced or closed stderr
        return False


def choice(show_progress: Optional[bool]) -> Tuple[bool, float]:
    """(show a bar, seconds to wait before showing it) for a read."""
    if show_progress is not None:
        return bool(show_progress), 0.0
    setting = os.environ.get(ENV_VAR)
    if setting is not None:
        return setting.strip().lower() not in _OFF, 0.0
    return _interactive(), AUTO_DELAY


class Progress:
    """One read's bar: bytes read out of the total, files done, rows produced."""

    def __init__(self, show_progress: Optional[bool] = None, description: str = "reading"):
        self.enabled, self._delay = choice(show_progress)
        self._description = description
        self._bar = None
        self._files = self._files_done = self._rows = 0

    def start(self, files: int, nbytes: int) -> None:
        if not self.enabled:
            return
        from tqdm.auto import tqdm

        self._files = files
        self._bar = tqdm(total=nbytes, unit="B", unit_scale=True, unit_divisor=1024, desc=self._description,
                         delay=self._delay, file=sys.stderr, dynamic_ncols=True)
        self._show_counts()

    def _show_counts(self) -> None:
        self._bar.set_postfix_str(f"{self._files_done}/{self._files} files, {self._rows:,} rows", refresh=False)

    def advance(self, nbytes: int = 0, files: int = 0, rows: int = 0) -> None:
        if self._bar is None:
            return
        self._files_done += files
        self._rows += rows
        self._show_counts()
        self._bar.update(nbytes)

    def stage(self, description: str) -> None:
        """Name what the read is doing now (e.g. converting to pandas)."""
        if self._bar is not None:
            self._bar.set_description_str(description)

    def finish(self, rows: Optional[int] = None) -> None:
        """Mark everything read (sizes of row groups are estimates) and close the bar."""
        if self._bar is None:
            return
        if rows is not None:
            self._rows = rows
        self._files_done = self._files
        self._show_counts()
        self._bar.update(max(0, self._bar.total - self._bar.n))
        self.close()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


SILENT = Progress(show_progress=False)
