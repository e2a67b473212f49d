"""The code's shape, as docs/architecture.md describes it: no import circles between tablekit's
modules, and no module over 600 lines."""
from __future__ import annotations

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent / "tablekit"
MAX_LINES = 600


def _modules() -> dict:
    modules = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    return modules


def _runtime_imports(tree: ast.AST):
    """Import nodes, less those under ``if TYPE_CHECKING:`` (never run)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            node.body = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node


def import_graph() -> dict:
    modules = _modules()
    graph = {name: set() for name in modules}
    for name, path in modules.items():
        for node in _runtime_imports(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif node.module and node.level == 0:
                submodules = [f"{node.module}.{alias.name}" for alias in node.names]
                found = [t for t in submodules if t in modules]
                targets = found if len(found) == len(submodules) else [node.module] + found
            else:
                continue
            graph[name] |= {t for t in targets if t in modules and t != name}
    return graph


def cycles(graph: dict) -> list:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_circles():
    graph = import_graph()
    # the package's __init__ imports its public names; modules importing `tablekit.x` do not import it back
    graph["tablekit"] = set()
    assert cycles(graph) == []


def test_modules_stay_short():
    long = {str(path.relative_to(ROOT)): len(path.read_text().splitlines())
            for path in ROOT.rglob("*.py") if len(path.read_text().splitlines()) > MAX_LINES}
    assert long == {}
