"""Decoding text files: mltable's encodings, and its EncodingError for bad bytes."""
from __future__ import annotations

from tablekit.errors import ErrorCode, data_error
from tablekit.types import MLTableFileEncoding


def decode(data: bytes, encoding: str, display: str) -> str:
    codec = MLTableFileEncoding[encoding].python_codec
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise encoding_error(encoding, display, exc.start) from None


def encoding_error(encoding: str, display: str, offset: int | None = None):
    where = f" at byte {offset}" if offset is not None else ""
    return data_error(ErrorCode.VALIDATION,
                      f"EncodingError: '{display}' is not valid {encoding} text{where}. "
                      "Pass the file's real encoding (e.g. encoding='latin1').")


def is_utf8_family(encoding: str) -> bool:
    return encoding in ("utf8", "utf8bom")
