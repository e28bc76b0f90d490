"""``briefsmith schema``: the JSON Schemas and the validator agree on the same files.

Each file in tests/schema/<kind>/valid/ must pass both the schema (as an editor's YAML 1.2
reading of the file) and briefsmith's own reading; each in invalid/ must fail both.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import jsonschema
import pytest

from briefsmith.convert import Converter, parse_partial_date
from briefsmith.diagnostics import Problems
from briefsmith.load import Mapping, Node, Scalar, Sequence, parse_yaml
from briefsmith.model import Brief, Section
from briefsmith.project import Project
from briefsmith.read import ContentReader
from briefsmith.schema import FULL_DATE_PATTERN, PARTIAL_DATE_PATTERN, all_schemas
from briefsmith.theme import load_theme
from conftest import FIXTURES, Cli

CASES = Path(__file__).parent / "schema"
FIXTURE_FILES = sorted(CASES.glob("*/*/*.yaml"))
SCHEMAS = all_schemas()

# YAML 1.2 core schema: what an editor's YAML language server sees in a plain scalar.
_NULL = re.compile(r"^(~|null|Null|NULL|)$")
_BOOL = re.compile(r"^(true|True|TRUE|false|False|FALSE)$")
_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")


def as_editor_sees_it(node: Node) -> object:
    if isinstance(node, Mapping):
        return {key.value: as_editor_sees_it(value) for key, value in node}
    if isinstance(node, Sequence):
        return [as_editor_sees_it(item) for item in node]
    assert isinstance(node, Scalar)
    text = node.value
    if not node.plain:
        return text
    if _NULL.match(text):
        return None
    if _BOOL.match(text):
        return text.lower() == "true"
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    return text


def briefsmith_errors(kind: str, path: Path, project: Path) -> list[str]:
    """The errors briefsmith's own reading reports for the file (conversion, not citations)."""
    problems = Problems()
    proj = Project.at(project)
    if kind == "sources":
        shutil.copyfile(path, project / "content" / "sources.yaml")
        ContentReader(proj, problems).sources()
    elif kind == "theme":
        (project / "styles").mkdir(exist_ok=True)
        shutil.copyfile(path, project / "styles" / "fixture.yaml")
        load_theme(proj, "fixture", problems)
    else:
        node = parse_yaml(path.read_text(encoding="utf-8"), path.name, problems)
        assert node is not None, [str(p) for p in problems]
        Converter(problems, proj).record(Brief if kind == "brief" else Section, node)
    return [str(p) for p in problems.errors]


def schema_errors(kind: str, path: Path) -> list[str]:
    problems = Problems()
    node = parse_yaml(path.read_text(encoding="utf-8"), path.name, problems)
    assert node is not None, [str(p) for p in problems]
    validator = jsonschema.Draft7Validator(SCHEMAS[f"{kind}.schema.json"])
    return [e.message for e in validator.iter_errors(as_editor_sees_it(node))]


@pytest.mark.parametrize("fixture", FIXTURE_FILES,
                         ids=lambda p: "/".join(p.relative_to(CASES).parts))
def test_schema_and_validator_agree(fixture: Path, tmp_path: Path) -> None:
    kind, verdict = fixture.parts[-3], fixture.parts[-2]
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "minimal", project)
    shutil.copyfile(project / "content" / "intro.yaml", project / "content" / "intro.yml")

    ours = briefsmith_errors(kind, fixture, project)
    theirs = schema_errors(kind, fixture)

    if verdict == "valid":
        assert ours == [] and theirs == [], (ours, theirs)
    else:
        assert ours and theirs, f"briefsmith: {ours}\nschema: {theirs}"


def test_every_kind_has_valid_and_invalid_fixtures() -> None:
    for kind in ("brief", "section", "sources", "theme"):
        assert list((CASES / kind / "valid").glob("*.yaml")), kind
        assert len(list((CASES / kind / "invalid").glob("*.yaml"))) >= 5, kind


@pytest.mark.parametrize("schema", sorted(SCHEMAS), ids=str)
def test_schemas_are_valid_draft_07(schema: str) -> None:
    jsonschema.Draft7Validator.check_schema(SCHEMAS[schema])


def test_date_patterns_match_the_date_parser_on_every_day() -> None:
    """The calendar patterns (month lengths, leap years) agree with briefsmith's parser on
    every spelling of every month and day, in years chosen for their leap-year rules."""
    full, partial = re.compile(FULL_DATE_PATTERN), re.compile(PARTIAL_DATE_PATTERN)
    for year in (1, 4, 100, 400, 1900, 1996, 2000, 2023, 2024, 2100, 9996, 9999):
        for month in range(0, 14):
            for day in range(0, 33):
                text = f"{year:04d}-{month:02d}-{day:02d}"
                real = not isinstance(parse_partial_date(text), str)
                assert bool(full.match(text)) == real, text
                assert bool(partial.match(text)) == real, text
            month_text = f"{year:04d}-{month:02d}"
            assert bool(partial.match(month_text)) == \
                (not isinstance(parse_partial_date(month_text), str)), month_text
    assert not partial.match("0000") and partial.match("0001") and partial.match("2024")


def test_schema_command_writes_the_schemas(minimal_project: Path, cli: Cli) -> None:
    result = cli("-C", minimal_project, "schema")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"wrote schemas/{name}" for name in sorted(SCHEMAS)]
    first = {}
    for name, schema in SCHEMAS.items():
        first[name] = (minimal_project / "schemas" / name).read_bytes()
        assert json.loads(first[name]) == schema
    assert cli("-C", minimal_project, "schema").exit_code == 0
    for name in SCHEMAS:  # the same bytes every time, so the files can live in git
        assert (minimal_project / "schemas" / name).read_bytes() == first[name]


def test_schema_command_refuses_an_input_folder(minimal_project: Path, cli: Cli) -> None:
    result = cli("-C", minimal_project, "schema", "-o", minimal_project / "content")
    assert result.exit_code == 2
    assert "may not be the input folder 'content/'" in result.stderr
    assert not list((minimal_project / "content").glob("*.json"))
