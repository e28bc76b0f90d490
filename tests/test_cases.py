"""Bad-input cases: one file each in tests/cases/, run through ``briefsmith check``.

A case file replaces one file of the minimal fixture project (``# file: <path>``) and lists
the exact problems it must produce (``# expect: <line>``); an expectation without a
``path:line:col`` prefix is the count line.  The errors printed must be exactly the expected
ones, so a case also fails when a change adds a spurious error.  Adding a case is adding a
file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import Cli

CASES = sorted((Path(__file__).parent / "cases").glob("*.yaml"))
_HEADER = re.compile(r"^# (file|expect|exit): (.*)$")


def _header(text: str) -> dict[str, list[str]]:
    header: dict[str, list[str]] = {"file": [], "expect": [], "exit": []}
    for line in text.splitlines():
        match = _HEADER.match(line)
        if not match:
            break
        header[match.group(1)].append(match.group(2))
    return header


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_bad_input_case(case: Path, minimal_project: Path, cli: Cli) -> None:
    text = case.read_text(encoding="utf-8")
    header = _header(text)
    assert header["file"] and header["expect"], f"{case.name} needs # file: and # expect:"
    target = minimal_project / header["file"][0]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")

    result = cli("-C", minimal_project, "check")

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
