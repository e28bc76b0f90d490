"""``briefsmith watch`` and the terminal progress bar, run as a user would run them."""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

TIMEOUT = 60.0


class _Lines:
    """Reads a process's merged output in the background; waits for a matching line."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        assert process.stdout is not None
        stream = process.stdout
        self.reader = threading.Thread(
            target=lambda: [self.lines.put(line) for line in stream], daemon=True)
        self.reader.start()

    def wait_for(self, text: str) -> list[str]:
        """The lines up to and including the first one containing ``text``."""
        deadline = time.monotonic() + TIMEOUT
        found: list[str] = []
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                continue
            self.seen.append(line)
            found.append(line)
            if text in line:
                return found
        raise AssertionError(f"no line with {text!r}; output so far:\n{''.join(self.seen)}")


def test_watch_rebuilds_on_change_and_survives_errors(minimal_project: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "briefsmith", "-C", str(minimal_project), "watch"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    lines = _Lines(process)
    try:
        assert any("built out/mini.pdf" in line for line in lines.wait_for("watching"))
        pdf = minimal_project / "out" / "mini.pdf"
        first = pdf.read_bytes()
        section = minimal_project / "content" / "intro.yaml"
        good = section.read_text()

        section.write_text(good.replace("A lead sentence", "A new lead sentence"))
        output = "".join(lines.wait_for("watching"))
        assert "changed: content/intro.yaml" in output
        assert "built out/mini.pdf" in output
        # Why it rebuilds comes first, then the rebuild.
        assert output.index("changed: content/intro.yaml") < output.index("built out/mini.pdf")
        assert pdf.read_bytes() != first

        section.write_text(good + "  - paragraph: Broken [@nobody].\n")
        output = "".join(lines.wait_for("watching"))
        assert "content/intro.yaml:16:25: error: unknown source 'nobody'" in output
        assert "not built mini" in output
        assert process.poll() is None, "watch must keep running after a content error"

        section.write_text(good)
        output = "".join(lines.wait_for("watching"))
        assert "error" not in output
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=TIMEOUT)
        lines.reader.join(TIMEOUT)  # the pipe is at its end once the process is gone
        assert process.stdout is not None
        process.stdout.close()
    assert code == 0
    assert not [line for line in lines.seen if "Traceback" in line]


@pytest.mark.skipif(shutil.which("script") is None, reason="needs script(1) for a terminal")
def test_progress_bar_on_a_terminal(minimal_project: Path, tmp_path: Path) -> None:
    for number in range(3):
        shutil.copy(minimal_project / "briefs" / "mini.yaml",
                    minimal_project / "briefs" / f"copy-{number}.yaml")
    command = f"{sys.executable} -m briefsmith -C {minimal_project} build --jobs 1"
    result = subprocess.run(["script", "-qec", command, str(tmp_path / "typescript")],
                            capture_output=True, text=True, timeout=TIMEOUT,
                            stdin=subprocess.DEVNULL, env={**os.environ, "COLUMNS": "100"})
    assert result.returncode == 0, result.stdout
    assert "building" in result.stdout and "4/4" in result.stdout
    assert "built out/" not in result.stdout  # the bar replaces the per-brief lines
    assert "4 built in" in result.stdout


@pytest.mark.parametrize("arguments", [("-o", "content"), ("nosuch",), ("--theme", "nosuch")])
def test_watch_ends_on_a_usage_error(arguments: tuple[str, ...], minimal_project: Path) -> None:
    """A mistake in the command can never be fixed by editing files: exit 2, at once."""
    result = subprocess.run([sys.executable, "-m", "briefsmith", "watch", *arguments],
                            capture_output=True, text=True, timeout=TIMEOUT,
                            cwd=minimal_project)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith("Usage:") and "Error:" in result.stderr
    assert "watching" not in result.stdout


def _count_in(path: Path, text: str, expected: int) -> None:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if path.read_text().count(text) >= expected:
            return
        time.sleep(0.1)
    raise AssertionError(f"{text!r} not {expected} times in:\n{path.read_text()}")


def test_watch_reacts_only_to_the_briefs_inputs(minimal_project: Path) -> None:
    """Its own log in the project, or any file no brief reads, triggers nothing (a log
    in the project rebuilt forever); a file a section links to elsewhere in the project
    does trigger a rebuild."""
    shared = minimal_project / "shared"
    shared.mkdir()
    section = minimal_project / "content" / "intro.yaml"
    section.rename(shared / "intro.yaml")
    section.symlink_to(shared / "intro.yaml")
    log = minimal_project / "build.log"
    with log.open("w") as stdout:
        process = subprocess.Popen(
            [sys.executable, "-m", "briefsmith", "-C", str(minimal_project), "watch"],
            stdout=stdout, stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        _count_in(log, "watching", 1)
        (minimal_project / "notes.txt").write_text("unrelated")
        (minimal_project / "README.md").write_text("unrelated")
        time.sleep(2.5)  # several debounce periods: a rebuild would have started
        assert log.read_text().count("watching") == 1, log.read_text()

        target = shared / "intro.yaml"
        target.write_text(target.read_text().replace("A lead sentence", "A new lead"))
        _count_in(log, "watching", 2)
        assert "changed: shared/intro.yaml" in log.read_text()
        time.sleep(2.5)  # writing the log about that build must not start another
        assert log.read_text().count("watching") == 2, log.read_text()
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=TIMEOUT)
    assert code == 0, log.read_text()
