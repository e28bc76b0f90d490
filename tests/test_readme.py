"""The README's set-up commands are the ones CI runs and they name real files."""

from __future__ import annotations

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_ci_extracts_the_readme_test_command() -> None:
    script = r"sed -n '/<!-- test-command -->/,/^```$/p' README.md | sed '1,2d;$d'"
    command = subprocess.run(["bash", "-c", script], cwd=REPO, capture_output=True,
                             text=True, check=True).stdout.strip()
    assert command == "pip install '.[test]' && pytest"
    assert script in (REPO / ".ci" / "run").read_text()


def test_system_packages_include_the_fonts_the_base_theme_names() -> None:
    packages = (REPO / "system-packages.txt").read_text().split()
    assert {"fonts-noto-core", "fonts-wqy-zenhei", "fonts-dejavu-core"} <= set(packages)


def test_the_documented_benchmark_command_exists() -> None:
    readme = (REPO / "README.md").read_text()
    block = readme.split("<!-- bench-command -->", 1)[1].split("```")[1]
    assert block.strip().splitlines()[-1] == "pip install '.[bench]' && python bench/run.py"
    assert (REPO / "bench" / "run.py").is_file()
    assert "bench = [" in (REPO / "pyproject.toml").read_text()
