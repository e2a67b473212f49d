"""What every remote source shares: byte ranges fetched once, a file object over
them, glob patterns over object names, and storage errors as mltable reports them.

A remote source is connected once per materialization (``connect``); the
connection keeps the bytes it fetched, so a file's header line, its footer or
its whole content is downloaded once however many readers ask for it.  The
engine's readers get either a file object (pyarrow footers, CSV/JSON parsers)
or, for parquet, a URL and options for polars' own object-store reader, which
fetches only the needed column chunks and row groups, many files at once.
"""
from __future__ import annotations

import io
import posixpath
import re
import threading
from contextlib import contextmanager
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Dict, Iterable, List, Optional, Tuple

from tablekit.errors import ErrorCode, ExecutionError, UserErrorException, data_error
from tablekit.sources.credentials import redact

WHOLE_FILE_READ = 1 << 20  # a read from offset 0 at least this big fetches the whole file
TAIL_READ_AHEAD = 1 << 13  # a read near the end also fetches this much before it (parquet footers)
PREFETCH_THREADS = 8       # concurrent downloads when many files are needed whole
PREFETCH_BYTES = 256 << 20  # files fetched ahead at once, at most (the rest come when read)
WHOLE_FILES_KEPT = 1 << 30  # whole files kept at most; past this the oldest are dropped


# -- errors, as mltable classifies them ---------------------------------------------

def not_found(display: str, detail: str = "") -> UserErrorException:
    return data_error(ErrorCode.NOT_FOUND,
                      redact(f"The requested stream was not found: '{display}' does not exist{detail}. "
                             f"Please make sure the request uri is correct."))


def access_denied(display: str, detail: str) -> UserErrorException:
    return data_error(ErrorCode.AUTHENTICATION,
                      redact(f"Authentication failed when trying to access the stream '{display}': {detail}. "
                             f"Make sure you have correct permissions set up."))


def connection_failed(display: str, detail: str) -> UserErrorException:
    return data_error(ErrorCode.CONNECTION_FAILURE,
                      # also a body cut short or a stall: the server may have answered, just not in full
                      redact(f"Could not read '{display}' from its storage: {detail}."))


def unexpected(display: str, detail: str) -> UserErrorException:
    return data_error(ErrorCode.STREAM_UNEXPECTED, redact(f"Got unexpected error reading '{display}': {detail}."))


def wrong_kind(display: str, detail: str) -> ExecutionError:
    return ExecutionError(redact(f"Got unexpected error: '{display}' {detail}"), ErrorCode.STREAM_UNEXPECTED)


# -- glob patterns over object names --------------------------------------------------

def glob_prefix(pattern: str) -> str:
    """The literal folder part of a pattern, before its first wildcard segment: what to list."""
    literal = re.split(r"[*?\[]", pattern, maxsplit=1)[0]
    return literal[:literal.rfind("/") + 1]


def glob_regex(pattern: str) -> "re.Pattern[str]":
    """A regex matching the names the pattern matches, as local patterns do (Python's glob,
    recursive, hidden names included): ``*`` and ``?`` stay within a segment, a ``**``
    segment spans zero or more folders, ``[...]``/``[!...]`` are character classes."""
    parts = []
    segments = pattern.split("/")
    for i, segment in enumerate(segments):
        last = i == len(segments) - 1
        if segment == "**":
            parts.append(".*" if last else "(?:[^/]*/)*")
            continue
        parts.append(_segment_regex(segment) + ("" if last else "/"))
    return re.compile("".join(parts) + r"\Z", re.DOTALL)


def _segment_regex(segment: str) -> str:
    out, i = [], 0
    while i < len(segment):
        ch = segment[i]
        if ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "[":
            end = segment.find("]", i + 2)
            if end < 0:
                out.append(re.escape(ch))
            else:
                body = segment[i + 1:end]
                negate = body.startswith("!")
                body = body[1:] if negate else body
                out.append("[" + ("^" if negate else "") + body.replace("\\", "\\\\") + "]")
                i = end
        else:
            out.append(re.escape(ch))
        i += 1
    return "".join(out)


def match_pattern(pattern: str, names: Iterable[str]) -> List[str]:
    """The names a pattern matches, sorted (a bare trailing ``**`` matches nothing, as locally)."""
    if pattern.endswith("/**"):
        return []
    regex = glob_regex(pattern)
    return sorted(name for name in names if regex.match(name))


