"""The font caches change how fast a build is, never what it produces."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from briefsmith import fonts
from briefsmith.fonts import coverage, discover, font_dirs
from briefsmith.render.fontcache import LAZY_TABLES, _cache_file, load_ttfont
from conftest import FIXTURES, Cli, copy_project


def _face(family: str):  # type: ignore[no-untyped-def]
    faces = discover(font_dirs(None)).family(family)
    if faces is None:
        pytest.skip(f"{family} is not installed")
    return faces["regular"]


@pytest.mark.parametrize("family", ["Noto Serif", "WenQuanYi Zen Hei"])
def test_restored_metrics_equal_a_fresh_parse(family: str, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    face = _face(family)
    cache_file = _cache_file(face.path, face.index)
    assert cache_file is not None and not cache_file.exists()

    parsed = load_ttfont(face).face
    assert cache_file.exists()
    restored = load_ttfont(face).face

    # The large tables are decoded when first used.
    assert not set(LAZY_TABLES) & set(vars(restored))
    for name in LAZY_TABLES:
        assert getattr(restored, name) == getattr(parsed, name), name
    fresh, cached = vars(parsed), vars(restored)
    assert sorted(fresh) == sorted(cached)
    for key, value in fresh.items():
        if key == "_pdfScale":
            assert cached[key](1234) == value(1234)
        elif key == "_ttf_data":  # the font file, mapped into memory
            assert cached[key][:] == value[:] == Path(face.path).read_bytes()
        elif key != "_pos":
            assert cached[key] == value, key
    assert type(cached["name"]) is type(fresh["name"]) and cached["name"].ustr == fresh[
        "name"].ustr
    # Subsetting slices the glyph table, handed out as a view of the mapped file.
    start, length = restored.get_table_pos("glyf")
    table = restored.get_table("glyf")
    data = Path(face.path).read_bytes()
    assert len(table) == length
    assert table[100:164] == data[start + 100:start + 164] and table[length - 8:] == data[
        start + length - 8:start + length]


def test_a_corrupt_metrics_cache_is_ignored(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    face = _face("Noto Serif")
    cache_file = _cache_file(face.path, face.index)
    assert cache_file is not None
    cache_file.parent.mkdir(parents=True)
    cache_file.write_bytes(b"not marshal data")
    assert load_ttfont(face).face.charWidths[ord("A")] > 0


def test_coverage_from_the_disk_cache_equals_the_font(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    face = _face("WenQuanYi Zen Hei")
    first = coverage.__wrapped__(face.path, face.index)
    assert list((tmp_path / "briefsmith").glob("coverage-v*/*.json"))
    again = coverage.__wrapped__(face.path, face.index)
    assert again == first and ord("魔") in again and len(again) > 20000


def test_builds_with_cold_and_warm_caches_give_the_same_bytes(minimal_project: Path,
                                                              tmp_path: Path) -> None:
    outputs = []
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    for attempt in ("cold", "warm"):
        out = tmp_path / attempt
        subprocess.run([sys.executable, "-m", "briefsmith", "-C", str(minimal_project),
                        "build", "-o", str(out)], check=True, env=env, capture_output=True)
        outputs.append((out / "mini.pdf").read_bytes())
    assert list((tmp_path / "cache" / "briefsmith").glob("reportlab-metrics-v*/*"))
    assert outputs[0] == outputs[1]


def test_a_cff_fallback_font_is_converted_only_when_text_uses_it(tmp_path: Path,
                                                                 cli: Cli) -> None:
    """The default theme falls back to Noto CJK (CFF outlines, converted at ~0.5 s a face):
    an English brief converts none of it; a Chinese word in the text converts the serif
    family it is set in (its faces are registered together), not the sans one."""
    project = copy_project(FIXTURES / "minimal", tmp_path / "p")
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    converted = tmp_path / "cache" / "briefsmith"
    assert cli("-C", project, "build", env=env).exit_code == 0
    assert not list(converted.glob("truetype-*/*.ttf"))
    intro = project / "content" / "intro.yaml"
    intro.write_text(intro.read_text(encoding="utf-8").replace(
        "Some **bold**", "Some 魔豆 **bold**"), encoding="utf-8")
    assert cli("-C", project, "build", env=env).exit_code == 0
    assert {p.name.split("-")[0] for p in converted.glob("truetype-*/*.ttf")} == {
        "NotoSerifCJKsc"}


def test_answers_from_ranges_equal_the_whole_character_map() -> None:
    """A few characters asked of a face that was never made into a set (a CJK fallback
    behind a Latin font) are answered from its ranges, with the set's answers."""
    face = _face("WenQuanYi Zen Hei")
    asked = frozenset({ord(c) for c in "魔法 Aé\u3001"} | {0x10FFFF, 0})
    from_ranges = fonts.covered_among(face.path, face.index, asked)
    assert from_ranges == asked & coverage(face.path, face.index)
    assert ord("魔") in from_ranges and 0x10FFFF not in from_ranges


def test_latin_text_reads_only_the_first_face_of_a_chain() -> None:
    """Checking text the first face covers makes no fallback face's set (a CJK face's is
    ~45,000 numbers); a character it lacks is looked for further down the chain."""
    index = discover(font_dirs(None))
    families = [index.family("Noto Serif"), index.family("WenQuanYi Zen Hei")]
    if None in families:
        pytest.skip("Noto Serif or WenQuanYi Zen Hei is not installed")
    chain = fonts.FontChain("body", ("Noto Serif", "WenQuanYi Zen Hei"), tuple(families))
    coverage_ = chain.styled_coverage()
    made = set(fonts._LOADED)
    assert coverage_.uncovered("Plain English, with “quotes”.") == []
    fallback = families[1]["regular"]
    assert (fallback.path, fallback.index) not in set(fonts._LOADED) - made
    assert coverage_.uncovered("魔\U0010ffff") == ["\U0010ffff"]
    assert coverage_.covers("魔")
