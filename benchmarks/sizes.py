"""How build time and memory grow with input size: run by hand, never by pytest.

    python benchmarks/sizes.py [--quick]

Each series builds the minimal test project with one thing made large (a paragraph, a
timeline, the number of sections, a YAML file) and prints seconds and the ratio of time
to the smallest size of the same series, measured in the same run, next to the ratio of
the sizes: roughly equal ratios mean linear growth.  Peak memory of the loader is measured
with tracemalloc.  Reference numbers (2 shared cores, ReportLab 5.1, libyaml):

    paragraph 5,000 -> 20,000 characters (the limit): time x8 for size x4 (quadratic
        inside ReportLab, hence the 20,000-character limit: 200,000 took 43 s)
    timeline 1,000 -> 10,000 rows: time x7 for size x10 (one table: 4,000 rows took 9 s)
    4 MB YAML list of tiny items: refused after 200,000 values in 1.4 s (was 146 s)
    billion laughs: refused in milliseconds, peak memory well under 10 MB
    inline markup made to rescan (20,000 characters of '*a ', '[a ', '[@a] '...): check
        in well under a second, time x2 for size x2 (was 9 s: quadratic)
    aliases: 1,000 aliases of a 20,000-character paragraph refused at once (was 11 s)
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from briefsmith.diagnostics import Problems
from briefsmith.load import parse_yaml
from briefsmith.pipeline import BuildOptions, build
from briefsmith.project import Project

MINIMAL = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "minimal"
WORDS = ("the", "rural", "fund", "supports", "jobs", "training", "and", "health", "care")


def words(count: int) -> str:
    return " ".join(WORDS[i % len(WORDS)] for i in range(count))


def build_seconds(make: Callable[[Path], None]) -> float:
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder) / "p"
        shutil.copytree(MINIMAL, project)
        make(project)
        start = time.perf_counter()
        report = build(Project.at(project), [], BuildOptions())
        elapsed = time.perf_counter() - start
        assert not report.failed, [str(p) for p in report.problems][:3]
        return elapsed


def paragraph(chars: int) -> Callable[[Path], None]:
    def make(project: Path) -> None:
        text = words(chars // 6)[:chars]
        (project / "content" / "intro.yaml").write_text(
            f"title: Long\nblocks:\n  - paragraph: {text} [@smith-2020] [@doe-2019].\n")
    return make


def timeline(rows: int) -> Callable[[Path], None]:
    def make(project: Path) -> None:
        entries = "".join(f"      - date: {1000 + i % 1000}\n        event: Event {i}.\n"
                          for i in range(rows))
        (project / "content" / "intro.yaml").write_text(
            "title: Many\nblocks:\n  - paragraph: x [@smith-2020] [@doe-2019].\n"
            f"  - timeline:\n{entries}")
    return make


def sections(count: int) -> Callable[[Path], None]:
    def make(project: Path) -> None:
        for i in range(count):
            (project / "content" / f"s{i}.yaml").write_text(
                f"title: Section {i}\nblocks:\n  - paragraph: Text {i} [@smith-2020].\n")
        names = "".join(f"  - s{i}.yaml\n" for i in range(count))
        (project / "briefs" / "mini.yaml").write_text(
            "title: T\ndate: 2024-05-01\nkey_messages: [\"x [@doe-2019].\"]\nsections:\n" + names)
    return make


def check_seconds(text: str) -> float:
    """``check`` of one paragraph: the inline parser and the locator, no layout."""
    from briefsmith.pipeline import check

    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder) / "p"
        shutil.copytree(MINIMAL, project)
        (project / "content" / "intro.yaml").write_text(
            "title: Markup\nblocks:\n  - paragraph: '" + text.replace("'", "''") + "'\n")
        start = time.perf_counter()
        check(Project.at(project), [])
        return time.perf_counter() - start


# Texts that made the inline parser (or the locator of its messages) quadratic.
MARKUP = {"*a ": "stars", "[a ": "brackets", "[@a ": "unclosed", "[@a] ": "citations",
          "[a](": "links"}


def series(name: str, sizes: list[int], run: Callable[[int], float]) -> None:
    base_time = None
    for size in sizes:
        seconds = run(size)
        base_time = base_time or seconds
        print(f"{name:<10} {size:>9,}  {seconds:7.2f} s  time x{seconds / base_time:5.1f}  "
              f"size x{size / sizes[0]:5.1f}", flush=True)


def load_peak(text: str) -> tuple[float, float, list[str]]:
    """Seconds (measured without tracemalloc, which slows Python down) and peak MB."""
    start = time.perf_counter()
    parse_yaml(text, "bench.yaml", Problems())
    elapsed = time.perf_counter() - start
    tracemalloc.start()
    problems = Problems()
    parse_yaml(text, "bench.yaml", problems)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return elapsed, peak, [p.message for p in problems]


def main() -> None:
    quick = "--quick" in sys.argv
    build_seconds(paragraph(100))  # warm up: font discovery and registration happen once
    series("paragraph", [4_900, 9_800, 19_600], lambda n: build_seconds(paragraph(n)))
    series("timeline", [1_000, 4_000] if quick else [1_000, 4_000, 10_000],
           lambda n: build_seconds(timeline(n)))
    series("sections", [500, 2_000] if quick else [500, 2_000, 5_000],
           lambda n: build_seconds(sections(n)))
    for unit, label in MARKUP.items():  # 20,000 characters took 9 s before (now < 1 s)
        series(label, [2_500, 5_000, 10_000, 19_900],
               lambda n, unit=unit: check_seconds((unit * n)[:n]))
    alias = ("title: T\nblocks:\n  - paragraph: &p '" + words(3_300)[:19_900] + "'\n")
    for count in (100, 1_000):  # 1,000 aliases of it took 11 s to check, now refused
        seconds, peak, messages = load_peak(alias + "  - paragraph: *p\n" * count)
        print(f"{count:,} aliases of a 20,000-character text: {seconds:6.2f} s  "
              f"peak {peak:6.1f} MB  {(messages or ['accepted'])[0][:60]}")
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [" + ", ".join([f"*{chr(ord(c) - 1)}"] * 9) + "]\n" for c in "bcdefghi")
    for label, text in (("billion laughs", bomb), ("4 MB flat list", "- a\n" * 1_000_000)):
        seconds, peak, messages = load_peak(text)
        print(f"{label:<15} {seconds:6.2f} s  peak {peak:6.1f} MB  {messages[0][:60]}")


if __name__ == "__main__":
    main()
