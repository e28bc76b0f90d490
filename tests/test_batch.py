"""Batch builds through the CLI: parallel workers, shards, incremental skips, the manifest."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from briefsmith.batch import Shard
from conftest import FIXTURES, Cli, copy_project
from pdfinspect import Pdf

NAMES = ("county-a", "county-b", "county-c", "county-d", "county-e")


@pytest.fixture(scope="module")
def batch_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal project with five briefs sharing one section (two also include another)."""
    root = copy_project(FIXTURES / "minimal", tmp_path_factory.mktemp("batch") / "project")
    brief = (root / "briefs" / "mini.yaml").read_text()
    (root / "briefs" / "mini.yaml").unlink()
    (root / "content" / "extra.yaml").write_text(
        "title: Extra\nblocks:\n  - paragraph: More text [@doe-2019].\n")
    for number, name in enumerate(NAMES):
        text = brief.replace("A Minimal Brief", f"Brief for {name}")
        if number < 2:
            text += "  - extra.yaml\n"
        (root / "briefs" / f"{name}.yaml").write_text(text)
    return root


@pytest.fixture
def project(batch_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "project"
    shutil.copytree(batch_template, target)
    return target


def _outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.pdf"))}


def _stamps(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in sorted(folder.glob("*.pdf"))}


def _built(stdout: str) -> list[str]:
    return sorted(line.split()[1] for line in stdout.splitlines() if line.startswith("built "))


# --------------------------------------------------------------------------- parallel


def test_parallel_build_equals_serial_build_byte_for_byte(project: Path, cli: Cli) -> None:
    serial = cli("-C", project, "build", "--jobs", "1", "-o", project / "serial")
    parallel = cli("-C", project, "build", "--jobs", "2", "-o", project / "parallel")
    assert serial.exit_code == 0, serial.output
    assert parallel.exit_code == 0, parallel.output
    assert len(_outputs(project / "serial")) == len(NAMES)
    assert _outputs(project / "serial") == _outputs(project / "parallel")
    serial_manifest = json.loads((project / "serial" / "manifest.json").read_text())
    parallel_manifest = json.loads((project / "parallel" / "manifest.json").read_text())
    for entry in parallel_manifest["briefs"].values():
        entry["output"] = entry["output"].replace("parallel/", "serial/")
    assert parallel_manifest == serial_manifest
    assert sorted(_built(parallel.stdout)) == [f"parallel/{n}.pdf" for n in NAMES]


# --------------------------------------------------------------------------- shards


def test_shards_partition_the_briefs(project: Path, cli: Cli) -> None:
    seen: list[str] = []
    for index in (1, 2, 3):
        result = cli("-C", project, "build", "--shard", f"{index}/3", "--json",
                     "-o", project / f"shard-{index}")
        assert result.exit_code == 0, result.output
        summary = json.loads(result.stdout)
        names = [entry["brief"] for entry in summary["built"]]
        assert names == sorted(n for n in NAMES if Shard(index, 3).contains(n))
        seen += names
        manifest = project / f"shard-{index}" / "manifest.json"
        if names:
            assert sorted(json.loads(manifest.read_text())["briefs"]) == names
        else:  # an empty shard writes nothing
            assert not manifest.parent.exists()
    assert sorted(seen) == sorted(NAMES)


def test_shard_assignment_is_stable_across_machines() -> None:
    # SHA-256 of the name: the same on every machine, Python version and hash seed.
    names = [f"brief-{i:03d}" for i in range(12)]
    assert [n for n in names if Shard(1, 3).contains(n)] == ["brief-001", "brief-003"]
    assert [n for n in names if Shard(2, 3).contains(n)] == [
        "brief-000", "brief-004", "brief-005", "brief-007", "brief-010"]
    for count in (1, 2, 5, 7):
        owners = [[k for k in range(1, count + 1) if Shard(k, count).contains(n)]
                  for n in names]
        assert all(len(found) == 1 for found in owners)


@pytest.mark.parametrize("text", ["0/3", "4/3", "1/0", "a/b", "3", "1/3/4", ""])
def test_bad_shard_is_a_usage_error(project: Path, cli: Cli, text: str) -> None:
    result = cli("-C", project, "build", "--shard", text)
    assert result.exit_code == 2
    assert "--shard" in result.stderr
    assert not (project / "out").exists()


def test_an_empty_shard_builds_nothing_and_succeeds(minimal_project: Path, cli: Cli) -> None:
    empty = next(k for k in range(1, 9) if not Shard(k, 8).contains("mini"))
    result = cli("-C", minimal_project, "build", "--shard", f"{empty}/8")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"0 built (shard {empty}/8)")
    assert not list((minimal_project / "out").glob("*.pdf"))