# -- fetched bytes, kept for one materialization ---------------------------------------

class FetchedBytes:
    """The parts of remote files fetched so far, so that no byte is fetched twice.

    ``fetch(path, start, end)`` asks the storage for a byte range; a whole file
    is fetched once (concurrent readers wait for it), a growing prefix fetches
    only what it lacks, a read near the end of a file brings the bytes before
    it along (parquet footers are read backwards in small steps).
    """

    def __init__(self, fetch: Callable[[str, int, Optional[int]], bytes]):
        self._fetch = fetch
        self._whole: "OrderedDict[str, bytes]" = OrderedDict()  # oldest first
        self._ranges: Dict[str, List[Tuple[int, bytes]]] = {}
        self._locks: Dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def _lock(self, path: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(path, threading.Lock())

    def whole(self, path: str) -> bytes:
        with self._lock(path):
            if path not in self._whole:
                data = self._fetch(path, 0, None)
                with self._guard:
                    self._whole[path] = data
                    self._ranges.pop(path, None)
                    self._drop_oldest()
                return data
            return self._whole[path]

    def _drop_oldest(self) -> None:
        """Keep memory bounded when a materialization reads more than WHOLE_FILES_KEPT of files."""
        kept = sum(len(data) for data in self._whole.values())
        while len(self._whole) > 1 and kept > WHOLE_FILES_KEPT:
            _, data = self._whole.popitem(last=False)
            kept -= len(data)

    def cached_whole(self, path: str) -> bool:
        return path in self._whole

    def range(self, path: str, start: int, end: int, size: Optional[int] = None) -> bytes:
        """Bytes [start, end) of a file (fewer at its end)."""
        whole = self._whole.get(path)
        if whole is not None:
            return whole[start:end]
        with self._lock(path):
            segments = self._ranges.setdefault(path, [])
            for seg_start, data in segments:
                if seg_start <= start and end <= seg_start + len(data):
                    return data[start - seg_start:end - seg_start]
            for k, (seg_start, data) in enumerate(segments):
                seg_end = seg_start + len(data)
                if seg_start <= start <= seg_end and (size is None or seg_end < size):
                    data = data + self._fetch(path, seg_end, end)  # extend a prefix: fetch what it lacks
                    segments[k] = (seg_start, data)
                    return data[start - seg_start:end - seg_start]
            fetch_start = start
            if size is not None and end >= size - TAIL_READ_AHEAD:
                fetch_start = max(0, min(start, size - TAIL_READ_AHEAD))
            data = self._fetch(path, fetch_start, end)
            segments.append((fetch_start, data))
            return data[start - fetch_start:end - fetch_start]

    def prefetch(self, paths: List[str], sizes: Dict[str, int]) -> None:
        """Fetch the first of these whole files, up to PREFETCH_BYTES, several at a time (each once)."""
        missing, total = [], 0
        for path in dict.fromkeys(paths):
            if path not in self._whole:
                total += sizes.get(path, 0)
                if missing and total > PREFETCH_BYTES:
                    break
                missing.append(path)
        if len(missing) > 1:
            with ThreadPoolExecutor(max_workers=min(PREFETCH_THREADS, len(missing)),
                                    thread_name_prefix="tablekit-fetch") as pool:
                list(pool.map(self.whole, missing))


class RemoteFile(io.RawIOBase):
    """A read-only, seekable file object over a remote file's fetched bytes.

    Reads from the start of the file that ask for a lot (a parser reading it
    all) fetch the whole file once; other reads fetch just their range.
    """

    def __init__(self, fetched: FetchedBytes, path: str, size: int):
        super().__init__()
        self._fetched = fetched
        self._path = path
        self._size = size
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def size(self) -> int:
        return self._size

    def _bytes(self, count: int) -> bytes:
        end = self._size if count < 0 else min(self._size, self._pos + count)
        if self._pos >= end:
            return b""
        if self._fetched.cached_whole(self._path) or (self._pos == 0 and end - self._pos >= WHOLE_FILE_READ) \
                or end == self._size and self._pos == 0:
            data = self._fetched.whole(self._path)[self._pos:end]
        else:
            data = self._fetched.range(self._path, self._pos, end, self._size)
        self._pos += len(data)
        return data

    def read(self, size: int = -1) -> bytes:
        return self._bytes(-1 if size is None else size)

    def readall(self) -> bytes:
        return self._bytes(-1)

    def readinto(self, buffer) -> int:
        data = self._bytes(len(buffer))
        buffer[:len(data)] = data
        return len(data)


class RemoteConnection:
    """A remote source connected for one materialization: reads go through its FetchedBytes.

    Subclasses list files (``list``), know their sizes (``size``) and fetch
    byte ranges (``_download(path, start, end)``, end None: to the end).
    """

    def __init__(self):
        self._sizes: Dict[str, int] = {}
        self.fetched = FetchedBytes(self._download)

    def __getstate__(self) -> dict:
        # pickled (for Dask workers) without the fetched bytes and their locks: each process fetches its own
        state = self.__dict__.copy()
        del state["fetched"]
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.fetched = FetchedBytes(self._download)

    def _download(self, path: str, start: int, end: Optional[int]) -> bytes:
        raise NotImplementedError

    def size(self, path: str) -> int:
        raise NotImplementedError

    def open(self, path: str, mode: str = "rb") -> RemoteFile:
        return RemoteFile(self.fetched, path, self.size(path))

    def read_bytes(self, path: str, start: int = 0, end: Optional[int] = None) -> bytes:
        if start == 0 and end is None:
            return self.fetched.whole(path)
        size = self.size(path)
        return self.fetched.range(path, start, size if end is None else min(end, size), size)

    def reader_input(self, path: str) -> RemoteFile:
        """What pyarrow's and polars' readers take: a file object over the fetched bytes."""
        return self.open(path)

    def parquet_footer_input(self, path: str):
        """What pyarrow reads a parquet footer from: the footer alone, framed as a file.

        pyarrow would read the last 64 KiB of the file for it; this fetches the
        last few KiB (and the rest of the footer if it is bigger).  A file that
        does not end like parquet goes to pyarrow as it is, which says what is wrong.
        """
        size = self.size(path)
        if size < 12:
            return self.open(path)
        tail = self.read_bytes(path, size - 8, size)
        length = int.from_bytes(tail[:4], "little")
        if tail[4:] != b"PAR1" or length > size - 12:
            return self.open(path)
        return io.BytesIO(b"PAR1" + self.read_bytes(path, size - 8 - length, size - 8) + tail)

    def prefetch(self, paths) -> None:
        """Fetch these whole files now, several at a time (the engine is about to read them all)."""
        self.fetched.prefetch(list(paths), self._sizes)


def join_url(base: str, relative: str) -> str:
    """A path relative to a remote folder URL, as a URL ('..' and '.' resolved)."""
    root, _, path = base.partition("://")
    authority, _, folder = path.partition("/")
    joined = posixpath.normpath(posixpath.join("/" + folder, relative))
    return f"{root}://{authority}{joined}" + ("/" if relative.endswith("/") else "")


@contextmanager
def native_reader_errors():
    """Errors of polars' own object-store reader (remote parquet) as mltable's, secrets removed.

    polars raises OSError('object-store error: ...') with the request URL in it,
    SAS token included; anything else passes through unchanged.
    """
    try:
        yield
    except OSError as exc:
        text = str(exc)
        if "object-store error" not in text and "object_store" not in text:
            raise
        detail = redact(text.splitlines()[0] if text else type(exc).__name__)
        status = re.search(r"status code: (\d{3})", text)
        if status and status.group(1) in ("401", "403"):
            raise data_error(ErrorCode.AUTHENTICATION, f"Authentication failed when trying to access the stream: "
                                                       f"{detail}. Make sure you have correct permissions set up.") from None
        if status and status.group(1) == "404":
            raise data_error(ErrorCode.NOT_FOUND, f"The requested stream was not found: {detail}") from None
        if status is None and re.search(r"(?i)connect|dns|timed? ?out", text):
            raise data_error(ErrorCode.CONNECTION_FAILURE, f"Could not connect to the storage: {detail}") from None
        raise data_error(ErrorCode.STREAM_UNEXPECTED, f"Got unexpected error reading remote data: {detail}") from None
