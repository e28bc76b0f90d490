"""The shipped GitHub Actions workflow: valid, wired as documented, and its commands parse."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from briefsmith.cli import main

REPO = Path(__file__).resolve().parent.parent
WORKFLOW = REPO / ".github" / "workflows" / "briefs.yml"
EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")
SAMPLE_VALUES = {"matrix.shard": "2", "strategy.job-total": "4"}


@pytest.fixture(scope="module")
def workflow() -> dict:
    data = yaml.safe_load(WORKFLOW.read_text())
    # YAML 1.1 reads the key `on` as True; GitHub reads it as "on".
    data["on"] = data.pop(True)
    return data


def _steps(job: dict) -> list[dict]:
    return job["steps"]


def _runs(job: dict) -> str:
    return "\n".join(step.get("run", "") for step in _steps(job))


def _briefsmith_commands(job: dict) -> list[list[str]]:
    commands = []
    for step in _steps(job):
        script = EXPRESSION.sub(lambda m: SAMPLE_VALUES.get(m.group(1), "x"),
                                step.get("run", ""))
        for line in script.splitlines():
            words = shlex.split(line.split(">")[0])
            if words and words[0] == "briefsmith":
                commands.append(words[1:])
    return commands


def test_workflow_matches_the_github_actions_schema() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema",
         "vendor.github-workflows", str(WORKFLOW)],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_pull_requests_run_a_strict_check_with_annotations(workflow: dict) -> None:
    assert "pull_request" in workflow["on"]
    check = workflow["jobs"]["check"]
    assert check["if"] == "github.event_name == 'pull_request'"
    assert ["check", "--strict", "--error-format", "github"] in _briefsmith_commands(check)


def test_nightly_build_is_a_sharded_matrix_that_uploads_pdfs_and_manifest(
        workflow: dict) -> None:
    [schedule] = workflow["on"]["schedule"]
    fields = schedule["cron"].split()
    assert len(fields) == 5 and fields[2:] == ["*", "*", "*"], "a daily schedule"
    build = workflow["jobs"]["build"]
    assert build["if"] == "github.event_name != 'pull_request'"
    shards = build["strategy"]["matrix"]["shard"]
    assert shards == list(range(1, len(shards) + 1)) and len(shards) > 1
    assert build["strategy"]["fail-fast"] is False, "one bad shard must not cancel the rest"
    [command] = _briefsmith_commands(build)
    assert command[:3] == ["build", "--shard", "2/4"]
    cache = next(s for s in _steps(build) if s.get("uses", "").startswith("actions/cache@"))
    assert cache["with"]["path"].split() == ["out", "~/.cache/briefsmith"]
    assert "${{ matrix.shard }}" in cache["with"]["key"]
    upload = next(s for s in _steps(build)
                  if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["if"] == "always()", "upload what was built even when a brief failed"
    paths = upload["with"]["path"].split()
    assert {"out/*.pdf", "out/manifest.json"} <= set(paths)
    merge = workflow["jobs"]["manifest"]
    assert merge["needs"] == "build"
    assert "shards/*/out/manifest.json" in _runs(merge)


def test_every_job_installs_what_the_readme_installs(workflow: dict) -> None:
    for name in ("check", "build"):
        script = _runs(workflow["jobs"][name])
        assert "xargs -a system-packages.txt sudo apt-get install" in script
        assert "pip install ." in script


def test_actions_are_pinned_to_a_major_version(workflow: dict) -> None:
    for job in workflow["jobs"].values():
        for step in _steps(job):
            if "uses" in step:
                assert re.fullmatch(r"actions/[a-z-]+@v\d+", step["uses"]), step["uses"]


def test_every_briefsmith_command_in_the_workflow_parses(workflow: dict) -> None:
    commands = [c for job in workflow["jobs"].values() for c in _briefsmith_commands(job)]
    assert len(commands) == 2
    for args in commands:
        ctx = main.make_context("briefsmith", list(args))
        # click 8.2 renamed protected_args (the subcommand and its arguments)
        protected = ctx._protected_args if hasattr(ctx, "_protected_args") \
            else ctx.protected_args
        name, command, rest = main.resolve_command(ctx, [*protected, *ctx.args])
        assert command is not None, args
        command.make_context(name, rest, parent=ctx)  # raises on an unknown or bad option
