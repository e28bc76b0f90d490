"""The located JSON parser used for CSL-JSON: same values as :mod:`json`, exact errors."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from briefsmith.diagnostics import Problems
from briefsmith.jsonload import parse_json
from briefsmith.load import Mapping, Node, Scalar, Sequence

# Printable text: control characters, surrogates and non-characters are refused (below).
_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Cn")))
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), _TEXT,
                     st.floats(allow_nan=False, allow_infinity=False))
_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(_TEXT.map(lambda t: t[:8]), inner,
                                                 max_size=4)),
    max_leaves=20)


def _plain(node: Node) -> object:
    if isinstance(node, Mapping):
        return {k.value: _plain(v) for k, v in node}
    if isinstance(node, Sequence):
        return [_plain(i) for i in node]
    assert isinstance(node, Scalar)
    return None if node.is_null() else node.value


def _expected(value: object) -> object:
    """What the parser keeps: text as written (numbers and booleans as their JSON text)."""
    if isinstance(value, dict):
        return {k: _expected(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_expected(v) for v in value]
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value)


@given(_VALUES, st.sampled_from([None, 2, "\t"]))
def test_any_json_value_parses_to_the_same_data(value: object, indent: object) -> None:
    problems = Problems()
    node = parse_json(json.dumps(value, indent=indent), "x.json", problems)
    assert not problems.items
    assert node is not None and _plain(node) == _expected(value)


@given(st.text(max_size=40))
def test_any_text_gives_a_node_or_a_located_problem(text: str) -> None:
    problems = Problems()
    node = parse_json(text, "x.json", problems)
    if node is None:
        assert problems.items
    else:  # a value whose strings hold characters no text may print
        assert all("is not allowed" in p.message for p in problems.items)
    for problem in problems.items:
        assert problem.location is not None and problem.location.path == "x.json"


def test_control_characters_in_strings_are_located_errors() -> None:
    """JSON escapes can spell any character; the same ones YAML refuses are refused."""
    problems = Problems()
    node = parse_json('[{"title": "Bell\\u0007",\n  "note": "ok\\u0000"}]', "lib.json",
                      problems)
    assert node is not None
    assert [str(p) for p in problems.items] == [
        "lib.json:1:12: error: control character U+0007 (BELL) at position 5 of this text "
        "is not allowed",
        "lib.json:2:11: error: NUL byte (U+0000) at position 3 of this text is not allowed"]


def test_errors_point_at_the_mistake() -> None:
    problems = Problems()
    assert parse_json('[\n  {"id": "a",}\n]', "lib.json", problems) is None
    assert [str(p) for p in problems.items] == [
        "lib.json:2:14: error: invalid JSON: trailing comma before '}'"]
