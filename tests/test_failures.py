"""Failures never lose a good PDF: killed builds, content too tall to lay out, a hostile
environment, and internal errors without a traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefsmith.pipeline import BuildOptions, build
from briefsmith.project import Project
from conftest import Cli
from pdfinspect import Pdf

# A child process that builds the project, but parks (signalling through a file) at a chosen
# point so the test can SIGKILL it exactly there: during rendering, or after the temporary
# PDF is fully written and before it is renamed over the old one.
CHILD = """
import sys, time
from pathlib import Path
import briefsmith.pipeline as pipeline
import briefsmith.write as write
from briefsmith.cli import main

signal_file, where = Path(sys.argv[1]), sys.argv[2]

def park():
    signal_file.write_text("parked")
    time.sleep(60)

if where == "render":
    import briefsmith.render as render
    real_render = render.render_pdf
    def slow_render(*args, **kwargs):
        real_render(*args, **kwargs)  # half the work is done ...
        park()
    render.render_pdf = slow_render
else:
    real_replace = Path.replace
    def slow_replace(self, target):
        if str(target).endswith(".pdf"):
            park()
        return real_replace(self, target)
    Path.replace = slow_replace

main(sys.argv[3:])
"""


def _kill_build_at(where: str, project: Path, tmp_path: Path) -> None:
    signal_file = tmp_path / f"parked-{where}"
    log = tmp_path / f"child-{where}.log"
    with log.open("wb") as stderr:
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(signal_file), where, "-C", str(project), "build"],
            stdout=subprocess.DEVNULL, stderr=stderr,
        )
    try:
        deadline = time.monotonic() + 120
        while not signal_file.exists():
            assert child.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the child never reached the kill point"
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait()
    assert child.returncode == -signal.SIGKILL


@pytest.mark.parametrize("where", ["render", "rename"])
def test_a_killed_build_leaves_the_previous_pdf(where: str, minimal_project: Path,
                                                tmp_path: Path, cli: Cli) -> None:
    assert cli("-C", minimal_project, "build").exit_code == 0
    out = minimal_project / "out"
    good = (out / "mini.pdf").read_bytes()
    section = minimal_project / "content" / "intro.yaml"
    section.write_text(section.read_text().replace("Introduction", "Changed"))

    _kill_build_at(where, minimal_project, tmp_path)

    assert (out / "mini.pdf").read_bytes() == good
    visible = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert visible == ["manifest.json", "mini.pdf", "timings.json"]
    leftovers = list(out.glob(".mini.pdf.*.tmp"))
    if where == "render":
        assert leftovers == []
    else:  # SIGKILL cannot be cleaned up after: the file is hidden, and the next build ...
        assert len(leftovers) == 1 and leftovers[0].read_bytes().startswith(b"%PDF-")
    assert cli("-C", minimal_project, "build").exit_code == 0
    assert list(out.glob(".*.tmp")) == []  # ... removes it
    assert (out / "mini.pdf").read_bytes() != good


def test_content_taller_than_a_page_is_a_located_error(minimal_project: Path,
                                                         cli: Cli) -> None:
    assert cli("-C", minimal_project, "build").exit_code == 0
    good = (minimal_project / "out" / "mini.pdf").read_bytes()
    brief = minimal_project / "briefs" / "mini.yaml"
    many = "".join(f"  - Message {i} is a sentence long enough to wrap onto a second line "
                   "of the key messages box [@smith-2020].\n" for i in range(80))
    brief.write_text(brief.read_text().replace(
        "key_messages:\n  - One message [@smith-2020].\n", "key_messages:\n" + many))

    result = cli("-C", minimal_project, "build")

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "briefs/mini.yaml:8:5: error: this content is taller than a page and cannot be split "
        "across pages (a box, table row or cell that long); shorten it or split it up",
        "1 error"]
    assert (minimal_project / "out" / "mini.pdf").read_bytes() == good


def test_a_table_cell_taller_than_a_page_is_located_at_its_table(minimal_project: Path,
                                                                 cli: Cli) -> None:
    """The table splits first (its caption and header fit); the piece left over, which
    ReportLab makes anew, is the one that cannot be placed: it is still located."""
    section = minimal_project / "content" / "intro.yaml"
    cell = " ".join(["word"] * 3000)
    section.write_text(section.read_text() + f"""  - table:
      caption: Tall
      columns: [A, B]
      rows:
        - [x, "{cell}"]
      source: smith-2020
