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
