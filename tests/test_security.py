"""Filter expressions and MLTable files are data, never code.

The filter language is parsed by tablekit's own parser (tests/test_expr.py shows that attribute
access, dunders, imports and unknown functions are rejected); here we check the whole code base
for the ways Python can turn text into code or objects.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

import tablekit as mltable
from tablekit.errors import MLTableError

PACKAGE = Path(mltable.__file__).resolve().parent
CODE_FROM_TEXT = {"eval", "exec", "compile", "__import__", "execfile"}
UNSAFE_ATTRIBUTES = {("yaml", "load"), ("yaml", "unsafe_load"), ("yaml", "full_load"), ("pickle", "loads"),
                     ("pickle", "load"), ("marshal", "loads")}


def _calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name):
                yield func.id, None
            elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                yield func.value.id, func.attr


def test_no_code_from_text_anywhere_in_tablekit():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for base, attr in _calls(ast.parse(path.read_text(encoding="utf-8"))):
            if (attr is None and base in CODE_FROM_TEXT) or (base, attr) in UNSAFE_ATTRIBUTES:
                found.append(f"{path.relative_to(PACKAGE)}: {base}{'.' + attr if attr else ''}()")
    assert not found, "text must never become code: " + ", ".join(found)


@pytest.mark.parametrize("text", [
    "!!python/object/apply:os.system ['touch owned']\n",
    "paths: !!python/object/apply:os.system ['touch owned']\n",
    "paths:\n  - file: !!python/name:os.system\n",
    "paths:\n  - file: x.csv\ntransformations:\n  - filter: \"__import__('os').system('touch owned')\"\n",
])
def test_mltable_files_cannot_run_code(tmp_path, monkeypatch, text):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.csv").write_text("a\n1\n")
    (tmp_path / "MLTable").write_text(text)
    with pytest.raises(MLTableError):
        mltable.load(str(tmp_path)).to_pandas_dataframe()
    assert not (tmp_path / "owned").exists()


@pytest.mark.parametrize("expression", [
    "a.__class__ == 1", "__import__('os').system('touch owned')", "open('owned', 'w')", "eval('1')",
    "exec('x = 1')", "globals()", "(lambda: 1)()", "getattr(a, 'real')", "a[0]",
])
def test_filters_cannot_run_code(tmp_path, monkeypatch, expression):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.csv").write_text("a\n1\n")
    table = mltable.from_delimited_files([{"file": "x.csv"}]).filter(expression)
    try:
        table.to_pandas_dataframe()
    except MLTableError:
        pass
    assert not (tmp_path / "owned").exists()
