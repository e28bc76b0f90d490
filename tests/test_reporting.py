"""Problems as GitHub Actions annotations and JSON, through the CLI and as strings."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefsmith.diagnostics import Location, Problem, Severity
from briefsmith.reporting import github_annotation, path_prefix
from conftest import Cli

ANNOTATION = re.compile(r"^::(error|warning) ((?:[a-z]+=[^,:]*,?)*)::(.*)$")


def _unescape(text: str) -> str:
    return (text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":")
            .replace("%2C", ",").replace("%25", "%"))


def _parse(line: str) -> tuple[str, dict[str, str], str]:
    match = ANNOTATION.match(line)
    assert match, line
    props = dict(p.split("=", 1) for p in match.group(2).split(",") if p)
    return match.group(1), {k: _unescape(v) for k, v in props.items()}, _unescape(match.group(3))


def test_check_prints_github_annotations_on_the_repository_paths(
        minimal_project: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    section = minimal_project / "content" / "intro.yaml"
    section.write_text(section.read_text() + "  - paragraph: Broken [@nobody, p. 3].\n")
    monkeypatch.chdir(minimal_project.parent)  # the project is a subfolder of the checkout

    result = cli("-C", minimal_project.name, "check", "--error-format", "github")

    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    assert first == ("::error file=minimal/content/intro.yaml,line=16,col=25,"
                     "title=briefsmith::unknown source 'nobody'")
    assert result.stderr.splitlines()[-1] == "1 error"


def test_annotation_escapes_what_would_end_the_command() -> None:
    problem = Problem(Location("content/a,b:c.yaml", 3, 7), Severity.WARNING,
                      "50% done\nsecond line ::error::injected")
    line = github_annotation(problem, "docs/")
    assert "\n" not in line
    assert line == ("::warning file=docs/content/a%2Cb%3Ac.yaml,line=3,col=7,title=briefsmith"
                    "::50%25 done%0Asecond line ::error::injected")


def test_annotation_for_a_whole_file_and_for_a_shipped_file() -> None:
    whole = github_annotation(Problem(Location("content/x.yaml"), Severity.ERROR, "empty"))
    assert whole == "::error file=content/x.yaml,title=briefsmith::empty"
    shipped = github_annotation(Problem(Location("<briefsmith>/themes/base.yaml", 2, 1),
                                        Severity.WARNING, "font missing"))
    assert shipped == ("::warning title=briefsmith::"
                       "<briefsmith>/themes/base.yaml:2:1: font missing")


@given(path=st.text(min_size=1), message=st.text(),
       line=st.integers(min_value=1, max_value=10**6), col=st.integers(min_value=1,
                                                                     max_value=10**4))
def test_annotation_round_trips_any_text(path: str, message: str, line: int, col: int) -> None:
    path = "p" + path.replace("<", "")  # shipped files (<briefsmith>/...) carry no file=
    annotation = github_annotation(Problem(Location(path, line, col), Severity.ERROR, message))
    assert "\n" not in annotation and "\r" not in annotation
    severity, props, text = _parse(annotation)
    assert severity == "error"
    assert props == {"file": path, "line": str(line), "col": str(col), "title": "briefsmith"}
    assert text == message


def test_path_prefix(tmp_path: Path) -> None:
    assert path_prefix(tmp_path / "a" / "b", tmp_path) == "a/b/"
    assert path_prefix(tmp_path, tmp_path) == ""
    assert path_prefix(tmp_path / "a", tmp_path / "elsewhere") == ""


def test_check_json(minimal_project: Path, cli: Cli) -> None:
    section = minimal_project / "content" / "intro.yaml"
    section.write_text(section.read_text() + "  - paragraph: Broken [@nobody].\n")
    result = cli("-C", minimal_project, "check", "--json")
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert summary == {"ok": False, "errors": 1, "warnings": 0, "problems": [{
        "path": "content/intro.yaml", "line": 16, "col": 25, "severity": "error",
        "message": "unknown source 'nobody'"}]}
