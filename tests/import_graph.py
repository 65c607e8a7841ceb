"""The import graph of a package, read from its source (every import, the lazy ones inside
functions included; those under ``if TYPE_CHECKING:`` left out, since they never run).

    python -m tests.import_graph [SRC_DIR] [--units]

prints each module's (or, with ``--units``, each top-level module's or sub-package's)
imports and the circles among them; ``tests/test_imports.py`` holds the rules.
"""

from __future__ import annotations

import argparse
import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "src"

Graph = dict[str, set[str]]


def _module_name(path: Path, src: Path) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", None)
            if name == "TYPE_CHECKING":
                for sub in node.body:
                    skip.update(id(n) for n in ast.walk(sub))
    return skip


def module_graph(src: Path = ROOT, package: str = "sourcecheck") -> Graph:
    """Module → the package's modules it imports. An import of the package's root (its
    version, its lazy facade) is left out: every submodule imports it anyway."""
    files = {_module_name(p, src): p for p in (src / package).rglob("*.py")}
    graph: Graph = {name: set() for name in files}
    for name, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        here = name if path.name == "__init__.py" else name.rpartition(".")[0]
        skip = _type_checking_nodes(tree)
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = here.split(".")[: len(here.split(".")) - node.level + 1]
                    module = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    module = node.module or ""
                # ``from pkg import submodule`` imports the submodule, not pkg's names.
                subs = [f"{module}.{a.name}" for a in node.names if f"{module}.{a.name}" in files]
                targets = subs if len(subs) == len(node.names) else [module, *subs]
            for target in targets:
                if not (target == package or target.startswith(package + ".")):
                    continue
                while target not in files and "." in target:
                    target = target.rpartition(".")[0]
                if target in files and target not in (name, package):
                    graph[name].add(target)
    return graph


def unit_of(module: str) -> str:
    """``sourcecheck.score.verifier`` → ``sourcecheck.score``; ``sourcecheck.verdict`` stays."""
    return ".".join(module.split(".")[:2])


def unit_graph(graph: Mapping[str, Iterable[str]]) -> Graph:
    out: Graph = {}
    for a, targets in graph.items():
        out.setdefault(unit_of(a), set())
        for b in targets:
            if unit_of(a) != unit_of(b):
                out[unit_of(a)].add(unit_of(b))
    return out


def cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
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
    return sorted(found)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("src", nargs="?", type=Path, default=ROOT)
    ap.add_argument("--units", action="store_true", help="top-level modules and packages")
    args = ap.parse_args(argv)
    graph = module_graph(args.src)
    if args.units:
        graph = unit_graph(graph)
    for name in sorted(graph):
        print(f"{name} -> {', '.join(sorted(graph[name])) or '-'}")
    found = cycles(graph)
    print(f"circles: {len(found)}")
    for component in found:
        print("  " + " <-> ".join(component))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
