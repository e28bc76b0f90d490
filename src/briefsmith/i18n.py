"""Built-in words and date formats for the brief's language.

The brief's ``language`` (a BCP 47 tag such as ``en``, ``zh-CN`` or ``es``) picks the labels
the tool itself prints ("Key messages", "References", "n.d.") and how dates are written.
Unknown languages fall back to English with a warning from the validator.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .model import PartialDate


@dataclass(frozen=True)
class Labels:
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
    months: tuple[str, ...]
    # Python format strings over {day}, {month} (name), {month_number} and {year}.
    day_format: str
    month_format: str

    def date(self, value: PartialDate | dt.date) -> str:
        if isinstance(value, dt.date):
            value = PartialDate(value.year, value.month, value.day)
        if value.month is None:
            return str(value.year)
        fields = {"year": value.year, "month": self.months[value.month - 1],
                  "month_number": value.month, "day": value.day}
        if value.day is None:
            return self.month_format.format(**fields)
        return self.day_format.format(**fields)


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
    months=tuple(f"{m}月" for m in range(1, 13)),
    day_format="{year}年{month_number}月{day}日",
    month_format="{year}年{month_number}月",
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
    months=("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
            "septiembre", "octubre", "noviembre", "diciembre"),
    day_format="{day} de {month} de {year}",
    month_format="{month} de {year}",
)

LANGUAGES: dict[str, Labels] = {"en": _EN, "zh": _ZH, "es": _ES}


def primary_language(tag: str) -> str:
    return tag.split("-")[0].split("_")[0].lower()


def is_supported(tag: str) -> bool:
    return primary_language(tag) in LANGUAGES


def labels_for(tag: str) -> Labels:
    return LANGUAGES.get(primary_language(tag), _EN)