# --------------------------------------------------------------------------- incremental


def test_a_second_build_skips_everything(project: Path, cli: Cli) -> None:
    assert cli("-C", project, "build", "--jobs", "1").exit_code == 0
    before = _stamps(project / "out")
    manifest = (project / "out" / "manifest.json").read_bytes()

    again = cli("-C", project, "build", "--jobs", "1")

    assert again.exit_code == 0, again.output
    assert _built(again.stdout) == []
    assert sorted(line for line in again.stdout.splitlines() if line.startswith("up to")) == [
        f"up to date out/{n}.pdf" for n in NAMES]
    assert _stamps(project / "out") == before, "an up-to-date PDF was rewritten"
    assert (project / "out" / "manifest.json").read_bytes() == manifest


def test_changed_inputs_rebuild_exactly_the_briefs_that_use_them(project: Path,
                                                                 cli: Cli) -> None:
    assert cli("-C", project, "build").exit_code == 0
    extra = project / "content" / "extra.yaml"

    extra.write_text(extra.read_text().replace("More text", "Changed text"))
    assert _built(cli("-C", project, "build").stdout) == ["out/county-a.pdf",
                                                          "out/county-b.pdf"]

    brief = project / "briefs" / "county-e.yaml"
    brief.write_text(brief.read_text().replace("Used by the tests", "Edited"))
    assert _built(cli("-C", project, "build").stdout) == ["out/county-e.pdf"]

    sources = project / "content" / "sources.yaml"
    sources.write_text(sources.read_text().replace("A Report", "A Renamed Report"))
    assert _built(cli("-C", project, "build").stdout) == [f"out/{n}.pdf" for n in NAMES]


def test_theme_changes_rebuild_including_a_new_file_that_shadows_a_shipped_theme(
        project: Path, cli: Cli) -> None:
    assert cli("-C", project, "build").exit_code == 0
    styles = project / "styles"
    styles.mkdir()
    (styles / "default.yaml").write_text("colours: {primary: '#7A1F1F'}\n")
    assert len(_built(cli("-C", project, "build").stdout)) == len(NAMES)
    assert _built(cli("-C", project, "build").stdout) == []
    (styles / "default.yaml").write_text("colours: {primary: '#1F7A1F'}\n")
    assert len(_built(cli("-C", project, "build").stdout)) == len(NAMES)


def test_touching_without_changing_content_does_not_rebuild(project: Path, cli: Cli) -> None:
    assert cli("-C", project, "build").exit_code == 0
    for path in (project / "content").iterdir():
        os.utime(path, ns=(1_000_000_000, 1_000_000_000))  # like a fresh git checkout
    assert _built(cli("-C", project, "build").stdout) == []


def test_missing_or_altered_outputs_are_rebuilt(project: Path, cli: Cli) -> None:
    assert cli("-C", project, "build").exit_code == 0
    (project / "out" / "county-a.pdf").unlink()
    (project / "out" / "county-b.pdf").write_bytes(b"%PDF-1.4 not ours")
    assert _built(cli("-C", project, "build").stdout) == ["out/county-a.pdf",
                                                          "out/county-b.pdf"]


