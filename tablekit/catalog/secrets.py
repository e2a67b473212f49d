"""Datastore credentials: where a secret is kept, and never showing it.

A secret (SAS token, account key, client secret) given to a datastore is kept
the way the user chose, and the catalog records only how to get it back:

* ``"env:NAME"`` as the value: nothing is stored but the variable's name; the
  secret is read from the environment each time it is needed.
* ``secret_store="keyring"``: the secret goes to the operating system's
  keyring (the ``keyring`` package); the catalog holds the entry's name.  This
  is the default for a literal secret when a keyring is usable.
* ``secret_store="plaintext"``: the secret is written, in clear, into the
  catalog file, which is then made readable by its owner only.

Reprs, errors and the CLI show a credential as its kind and where it is kept
(``describe``); a revealed secret is handed to ``tablekit.sources.credentials``
so that it is scrubbed out of any error text.
"""
from __future__ import annotations

import os
from typing import Dict, Optional

from tablekit.errors import user_error

SECRET_STORES = ("keyring", "plaintext")
ENV_PREFIX = "env:"
KEYRING_SERVICE = "tablekit"


def _keyring():
    """The keyring module if it has a backend that can store secrets, else None."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:
        return None
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 1) <= 0:
        return None
    return keyring


def _keyring_entry(home: str, datastore: str, kind: str) -> str:
    return f"{os.path.abspath(home)}|{datastore}|{kind}"


def keep_secret(home: str, datastore: str, kind: str, value: str, secret_store: Optional[str]) -> Dict[str, str]:
    """Keep a secret as chosen; returns the credential record the catalog stores."""
    if not isinstance(value, str) or not value:
        raise user_error(f"The {kind} of datastore '{datastore}' must be a non-empty string")
    if value.startswith(ENV_PREFIX):
        variable = value[len(ENV_PREFIX):]
        if not variable:
            raise user_error(f"'{ENV_PREFIX}' must be followed by the name of an environment variable ({kind})")
        return {"type": kind, "store": "env", "ref": variable}
    if secret_store not in (None,) + SECRET_STORES:
        raise user_error(f"secret_store must be one of {', '.join(SECRET_STORES)} (or give the {kind} as "
                         f"'env:VARIABLE'), not {secret_store!r}")
    if secret_store == "plaintext":
        return {"type": kind, "store": "plaintext", "value": value}
    keyring = _keyring()
    if keyring is None:
        raise user_error(
            f"Where should the {kind} of datastore '{datastore}' be kept? No usable keyring was found (install "
            f"the 'keyring' package with a backend for this system, then use secret_store='keyring'). Other "
            f"choices: give it as 'env:VARIABLE' to read it from an environment variable each time, or pass "
            f"secret_store='plaintext' to store it in clear in the catalog (readable by your user only).")
    entry = _keyring_entry(home, datastore, kind)
    keyring.set_password(KEYRING_SERVICE, entry, value)
    return {"type": kind, "store": "keyring", "ref": entry}


def reveal(credential: Dict[str, str], datastore: str) -> str:
    """The secret a credential record points to (only ever passed to a storage client)."""
    store = credential["store"]
    if store == "plaintext":
        return credential["value"]
    if store == "env":
        value = os.environ.get(credential["ref"])
        if not value:
            raise user_error(f"Datastore '{datastore}' reads its {credential['type']} from the environment "
                             f"variable {credential['ref']}, which is not set")
        return value
    keyring = _keyring()
    value = keyring.get_password(KEYRING_SERVICE, credential["ref"]) if keyring else None
    if not value:
        raise user_error(f"The {credential['type']} of datastore '{datastore}' is not in the keyring (entry "
                         f"'{credential['ref']}'); register the datastore again with overwrite=True")
    return value


def forget(credential: Optional[Dict[str, str]]) -> None:
    """Remove a keyring secret when its datastore goes away (other stores need nothing)."""
    if credential and credential.get("store") == "keyring":
        keyring = _keyring()
        if keyring is not None:
            try:
                keyring.delete_password(KEYRING_SERVICE, credential["ref"])
            except Exception:
                pass  # already gone: nothing to remove


def describe(credential: Optional[Dict[str, str]]) -> str:
    """How a datastore authenticates, without the secret."""
    if not credential:
        return "none (anonymous or identity-based access)"
    where = {"env": f"from environment variable {credential.get('ref')}",
             "keyring": "in the system keyring",
             "plaintext": "stored in clear in the catalog"}[credential["store"]]
    return f"{credential['type']} ({where})"

