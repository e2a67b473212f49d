"""The suite's network guard (tests/conftest.py): nothing but loopback is reached, and credential
chains do not probe the cloud's metadata address."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import REACHED, NonLoopbackConnection
from tests.servers import REPO


def refused(what: str) -> None:
    """The guard recorded ``what``; cleared so that this test, which asked for it, passes."""
    assert any(what in reached for reached in REACHED), REACHED
    REACHED.clear()


def test_a_connection_beyond_loopback_is_refused():
    with pytest.raises(NonLoopbackConnection):
        socket.create_connection(("192.0.2.1", 443), timeout=1)  # TEST-NET-1: never routed anyway
    refused("192.0.2.1")
    with pytest.raises(NonLoopbackConnection):
        socket.socket().connect_ex(("169.254.169.254", 80))
    refused("169.254.169.254")


def test_no_name_but_localhost_is_looked_up():
    with pytest.raises(NonLoopbackConnection):
        socket.getaddrinfo("myaccount.blob.core.windows.net", 443)
    refused("myaccount.blob.core.windows.net")


def test_localhost_names_are_loopback():
    assert {info[4][0] for info in socket.getaddrinfo("evilacct.blob.localhost", 80, socket.AF_INET)} \
        == {"127.0.0.1"}
    with socket.create_server(("127.0.0.1", 0)) as server:
        socket.create_connection(("other.blob.localhost", server.getsockname()[1]), timeout=5).close()
    assert not REACHED


def test_a_swallowed_refusal_still_fails_the_test(tmp_path):
    (tmp_path / "conftest.py").write_text("from tests.conftest import *  # noqa: F401,F403\n")
    (tmp_path / "test_reaching_out.py").write_text(textwrap.dedent("""
        import socket

        def test_swallows():
            try:
                socket.create_connection(("192.0.2.1", 80), timeout=1)
            except OSError:
                pass  # as a credential chain does
    """))
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", str(tmp_path)],
                         cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 failed" in run.stdout and "tried to reach beyond loopback: a connection to 192.0.2.1" in run.stdout


def test_default_azure_credential_does_not_probe():
    from azure.core.exceptions import ClientAuthenticationError
    from azure.identity import DefaultAzureCredential, ManagedIdentityCredential

    for credential in (DefaultAzureCredential(), ManagedIdentityCredential()):
        with pytest.raises(ClientAuthenticationError):
            credential.get_token("https://storage.azure.com/.default")
    assert not REACHED  # the metadata address (169.254.169.254) was not tried