def test_force_and_environment_changes_rebuild(project: Path, cli: Cli) -> None:
    assert cli("-C", project, "build").exit_code == 0
    assert len(_built(cli("-C", project, "build", "--force").stdout)) == len(NAMES)
    dated = cli("-C", project, "build", env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert len(_built(dated.stdout)) == len(NAMES)


def test_new_briefsmith_code_under_the_same_version_rebuilds(
        project: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fix installed from a branch (or a development checkout) keeps the version
    number: the PDFs the old code made are not "up to date"."""
    import briefsmith.incremental

    assert cli("-C", project, "build").exit_code == 0
    assert _built(cli("-C", project, "build").stdout) == []
    monkeypatch.setattr(briefsmith.incremental, "_own_code", lambda: "other code")
    assert len(_built(cli("-C", project, "build").stdout)) == len(NAMES)


def test_skipped_builds_still_report_their_warnings(minimal_project: Path, cli: Cli) -> None:
    sources = minimal_project / "content" / "sources.yaml"
    sources.write_text(sources.read_text() + "unused-1:\n  title: Never cited\n"
                       "  publisher: Nobody\n")
    first = cli("-C", minimal_project, "build")
    again = cli("-C", minimal_project, "build")
    assert first.exit_code == again.exit_code == 0
    assert "up to date out/mini.pdf" in again.stdout
    assert again.stderr == first.stderr
    assert "warning: source 'unused-1' is never cited" in again.stderr
    assert cli("-C", minimal_project, "build", "--strict").exit_code == 1
    # A verdict on the whole project is no warning about this PDF (see the manifest tests).
    entry = json.loads((minimal_project / "out" / "manifest.json").read_text())["briefs"]["mini"]
    assert entry["warnings"] == []


def test_a_fixed_error_builds_again(minimal_project: Path, cli: Cli) -> None:
    assert cli("-C", minimal_project, "build").exit_code == 0
    section = minimal_project / "content" / "intro.yaml"
    good = section.read_text()
    section.write_text(good + "  - paragraph: Broken [@nobody].\n")
    assert cli("-C", minimal_project, "build").exit_code == 1
    assert cli("-C", minimal_project, "build").exit_code == 1, "errors must not be skipped"
    section.write_text(good)
    fixed = cli("-C", minimal_project, "build")
    assert fixed.exit_code == 0
    assert "up to date out/mini.pdf" in fixed.stdout  # same inputs as the PDF on disk


# --------------------------------------------------------------------------- manifest


def test_manifest_lists_every_brief_and_forgets_deleted_ones(project: Path, cli: Cli) -> None:
    assert cli("-C", project, "build").exit_code == 0
    manifest = json.loads((project / "out" / "manifest.json").read_text())
    assert manifest["version"] == 2
    assert list(manifest["briefs"]) == sorted(NAMES)
    entry = manifest["briefs"]["county-a"]
    assert sorted(entry) == ["bytes", "output", "pages", "sha256", "sources_cited", "warnings"]
    timings = json.loads((project / "out" / "timings.json").read_text())["briefs"]
    assert sorted(timings) == sorted(NAMES)
    assert all(t["build_seconds"] > 0 for t in timings.values())

    (project / "briefs" / "county-c.yaml").unlink()
    assert cli("-C", project, "build").exit_code == 0
    manifest = json.loads((project / "out" / "manifest.json").read_text())
    assert "county-c" not in manifest["briefs"]
    assert len(manifest["briefs"]) == len(NAMES) - 1


def test_json_summary(project: Path, cli: Cli) -> None:
    first = json.loads(cli("-C", project, "build", "county-a", "county-b", "--json").stdout)
    assert first["ok"] is True
    assert [b["brief"] for b in first["built"]] == ["county-a", "county-b"]
    built = first["built"][0]
    assert built["output"] == "out/county-a.pdf"
    assert built["pages"] == 1 and built["bytes"] > 1000 and len(built["sha256"]) == 64
    assert built["sources_cited"] == ["smith-2020", "doe-2019"]
    again = json.loads(cli("-C", project, "build", "county-a", "--json").stdout)
    assert again["built"] == [] and again["up_to_date"] == ["out/county-a.pdf"]
    assert again["errors"] == again["warnings"] == 0


def test_named_briefs_do_not_replay_project_wide_warnings(minimal_project: Path,
                                                          cli: Cli) -> None:
    # "never cited" is judged over the whole project; naming the one brief skips that
    # check, and must not replay it from the previous whole-project run either.
    sources = minimal_project / "content" / "sources.yaml"
    sources.write_text(sources.read_text() + "unused-1:\n  title: Never cited\n"
                       "  publisher: Nobody\n")
    assert "never cited" in cli("-C", minimal_project, "build").stderr
    named = cli("-C", minimal_project, "build", "mini")
    assert named.exit_code == 0
    assert "up to date out/mini.pdf" in named.stdout
    assert "never cited" not in named.stderr


def test_the_manifest_depends_only_on_the_pdfs_in_the_folder(minimal_project: Path,
                                                             cli: Cli) -> None:
    """Not on which briefs were built before, in which order: a subset build used to
    empty a brief's warnings, and a later full build replayed them but kept the list empty."""
    brief = minimal_project / "briefs" / "mini.yaml"
    brief.write_text(brief.read_text().replace("language: en", "language: tlh"))
    shutil.copy(brief, minimal_project / "briefs" / "other.yaml")
    sources = minimal_project / "content" / "sources.yaml"
    sources.write_text(sources.read_text() + "unused-1:\n  title: Never cited\n"
                       "  publisher: Nobody\n")
    manifest = minimal_project / "out" / "manifest.json"
    own = "briefs/{}.yaml:6:11: warning: language 'tlh' has no built-in labels; using " \
          "English (supported: en, es, zh)"

    assert cli("-C", minimal_project, "build").exit_code == 0
    first = manifest.read_bytes()
    entries = json.loads(first)["briefs"]
    assert entries["mini"]["warnings"] == [own.format("mini")]
    assert entries["other"]["warnings"] == [own.format("other")]
    for selection in (["mini"], ["other"], [], ["--shard", "1/2"], ["--force", "mini"], []):
        assert cli("-C", minimal_project, "build", *selection).exit_code == 0
        assert manifest.read_bytes() == first, selection

    (minimal_project / "out" / "other.pdf").unlink()
    assert cli("-C", minimal_project, "build", "mini").exit_code == 0
    assert list(json.loads(manifest.read_text())["briefs"]) == ["mini"]  # no PDF, no entry


def test_a_manifest_or_timings_file_briefsmith_did_not_write_is_never_overwritten(
        minimal_project: Path, tmp_path: Path, cli: Cli) -> None:
    shared = tmp_path / "site"
    shared.mkdir()
    for name in ("manifest.json", "timings.json"):
        (shared / name).write_text('{"name": "web app"}\n')
        result = cli("-C", minimal_project, "build", "-o", shared)
        assert result.exit_code == 2, result.output
        assert (f"'{shared}/{name}' was not written by briefsmith; refusing to overwrite it"
                in result.stderr)
        assert (shared / name).read_text() == '{"name": "web app"}\n'
        assert not (shared / "mini.pdf").exists()
        (shared / name).unlink()


def test_manifest_paths_are_never_absolute(minimal_project: Path, tmp_path: Path,
                                           cli: Cli) -> None:
    outside = tmp_path / "elsewhere"
    assert cli("-C", minimal_project, "build", "-o", outside).exit_code == 0
    entry = json.loads((outside / "manifest.json").read_text())["briefs"]["mini"]
    assert entry["output"] == "mini.pdf"  # relative to the output folder
    inside = minimal_project / "out" / "ci"
    assert cli("-C", minimal_project, "build", "-o", inside).exit_code == 0
    entry = json.loads((inside / "manifest.json").read_text())["briefs"]["mini"]
    assert entry["output"] == "out/ci/mini.pdf"  # relative to the project


@pytest.mark.parametrize("linked", ["file", "folder"])
def test_pointing_a_symlink_elsewhere_rebuilds(linked: str, minimal_project: Path,
                                               cli: Cli) -> None:
    """Even when the new target has the old one's size and modification time."""
    content = minimal_project / "content"
    section = content / "intro.yaml"
    text = section.read_text()
    for name, title in (("a", "Introduction"), ("b", "Bravo Bravo!")):  # same length
        folder = content / name
        folder.mkdir()
        (folder / "intro.yaml").write_text(text.replace("Introduction", title))
    os.utime(content / "b" / "intro.yaml", ns=(1_000_000_000, 1_000_000_000))
    os.utime(content / "a" / "intro.yaml", ns=(1_000_000_000, 1_000_000_000))
    section.unlink()
    link = section if linked == "file" else content / "part"
    if linked == "folder":
        brief = minimal_project / "briefs" / "mini.yaml"
        brief.write_text(brief.read_text().replace("- intro.yaml", "- part/intro.yaml"))
    link.symlink_to("a/intro.yaml" if linked == "file" else "a")
    assert cli("-C", minimal_project, "build").exit_code == 0

    link.unlink()
    link.symlink_to("b/intro.yaml" if linked == "file" else "b")
    result = cli("-C", minimal_project, "build")

    assert "built out/mini.pdf" in result.stdout, result.output
    assert "Bravo Bravo!" in Pdf(minimal_project / "out" / "mini.pdf").text()


def test_a_bug_in_one_brief_stops_only_that_brief(project: Path, cli: Cli,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """An exception while rendering is a bug in briefsmith (exit 3), but a nightly batch
    does not lose the other briefs to it: they are built and recorded in the manifest,
    and the broken one is named, located at its brief file, without a traceback."""
    import briefsmith.render

    real = briefsmith.render.render_pdf

    def render_pdf(doc, *args, **kwargs):  # type: ignore[no-untyped-def]
        if doc.name == "county-c":
            raise IndexError("list index out of range")
        return real(doc, *args, **kwargs)

    monkeypatch.setattr(briefsmith.render, "render_pdf", render_pdf)
    result = cli("-C", project, "build", "--jobs", "1")
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output
    assert ("briefs/county-c.yaml:1:1: error: internal error while rendering this brief: "
            "IndexError: list index out of range") in result.stderr
    built = sorted(p.stem for p in (project / "out").glob("*.pdf"))
    assert built == sorted(set(NAMES) - {"county-c"})
    manifest = json.loads((project / "out" / "manifest.json").read_text())
    assert sorted(manifest["briefs"]) == built
