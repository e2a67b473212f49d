"""mltable's option types: header modes, encodings and column data types.

Their YAML forms (``MLTableHeaders.x.name``, ``DataType._arguments``) are what
MLTable files store, so they follow mltable exactly.
"""
from __future__ import annotations

from enum import Enum, auto
from typing import Any, Iterable, List, Optional, Union

from tablekit.errors import user_error


class MLTableHeaders(Enum):
    """How column headers are read from delimited files."""

    no_header = auto()
    from_first_file = auto()
    all_files_different_headers = auto()
    all_files_same_headers = auto()

    @staticmethod
    def _parse(header: Union[str, "MLTableHeaders"]) -> "MLTableHeaders":
        if isinstance(header, MLTableHeaders):
            return header
        if not isinstance(header, str):
            raise user_error("The header should be a string or an MLTableHeader enum")
        try:
            return MLTableHeaders[header.lower()]
        except KeyError:
            raise user_error(
                f"Given invalid header {header}, supported headers are: 'no_header', 'from_first_file', "
                "'all_files_different_headers', and 'all_files_same_headers'.") from None


class MLTableFileEncoding(Enum):
    """Text encodings of delimited and JSON-lines files."""

    utf8 = auto()
    iso88591 = auto()
    latin1 = auto()
    ascii = auto()
    utf16 = auto()
    utf8bom = auto()
    windows1252 = auto()

    @staticmethod
    def _parse(encoding: Union[str, "MLTableFileEncoding"]) -> "MLTableFileEncoding":
        if isinstance(encoding, MLTableFileEncoding):
            return encoding
        if not isinstance(encoding, str):
            raise user_error("The encoding should be a string or an MLTableFileEncoding enum")
        aliases = {
            "utf8": "utf8", "utf-8": "utf8", "utf-8 bom": "utf8",
            "iso88591": "iso88591", "iso-8859-1": "iso88591",
            "latin1": "latin1", "latin-1": "latin1",
            "ascii": "ascii",
            "windows1252": "windows1252", "windows-1252": "windows1252",
        }
        if encoding in aliases:
            return MLTableFileEncoding[aliases[encoding]]
        raise user_error(
            f"Given invalid encoding '{encoding}', supported encodings are: utf8 (\"utf8\", \"utf-8\", "
            "\"utf-8 bom\"), iso88591 (\"iso88591\", \"iso-8859-1\"), latin1 (\"latin1\", \"latin-1\"), "
            "ascii, utf16 (via MLTableFileEncoding.utf16) and windows1252 (\"windows1252\", \"windows-1252\").")


def _str_list(values: Any, name: str) -> Optional[List[str]]:
    if values is None:
        return None
    if isinstance(values, str):
        return [values]
    if isinstance(values, (list, tuple, set)) and any(not isinstance(v, str) for v in values):
        raise user_error(f"`{name}` must only consists of strings")
    return list(values) or None


class DataType:
    """A column type for ``convert_column_types`` and ``column_type_overrides``.

    ``_arguments`` is the type's YAML form: a bare name ('int', 'float',
    'string', 'boolean', 'stream_info') or a one-key dict with options.
    """

    _MISMATCH_AS_TYPES = ("error", "true", "false")
    _SIMPLE = ("string", "int", "float", "boolean", "stream_info")

    def __init__(self, arguments: Any = "string"):
        self._arguments = arguments

    # -- identity ---------------------------------------------------------
    @property
    def name(self) -> str:
        """The base type: string, int, float, boolean, stream_info or datetime."""
        return self._arguments if isinstance(self._arguments, str) else next(iter(self._arguments))

    @property
    def options(self) -> dict:
        return {} if isinstance(self._arguments, str) else dict(self._arguments[self.name])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DataType) and other._arguments == self._arguments

    def __hash__(self) -> int:
        return hash(repr(self._arguments))

    def __repr__(self) -> str:
        return f"DataType({self._arguments!r})"

    # -- constructors -----------------------------------------------------
    @staticmethod
    def _from_raw(value: Any) -> "DataType":
        if isinstance(value, DataType):
            return value
        if isinstance(value, str) and value in DataType._SIMPLE:
            return DataType(value)
        if isinstance(value, dict) and len(value) == 1 and next(iter(value)) in ("boolean", "datetime"):
            return DataType(value)  # the YAML form of a typed conversion
        raise user_error(
            f"'{value}' is not a supported string conversion for `mltable.DataType`, supported types are "
            "'string', 'int', 'float', 'boolean', & 'stream_info'")

    @staticmethod
    def to_string() -> "DataType":
        return DataType("string")

    @staticmethod
    def to_int() -> "DataType":
        return DataType("int")

    @staticmethod
    def to_float() -> "DataType":
        return DataType("float")

    @staticmethod
    def to_stream() -> "DataType":
        return DataType("stream_info")

    @staticmethod
    def to_bool(true_values: Optional[Iterable[str]] = None, false_values: Optional[Iterable[str]] = None,
                mismatch_as: Optional[str] = None) -> "DataType":
        if mismatch_as is not None and mismatch_as not in DataType._MISMATCH_AS_TYPES:
            raise user_error(f"`mismatch_as` can only be {DataType._MISMATCH_AS_TYPES}")
        trues = _str_list(true_values, "true_values")
        falses = _str_list(false_values, "false_values")
        if (trues is None) != (falses is None):
            raise user_error("`true_values` and `false_values` must both be None or non-empty list of strings")
        if trues and falses and set(trues) & set(falses):
            raise user_error("`true_values` and `false_values` can not have overlapping values")
        options: dict = {}
        if trues and falses:
            options = {"true_values": trues, "false_values": falses, "mismatch_as": "error"}
        if mismatch_as:
            options["mismatch_as"] = mismatch_as
        return DataType({"boolean": options} if options else "boolean")

    @staticmethod
    def to_datetime(formats: Union[str, List[str]], date_constant: Optional[str] = None) -> "DataType":
        if isinstance(formats, str):
            formats = [formats]
        elif not (isinstance(formats, (list, tuple)) and all(isinstance(f, str) for f in formats)):
            raise user_error("Expect `formats` to be a single string, a list of strings, or a tuple of strings")
        options: dict = {"formats": list(formats)}
        if date_constant is not None:
            options["date_constant"] = date_constant
        return DataType({"datetime": options})


def column_type_mappings(mapping: Any, allow_stream: bool = True) -> tuple:
    """Normalise ``{col | (cols...): type}`` into a tuple of (columns, DataType).

    ``columns`` is a str for one column or a tuple of str, as the user wrote it.
    """
    if not isinstance(mapping, dict):
        raise user_error("Expected a dictionary of column names (or tuples of names) to `mltable.DataType`s")
    result = []
    seen: set = set()
    for columns, data_type in mapping.items():
        names = (columns,) if isinstance(columns, str) else columns
        if not isinstance(names, tuple) or not names or not all(isinstance(n, str) for n in names):
            raise user_error("Column names must be a string or a tuple of strings")
        duplicated = seen.intersection(names)
        if duplicated or len(set(names)) != len(names):
            raise user_error(f"Found duplicate columns in given column names: {duplicated or set(names)}")
        seen.update(names)
        dtype = DataType._from_raw(data_type)
        if dtype.name == "stream_info" and not allow_stream:
            raise user_error("`mltable.DataType.to_stream()` is not supported for `column_type_overrides`")
        result.append((columns if isinstance(columns, str) else tuple(columns), dtype))
    return tuple(result)