""")
    result = cli("-C", minimal_project, "build")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith(
        "content/intro.yaml:16:5: error: this content is taller than a page")


@pytest.mark.parametrize("value", ["abc", "1.5", "99999999999999999"])
def test_the_pipeline_ignores_a_bad_source_date_epoch_in_its_environment(
        value: str, minimal_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ReportLab reads SOURCE_DATE_EPOCH itself with int(); a library caller of the pipeline
    must not crash or get a 17-digit year because of what the environment holds."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    report = build(Project.at(minimal_project), [], BuildOptions(source_date_epoch=1700000000))
    assert not report.failed, [str(p) for p in report.problems]
    info = Pdf(minimal_project / "out" / "mini.pdf").metadata  # (in an object stream)
    assert info["/CreationDate"] == "D:20231114221320+00'00'"
    assert os.environ["SOURCE_DATE_EPOCH"] == value


def test_an_internal_error_is_one_line_not_a_traceback(minimal_project: Path, cli: Cli,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import briefsmith.pipeline

    def broken(*_args: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(briefsmith.pipeline, "check", broken)
    monkeypatch.delenv("BRIEFSMITH_DEBUG", raising=False)
    result = cli("-C", minimal_project, "check")
    assert result.exit_code == 3
    assert result.stderr.splitlines()[0] == \
        "briefsmith: internal error: ZeroDivisionError: division by zero"
    assert "Traceback" not in result.output


def test_a_no_op_build_removes_a_killed_builds_temporary_file(minimal_project: Path,
                                                              cli: Cli) -> None:
    """The README promises it: even when every PDF is up to date (nothing is written)."""
    assert cli("-C", minimal_project, "build").exit_code == 0
    out = minimal_project / "out"
    dead = out / ".mini.pdf.9999999.abcd1234.tmp"  # above any pid_max: no such process
    dead.write_bytes(b"%PDF-half")
    alive = out / f".mini.pdf.{os.getpid()}.efgh5678.tmp"  # a build running beside us
    alive.write_bytes(b"%PDF-half")
    foreign = out / ".notes.tmp"  # not ours: left alone
    foreign.write_text("x")

    result = cli("-C", minimal_project, "build")

    assert "0 built, 1 up to date" in result.stdout
    assert not dead.exists()
    assert alive.exists() and foreign.exists()


def test_an_output_path_through_a_file_is_a_usage_error(minimal_project: Path, tmp_path: Path,
                                                         cli: Cli) -> None:
    (tmp_path / "afile").write_text("x")
    result = cli("-C", minimal_project, "build", "-o", tmp_path / "afile" / "sub")
    assert result.exit_code == 2, result.output
    assert (f"cannot make the output folder '{tmp_path}/afile/sub': '{tmp_path}/afile' is a "
            "file") in result.stderr


@pytest.mark.parametrize("failing", ["mini.pdf", "manifest.json", ".briefsmith-state.json"])
def test_a_full_disk_is_a_located_error_not_a_bug(failing: str, minimal_project: Path,
                                                  cli: Cli,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    import briefsmith.pipeline
    import briefsmith.write

    real = briefsmith.write.write_atomic

    def full(target: Path, data: bytes, **kwargs: object) -> None:
        if target.name == failing:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(target, data, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(briefsmith.write, "write_atomic", full)
    monkeypatch.setattr(briefsmith.pipeline, "write_atomic", full)
    monkeypatch.setattr(briefsmith.incremental, "write_atomic", full)
    result = cli("-C", minimal_project, "build")
    assert result.exit_code == 1, result.output
    message = "cannot write the PDF" if failing == "mini.pdf" else "cannot write this file"
    assert f"out/{failing}: error: {message}: No space left on device" in result.stderr
    assert "internal error" not in result.stderr


@pytest.mark.parametrize("damage", [
    lambda d: d["files"].update({"content/intro.yaml": []}),
    lambda d: d["files"].update({"content/intro.yaml": [1, 2, 3]}),
    lambda d: d["briefs"]["mini"].update({"output": "../../escape.pdf"}),
    lambda d: d["briefs"]["mini"].update({"stamp": "x"}),
    lambda d: d.update({"runs": []}),
    lambda d: d["runs"].update({"x": 1}),
], ids=["empty-entry", "short-entry", "output-path", "stamp", "runs-list", "run-entry"])
def test_a_damaged_state_file_is_ignored(damage: object, minimal_project: Path,
                                         cli: Cli) -> None:
    import json

    assert cli("-C", minimal_project, "build").exit_code == 0
    state_file = minimal_project / "out" / ".briefsmith-state.json"
    data = json.loads(state_file.read_text())
    damage(data)  # type: ignore[operator]
    state_file.write_text(json.dumps(data))
    result = cli("-C", minimal_project, "build")
    assert result.exit_code == 0, result.output
    assert "built out/mini.pdf" in result.stdout  # nothing recorded is trusted: rebuilt
    assert cli("-C", minimal_project, "build").stdout.startswith("up to date")  # and mended


def test_a_brief_file_name_that_is_not_utf8(minimal_project: Path, cli: Cli) -> None:
    bad = minimal_project / "briefs" / os.fsdecode(b"bad\xff.yaml")  # '\udcff' in the name
    bad.write_bytes((minimal_project / "briefs" / "mini.yaml").read_bytes())
    for command in ("check", "build"):
        result = cli("-C", minimal_project, command)
        assert result.exit_code == 1, result.output
        assert ("briefs/bad\\xff.yaml: error: the file name is not valid UTF-8 (it could not "
                "be named in messages or the manifest); rename it") in result.stderr
        assert "internal error" not in result.stderr
    assert (minimal_project / "out" / "mini.pdf").is_file()  # the other brief is built
