"""Decoding text files with mltable's encodings.

mltable decodes like a browser (the WHATWG encoding standard): 'latin1' and
'iso88591' mean windows-1252 (0x80 is the euro sign), 'ascii' means UTF-8,
and a UTF-8 BOM is dropped.  Bytes that are not valid in the encoding are an
error (mltable: "Error attempting to decode into utf-8", code
ScriptExecution.Validation).
"""
from __future__ import annotations

import codecs

from tablekit.errors import ErrorCode, data_error

# windows-1252 leaves five bytes undefined; WHATWG maps them to the C1 controls of the same value.
codecs.register_error("tablekit-c1", lambda exc: (chr(exc.object[exc.start]), exc.start + 1))

CODECS = {
    "utf8": "utf-8-sig", "utf8bom": "utf-8-sig", "ascii": "utf-8-sig",
    "iso88591": "cp1252", "latin1": "cp1252", "windows1252": "cp1252",
}


def _utf16_codec(data: bytes) -> str:
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return "utf-16"
    # No BOM: ASCII-range text has its zero bytes first in big-endian order.
    return "utf-16-be" if len(data) > 1 and data[0] == 0 and data[1] != 0 else "utf-16-le"


def decode(data: bytes, encoding: str, display: str) -> str:
    if encoding == "utf16":
        codec = _utf16_codec(data)
    else:
        codec = CODECS[encoding]
    try:
        return data.decode(codec, errors="tablekit-c1" if codec == "cp1252" else "strict")
    except UnicodeDecodeError as exc:
        raise encoding_error(encoding, display, exc.start) from None


def encoding_error(encoding: str, display: str, offset: int | None = None):
    where = f" at byte {offset}" if offset is not None else ""
    target = "utf-8" if CODECS.get(encoding, "").startswith("utf-8") else encoding
    return data_error(ErrorCode.VALIDATION,
                      f"Error attempting to decode into {target}: '{display}' has bytes that are not valid "
                      f"{encoding} text{where} (EncodingError). Pass the file's real encoding, e.g. "
                      "encoding='latin1'.")


def is_utf8_family(encoding: str) -> bool:
    return encoding in ("utf8", "utf8bom", "ascii")
