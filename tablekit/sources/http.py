"""http:// and https:// paths: files on a web server, read with Range requests.

A web server cannot list its files, so only ``{'file': ...}`` entries work;
folders and patterns fail with an error saying so.  A file's size comes from
a HEAD request; its bytes from ``Range: bytes=a-b`` GETs (a server that
ignores Range sends the whole file, of which the asked part is kept).
Parquet data is read by polars' own HTTP reader, which also uses ranges.
A SAS token or other secret in the URL's query string never shows in errors.
"""
from __future__ import annotations

import socket
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Dict, Iterator, Optional, Tuple

from tablekit.errors import ErrorCode, data_error
from tablekit.sources.credentials import StorageOptions, redact
from tablekit.sources.remote import (RemoteConnection, access_denied, connection_failed, not_found,
                                     unexpected)

TIMEOUT_SECONDS = 60


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
        return HttpConnection()


class HttpConnection(RemoteConnection):
    def _request(self, url: str, method: str = "GET", headers: Optional[Dict[str, str]] = None):
        request = urllib.request.Request(request_url(url), method=method, headers=headers or {})
        try:
            return urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS)
        except urllib.error.HTTPError as exc:
            if exc.code in (404, 410):
                raise not_found(url) from None
            if exc.code in (401, 403):
                raise access_denied(url, f"the server answered {exc.code} {exc.reason}") from None
            if exc.code == 416:  # a range past the end: nothing there
                return None
            raise unexpected(url, f"the server answered {exc.code} {exc.reason}") from None
        except (urllib.error.URLError, ConnectionError, socket.timeout) as exc:
            reason = getattr(exc, "reason", exc)
            raise connection_failed(url, f"the server did not answer ({type(reason).__name__})") from None

    def list(self, entry, base_dir: str, check_files: bool = True) -> Iterator[Tuple[str, str, int]]:
        if entry.kind != "file":
            raise _cannot_list(entry.kind, entry.value)
        url = entry.value
        if check_files:
            self._sizes[url] = self.size(url)
        yield url, url, self._sizes.get(url, 0)

    def size(self, url: str) -> int:
        if url not in self._sizes:
            with self._request(url, "HEAD") as response:
                length = response.headers.get("Content-Length")
            if length is None:  # no length on HEAD: ask for one byte, the total is in Content-Range
                with self._request(url, headers={"Range": "bytes=0-0"}) as response:
                    total = (response.headers.get("Content-Range") or "").rpartition("/")[2]
                    length = total if total.isdigit() else len(response.read())
            self._sizes[url] = int(length)
        return self._sizes[url]

    def _download(self, url: str, start: int, end: Optional[int]) -> bytes:
        if end is not None and end <= start:
            return b""
        wanted = None if start == 0 and end is None else f"bytes={start}-{'' if end is None else end - 1}"
        response = self._request(url, headers={"Range": wanted} if wanted else {})
        if response is None:
            return b""
        with response:
            data = response.read()
            if wanted and response.status == 200:  # the server ignored the range: it sent everything
                return data[start:end]
        return data

    def parquet_scan_args(self, url: str) -> Tuple[Any, Dict[str, Any]]:
        """polars.scan_parquet's source and keyword arguments: the URL for polars' own HTTP reader,
        or, for a URL with a query (a SAS token...), which that reader rewrites, the file's bytes."""
        if urllib.parse.urlsplit(url).query:
            return self.read_bytes(url), {"glob": False}
        return request_url(url), {"glob": False}
