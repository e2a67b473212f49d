"""Real storage servers for the remote-storage tests and benchmarks, started and stopped by PID.

- Azurite, Microsoft's Azure Storage emulator (npm package, installed into
  ./node_modules by ./dev.sh), run as ``node_modules/.bin/azurite-blob``
  directly: the process started is the server itself (``npx`` would leave a
  wrapper whose server outlives it).
- An aiohttp static file server, which answers Range requests as real web
  servers do (Python's http.server ignores them), plus ``/forbidden/...``
  URLs that answer 403, for the access-error tests.

A server that cannot start raises: the tests that need it fail, never skip.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
AZURITE = REPO / "node_modules" / ".bin" / "azurite-blob"
ACCOUNT = "devstoreaccount1"
# Azurite's documented development key: a well-known public value, not a secret
ACCOUNT_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
START_TIMEOUT = 90  # seconds; Azurite takes several on a busy 2-core machine


def _die_with_parent() -> None:
    """In the server's process: get SIGTERM when the process that started it dies, however it dies
    (a killed test run must not leave servers behind).  Linux only; elsewhere a no-op."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A server process on a free 127.0.0.1 port, stopped by its PID."""

    name = "server"

    def __init__(self, command, port: int, log: Path):
        self.port = port
        self._log = open(log, "wb")
        self.process = subprocess.Popen(command, stdout=self._log, stderr=subprocess.STDOUT, cwd=REPO,
                                        start_new_session=True, preexec_fn=_die_with_parent)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_until_answering(self, path: str = "/") -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with code {self.process.returncode}; see {self._log.name}")
            try:
                urllib.request.urlopen(self.url + path, timeout=2).close()
                return
            except urllib.error.HTTPError:
                return  # it answers (an error status is an answer)
            except (urllib.error.URLError, ConnectionError, socket.timeout):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer on port {self.port} within {START_TIMEOUT}s; "
                           f"see {self._log.name}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


class Azurite(Server):
    name = "Azurite"

    def __init__(self, workdir: Path):
        if not os.access(AZURITE, os.X_OK):
            raise RuntimeError(f"Azurite is not installed ({AZURITE} is missing): run ./dev.sh test, which installs "
                               f"it with npm from package.json")
        port = free_port()
        super().__init__([str(AZURITE), "--blobHost", "127.0.0.1", "--blobPort", str(port), "--location",
                          str(workdir), "--skipApiVersionCheck", "--loose", "--disableTelemetry", "--silent"],
                         port, workdir / "azurite.log")
        self.wait_until_answering(f"/{ACCOUNT}?comp=list")

    @property
    def blob_endpoint(self) -> str:
        return f"{self.url}/{ACCOUNT}"

    @property
    def connection_string(self) -> str:
        return (f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={ACCOUNT_KEY};"
                f"BlobEndpoint={self.blob_endpoint};")

    def container(self, name: str):
        """A ContainerClient for a container, created if missing (for uploads)."""
        from azure.core.exceptions import ResourceExistsError
        from azure.storage.blob import BlobServiceClient

        service = BlobServiceClient.from_connection_string(self.connection_string)
        try:
            service.create_container(name)
        except ResourceExistsError:
            pass
        return service.get_container_client(name)

    def upload_folder(self, container: str, folder: Path, prefix: str) -> int:
        """Upload every file under ``folder`` to ``<container>/<prefix>/<relative path>``; returns the count."""
        from concurrent.futures import ThreadPoolExecutor

        client = self.container(container)
        files = [p for p in sorted(folder.rglob("*")) if p.is_file() and "__pycache__" not in p.parts]

        def upload(path: Path) -> None:
            with open(path, "rb") as data:
                client.upload_blob(f"{prefix}/{path.relative_to(folder).as_posix()}", data, overwrite=True)

        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(upload, files))
        return len(files)


class HttpFileServer(Server):
    name = "HTTP file server"

    def __init__(self, root: Path, workdir: Path, port: int | None = None):
        port = port or free_port()
        super().__init__([sys.executable, "-m", "tests.http_file_server", str(root), str(port)], port,
                         workdir / f"http-{port}.log")
        self.wait_until_answering("/forbidden/ping")


class FaultProxyServer(Server):
    """tests/fault_proxy.py in front of ``upstream`` (a server's URL): faults armed with ``inject``."""

    name = "fault proxy"

    def __init__(self, upstream: str, workdir: Path):
        port = free_port()
        super().__init__([sys.executable, "-m", "tests.fault_proxy", upstream, str(port)], port,
                         workdir / f"fault-proxy-{port}.log")
        self.wait_until_answering("/__faults__")

    def inject(self, kind: str, **fault) -> dict:
        """Arm a fault (see tests/fault_proxy.py); the counts so far."""
        return self._control(json.dumps({"kind": kind, **fault}).encode())

    def counts(self) -> dict:
        """{'requests': forwarded so far, 'faulted': faults injected since armed, 'stalling': now}."""
        return self._control(None)

    def _control(self, body) -> dict:
        request = urllib.request.Request(self.url + "/__faults__", data=body, method="POST" if body else "GET",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read())

    def kill(self) -> None:
        """SIGKILL: the server vanishes mid-request, as a crashed one does."""
        self.process.kill()
        self.process.wait()


class CountingProxy:
    """A TCP forwarder in front of a server: counts the bytes the server sends (what clients
    download) and the most connections open at once (how many requests run together)."""

    def __init__(self, target_port: int):
        self._target = target_port
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self.bytes_down = 0
        self.open_connections = 0
        self.peak_connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def reset(self) -> None:
        with self._lock:
            self.bytes_down = 0
            self.peak_connections = self.open_connections

    def close(self) -> None:
        self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # closed
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        upstream = socket.create_connection(("127.0.0.1", self._target))
        with self._lock:
            self.open_connections += 1
            self.peak_connections = max(self.peak_connections, self.open_connections)
        sending = threading.Thread(target=self._pump, args=(client, upstream, False), daemon=True)
        sending.start()
        self._pump(upstream, client, True)
        sending.join()
        client.close()
        upstream.close()
        with self._lock:
            self.open_connections -= 1

    def _pump(self, source: socket.socket, target: socket.socket, downstream: bool) -> None:
        try:
            while True:
                data = source.recv(1 << 16)
                if not data:
                    break
                if downstream:
                    with self._lock:
                        self.bytes_down += len(data)
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
