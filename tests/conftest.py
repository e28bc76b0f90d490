"""Shared fixtures: copies of the sample and minimal projects, and a CLI runner."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import settings

from briefsmith.cli import main
from pdfinspect import Pdf

# Machines here have two cores shared by parallel jobs: wall-clock deadlines only add noise.
settings.register_profile("briefsmith", deadline=None)
settings.load_profile("briefsmith")

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE_BRIEF = "alibaba-poverty-and-jobs"


def copy_project(source: Path, target: Path, folders: tuple[str, ...] = ("briefs", "content",
                                                                         "styles", "fonts")
                 ) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for folder in folders:
        if (source / folder).is_dir():
            shutil.copytree(source / folder, target / folder)
    return target


@pytest.fixture
def sample_project(tmp_path: Path) -> Path:
    """A private copy of the repository's sample project."""
    return copy_project(REPO, tmp_path / "sample")


@pytest.fixture
def minimal_project(tmp_path: Path) -> Path:
    """A private copy of tests/fixtures/minimal: one brief, one section, two sources."""
    return copy_project(FIXTURES / "minimal", tmp_path / "minimal")


Cli = Callable[..., Result]


def check_pdf(path: Path) -> None:
    """What every PDF briefsmith writes must satisfy: qpdf finds nothing wrong with its
    structure, and a text extractor reads text back from it."""
    qpdf = shutil.which("qpdf")
    assert qpdf, "qpdf is not installed (it is in system-packages.txt)"
    result = subprocess.run([qpdf, "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, f"qpdf --check {path}:\n{result.stdout}{result.stderr}"
    assert "No syntax or stream encoding errors found" in result.stdout, result.stdout
    with Pdf(path) as pdf:
        assert pdf.text().strip(), f"no text could be extracted from {path}"


@pytest.fixture(autouse=True)
def every_pdf_passes_qpdf_and_reads_back(tmp_path: Path) -> Iterator[None]:
    """Applied to every test: each PDF a test leaves in its folder is checked afterwards."""
    yield
    for path in sorted(tmp_path.rglob("*.pdf")):
        check_pdf(path)


@pytest.fixture
def cli() -> Cli:
    """Run the CLI in-process; ``cli("-C", path, "build")``."""
    runner = CliRunner()

    def run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(main, [str(a) for a in args], env=env, catch_exceptions=False)

    return run


@pytest.fixture(scope="session")
def sample_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample brief, built once per test session through the CLI."""
    project = copy_project(REPO, tmp_path_factory.mktemp("sample-built"))
    result = CliRunner().invoke(main, ["-C", str(project), "build"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    check_pdf(project / "out" / f"{SAMPLE_BRIEF}.pdf")
    return project / "out" / f"{SAMPLE_BRIEF}.pdf"


SHOWCASE_THEMES = ("default", "report", "compact", "showcase-report")
SHOWCASE_BRIEFS = ("showcase", "showcase-zh", "showcase-es")


def build_in_themes(project: Path, themes: tuple[str, ...]) -> dict[str, Path]:
    """Build every brief of ``project`` with --strict in each theme: output folder by theme."""
    outputs = {}
    for theme in themes:
        out = project / "out" / theme
        result = CliRunner().invoke(main, ["-C", str(project), "build", "--strict", "--theme",
                                           theme, "-o", str(out)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        outputs[theme] = out
    return outputs


@pytest.fixture(scope="session")
def showcase(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Output folder per theme, each holding every showcase brief (built with --strict)."""
    project = copy_project(FIXTURES / "showcase", tmp_path_factory.mktemp("showcase"))
    return build_in_themes(project, SHOWCASE_THEMES)
