"""http:// and https:// paths: files on a web server, read with Range requests.

A web server cannot list its files, so only ``{'file': ...}`` entries work;
folders and patterns fail with an error saying so.  A file's size comes from
a HEAD request; its bytes from ``Range: bytes=a-b`` GETs (a server that
ignores Range sends the whole file, of which the asked part is kept).
Parquet data is read by polars' own HTTP reader, which also uses ranges.
A SAS token or other secret in the URL's query string never shows in errors.
"""
from __future__ import annotations

import http.client
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any, Dict, Iterator, Optional, Tuple

from tablekit.errors import ErrorCode, data_error
from tablekit.sources.credentials import StorageOptions, redact
from tablekit.sources.remote import (RemoteConnection, access_denied, connection_failed, not_found,
                                     unexpected)
from tablekit.sources.retry import TRANSIENT_STATUSES, RetryPolicy, TransientError, check_length


def request_url(url: str) -> str:
    """The URL as sent: a path written with spaces or other unsafe characters percent-encoded."""
    parts = urllib.parse.urlsplit(url)
    return parts._replace(path=urllib.parse.quote(parts.path, safe="/%:@!$&'()*+,;=~")).geturl()


def _cannot_list(kind: str, url: str):
    return data_error(ErrorCode.NOT_FOUND, redact(
        f"The requested stream was not found: '{url}' is a {kind} entry, but HTTP(S) servers cannot list files; "
        f"name each file with {{'file': ...}}, or use a storage that lists (a local folder, wasbs://, abfss://)."))


class HttpSource:
    """The registry's entry for http(s): ``connect`` gives a connection for one materialization."""

    def connect(self, storage_options: Optional[StorageOptions] = None) -> "HttpConnection":
        return HttpConnection(RetryPolicy.from_options(storage_options))


@dataclass
class Answer:
    status: int
    headers: Dict[str, str]  # lower-cased names
    body: bytes


class HttpConnection(RemoteConnection):
    def __init__(self, retry: RetryPolicy = RetryPolicy()):
        super().__init__()
        self.retry = retry

    def _request(self, url: str, method: str = "GET", headers: Optional[Dict[str, str]] = None,
                 start: int = 0, end: Optional[int] = None) -> Optional[Answer]:
        """One request, its body read whole and checked (see retry.check_length), retried while
        it fails transiently; None for a range past the end of the file (416)."""
        def attempt() -> Optional[Answer]:
            request = urllib.request.Request(request_url(url), method=method, headers=headers or {})
            try:
                with urllib.request.urlopen(request, timeout=self.retry.timeout) as response:
                    answer = Answer(response.status, {k.lower(): v for k, v in response.getheaders()},
                                    response.read())
            except urllib.error.HTTPError as exc:
                if exc.code in TRANSIENT_STATUSES:
                    raise TransientError(f"the server answered {exc.code} {exc.reason}", exc.code) from None
                if exc.code in (404, 410):
                    raise not_found(url) from None
                if exc.code in (401, 403):
                    raise access_denied(url, f"the server answered {exc.code} {exc.reason}") from None
                if exc.code == 416:  # a range past the end: nothing there
                    return None
                raise unexpected(url, f"the server answered {exc.code} {exc.reason}") from None
            except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                raise TransientError(f"the server did not answer in full ({type(reason).__name__})") from None
            if method == "GET":
                check_length(answer.body, answer.headers, start, end, self._sizes.get(url))
            return answer

        try:
            return self.retry.run(attempt)
        except TransientError as exc:
            if exc.status is not None:
                raise unexpected(url, exc.detail) from None
            raise connection_failed(url, exc.detail) from None

    def list(self, entry, base_dir: str, check_files: bool = True) -> Iterator[Tuple[str, str, int]]:
        if entry.kind != "file":
            raise _cannot_list(entry.kind, entry.value)
        url = entry.value
        if check_files:
            self._sizes[url] = self.size(url)
        yield url, url, self._sizes.get(url, 0)

    def size(self, url: str) -> int:
        if url not in self._sizes:
            length = self._request(url, "HEAD").headers.get("content-length")
            if length is None:  # no length on HEAD: ask for one byte, the total is in Content-Range
                answer = self._request(url, headers={"Range": "bytes=0-0"}, end=1)
                total = answer.headers.get("content-range", "").rpartition("/")[2]
                length = total if total.isdigit() else len(answer.body)
            self._sizes[url] = int(length)
        return self._sizes[url]

    def _download(self, url: str, start: int, end: Optional[int]) -> bytes:
        if end is not None and end <= start:
            return b""
        wanted = None if start == 0 and end is None else f"bytes={start}-{'' if end is None else end - 1}"
        answer = self._request(url, headers={"Range": wanted} if wanted else {}, start=start, end=end)
        if answer is None:
            return b""
        if wanted and answer.status == 200:  # the server ignored the range: it sent everything
            return answer.body[start:end]
        return answer.body

    def parquet_scan_args(self, url: str) -> Tuple[Any, Dict[str, Any]]:
        """polars.scan_parquet's source and keyword arguments: the URL for polars' own HTTP reader,
        or, for a URL with a query (a SAS token...), which that reader rewrites, the file's bytes."""
        if urllib.parse.urlsplit(url).query:
            return self.read_bytes(url), {"glob": False}
        return request_url(url), {"glob": False}
