"""The package's folders are the stages of the pipeline, and imports run one way: never back up it, never round."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "bulletin"
# The order of the stages: a module may import from its own stage or an earlier one.
STAGES = {
    "core": 0, "load": 1, "render": 2, "output": 3, "incremental": 4, "pipeline": 5,
    "serve": 6, "importer": 6, "scaffold": 6, "cli": 7, "__main__": 8,
}  # fmt: skip
CORE = {"__init__", "model", "errors", "messages", "quantities", "figures", "matching", "stats", "digest", "hant",
        "hant_tables", "searchtext"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def stage(module: str) -> str:
    top = module.split(".")[0]
    return "core" if top in CORE or not top else top


def imports(path: Path) -> set[str]:
    """Every module of the package that ``path`` imports, anywhere in it (functions and TYPE_CHECKING too)."""
    here = module_name(path).split(".") if path.name != "__init__.py" else module_name(path).split(".") + ["x"]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - node.level]
                target = ".".join(base + ([node.module] if node.module else []))
            elif node.module and node.module.startswith("bulletin"):
                target = node.module.removeprefix("bulletin").lstrip(".")
            else:
                continue
            names = [f"{target}.{alias.name}".lstrip(".") for alias in node.names]
            found |= {name if (PACKAGE / (name.replace(".", "/") + ".py")).is_file() else target for name in names}
        elif isinstance(node, ast.Import):
            found |= {a.name.removeprefix("bulletin.") for a in node.names if a.name.startswith("bulletin.")}
    return {name for name in found if name}


def graph() -> dict[str, set[str]]:
    return {module_name(path): imports(path) for path in sorted(PACKAGE.rglob("*.py"))}


def test_no_module_imports_from_a_later_stage_of_the_pipeline() -> None:
    backwards = sorted((module, target) for module, targets in graph().items() for target in targets
                       if STAGES[stage(target)] > STAGES[stage(module)])
    assert backwards == []


def test_no_modules_import_each_other_in_a_circle() -> None:
    edges = graph()
    circles = []

    def visit(module: str, path: list[str]) -> None:
        for target in sorted(edges.get(module, ())):
            if target in path:
                circles.append(path[path.index(target):] + [target])
            elif target in edges and len(path) < 30:
                visit(target, path + [target])

    for module in sorted(edges):
        visit(module, [module])
    assert circles == []


def test_every_stage_is_a_folder_or_a_core_module() -> None:
    tops = {module_name(path).split(".")[0] for path in PACKAGE.rglob("*.py")} - {""}
    assert tops - CORE == set(STAGES) - {"core"}
