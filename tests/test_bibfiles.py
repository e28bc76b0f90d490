"""The BibTeX reader's own checks: a field list missing its commas is found, a correct
one never is (hypothesis writes entries the way people do)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from briefsmith.bibfiles import _missing_comma

_KEYS = st.sampled_from(["title", "author", "year", "note", "journal", "url", "month"])
_WORDS = st.text(st.characters(blacklist_characters='{}"\\', blacklist_categories=("Cs",)),
                 max_size=12)
_VALUES = st.one_of(
    _WORDS.map(lambda w: "{" + w + "}"),
    _WORDS.map(lambda w: "{" + w + " {Nested " + w + "}}"),
    _WORDS.map(lambda w: '"' + w + '"'),
    _WORDS.map(lambda w: '"' + w + '" # {' + w + "}"),
    st.integers(0, 3000).map(str),
    st.sampled_from(["jan", "dec"]),
)
_FIELDS = st.lists(st.tuples(_KEYS, _VALUES), min_size=1, max_size=5)
_SPACE = st.sampled_from([" ", "\n  ", "\n\t", "  \n  "])


def _entry(fields: list[tuple[str, str]], separators: list[str], trailing: str) -> str:
    body = "".join(f"{sep}{key} = {value}," for (key, value), sep in zip(fields, separators,
                                                                         strict=False))
    return "@misc{key-1," + body.rstrip(",") + trailing + "}"


@given(_FIELDS, st.lists(_SPACE, min_size=5, max_size=5), st.sampled_from(["", ",", ",\n"]))
def test_a_well_formed_entry_is_never_flagged(fields: list[tuple[str, str]],
                                              separators: list[str], trailing: str) -> None:
    assert _missing_comma(_entry(fields, separators, trailing)) is None


@given(_FIELDS.filter(lambda f: len(f) >= 2), st.data())
def test_a_missing_comma_names_the_fields_on_both_sides(fields: list[tuple[str, str]],
                                                        data: st.DataObject) -> None:
    gap = data.draw(st.integers(1, len(fields) - 1))
    parts = [f"{key} = {value}" for key, value in fields]
    raw = ("@misc{key-1,\n  " + ",\n  ".join(parts[:gap]) + "\n  "
           + ",\n  ".join(parts[gap:]) + "\n}")
    found = _missing_comma(raw)
    assert found is not None
    offset, previous, following = found
    assert (previous, following) == (fields[gap - 1][0], fields[gap][0])
    assert raw[offset:].startswith(f"{fields[gap][0]} = ")


def test_parenthesised_entries_and_bare_values() -> None:
    assert _missing_comma("@misc(a, title = {T}, year = 2020)") is None
    assert _missing_comma("@misc(a, title = {T} year = 2020)") == (21, "title", "year")
