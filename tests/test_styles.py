"""Each citation style's output, against reference strings checked by hand.

How the expected strings were verified (the report of issue 3 says the same):
- APA: Publication Manual, 7th ed.: 8.10-8.13 (in-text: "&", sorted by author in one
  parenthesis, "p."/"para."/"Chapter" locators), 9.43-9.47 (name inversion and initials),
  10.1 (journal article: italic journal and volume, issue in parentheses, DOI as URL),
  10.2 (book), 10.4 (report), 10.16 (web page: full date, site name, URL).
- Chicago: Manual of Style, 18th ed., author-date chapter 15 (year after author, full
  given names, title case in quotes for articles, "chap." locators, 9.64 page-range
  abbreviation "102-18", no place of publication).
- IEEE: IEEE Reference Guide (2018): initials first, quoted article titles with the comma
  inside the quotes, "vol."/"no."/"pp.", abbreviated month, "Accessed:"/"[Online].
  Available:" for web pages, one bracket per number.
- Vancouver: NLM's Citing Medicine, 2nd ed. (the ICMJE "Vancouver" style): family name
  and initials without stops, "2020 Jul;145(3):102-18", "[Internet]", "[cited ...]",
  citation numbers in parentheses, ranges collapsed.
Where the official CSL style itself departs from its manual, the string is left out and
the departure noted (APA 7 omits a publisher that repeats the author; apa.csl keeps it).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from briefsmith.cite import build_bibliography
from briefsmith.diagnostics import Problems
from briefsmith.i18n import labels_for
from briefsmith.model import Citation, Document, Emphasis, Inline, Text, walk_records
from briefsmith.project import Project
from briefsmith.read import ContentReader
from conftest import FIXTURES

PROJECT = Project.at(FIXTURES / "citations")


def _document(style: str, references: str = "end") -> Document:
    problems = Problems()
    doc = ContentReader(PROJECT, problems).brief(PROJECT.root / "briefs" / "styles.yaml")
    assert doc is not None and not problems.items, problems.items
    settings = dataclasses.replace(doc.brief.citations, style=style, references=references)
    return dataclasses.replace(doc, brief=dataclasses.replace(doc.brief, citations=settings))


def plain(spans: tuple[Inline, ...]) -> str:
    return "".join(s.text if isinstance(s, Text) else plain(s.children) for s in spans)


def _rendered(style: str) -> tuple[list[tuple[str, str, str]], list[str]]:
    doc = _document(style)
    bibliography = build_bibliography(doc, labels_for("en"), PROJECT)
    entries = [(e.source.id, e.label, plain(e.spans)) for e in bibliography.lists[0].entries]
    citations = [r for r in walk_records((doc.brief, doc.sections)) if isinstance(r, Citation)]
    markers = ["".join(p.text for p in bibliography.marker(c)) for c in citations]
    return entries, markers


# The brief cites, in this order: smith p. 12 | sen | -sen ch. 2 | worldbank; renmin; who;
# chen | smith; who para. 3 | renmin p. 3 (a key figure).
EXPECTED = {
    "apa": (
        [
            ("chen-2019", "", "Chen, X. (2019). Live streaming and rural online retail. China "
             "Economic Review, 58, 101–119. https://doi.org/10.5555/cer.2019.101349"),
            ("renmin-2020", "", "Renmin University of China. (2020). Alibaba Ecosystem "
             "Employment and Job Quality Report. Renmin University Press."),
            ("sen-1999", "", "Sen, A. (1999). Development as Freedom. Oxford University Press."),
            ("smith-2020", "", "Smith, J. A., & Li, W. (2020). Rural credit and household "
             "welfare: Evidence from China. Journal of Development Economics, 145(3), "
             "102–118. https://doi.org/10.5555/jde.2020.102118"),
            ("worldbank-2018", "", None),  # apa.csl repeats the publisher (APA 7 omits it)
            ("who-uhc", "", "World Health Organization. (2023, October 5). Universal health "
             "coverage (UHC). WHO Fact Sheets. https://www.who.int/news-room/fact-sheets/"
             "detail/universal-health-coverage-(uhc)"),
        ],
        ["(Smith & Li, 2020, p. 12)", "(Sen, 1999)", "(1999, Chapter 2)",
         "(Chen, 2019; Renmin University of China, 2020; World Bank, 2018; World Health "
         "Organization, 2023)",
         "(Smith & Li, 2020; World Health Organization, 2023, para. 3)",
         "(Renmin University of China, 2020, p. 3)"],
    ),
    "chicago-author-date": (
        [
            ("chen-2019", "", "Chen, Xi. 2019. “Live Streaming and Rural Online Retail.” China "
             "Economic Review 58 (December): 101–19. https://doi.org/10.5555/cer.2019.101349."),
            ("renmin-2020", "", "Renmin University of China. 2020. Alibaba Ecosystem "
             "Employment and Job Quality Report. Renmin University Press."),
            ("sen-1999", "", "Sen, Amartya. 1999. Development as Freedom. Oxford University "
             "Press."),
            ("smith-2020", "", "Smith, Jane A., and Wei Li. 2020. “Rural Credit and Household "
             "Welfare: Evidence from China.” Journal of Development Economics 145 (3): 102–18. "
             "https://doi.org/10.5555/jde.2020.102118."),
            ("worldbank-2018", "", "World Bank. 2018. Poverty and Shared Prosperity 2018: "
             "Piecing Together the Poverty Puzzle. World Bank. "
             "https://doi.org/10.5555/978-1-4648-1330-6."),
            ("who-uhc", "", "World Health Organization. 2023. “Universal Health Coverage "
             "(UHC).” WHO Fact Sheets, October 5. https://www.who.int/news-room/fact-sheets/"
             "detail/universal-health-coverage-(uhc)."),
        ],
        ["(Smith and Li 2020, 12)", "(Sen 1999)", "(1999, chap. 2)",
         "(World Bank 2018; Renmin University of China 2020; World Health Organization 2023; "
         "Chen 2019)",
         "(Smith and Li 2020; World Health Organization 2023, para. 3)",
         "(Renmin University of China 2020, 3)"],
    ),
    "ieee": (
        [
            ("smith-2020", "[1]", "J. A. Smith and W. Li, “Rural credit and household welfare: "
             "Evidence from China,” Journal of Development Economics, vol. 145, no. 3, "
             "pp. 102–118, Jul. 2020, doi: 10.5555/jde.2020.102118."),
            ("sen-1999", "[2]", "A. Sen, Development as Freedom. Oxford: Oxford University "
             "Press, 1999."),
            ("worldbank-2018", "[3]", "World Bank, “Poverty and Shared Prosperity 2018: "
             "Piecing Together the Poverty Puzzle,” World Bank, Washington, DC, 2018. "
             "doi: 10.5555/978-1-4648-1330-6."),
            ("renmin-2020", "[4]", "Renmin University of China, “Alibaba Ecosystem Employment "
             "and Job Quality Report,” Renmin University Press, Beijing, Jul. 2020."),
            ("who-uhc", "[5]", "World Health Organization, “Universal health coverage (UHC),” "
             "WHO Fact Sheets. Accessed: Apr. 01, 2024. [Online]. Available: "
             "https://www.who.int/news-room/fact-sheets/detail/universal-health-coverage-(uhc)"),
            ("chen-2019", "[6]", "X. Chen, “Live streaming and rural online retail,” China "
             "Economic Review, vol. 58, pp. 101–119, Dec. 2019, doi: 10.5555/cer.2019.101349."),
        ],
        ["[1, p. 12]", "[2]", "[2, Ch. 2]", "[3], [4], [5], [6]", "[1], [5, Para. 3]",
         "[4, p. 3]"],
    ),
    "vancouver": (
        [
            ("smith-2020", "1.", "Smith JA, Li W. Rural credit and household welfare: Evidence "
             "from China. Journal of Development Economics. 2020 Jul;145(3):102–18. "
             "doi:10.5555/jde.2020.102118"),
            ("sen-1999", "2.", "Sen A. Development as Freedom. Oxford: Oxford University "
             "Press; 1999."),
            ("worldbank-2018", "3.", "World Bank. Poverty and Shared Prosperity 2018: Piecing "
             "Together the Poverty Puzzle. Washington, DC: World Bank; 2018. "
             "doi:10.5555/978-1-4648-1330-6"),
            ("renmin-2020", "4.", "Renmin University of China. Alibaba Ecosystem Employment "
             "and Job Quality Report. Beijing: Renmin University Press; 2020 Jul."),
            ("who-uhc", "5.", "World Health Organization. WHO Fact Sheets [Internet]. 2023 "
             "[cited 2024 Apr 1]. Universal health coverage (UHC). Available from: "
             "https://www.who.int/news-room/fact-sheets/detail/universal-health-coverage-(uhc)"),
            ("chen-2019", "6.", "Chen X. Live streaming and rural online retail. China "
             "Economic Review. 2019 Dec;58:101–19. doi:10.5555/cer.2019.101349"),
        ],
        ["(1)", "(2)", "(2)", "(3–6)", "(1,5)", "(4)"],
    ),
    "numeric": (
        [
            ("smith-2020", "[1]", "Jane A. Smith and Wei Li. “Rural credit and household "
             "welfare: Evidence from China.” Journal of Development Economics 145 (3), "
             "102–118. July 2020. https://doi.org/10.5555/jde.2020.102118."),
            ("sen-1999", "[2]", "Amartya Sen. Development as Freedom. Oxford University Press, "
             "1999."),
            ("worldbank-2018", "[3]", "World Bank. Poverty and Shared Prosperity 2018: Piecing "
             "Together the Poverty Puzzle. 2018. https://doi.org/10.5555/978-1-4648-1330-6."),
            ("renmin-2020", "[4]", "Renmin University of China. Alibaba Ecosystem Employment "
             "and Job Quality Report. Renmin University Press, July 2020."),
            ("who-uhc", "[5]", "World Health Organization. “Universal health coverage (UHC).” "
             "WHO Fact Sheets. 5 October 2023. https://www.who.int/news-room/fact-sheets/"
             "detail/universal-health-coverage-(uhc). Accessed 1 April 2024."),
            ("chen-2019", "[6]", "Xi Chen. “Live streaming and rural online retail.” China "
             "Economic Review 58, 101–119. December 2019. "
             "https://doi.org/10.5555/cer.2019.101349."),
        ],
        ["[1, p. 12]", "[2]", "[2, ch. 2]", "[3–6]", "[1; 5, para. 3]", "[4, p. 3]"],
    ),
    "author-date": (
        [
            ("chen-2019", "", "Chen, Xi. 2019. “Live streaming and rural online retail.” China "
             "Economic Review 58, 101–119. https://doi.org/10.5555/cer.2019.101349."),
            ("renmin-2020", "", "Renmin University of China. 2020. Alibaba Ecosystem "
             "Employment and Job Quality Report. Renmin University Press."),
            ("sen-1999", "", "Sen, Amartya. 1999. Development as Freedom. Oxford University "
             "Press."),
            ("smith-2020", "", "Smith, Jane A., and Wei Li. 2020. “Rural credit and household "
             "welfare: Evidence from China.” Journal of Development Economics 145 (3), "
             "102–118. https://doi.org/10.5555/jde.2020.102118."),
            ("worldbank-2018", "", "World Bank. 2018. Poverty and Shared Prosperity 2018: "
             "Piecing Together the Poverty Puzzle. https://doi.org/10.5555/978-1-4648-1330-6."),
            ("who-uhc", "", "World Health Organization. 2023. “Universal health coverage "
             "(UHC).” WHO Fact Sheets. https://www.who.int/news-room/fact-sheets/detail/"
             "universal-health-coverage-(uhc). Accessed 1 April 2024."),
        ],
        ["(Smith and Li 2020, p. 12)", "(Sen 1999)", "(1999, ch. 2)",
         "(World Bank 2018; Renmin University of China 2020; World Health Organization 2023; "
         "Chen 2019)",
         "(Smith and Li 2020; World Health Organization 2023, para. 3)",
         "(Renmin University of China 2020, p. 3)"],
    ),
}


@pytest.mark.parametrize("style", sorted(EXPECTED))
def test_reference_entries_and_order(style: str) -> None:
    entries, _ = _rendered(style)
    expected = EXPECTED[style][0]
    assert [(sid, label) for sid, label, _ in entries] == [(s, lab) for s, lab, _ in expected]
    for (sid, _, text), (_, _, want) in zip(entries, expected, strict=True):
        if want is not None:
            assert text == want, sid


@pytest.mark.parametrize("style", sorted(EXPECTED))
def test_citation_markers(style: str) -> None:
    _, markers = _rendered(style)
    assert markers == EXPECTED[style][1]


def test_titles_are_italic_where_the_style_says() -> None:
    doc = _document("apa")
    bibliography = build_bibliography(doc, labels_for("en"), PROJECT)
    smith = next(e for e in bibliography.lists[0].entries if e.source.id == "smith-2020")
    italic = [plain(s.children) for s in smith.spans if isinstance(s, Emphasis)]
    assert italic == ["Journal of Development Economics", "145"]


def test_year_suffixes_tell_apart_works_of_one_author_and_year(tmp_path: Path) -> None:
    """APA 8.19 / Chicago 15.19: 1999a, 1999b, ordered by title, in text and list alike."""
    doc = _document("apa")
    sen = doc.source("sen-1999")
    assert sen is not None
    other = dataclasses.replace(sen, id="sen-1999-b", title="Another Essay")
    section = doc.sections[0]
    extra = dataclasses.replace(section.blocks[0], text=dataclasses.replace(
        section.blocks[0].text, spans=(*section.blocks[0].text.spans, Citation(
            (dataclasses.replace(section.blocks[0].text.spans[1].items[0], id="sen-1999-b"),),
            at=section.blocks[0].text.at))))
    doc = dataclasses.replace(doc, sources=(*doc.sources, other), sections=(
        dataclasses.replace(section, blocks=(extra, *section.blocks[1:])),))
    bibliography = build_bibliography(doc, labels_for("en"), PROJECT)
    texts = {e.source.id: plain(e.spans) for e in bibliography.lists[0].entries}
    assert texts["sen-1999-b"].startswith("Sen, A. (1999a). Another Essay.")
    assert texts["sen-1999"].startswith("Sen, A. (1999b). Development as Freedom.")
    markers = ["".join(p.text for p in bibliography.marker(c))
               for c in walk_records(doc.sections) if isinstance(c, Citation)]
    assert "(Sen, 1999b)" in markers and "(Sen, 1999a)" in markers


def test_per_section_lists_keep_numbers_and_serve_the_key_messages() -> None:
    doc = _document("numeric", references="section")
    bibliography = build_bibliography(doc, labels_for("en"), PROJECT)
    sections = [lst.section for lst in bibliography.lists]
    assert sections == [1]  # every source of the key messages is also cited in section 1
    entries = bibliography.lists[0].entries
    assert [e.anchor for e in entries] == [f"ref-1-{n}" for n in range(1, 7)]
    smith = entries[0]
    # Cited in the key messages and once in the section: two back-links, in reading order.
    assert smith.backlinks == ("cite-1", "cite-5")
    key_message = next(c for c in walk_records(doc.brief) if isinstance(c, Citation))
    assert bibliography.marker(key_message)[2].anchor == "ref-1-1"


def test_citeproc_fixes() -> None:
    """The citeproc-py bugs patched in briefsmith.csl, each seen in a real style."""
    entries = {sid: text for sid, _, text in _rendered("chicago-author-date")[0]}
    assert "Smith, Jane A., and Wei Li" in entries["smith-2020"]  # initialize="false"
    assert "from China.” Journal" in entries["smith-2020"]  # punctuation inside quotes
    assert "102–18" in entries["smith-2020"]  # not the "p. 12" locator of the key message
    assert "Edition" not in "".join(entries.values())  # no label for an empty variable
    vancouver = {sid: text for sid, _, text in _rendered("vancouver")[0]}
    assert "2020 Jul;145(3)" in vancouver["smith-2020"]  # a localized date's delimiter
    assert "(1999, Chapter 2)" in _rendered("apa")[1]  # is-numeric="locator"
