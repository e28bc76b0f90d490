"""Built-in words and date formats for the brief's language.

The brief's ``language`` (a BCP 47 tag such as ``en``, ``zh-CN`` or ``es``) picks the labels
the tool itself prints ("Key messages", "References", "Figure", "Page 2 of 5"), how dates
and numbers are written (``1,234.5`` or ``1.234,5``), and, in the renderer, the hyphenation
dictionary.  Unknown languages fall back to English with a warning from the validator.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from .model import PartialDate

# Labels that are read aloud (alternative text, link descriptions) but never printed.
_SPOKEN_ONLY = frozenset({"logo", "chart_kinds", "link_to", "go_to", "citation_in_text"})


@dataclass(frozen=True)
class Labels:
    """The words briefsmith prints itself, in one language."""

    key_messages: str
    references: str
    contents: str
    no_date: str
    accessed: str
    page: str
    policy_brief: str
    and_: str  # between the last two names
    et_al: str
    evidence: str  # the evidence appendix
    figure: str
    source: str
    locator: str  # where in the source
    section: str
    # Caption and cross-reference labels over "{n}": "Figure {n}", "图{n}", "第{n}节".
    figure_number: str
    table_number: str
    section_number: str
    sources: str
    note: str
    # "{page}" and "{pages}" placeholders: "Page 2 of 5".
    page_of_pages: str
    # Between a caption's number and its text: "Figure 2: ..." / "图2　..."
    caption_separator: str
    decimal: str
    group: str
    months: tuple[str, ...]
    # Python format strings over {day}, {month} (name), {month_number} and {year}.
    day_format: str
    month_format: str
    year_format: str = "{year}"  # a date given by its year alone (a timeline's "2019")
    # Words that are never printed but read aloud: text alternatives of logos and charts,
    # and the descriptions of links ("{target}": a URL, a heading, "Figure 2").
    logo: str = "Logo"
    chart_kinds: tuple[str, str, str] = ("Bar chart", "Line chart", "Pie chart")
    link_to: str = "Link to {target}"
    go_to: str = "Go to {target}"
    citation_in_text: str = "the citation in the text"
    # Typographic quotation marks: opening and closing double, then single (the closing
    # single is also the apostrophe).  Straight quotes in the content become these.
    quotes: str = "\u201c\u201d\u2018\u2019"

    def date(self, value: PartialDate | dt.date) -> str:
        if isinstance(value, dt.date):
            value = PartialDate(value.year, value.month, value.day)
        if value.month is None:
            return self.year_format.format(year=value.year)
        fields = {"year": value.year, "month": self.months[value.month - 1],
                  "month_number": value.month, "day": value.day}
        if value.day is None:
            return self.month_format.format(**fields)
        return self.day_format.format(**fields)

    def number(self, value: float, decimals: int | None = None) -> str:
        """``1234567.5`` -> ``1,234,567.5`` (en, zh) or ``1.234.567,5`` (es).

        Whole numbers print without decimals; otherwise as many as given (default: up to
        two, trailing zeros dropped).  Four-digit numbers are not grouped in Spanish
        (RAE: ``2020``, ``1500``), so years and small counts read naturally.
        """
        if decimals is None:
            text = f"{value:.2f}".rstrip("0").rstrip(".")
        else:
            text = f"{value:.{decimals}f}"
        sign = "-" if text.startswith("-") else ""
        whole, _, fraction = text.lstrip("-").partition(".")
        if not (self.decimal == "," and len(whole) <= 4):
            whole = f"{int(whole):,}".replace(",", self.group)
        out = sign + whole + (self.decimal + fraction if fraction else "")
        return "0" if out in ("-0", "") else out

    def printed(self) -> Iterator[str]:
        """Every label that may be printed (not the words only read aloud), and the kicker
        in capitals: what the fonts must cover for a brief in this language."""
        for field in dataclasses.fields(self):
            if field.name in _SPOKEN_ONLY:
                continue
            value = getattr(self, field.name)
            yield from (value,) if isinstance(value, str) else value
        yield self.policy_brief.upper()

    def page_label(self, page: int, pages: int | None) -> str:
        return self.page_of_pages.format(page=page, pages=pages if pages else "")

    def caption(self, kind: str, number: int | str) -> str:
        """"Figure 2", "Tabla 1", "图2"."""
        pattern = {"figure": self.figure_number, "table": self.table_number,
                   "section": self.section_number}[kind]
        return pattern.format(n=number)


_EN = Labels(
    key_messages="Key messages",
    references="References",
    contents="Contents",
    no_date="n.d.",
    accessed="Accessed",
    page="Page",
    policy_brief="Policy brief",
    and_="and",
    et_al="et al.",
    evidence="Evidence",
    figure="Figure",
    source="Source",
    locator="Where in the source",
    section="Section",
    figure_number="Figure {n}",
    table_number="Table {n}",
    section_number="Section {n}",
    sources="Sources",
    note="Note",
    page_of_pages="Page {page} of {pages}",
    caption_separator=": ",
    decimal=".",
    group=",",
    months=("January", "February", "March", "April", "May", "June", "July", "August",
            "September", "October", "November", "December"),
    day_format="{day} {month} {year}",
    month_format="{month} {year}",
)

_ZH = Labels(
    key_messages="要点",
    references="参考文献",
    contents="目录",
    no_date="无日期",
    accessed="访问于",
    page="页",
    policy_brief="政策简报",
    and_="和",
    et_al="等",
    evidence="证据",
    figure="数据",
    source="来源",
    locator="出处位置",
    section="章节",
    figure_number="图{n}",
    table_number="表{n}",
    section_number="第{n}节",
    sources="来源",
    note="注",
    page_of_pages="第 {page} 页，共 {pages} 页",
    caption_separator="\u3000",
    decimal=".",
    group=",",
    months=tuple(f"{m}月" for m in range(1, 13)),
    day_format="{year}年{month_number}月{day}日",
    month_format="{year}年{month_number}月",
    year_format="{year}年",
    logo="标志",
    chart_kinds=("柱状图", "折线图", "饼图"),
    link_to="链接到 {target}",
    go_to="转到{target}",
    citation_in_text="正文中的引用",
)

_ES = Labels(
    key_messages="Mensajes clave",
    references="Referencias",
    contents="Índice",
    no_date="s. f.",
    accessed="Consultado el",
    page="Página",
    policy_brief="Informe de políticas",
    and_="y",
    et_al="et al.",
    evidence="Evidencia",
    figure="Cifra",
    source="Fuente",
    locator="Ubicación en la fuente",
    section="Sección",
    figure_number="Figura {n}",
    table_number="Tabla {n}",
    section_number="Sección {n}",
    sources="Fuentes",
    note="Nota",
    page_of_pages="Página {page} de {pages}",
    caption_separator=". ",
    decimal=",",
    group="\u00a0",
    months=("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
            "septiembre", "octubre", "noviembre", "diciembre"),
    day_format="{day} de {month} de {year}",
    month_format="{month} de {year}",
    logo="Logotipo",
    chart_kinds=("Gráfico de barras", "Gráfico de líneas", "Gráfico circular"),
    link_to="Enlace a {target}",
    go_to="Ir a {target}",
    citation_in_text="la cita en el texto",
    quotes="\u00ab\u00bb\u201c\u201d",  # «comillas latinas», “inglesas” inside
)

LANGUAGES: dict[str, Labels] = {"en": _EN, "zh": _ZH, "es": _ES}


def primary_language(tag: str) -> str:
    return tag.split("-")[0].split("_")[0].lower()


def is_supported(tag: str) -> bool:
    return primary_language(tag) in LANGUAGES


def labels_for(tag: str) -> Labels:
    return LANGUAGES.get(primary_language(tag), _EN)
