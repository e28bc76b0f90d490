"""The CLI's contract: commands, exit codes, outputs, and what happens to files."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import SAMPLE_BRIEF, Cli
from pdfinspect import Pdf


def test_build_writes_pdf_and_manifest(sample_project: Path, cli: Cli) -> None:
    result = cli("-C", sample_project, "build")
    assert result.exit_code == 0, result.output
    pdf = sample_project / "out" / f"{SAMPLE_BRIEF}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert re.search(rf"built out/{SAMPLE_BRIEF}.pdf \(\d+ pages", result.stdout)
    manifest = json.loads((sample_project / "out" / "manifest.json").read_text())
    entry = manifest["briefs"][SAMPLE_BRIEF]
    assert entry["output"] == f"out/{SAMPLE_BRIEF}.pdf"
    assert entry["bytes"] == pdf.stat().st_size
    assert entry["pages"] == Pdf(pdf).pages
    assert entry["sources_cited"] == ["opportimes-alibaba", "renmin-2020"]
    assert not list((sample_project / "out").glob(".*.tmp")), "temporary files left behind"


def test_build_named_brief_into_output_dir(minimal_project: Path, tmp_path: Path,
                                           cli: Cli) -> None:
    out = tmp_path / "elsewhere"
    result = cli("-C", minimal_project, "build", "mini", "-o", out)
    assert result.exit_code == 0, result.output
    assert (out / "mini.pdf").is_file()
    assert "1 page," in result.stdout


def test_check_prints_ok_and_writes_nothing(minimal_project: Path, cli: Cli) -> None:
    result = cli("-C", minimal_project, "check")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "ok"
    assert not (minimal_project / "out").exists()


def test_list_shows_briefs_sections_and_sources(sample_project: Path, cli: Cli) -> None:
    result = cli("-C", sample_project, "list")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == (f"{SAMPLE_BRIEF}: Alibaba on Poverty and Jobs  "
                        f"[briefs/{SAMPLE_BRIEF}.yaml]")
    assert [line.split()[-1] for line in lines if "section" in line] == [
        "content/rural-vitalization.yaml", "content/healthcare.yaml",
        "content/womens-support.yaml", "content/jobs.yaml"]
    assert [line.split()[-1] for line in lines if line.strip().startswith("source")] == [
        "opportimes-alibaba", "renmin-2020"]


def test_unknown_brief_is_a_usage_error(minimal_project: Path, cli: Cli) -> None:
    result = cli("-C", minimal_project, "build", "minu")
    assert result.exit_code == 2
    assert "no brief named 'minu' (did you mean 'mini'?)" in result.stderr


def test_missing_project_folder_is_a_usage_error(tmp_path: Path, cli: Cli) -> None:
    result = cli("-C", tmp_path / "nope", "check")
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_output_dir_may_not_be_an_input_folder(minimal_project: Path, cli: Cli) -> None:
    result = cli("-C", minimal_project, "build", "-o", minimal_project / "content")
    assert result.exit_code == 2
    assert "may not be the input folder 'content/'" in result.stderr
    assert not list((minimal_project / "content").glob("*.pdf"))


def test_content_errors_exit_1_and_keep_the_previous_pdf(minimal_project: Path,
                                                         cli: Cli) -> None:
    assert cli("-C", minimal_project, "build").exit_code == 0
    pdf = minimal_project / "out" / "mini.pdf"
    good = pdf.read_bytes()
    section = minimal_project / "content" / "intro.yaml"
    section.write_text(section.read_text() + "  - paragraph: Broken [@nobody].\n")

    result = cli("-C", minimal_project, "build")

    assert result.exit_code == 1
    assert "content/intro.yaml:16:25: error: unknown source 'nobody'" in result.stderr
    assert result.stderr.splitlines()[-1] == "1 error"
    assert pdf.read_bytes() == good
    assert sorted(p.name for p in pdf.parent.iterdir()) == [
        ".briefsmith-state.json", "manifest.json", "mini.pdf", "timings.json"]


def test_strict_turns_warnings_into_failure(minimal_project: Path, cli: Cli) -> None:
    sources = minimal_project / "content" / "sources.yaml"
    sources.write_text(sources.read_text() + "unused-1:\n  title: Never cited\n"
                       "  publisher: Nobody\n")
    relaxed = cli("-C", minimal_project, "check")
    assert relaxed.exit_code == 0
    assert "content/sources.yaml:18:1: warning: source 'unused-1' is never cited" \
        in relaxed.stderr
    strict = cli("-C", minimal_project, "check", "--strict")
    assert strict.exit_code == 1
    assert strict.stderr.splitlines()[-1] == \
        "0 errors, 1 warning (--strict: warnings fail the run)"
    assert relaxed.stderr.splitlines()[-1] == "0 errors, 1 warning"


@pytest.mark.parametrize("command", ["build", "sources"])
def test_bad_source_date_epoch_is_a_usage_error(command: str, minimal_project: Path,
                                                cli: Cli) -> None:
    # "²" and fullwidth digits pass str.isdigit() but are no number int() reads.
    for value in ("1.5", "abc", "99999999999999", "\u00b2", "\uff11\uff12\uff13", "-5"):
        result = cli("-C", minimal_project, command, env={"SOURCE_DATE_EPOCH": value})
        assert result.exit_code == 2, (value, result.output)
        assert "SOURCE_DATE_EPOCH must be a whole number of seconds" in result.stderr \
            or "after the year 9999" in result.stderr
    assert not (minimal_project / "out").exists()


def test_source_date_epoch_sets_the_pdf_dates(minimal_project: Path, cli: Cli) -> None:
    result = cli("-C", minimal_project, "build", env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert result.exit_code == 0, result.output
    meta = Pdf(minimal_project / "out" / "mini.pdf").metadata
    assert meta["/CreationDate"].startswith("D:20231114221320")


@pytest.mark.parametrize("options", [(), ("--pdfa",)], ids=["tagged", "pdfa"])
def test_same_input_gives_same_bytes_across_processes(minimal_project: Path, tmp_path: Path,
                                                      options: tuple[str, ...]) -> None:
    """Hash seeds, time zones, locales, working folders, the project's own location, a
    relative or absolute output folder and a cold or warm font cache must not change a
    byte; nor may the clock (the runs are seconds apart)."""
    runs = [("1", "UTC", "C.UTF-8", "absolute"),
            ("4242", "Asia/Shanghai", "es_ES.UTF-8", "relative"),
            ("random", "America/St_Johns", "zh_CN.UTF-8", "absolute")]
    outputs = []
    for index, (seed, tz, lang, output_style) in enumerate(runs):
        project = minimal_project if index == 0 else shutil.copytree(
            minimal_project, tmp_path / f"elsewhere{index}" / "project")
        cwd = tmp_path / f"cwd{index}"
        cwd.mkdir()
        out = tmp_path / f"out{index}"
        env = {**os.environ, "PYTHONHASHSEED": seed, "TZ": tz, "LANG": lang, "LC_ALL": lang,
               "XDG_CACHE_HOME": str(tmp_path / f"cache{index % 2}")}
        env.pop("SOURCE_DATE_EPOCH", None)
        subprocess.run(
            [sys.executable, "-m", "briefsmith", "-C", str(project), "build", "-o",
             str(out) if output_style == "absolute" else os.path.relpath(out, cwd), *options],
            cwd=cwd, env=env, check=True, capture_output=True,
        )
        outputs.append((out / "mini.pdf").read_bytes())
        time.sleep(1.1 if index == 0 else 0)  # a clock that leaked in would show
    assert outputs[0] == outputs[1] == outputs[2]


@pytest.mark.parametrize("command", ["build", "check"])
def test_an_unknown_or_empty_theme_option_is_a_usage_error(command: str, minimal_project: Path,
                                                           cli: Cli) -> None:
    unknown = cli("-C", minimal_project, command, "--theme", "defualt")
    assert unknown.exit_code == 2, unknown.output
    assert ("unknown theme 'defualt' (--theme) (did you mean 'default'?); available: base, "
            "compact, default, report") in unknown.stderr
    empty = cli("-C", minimal_project, command, "--theme", "")
    assert empty.exit_code == 2, empty.output
    assert "--theme needs a theme name; available: base, compact, default, report" \
        in empty.stderr
    assert not (minimal_project / "out").exists()


def test_a_project_theme_may_end_in_yml(minimal_project: Path, cli: Cli) -> None:
    (minimal_project / "styles").mkdir()
    (minimal_project / "styles" / "house.yml").write_text("extends: compact\n")
    result = cli("-C", minimal_project, "build", "--theme", "house")
    assert result.exit_code == 0, result.output
    box = Pdf(minimal_project / "out" / "mini.pdf").reader.pages[0].mediabox
    assert (round(box.width), round(box.height)) == (612, 792)  # compact's US Letter


def test_brief_names_differing_only_in_case_clash(minimal_project: Path, cli: Cli) -> None:
    """On macOS and Windows Mini.pdf and mini.pdf are one file."""
    briefs = minimal_project / "briefs"
    shutil.copy(briefs / "mini.yaml", briefs / "Mini.yaml")
    one = cli("-C", minimal_project, "build", "mini")
    assert one.exit_code == 1
    assert one.stderr.splitlines() == [
        "briefs/mini.yaml: error: brief name 'mini' clashes with briefs/Mini.yaml: both would "
        "be built to mini.pdf; rename one", "1 error"]
    result = cli("-C", minimal_project, "build")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "briefs/Mini.yaml: error: brief name 'Mini' clashes with briefs/mini.yaml: both would "
        "be built to Mini.pdf; rename one",
        "briefs/mini.yaml: error: brief name 'mini' clashes with briefs/Mini.yaml: both would "
        "be built to mini.pdf; rename one",
        "2 errors"]
    assert not (minimal_project / "out" / "mini.pdf").exists()
