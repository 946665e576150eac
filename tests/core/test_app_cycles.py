"""No two apps import each other, directly or around a loop.

The import graph is read from the source with ``ast`` (imports inside functions count too:
a lazy import still ties the apps together), so the check needs no database.
Migrations are left out: Django resolves them by app label, not by Python imports.
"""

import ast
from collections import defaultdict
from pathlib import Path

APPS_DIR = Path(__file__).resolve().parents[2] / "apps"


def _module_name(path: Path) -> str:
    parts = path.relative_to(APPS_DIR.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def app_import_graph() -> dict[tuple[str, str], list[str]]:
    """(importing app, imported app) -> the importing modules, sorted."""
    apps = {p.name for p in APPS_DIR.iterdir() if (p / "__init__.py").exists()}
    edges: dict[tuple[str, str], set[str]] = defaultdict(set)
    for path in sorted(APPS_DIR.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        if path.parent == APPS_DIR:
            continue
        module = _module_name(path)
        source_app = module.split(".")[1]
        for imported in _imported_modules(path):
            parts = imported.split(".")
            if len(parts) >= 2 and parts[0] == "apps" and parts[1] in apps and parts[1] != source_app:
                edges[(source_app, parts[1])].add(f"{module} -> {'.'.join(parts[:3])}")
    return {edge: sorted(modules) for edge, modules in edges.items()}


def app_cycles(graph: dict[tuple[str, str], list[str]]) -> list[list[str]]:
    """Strongly connected components of more than one app (Tarjan)."""
    successors: dict[str, set[str]] = defaultdict(set)
    for source, target in graph:
        successors[source].add(target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(successors[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(set(successors) | {t for _, t in graph}):
        if node not in index:
            visit(node)
    return components


def test_no_import_cycle_between_apps():
    graph = app_import_graph()
    problems = []
    for component in app_cycles(graph):
        members = set(component)
        lines = [
            f"  {module}"
            for (source, target), modules in sorted(graph.items())
            if source in members and target in members
            for module in modules
        ]
        problems.append(f"cycle between apps {', '.join(component)}:\n" + "\n".join(lines))
    assert not problems, "\n".join(problems)


def test_a_cycle_is_found():
    """The check itself: two apps importing each other, and three around a loop, are cycles."""
    assert app_cycles({("a", "b"): [], ("b", "a"): [], ("c", "a"): []}) == [["a", "b"]]
    assert app_cycles({("a", "b"): [], ("b", "c"): [], ("c", "a"): []}) == [["a", "b", "c"]]
    assert app_cycles({("a", "b"): [], ("b", "c"): []}) == []


def test_core_imports_no_domain_app():
    graph = app_import_graph()
    offending = [m for (source, _), modules in graph.items() if source == "core" for m in modules]
    assert not offending, "\n".join(offending)
