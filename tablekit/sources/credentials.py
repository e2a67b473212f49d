"""Storage credentials: the ``storage_options`` a user passes, kept out of sight.

``StorageOptions`` holds what from_*() and load() were given.  It never shows
a secret: its repr names the keys only, plans do not print or save it (it is
not part of the MLTable YAML), and ``redact`` scrubs secrets out of any text
tablekit puts in an error message.

Keys (Azure ones follow adlfs and the Azure SDK):
  account_name, account_key, sas_token, connection_string, credential (an
  azure-identity credential object such as DefaultAzureCredential()),
  anon (True: no credentials at all), blob_endpoint (e.g. an Azurite URL).
Transfer keys, for every remote storage (see retry.py): max_retries, timeout.
mltable's own workspace keys (subscription, resource_group, workspace,
location, auth_dict) are accepted and ignored here.

``origin`` is set for a table tablekit did not make itself (one loaded from
storage or a registered asset, see trust.py): the storage it came from, the
only one its credentials may be sent to.
"""
from __future__ import annotations

import re
from typing import Any, Dict, Iterable, Mapping, Optional

from tablekit.errors import user_error

AZURE_KEYS = ("account_name", "account_key", "sas_token", "connection_string", "credential", "anon",
              "blob_endpoint")
TRANSFER_KEYS = ("max_retries", "timeout")
WORKSPACE_KEYS = ("subscription", "resource_group", "workspace", "location", "auth_dict")
SECRET_KEYS = ("account_key", "sas_token", "connection_string")

MASK = "***"
# secrets that travel inside URLs and connection strings, whoever wrote them
_SECRET_PATTERNS = (
    re.compile(r"(?i)((?:^|[?&;\s])sig=)[^&;\s'\"]+"),
    re.compile(r"(?i)(AccountKey=)[^;\s'\"]+"),
    re.compile(r"(?i)(SharedAccessSignature=)[^;\s'\"]+"),
)

# every secret value seen by this process, so that error texts can be scrubbed of it
_KNOWN_SECRETS: set = set()


class StorageOptions:
    """The credentials and endpoints of one table's storage, validated, with secrets hidden."""

    def __init__(self, options: Optional[Mapping[str, Any]] = None):
        self.origin: Optional[str] = None  # None: the user's own table, whose credentials go where its paths say
        if options is None:
            options = {}
        if not isinstance(options, Mapping):
            raise user_error(f"storage_options must be a dictionary, not {type(options).__name__}")
        supported = AZURE_KEYS + TRANSFER_KEYS
        unknown = sorted(set(options) - set(supported) - set(WORKSPACE_KEYS))
        if unknown:
            raise user_error(f"storage_options has unknown keys {unknown}; supported keys are "
                             f"{list(supported)} (and mltable's workspace keys {list(WORKSPACE_KEYS)})")
        self._values: Dict[str, Any] = {k: v for k, v in options.items() if k in supported and v is not None}
        for key in SECRET_KEYS:
            if key in self._values:
                if not isinstance(self._values[key], str):
                    raise user_error(f"storage_options['{key}'] must be a string")
                remember_secret(self._values[key])

    def confined_to(self, origin: str) -> "StorageOptions":
        """The same options for a table from ``origin``: credentials go to that storage only."""
        confined = StorageOptions()
        confined._values, confined.origin = self._values, origin
        return confined

    def get(self, key: str, default: Any = None) -> Any:
        return self._values.get(key, default)

    def __bool__(self) -> bool:
        return bool(self._values)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StorageOptions) and (self._values, self.origin) == (other._values, other.origin)

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._values)))

    def __repr__(self) -> str:
        return f"StorageOptions(keys={sorted(self._values)})"

    __str__ = __repr__


def remember_secret(value: str) -> None:
    """Scrub ``value`` (and the secret parts of it) from every text ``redact`` sees from now on."""
    if value:
        _KNOWN_SECRETS.add(value)
        for part in re.split(r"[;&?]", value):  # connection strings and SAS tokens hold several
            name, _, secret = part.partition("=")
            if name.strip().lower() in ("accountkey", "sharedaccesssignature", "sig") and len(secret) >= 8:
                _KNOWN_SECRETS.add(secret)


def redact(text: str) -> str:
    """``text`` without any secret tablekit knows of or can recognize (SAS signatures, account keys)."""
    for secret in sorted(_KNOWN_SECRETS, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MASK)
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + MASK, text)
    return text


def parse_connection_string(text: str) -> Dict[str, str]:
    """An Azure Storage connection string as {key: value} (keys as written, e.g. AccountName)."""
    remember_secret(text)
    parts: Dict[str, str] = {}
    for part in text.split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name:
            parts[name.strip()] = value.strip()
    return parts


def first_set(environ: Mapping[str, str], names: Iterable[str]) -> Optional[str]:
    """The value of the first of ``names`` that is set (and not empty) in ``environ``."""
    for name in names:
        if environ.get(name):
            return environ[name]
    return None

