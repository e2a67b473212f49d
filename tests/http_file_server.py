"""A static file server that honors Range requests (aiohttp), for the remote-storage tests.

    python -m tests.http_file_server <root folder> <port>

Serves <root>/<path> at /<path>; every /forbidden/... URL answers 403, as a
storage refusing the caller's credentials would.
"""
from __future__ import annotations

import sys

from aiohttp import web


async def forbidden(request: web.Request) -> web.Response:
    return web.Response(status=403, text="AuthorizationFailure")


def main(root: str, port: int) -> None:
    app = web.Application()
    app.router.add_route("*", "/forbidden/{tail:.*}", forbidden)
    app.router.add_static("/", root, follow_symlinks=False)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
