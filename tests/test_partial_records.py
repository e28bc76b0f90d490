"""One mistake, one message, for every field of every block: a bad or missing field is
reported once, and no check after conversion reports a knock-on error (or crashes on the
placeholder a record keeps for a bad required field).

Each block type is written once correctly; then each field in turn is removed (when
required) or given a value of the wrong kind, and ``check`` must print exactly one error.
"""

from __future__ import annotations

import copy
import json

import pytest

from briefsmith.convert import fields_of
from briefsmith.model import BLOCK_TYPES
from briefsmith.pipeline import check
from briefsmith.project import Project

# A correct example of each block type (JSON is YAML); each names every field it has.
EXAMPLES: dict[str, dict] = {
    "paragraph": {"text": "Text [@smith-2020].", "uncited": "a reason"},
    "heading": {"text": "A heading", "id": "sec:h"},
    "list": {"items": ["One [@smith-2020]."], "ordered": True, "uncited": "a reason"},
    "key_figures": {"items": [{"value": "42", "label": "answers", "cite": "smith-2020"}]},
    "timeline": {"entries": [{"date": "2020-05", "event": "It happened.", "cite": "doe-2019"}]},
    "quote": {"text": "Words.", "attribution": "Someone [@doe-2019]"},
    "callout": {"text": "Note [@doe-2019].", "title": "T", "type": "info"},
    "table": {"caption": "C", "id": "tbl:t", "columns": ["A", "B"], "rows": [["1", "2"]],
              "source": "smith-2020", "note": "N"},
    "chart": {"type": "bar", "caption": "C", "source": "smith-2020", "id": "fig:c",
              "categories": ["a", "b"], "series": [{"name": "s", "values": [1, 2]}],
              "x_label": "x", "y_label": "y", "alt": "Two bars"},
    "image": {"file": "pic.png", "alt": "A picture", "caption": "Cap", "id": "fig:p",
              "width": 0.5, "source": "doe-2019"},
}
# Lists of records inside a block: their fields are mutated too.
NESTED = {"key_figures": "items", "timeline": "entries", "chart": "series"}
# Fields the examples leave out (they exclude others); mutated by giving a wrong value.
ALTERNATIVES = {"table": {"csv"}, "chart": {"csv"}}


def _mutations() -> list[tuple[str, tuple[str, ...], str]]:
    """``(block, path to the field, "missing" or "wrong")`` for every field."""
    found = []
    for name, cls in BLOCK_TYPES.items():
        example = EXAMPLES[name]
        assert set(example) | ALTERNATIVES.get(name, set()) == {i.key for i in fields_of(cls)}, \
            f"{name}: name every field"
        for info in fields_of(cls):
            found.append((name, (info.key,), "wrong"))
            if info.required:
                found.append((name, (info.key,), "missing"))
        if name in NESTED:
            item = example[NESTED[name]][0]
            item_cls = next(i.type for i in fields_of(cls) if i.key == NESTED[name]).__args__[0]
            for info in fields_of(item_cls):
                assert info.key in item, f"{name}: name every field of {item_cls.__name__}"
                found.append((name, (NESTED[name], "0", info.key), "wrong"))
                if info.required:
                    found.append((name, (NESTED[name], "0", info.key), "missing"))
    return found


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    from PIL import Image

    from conftest import FIXTURES, copy_project

    root = copy_project(FIXTURES / "minimal", tmp_path_factory.mktemp("partial") / "p")
    Image.new("RGB", (4, 4), "white").save(root / "content" / "pic.png")
    return Project.at(root)


def _errors(project: Project, block: str, body: object, *, required: bool) -> list[str]:
    """The errors ``check`` reports for a section of one block (and a paragraph citing
    both sources), with or without the brief's gates (``required`` and ``evidence``)."""
    section = {"title": "Blocks", "blocks": [{"paragraph": "[@smith-2020][@doe-2019]"},
                                             {block: body}]}
    (project.root / "content" / "intro.yaml").write_text(json.dumps(section, indent=1))
    brief = {"title": "T", "date": "2024-05-01", "sections": ["intro.yaml"],
             "citations": {"required": required, "evidence": required}}
    (project.root / "briefs" / "mini.yaml").write_text(json.dumps(brief))
    return [str(p) for p in check(project, []).problems if p.severity.value == "error"]


@pytest.mark.parametrize("required", [False, True], ids=["", "required"])
@pytest.mark.parametrize("block", sorted(EXAMPLES))
def test_every_example_is_correct(project: Project, block: str, required: bool) -> None:
    assert _errors(project, block, EXAMPLES[block], required=required) == []


@pytest.mark.parametrize("required", [False, True], ids=["", "required"])
@pytest.mark.parametrize(("block", "path", "how"), _mutations(),
                         ids=lambda v: ".".join(v) if isinstance(v, tuple) else v)
def test_one_mistake_gives_one_message(project: Project, block: str, path: tuple[str, ...],
                                       how: str, required: bool) -> None:
    body = copy.deepcopy(EXAMPLES[block])
    parent: dict = body
    for step in path[:-1]:
        parent = parent[int(step)] if isinstance(parent, list) else parent[step]
    if how == "missing":
        del parent[path[-1]]
    else:
        parent[path[-1]] = [1, 2] if isinstance(parent.get(path[-1]), dict) else {"wrong": 1}
    errors = _errors(project, block, body, required=required)
    assert len(errors) == 1, errors
    expected = "missing required field" if how == "missing" else "expected"
    assert expected in errors[0], errors


BRIEF = {"title": "T", "date": "2024-05-01", "sections": ["intro.yaml"], "subtitle": "S",
         "authors": ["A"], "organisation": "O", "language": "en", "theme": "default",
         "subject": "Subj", "keywords": ["k"], "key_messages": ["M [@smith-2020]."],
         "citations": {"style": "numeric", "references": "end", "required": False,
                       "evidence": False, "bibliography": []},
         "pdf": {"tagged": True, "pdfa": False}}


def _brief_mutations() -> list[tuple[tuple[str, ...], str]]:
    from briefsmith.model import Brief, CitationSettings, PdfSettings

    found = []
    for prefix, cls in (((), Brief), (("citations",), CitationSettings),
                        (("pdf",), PdfSettings)):
        for info in fields_of(cls):
            found.append(((*prefix, info.key), "wrong"))
            if info.required:
                found.append(((*prefix, info.key), "missing"))
    found.append((("sections", "0"), "wrong"))  # [1, 2] instead of a file name
    return found


@pytest.mark.parametrize(("path", "how"), _brief_mutations(),
                         ids=lambda v: ".".join(v) if isinstance(v, tuple) else v)
def test_one_mistake_in_a_brief_gives_one_message(project: Project, path: tuple[str, ...],
                                                  how: str) -> None:
    section = {"title": "S", "blocks": [{"paragraph": "[@smith-2020][@doe-2019]"}]}
    (project.root / "content" / "intro.yaml").write_text(json.dumps(section))
    brief = copy.deepcopy(BRIEF)
    parent: dict = brief
    for step in path[:-1]:
        parent = parent[int(step)] if isinstance(parent, list) else parent[step]
    if how == "missing":
        del parent[path[-1]]
    elif isinstance(parent, list):
        parent[int(path[-1])] = [1, 2]
    else:
        parent[path[-1]] = [1, 2] if isinstance(parent.get(path[-1]), dict) else {"wrong": 1}
    (project.root / "briefs" / "mini.yaml").write_text(json.dumps(brief))
    errors = [str(p) for p in check(project, []).problems if p.severity.value == "error"]
    assert len(errors) == 1, errors
