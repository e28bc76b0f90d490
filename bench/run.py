"""briefsmith's performance benchmark, measured in one run against baselines from the same run.

    pip install -e '.[bench]' && python bench/run.py

Measures, on this machine and in this order:

1. Cold ``briefsmith build`` of the sample brief (a fresh process each time, PDF really
   rendered: ``--force``), against (a) the floor, ``bench/floor_reportlab.py``, a minimal
   hand-written ReportLab script typesetting the same document in the same fonts, and
   (b) Typst compiling the same document (``bench/typst_doc.py``) through its PyPI package,
   also from a fresh process.  Also cold with empty caches (a new machine or CI runner).
   The sample is also built untagged (a theme with ``tagged: false``) and as PDF/A
   (``--pdfa``): what tagging and archiving cost, as ratios to the untagged build.
2. ``briefsmith check`` of the sample alone, as a share of the build.
3. Throughput for a generated project of N briefs (default 200) with ``--jobs 1`` and
   ``--jobs 2``, and the peak memory of a rendering process at N/4 and at N briefs (it
   must stay flat); against Typst compiling the same N documents with one reused compiler
   in one process.
4. A no-op incremental rebuild of that project.

Figures are wall-clock times: the minimum and the median of ``--repeat`` runs (the minimum
is the least disturbed by other work on the machine).  Targets are printed as ratios; none
is asserted.  ``--profile`` writes a pyinstrument profile of one cold build.

Every command runs once untimed first, and with Python allowed to write bytecode caches
(``PYTHONDONTWRITEBYTECODE`` is dropped for the measured processes): an installed package
comes with its modules compiled (pip compiles them on install), while an editable install
run with that variable set would compile every briefsmith module from source in every
run, about 0.1 s that no user pays.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SAMPLE = "alibaba-poverty-and-jobs"
sys.path.insert(0, str(HERE))

import content  # noqa: E402
import typst_doc  # noqa: E402

TYPST_COLD = "import sys, typst; typst.compile(sys.argv[1], output=sys.argv[2])"
TYPST_MANY = """
import json, resource, sys, time, typst
paths = json.loads(sys.argv[1])
compiler = typst.Compiler(root=sys.argv[2])
started = time.perf_counter()
for path in paths:
    compiler.compile(input=path, output=path[:-4] + ".pdf")
