"""Bad-input cases: one file or folder each in tests/cases/, run through the CLI.

A case is laid over a fresh copy of the minimal fixture project, then ``briefsmith check``
(or ``# command: build``) runs on it, and the problems printed must be exactly the expected
ones: a case also fails when a change adds a spurious error.

- A **file case** (``name.yaml``) replaces one file of the project (``# file: <path>``).
- A **folder case** (``name/``) holds ``case.txt`` with the header lines, and files copied
  byte for byte to the same paths in the project (binary files, UTF-16 text, several files).

Header lines (at the top of a file case, anywhere in ``case.txt``):

``# expect: <line>``
    a problem line that must be printed; an expectation without ``: error:`` or
    ``: warning:`` is the count line, which must be printed last.
``# exit: N``
    the expected exit code (default 1).
``# command: build``
    run ``build`` instead of ``check``.
``# symlink: <path> -> <target>``, ``# fifo: <path>``, ``# mkdir: <path>``, ``# remove: <path>``
    set-up that a committed file cannot express (a symlink out of the project, a named
    pipe, a folder where a file is expected, a missing file).

Adding a case is adding a file.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import Cli

CASES_DIR = Path(__file__).parent / "cases"
CASES = sorted(p for p in CASES_DIR.iterdir() if p.suffix == ".yaml" or p.is_dir())
CASE_FILE = "case.txt"
_HEADER = re.compile(r"^# (file|expect|exit|command|symlink|fifo|mkdir|remove): (.*)$")


def _header(text: str, *, stop_at_content: bool) -> dict[str, list[str]]:
    header: dict[str, list[str]] = {key: [] for key in
                                    ("file", "expect", "exit", "command", "symlink", "fifo",
                                     "mkdir", "remove")}
    for line in text.splitlines():
        match = _HEADER.match(line)
        if match:
            header[match.group(1)].append(match.group(2))
        elif stop_at_content:
            break
    return header


def _lay_out(case: Path, project: Path) -> dict[str, list[str]]:
    """Copy the case into ``project`` and run its set-up lines; returns the header."""
    if case.is_dir():
        header = _header((case / CASE_FILE).read_text(encoding="utf-8"), stop_at_content=False)
        for source in sorted(case.rglob("*")):
            if source.is_file() and source.name != CASE_FILE:
                target = project / source.relative_to(case)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
    else:
        text = case.read_text(encoding="utf-8")
        header = _header(text, stop_at_content=True)
        assert header["file"], f"{case.name} needs a '# file:' line"
        target = project / header["file"][0]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    for path in header["remove"]:
        (project / path).unlink()
    for path in header["mkdir"]:
        target = project / path
        if target.is_file():
            target.unlink()
        target.mkdir(parents=True)
    for path in header["fifo"]:
        (project / path).unlink(missing_ok=True)
        os.mkfifo(project / path)
    for spec in header["symlink"]:
        link, target = (part.strip() for part in spec.split("->"))
        (project / link).unlink(missing_ok=True)
        (project / link).symlink_to(target)
    return header


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_bad_input_case(case: Path, minimal_project: Path, cli: Cli) -> None:
    header = _lay_out(case, minimal_project)
    assert header["expect"], f"{case.name} needs '# expect:' lines"

    result = cli("-C", minimal_project, *(header["command"] or ["check"]))

    assert "Traceback" not in result.output
    assert result.exit_code == int((header["exit"] or ["1"])[0]), result.output
    printed = result.stderr.splitlines()
    errors = [line for line in printed if ": error: " in line]
    expected_errors = [e for e in header["expect"] if ": error: " in e]
    assert errors == expected_errors
    for expected in header["expect"]:
        if ": error: " not in expected and ": warning: " not in expected:
            assert printed[-1] == expected
        elif ": warning: " in expected:
            assert expected in printed
    if header["command"] == ["build"] and result.exit_code:
        assert not (minimal_project / "out" / "mini.pdf").exists()


def test_every_case_is_well_formed() -> None:
    for case in CASES:
        if case.is_dir():
            assert (case / CASE_FILE).is_file(), f"{case.name}/ needs a {CASE_FILE}"
