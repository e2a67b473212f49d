"""A reverse proxy that injects storage faults, in front of a real server (aiohttp).

    python -m tests.fault_proxy <upstream URL> <port>

Forwards every request to the upstream server (the HTTP file server, Azurite)
as it is: method, path, query, headers (a Shared Key signature does not cover
the host, so it stays valid).  ``POST /__faults__`` with a JSON body arms one
fault for the next matching requests:

    {"kind": "status", "status": 503, "count": 2}   answer 503 instead of forwarding
    {"kind": "drop", "count": 1}     send the headers and half the body, then cut the connection
    {"kind": "stall", "seconds": 5}  wait this long before answering
    {"kind": "truncate", "count": 1} send half the body with headers that agree with it
                                     (Content-Length, and Content-Range, say the short length)
    {"kind": "none"}                 forward everything

``count`` (default: every request) is how many matching requests get the
fault, after the first ``skip`` (default 0) matching ones went through;
``match`` (default "") a text the request's path must contain;
``method`` (default "GET") the method it must have.  ``GET /__faults__``
answers the counts so far: requests forwarded, faults injected, requests
stalling right now.
"""
from __future__ import annotations

import asyncio
import sys

from aiohttp import ClientError, ClientSession, ClientTimeout, web

CONTROL = "/__faults__"
# hop-by-hop headers and those the proxy recomputes for the body it sends
NOT_FORWARDED = {"host", "connection", "keep-alive", "transfer-encoding", "content-length"}


class FaultProxy:
    def __init__(self, upstream: str):
        self.upstream = upstream.rstrip("/")
        self.fault = {"kind": "none"}
        self.counts = {"requests": 0, "faulted": 0, "stalling": 0}
        self.matched = 0  # requests the armed fault matched (skipped ones included)
        self.session: ClientSession | None = None

    async def control(self, request: web.Request) -> web.Response:
        if request.method == "POST":
            self.fault = await request.json()
            self.counts["faulted"] = 0
            self.matched = 0
        return web.json_response(self.counts)

    def _armed(self, request: web.Request) -> bool:
        fault = self.fault
        if fault.get("kind", "none") == "none" or request.method != fault.get("method", "GET"):
            return False
        if fault.get("match", "") not in request.path:
            return False
        self.matched += 1
        count = fault.get("count")
        return self.matched > fault.get("skip", 0) and (count is None or self.counts["faulted"] < count)

    async def forward(self, request: web.Request) -> web.StreamResponse:
        self.counts["requests"] += 1
        fault = self.fault if self._armed(request) else {"kind": "none"}
        kind = fault["kind"]
        if kind != "none":
            self.counts["faulted"] += 1
        if kind == "status":
            return web.Response(status=fault.get("status", 503), text="injected fault")
        if kind == "stall":
            self.counts["stalling"] += 1
            try:
                await asyncio.sleep(fault.get("seconds", 5))
            finally:
                self.counts["stalling"] -= 1

        headers = {k: v for k, v in request.headers.items() if k.lower() not in NOT_FORWARDED}
        body = await request.read()
        try:
            async with self.session.request(request.method, self.upstream + request.path_qs, headers=headers,
                                            data=body or None, allow_redirects=False) as upstream:
                data = await upstream.read()
                answer_headers = {k: v for k, v in upstream.headers.items() if k.lower() not in NOT_FORWARDED}
                length = int(upstream.headers.get("Content-Length", len(data)))
                status = upstream.status
        except ClientError:  # the server behind is gone: what a gateway answers
            return web.Response(status=502, text="upstream unreachable")

        if kind in ("drop", "truncate") and data:
            data = data[:len(data) // 2]
            if kind == "truncate":
                length = len(data)
                if "Content-Range" in answer_headers:  # 'bytes a-b/total' -> the short span it now holds
                    span, _, total = answer_headers["Content-Range"][6:].partition("/")
                    first = int(span.partition("-")[0])
                    answer_headers["Content-Range"] = f"bytes {first}-{first + length - 1}/{total}"
        response = web.StreamResponse(status=status, headers=answer_headers)
        response.content_length = length
        await response.prepare(request)
        if request.method != "HEAD":
            await response.write(data)
        if kind == "drop":
            request.transport.close()  # mid-body: the client has fewer bytes than Content-Length said
            return response
        await response.write_eof()
        return response


def main(upstream: str, port: int) -> None:
    proxy = FaultProxy(upstream)

    async def open_session(app: web.Application) -> None:
        proxy.session = ClientSession(timeout=ClientTimeout(total=120), auto_decompress=False,
                                      skip_auto_headers=("Accept-Encoding", "User-Agent", "Content-Type"))

    async def close_session(app: web.Application) -> None:
        await proxy.session.close()

    app = web.Application(client_max_size=1 << 30)
    app.on_startup.append(open_session)
    app.on_cleanup.append(close_session)
    app.router.add_route("*", CONTROL, proxy.control)
    app.router.add_route("*", "/{tail:.*}", proxy.forward)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
