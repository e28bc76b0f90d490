"""The README's set-up commands are the ones CI runs and they name real files."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme = (REPO / "README.md").read_text()
    block = readme.split("<!-- test-command -->", 1)[1].split("```")[1]
    command = block.strip().splitlines()[-1]
    assert command == "pip install '.[test]' && pytest"
    ci_lines = (REPO / ".ci" / "run").read_text().splitlines()
    assert ci_lines[-1] == command  # the last thing CI does, word for word


def test_system_packages_include_the_fonts_the_base_theme_names() -> None:
    packages = (REPO / "system-packages.txt").read_text().split()
    assert {"fonts-noto-core", "fonts-wqy-zenhei", "fonts-dejavu-core"} <= set(packages)


def test_the_documented_benchmark_command_exists() -> None:
    readme = (REPO / "README.md").read_text()
    block = readme.split("<!-- bench-command -->", 1)[1].split("```")[1]
    assert block.strip().splitlines()[-1] == "pip install '.[bench]' && python bench/run.py"
    assert (REPO / "bench" / "run.py").is_file()
    assert "bench = [" in (REPO / "pyproject.toml").read_text()
