"""The strict YAML loader: positions kept, no implicit typing, hostile input refused."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from briefsmith.diagnostics import Problems
from briefsmith.load import Mapping, Scalar, decode, parse_yaml


def load(text: str) -> tuple[object, list[str]]:
    problems = Problems()
    node = parse_yaml(text, "f.yaml", problems)
    return node, [str(p) for p in problems.sorted()]


def values(text: str) -> dict[str, str]:
    node, problems = load(text)
    assert problems == []
    assert isinstance(node, Mapping)
    return {k.value: v.value for k, v in node if isinstance(v, Scalar)}


def test_scalars_keep_the_text_that_was_written() -> None:
    assert values("country: NO\nflag: no\non: yes\nversion: 1.10\nmonth: 2021-05\n"
                  "day: 2021-05-01\nnum: 012\n") == {
        "country": "NO", "flag": "no", "on": "yes", "version": "1.10", "month": "2021-05",
        "day": "2021-05-01", "num": "012"}


def test_positions_are_one_based() -> None:
    node, _ = load("a: 1\nlist:\n  - x: 2\n")
    assert isinstance(node, Mapping)
    item = node.get("list").items[0]
    assert (item.location.line, item.location.col) == (3, 5)
    assert str(item.get("x").location) == "f.yaml:3:8"


def test_duplicate_keys_are_errors() -> None:
    _, problems = load("a: 1\nb: 2\na: 3\n")
    assert problems == ["f.yaml:3:1: error: duplicate key 'a' (first defined at line 1); "
                        "YAML would silently keep only the last one"]


def test_python_tags_are_refused_and_never_constructed() -> None:
    _, problems = load("a: !!python/object/apply:os.system ['echo hi']\n")
    assert problems == ["f.yaml:1:4: error: YAML tag '!!python/object/apply:os.system' "
                        "is not allowed here"]


def test_billion_laughs_is_refused_quickly() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n"
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        bomb += f"{level}: &{level} [" + ", ".join([f"*{previous}"] * 9) + "]\n"
    start = time.perf_counter()
    _, problems = load(bomb)
    assert time.perf_counter() - start < 5
    assert len(problems) == 1
    assert "expands to more than 200,000 values" in problems[0]


def test_deep_nesting_is_refused() -> None:
    _, problems = load("a: " + "[" * 5000 + "]" * 5000)
    assert len(problems) == 1
    assert "nesting is deeper than" in problems[0]


def test_control_characters_are_located() -> None:
    _, problems = load('a: ok\nb: "bell\\a"\n')
    assert problems == ["f.yaml:2:4: error: control character U+0007 (BELL) at position 5 of this "
                        "text is not allowed"]


def test_empty_file() -> None:
    assert load("# only a comment\n")[1] == ["f.yaml: error: file is empty"]


def test_decoding() -> None:
    problems = Problems()
    assert decode("\ufeffa: é".encode(), "f", problems) == "a: é"
    assert decode("a: é".encode("utf-16"), "f", problems) == "a: é"
    assert decode(b"a: 1\nb: caf\xe9\n", "f", problems) is None
    assert [str(p) for p in problems] == [
        "f:2:7: error: byte 0xe9 is not valid UTF-8; save the file as UTF-8"]


@settings(max_examples=300)
@given(st.text(max_size=400))
def test_any_text_gives_nodes_or_located_problems(text: str) -> None:
    problems = Problems()
    node = parse_yaml(text, "f.yaml", problems)
    assert node is not None or problems.has_errors()
    for problem in problems:
        assert problem.location is not None and problem.location.path == "f.yaml"
