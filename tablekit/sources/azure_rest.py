"""The few Azure Blob service calls tablekit makes, over plain HTTP connections.

List a container's blobs under a prefix, read a blob's size, download a byte
range: three REST calls (https://learn.microsoft.com/rest/api/storageservices/),
authorized with Shared Key (the account key signs each request), a SAS token
(appended to the query) or a bearer token from an azure-identity credential.
Written here instead of going through azure-storage-blob, whose import alone
takes most of a second and whose pipeline costs milliseconds per request:
a remote read is mostly many small requests (listings, footers).

Connections are kept per thread.  A request that fails transiently (no
answer, a dropped or short body, 5xx, 429) is retried as its ``RetryPolicy``
says (retry.py) before ``ServiceUnreachable`` (no answer) or ``ServiceError``
is raised; any other answer than success raises ``ServiceError`` at once, with
the status and the service's error code (``x-ms-error-code``), never the
request's credentials.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import threading
import time
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from email.utils import formatdate
from typing import Dict, List, Optional, Sequence, Tuple
from urllib.parse import quote, urlencode, urlsplit

from tablekit.sources.retry import TRANSIENT_STATUSES, RetryPolicy, TransientError, check_length

API_VERSION = "2021-08-06"
TOKEN_SCOPE = "https://storage.azure.com/.default"


class ServiceError(Exception):
    def __init__(self, status: int, code: str):
        super().__init__(f"{status} {code}")
        self.status = status
        self.code = code


class ServiceUnreachable(Exception):
    """No answer from the endpoint (connection refused, reset, timed out)."""


@dataclass(frozen=True)
class Blob:
    name: str
    size: int
    is_folder: bool  # an ADLS Gen2 folder marker (metadata hdi_isfolder=true)


class BlobService:
    """One account's Blob endpoint with one credential: key, SAS or token credential (or none)."""

    def __init__(self, endpoint: str, account: str, key: Optional[str] = None, sas: Optional[str] = None,
                 token_credential=None, retry: RetryPolicy = RetryPolicy()):
        self.retry = retry
        parts = urlsplit(endpoint)
        self._https = parts.scheme == "https"
        self._netloc = parts.netloc
        self._base_path = parts.path.rstrip("/")  # emulators put the account in the path
        self._account = account
        self._key = base64.b64decode(key) if key else None
        self._sas = sas.lstrip("?") if sas else None
        self._token_credential = token_credential
        self._token: Optional[Tuple[str, float]] = None
        self._local = threading.local()

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        del state["_local"]  # connections belong to their process
        state["_token"] = None
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._local = threading.local()

    # -- the calls
    def list_blobs(self, container: str, prefix: str, limit: Optional[int] = None) -> List[Blob]:
        """The blobs whose names start with ``prefix``, in name order (all pages; at most ``limit``)."""
        blobs: List[Blob] = []
        marker = ""
        while True:
            query = [("restype", "container"), ("comp", "list"), ("include", "metadata")]
            query += [("prefix", prefix)] if prefix else []
            query += [("marker", marker)] if marker else []
            query += [("maxresults", str(limit))] if limit else []
            _, _, body = self._request("GET", f"/{container}", query)
            root = ElementTree.fromstring(body)
            for blob in root.iter("Blob"):
                metadata = blob.find("Metadata")
                folder = metadata is not None and (metadata.findtext("hdi_isfolder") or "").lower() == "true"
                blobs.append(Blob(blob.findtext("Name") or "", int(blob.findtext("Properties/Content-Length") or 0),
                                  folder))
            marker = root.findtext("NextMarker") or ""
            if not marker or (limit and len(blobs) >= limit):
                return blobs

    def properties(self, container: str, name: str) -> Blob:
        _, headers, _ = self._request("HEAD", f"/{container}/{name}")
        return Blob(name, int(headers.get("content-length", 0)),
                    headers.get("x-ms-meta-hdi_isfolder", "").lower() == "true")

    def download(self, container: str, name: str, start: int = 0, end: Optional[int] = None,
                 size: Optional[int] = None) -> bytes:
        """Bytes [start, end) of a blob (to its end when ``end`` is None) of ``size`` bytes if known;
        a shorter answer is fetched again (see retry.check_length)."""
        if start == 0 and end is None:
            _, _, body = self._request("GET", f"/{container}/{name}", size=size)
            return body
        wanted = f"bytes={start}-{'' if end is None else end - 1}"
        status, _, body = self._request("GET", f"/{container}/{name}", headers={"x-ms-range": wanted},
                                        allowed=(200, 206, 416), start=start, end=end, size=size)
        return b"" if status == 416 else body

    def download_in_parts(self, container: str, name: str, size: int, part_size: int,
                          threads: int) -> bytes:
        """A whole blob fetched as ranges over several connections (big files)."""
        from concurrent.futures import ThreadPoolExecutor

        starts = range(0, size, part_size)
        with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="tablekit-blob") as pool:
            parts = pool.map(lambda start: self.download(container, name, start, min(size, start + part_size), size),
                             starts)
            return b"".join(parts)

    # -- requests
    def _connection(self) -> http.client.HTTPConnection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            kind = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
            connection = kind(self._netloc, timeout=self.retry.timeout)
            self._local.connection = connection
        return connection

    def _drop_connection(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
        self._local.connection = None

    def _request(self, method: str, path: str, query: Sequence[Tuple[str, str]] = (),
                 headers: Optional[Dict[str, str]] = None, allowed: Sequence[int] = (200, 206),
                 start: int = 0, end: Optional[int] = None, size: Optional[int] = None):
        """(status, lower-cased headers, body) of one call, retried while it fails transiently;
        a GET's body is checked to hold all it should ([start, end) of a blob of ``size`` bytes)."""
        url_path = self._base_path + quote(path, safe="/~")
        query_text = urlencode(list(query), quote_via=quote)
        if self._sas:
            query_text = f"{query_text}&{self._sas}" if query_text else self._sas

        def attempt():
            sent = {"x-ms-version": API_VERSION, "x-ms-date": formatdate(usegmt=True), **(headers or {})}
            self._authorize(method, url_path, query, sent)
            try:
                connection = self._connection()
                connection.request(method, url_path + ("?" + query_text if query_text else ""), headers=sent)
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as exc:
                raise TransientError(type(exc).__name__) from None
            answer = {k.lower(): v for k, v in response.getheaders()}
            code = answer.get("x-ms-error-code") or response.reason
            if response.status in TRANSIENT_STATUSES:  # busy or failing for a moment
                raise TransientError(code, response.status, code)
            if response.status not in allowed:
                raise ServiceError(response.status, code)
            if method == "GET" and response.status != 416:
                check_length(body, answer, start, end, size)
            return response.status, answer, body

        try:
            return self.retry.run(attempt, on_retry=self._drop_connection)
        except TransientError as exc:
            self._drop_connection()
            if exc.status is not None:
                raise ServiceError(exc.status, exc.detail) from None  # the code, and how many attempts
            raise ServiceUnreachable(exc.detail) from None

    def _authorize(self, method: str, url_path: str, query: Sequence[Tuple[str, str]], headers: Dict[str, str]):
        if self._key is not None:
            headers["Authorization"] = f"SharedKey {self._account}:{self._signature(method, url_path, query, headers)}"
        elif self._token_credential is not None:
            headers["Authorization"] = f"Bearer {self._bearer_token()}"

    def _signature(self, method: str, url_path: str, query: Sequence[Tuple[str, str]], headers: Dict[str, str]) -> str:
        """Shared Key: HMAC-SHA256 of the request's canonical form, keyed by the account key."""
        lowered = {k.lower(): v for k, v in headers.items()}
        standard = ["content-encoding", "content-language", "content-length", "content-md5", "content-type", "date",
                    "if-modified-since", "if-match", "if-none-match", "if-unmodified-since", "range"]
        lines = [method] + [lowered.get(name, "") for name in standard]
        canonical_headers = "".join(f"{name}:{lowered[name].strip()}\n" for name in sorted(lowered)
                                    if name.startswith("x-ms-"))
        resource = f"/{self._account}{url_path}" + "".join(f"\n{name.lower()}:{value}"
                                                            for name, value in sorted(query))
        text = "\n".join(lines) + "\n" + canonical_headers + resource
        digest = hmac.new(self._key, text.encode("utf-8"), hashlib.sha256).digest()
        return base64.b64encode(digest).decode()

    def _bearer_token(self) -> str:
        if self._token is None or self._token[1] - time.time() < 300:
            token = self._token_credential.get_token(TOKEN_SCOPE)
            self._token = (token.token, token.expires_on)
        return self._token[0]


def first_blob(service: BlobService, container: str, prefix: str) -> Optional[Blob]:
    blobs = service.list_blobs(container, prefix, limit=1)
    return blobs[0] if blobs else None

