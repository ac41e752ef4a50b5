"""The import graph of our own code, read from the source with `ast` (nothing is imported):
one edge per `import` statement, with whether it runs at module load or inside a function."""

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("imagin_site", "home", "regulations", "missions", "assignment")


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    line: int
    deferred: bool  # inside a function: runs at call time, cannot make a load-time circle


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _targets(node, modules):
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:  # relative imports are banned by ruff (TID252); none to resolve
        return []
    base = node.module or ""
    # `from missions.services import payments` imports the module missions.services.payments.
    found = [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in modules]
    return found or [base]


def edges():
    paths = list(source_files())
    modules = {module_name(path) for path in paths}
    result = []
    for path in paths:
        source = module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        deferred_nodes = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                deferred_nodes.update(id(n) for n in ast.walk(node) if n is not node)
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                deferred_nodes.update(id(n) for n in ast.walk(node) if n is not node)
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for target in _targets(node, modules):
                    if target.split(".")[0] in PACKAGES:
                        result.append(Edge(source, target, node.lineno, id(node) in deferred_nodes))
    return result


def within(module, prefix):
    return module == prefix or module.startswith(prefix + ".")


def cycles(graph_edges, include_deferred=True):
    """Strongly connected components of more than one module (Tarjan)."""
    graph = {}
    for edge in graph_edges:
        if (include_deferred or not edge.deferred) and edge.source != edge.target:
            graph.setdefault(edge.source, set()).add(edge.target)
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for successor in graph.get(node, ()):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found
