"""The arrows point down: corpus imports nothing of ours, annotations only corpus, no Textual."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "corpus": ("textual", "newsreader.annotations", "newsreader.tui", "annotations", "tui"),
    "annotations": ("textual", "newsreader.tui", "tui"),
}


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level >= 2:
                found.append((node.lineno, "..relative-outside-package"))
            elif node.module and node.level == 0:
                found.append((node.lineno, node.module))
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_does_not_import_upward(package: str) -> None:
    files = sorted((REPO / package).rglob("*.py"))
    assert files, f"no Python files under {package}/"
    offenders = [
        f"{path.relative_to(REPO)}:{line} imports {name}"
        for path in files
        for line, name in _imports(path)
        if name == "..relative-outside-package"
        or any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN[package])
    ]
    assert offenders == []


def test_corpus_imports_nothing_of_ours() -> None:
    for path in sorted((REPO / "corpus").rglob("*.py")):
        for line, name in _imports(path):
            assert not name.startswith("newsreader"), f"{path}:{line} imports {name}"


def test_rule_catches_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from textual.app import App\nimport newsreader.tui.cli\n")
    names = [name for _, name in _imports(bad)]
    assert names == ["textual.app", "newsreader.tui.cli"]