elapsed = time.perf_counter() - started
print(json.dumps({"seconds": elapsed,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--briefs", type=int, default=200, help="briefs in the generated project")
    parser.add_argument("--repeat", type=int, default=7, help="runs per cold measurement")
    parser.add_argument("--profile", type=Path, help="write a pyinstrument text profile here")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="briefsmith-bench-"))
    try:
        run(work, args)
    finally:
        if args.keep:
            print(f"\nwork folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def run(work: Path, args: argparse.Namespace) -> None:
    briefsmith = _briefsmith()
    sample = _copy_project(REPO, work / "sample")
    document = _comparison_documents(work)
    print(_machine())
    print()

    # ------------------------------------------------------------------ 1. cold build
    build = _times([*briefsmith, "-C", str(sample), "build", "--force", "--jobs", "1"],
                   args.repeat)
    floor = _times([sys.executable, str(HERE / "floor_reportlab.py"), str(document["json"]),
                    str(work / "floor.pdf")], args.repeat)
    have_typst = _has_typst()
    typst = (_times([sys.executable, "-c", TYPST_COLD, str(document["typ"]),
                     str(work / "typst.pdf")], args.repeat) if have_typst else None)
    empty_caches = _times([*briefsmith, "-C", str(sample), "build", "--force", "--jobs", "1"],
                          max(2, args.repeat // 3), fresh_cache=work / "caches")
    python = _times([sys.executable, "-c", "pass"], args.repeat)
    (sample / "styles" / "bench-untagged.yaml").write_text("extends: default\ntagged: false\n",
                                                           encoding="utf-8")
    untagged = _times([*briefsmith, "-C", str(sample), "build", "--force", "--jobs", "1",
                       "--theme", "bench-untagged", "-o", str(work / "untagged")], args.repeat)
    archival = _times([*briefsmith, "-C", str(sample), "build", "--force", "--jobs", "1",
                       "--pdfa", "-o", str(work / "pdfa")], args.repeat)

    print("1. Cold build of the sample brief (a fresh process each run; wall-clock seconds "
          "min / median, and least CPU seconds)")
    _row("python -c pass (interpreter start)", python)
    _row("floor: hand-written ReportLab script", floor)
    if typst is not None:
        _row("Typst (PyPI package)", typst)
    _row("briefsmith build", build)
    _row("briefsmith build, empty caches", empty_caches)
    _row("briefsmith build, untagged", untagged)
    _row("briefsmith build --pdfa (tagged, PDF/A-2a)", archival)
    print(f"   briefsmith / floor  = {build[0] / floor[0]:.2f}x wall, "
          f"{build[2] / floor[2]:.2f}x cpu   (target at most 1.10x)")
    if typst is not None:
        print(f"   briefsmith / Typst  = {build[0] / typst[0]:.2f}x wall, "
              f"{build[2] / typst[2]:.2f}x cpu   (moonshot at most 1.00x)")
        print(f"   floor / Typst       = {floor[0] / typst[0]:.2f}x wall, "
              f"{floor[2] / typst[2]:.2f}x cpu")
    print(f"   tagged / untagged   = {build[0] / untagged[0]:.2f}x wall, "
          f"{build[2] / untagged[2]:.2f}x cpu")
    print(f"   PDF/A / untagged    = {archival[0] / untagged[0]:.2f}x wall, "
          f"{archival[2] / untagged[2]:.2f}x cpu   (includes validating the file)")
    pages = {name: _pages(path) for name, path in (
        ("briefsmith", sample / "out" / f"{SAMPLE}.pdf"), ("floor", work / "floor.pdf"),
        ("Typst", work / "typst.pdf"))}
    print("   pages: " + ", ".join(f"{k} {v}" for k, v in pages.items()))

    # ------------------------------------------------------------------ 2. check
    check = _times([*briefsmith, "-C", str(sample), "check"], args.repeat)
    print("\n2. briefsmith check of the sample brief")
    _row("briefsmith check", check)
    print(f"   check / build = {check[0] / build[0]:.0%} wall, {check[2] / build[2]:.0%} cpu")

    # ------------------------------------------------------------------ 3. throughput
    count = args.briefs
    big = _generate(sample, work / "many", count)
    print(f"\n3. Throughput: a project of {count} briefs (--force, so every PDF is rendered)")
    figures = {}
    for jobs in (1, 2):
        seconds, summary = _build_json(briefsmith, big, "--force", "--jobs", str(jobs))
        assert len(summary["built"]) == count, summary
        figures[jobs] = seconds
        print(f"   --jobs {jobs}: {seconds:6.2f} s  {count / seconds:5.1f} briefs/s   "
              f"peak memory per rendering process {summary['peak_worker_memory_mib']:.0f} MiB")
    quarter = _generate(sample, work / "quarter", max(1, count // 4))
    _, small = _build_json(briefsmith, quarter, "--force", "--jobs", "1")
    _, large = _build_json(briefsmith, big, "--force", "--jobs", "1")
    print(f"   peak memory, --jobs 1: {small['peak_worker_memory_mib']:.0f} MiB at "
          f"{max(1, count // 4)} briefs, {large['peak_worker_memory_mib']:.0f} MiB at {count}")
    if have_typst:
        paths = _typst_sources(work / "typst-many", document["content"], count)
        result = subprocess.run([sys.executable, "-c", TYPST_MANY, json.dumps(paths),
                                 str(work / "typst-many")],
                                capture_output=True, text=True, check=True, env=_environment())
        many = json.loads(result.stdout)
        print(f"   Typst, one reused compiler, one core: {many['seconds']:6.2f} s  "
              f"{count / many['seconds']:5.1f} documents/s   peak {many['peak_mib']:.0f} MiB")
        print(f"   briefsmith --jobs 1 / Typst throughput = "
              f"{(count / figures[1]) / (count / many['seconds']):.2f}x")

    # ------------------------------------------------------------------ 4. no-op rebuild
    noop = _times([*briefsmith, "-C", str(big), "build"], args.repeat)
    print(f"\n4. No-op incremental rebuild of the {count}-brief project")
    _row("briefsmith build (nothing changed)", noop)

    if args.profile:
        _profile(briefsmith, sample, args.profile)


# --------------------------------------------------------------------------- helpers


def _briefsmith() -> list[str]:
    script = Path(sys.executable).with_name("briefsmith")
    return [str(script)] if script.exists() else [sys.executable, "-m", "briefsmith"]


def _copy_project(source: Path, target: Path) -> Path:
    for folder in ("briefs", "content", "styles", "fonts"):
        if (source / folder).is_dir():
            shutil.copytree(source / folder, target / folder)
    return target


def _comparison_documents(work: Path) -> dict:
    """The sample as plain data, with the font files briefsmith would pick, as JSON and Typst."""
    from briefsmith.fonts import discover, font_dirs

    doc = content.load(REPO, SAMPLE)
    index = discover(font_dirs(REPO))

    def family(name: str) -> dict[str, str]:
        faces = index.family(name)
        if faces is None:
            raise SystemExit(f"bench: font family '{name}' is not installed")
        return {style: face.path for style, face in faces.items()}

    doc["fonts"] = {"serif": family("Noto Serif"), "sans": family("Noto Sans"),
                    "cjk": family("WenQuanYi Zen Hei")["regular"]}
    (work / "content.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    (work / "sample.typ").write_text(typst_doc.document(doc), encoding="utf-8")
    return {"json": work / "content.json", "typ": work / "sample.typ", "content": doc}


def _generate(sample: Path, target: Path, count: int) -> Path:
    """``count`` briefs sharing the sample's sections, each with its own title."""
    if target.exists():
        return target
    _copy_project(sample, target)
    brief = (sample / "briefs" / f"{SAMPLE}.yaml").read_text(encoding="utf-8")
    (target / "briefs" / f"{SAMPLE}.yaml").unlink()
    for number in range(1, count + 1):
        text = brief.replace("title: Alibaba on Poverty and Jobs",
                             f"title: Alibaba on Poverty and Jobs, county {number:03d}")
        (target / "briefs" / f"county-{number:03d}.yaml").write_text(text, encoding="utf-8")
    return target


def _typst_sources(folder: Path, doc: dict, count: int) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(1, count + 1):
        variant = {**doc, "title": f"{doc['title']}, county {number:03d}"}
        path = folder / f"county-{number:03d}.typ"
        path.write_text(typst_doc.document(variant), encoding="utf-8")
        paths.append(str(path))
    return paths


def _times(command: list[str], repeat: int, fresh_cache: Path | None = None,
           ) -> tuple[float, float, float]:
    """(min, median) wall-clock seconds of ``repeat`` runs of ``command``, and the least
    CPU time (user + system) of a run: on a machine shared with other work, CPU time
    moves much less than wall time."""
    wall, cpu = [], []
    env = _environment()
    if fresh_cache is not None:
        env["XDG_CACHE_HOME"] = str(fresh_cache / "warm-up")
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env)  # warm-up
    for attempt in range(repeat):
        if fresh_cache is not None:
            cache = fresh_cache / str(attempt)
            env["XDG_CACHE_HOME"] = str(cache)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env)
        wall.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return min(wall), statistics.median(wall), min(cpu)


def _build_json(briefsmith: list[str], project: Path, *options: str) -> tuple[float, dict]:
    started = time.perf_counter()
    result = subprocess.run([*briefsmith, "-C", str(project), "build", "--json", *options],
                            capture_output=True, text=True, check=True, env=_environment())
    return time.perf_counter() - started, json.loads(result.stdout)


def _environment() -> dict[str, str]:
    """This process's environment, with bytecode caches allowed (see the module docstring)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _row(label: str, times: tuple[float, float, float]) -> None:
    print(f"   {label:<40} {times[0]:6.3f} / {times[1]:6.3f}   cpu {times[2]:6.3f}")


def _pages(path: Path) -> int | str:
    try:
        from pypdf import PdfReader

        return len(PdfReader(path).pages)
    except Exception:  # pypdf missing or file absent: the figure is informative only
        return "?"


def _has_typst() -> bool:
    try:
        import typst  # noqa: F401
    except ImportError:
        print("(typst is not installed: pip install -e '.[bench]'; skipping the Typst rows)")
        return False
    return True


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 2**20:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    from briefsmith import __version__
    from briefsmith.batch import available_cpus

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"machine: {cpu}, {available_cpus()} CPUs{memory}; {platform.system()} "
            f"{platform.release()}; Python {platform.python_version()}; "
            f"briefsmith {__version__}; load average at start {load}")


def _profile(briefsmith: list[str], sample: Path, target: Path) -> None:
    command = [sys.executable, "-m", "pyinstrument", "-o", str(target), "-m", "briefsmith",
               "-C", str(sample), "build", "--force", "--jobs", "1"]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=_environment())
    print(f"\nprofile of one cold build written to {target}")


if __name__ == "__main__":
    main()
