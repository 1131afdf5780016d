"""What heads and closes every output people read: issuing body, title with the year,
legal basis, notices, signature.

The results workbook, the entry template and the HTML report share these
texts, so a sheet and a report issued together say the same thing. Notices
(synthetic data, and any other line that must travel with the figures) come
from :func:`notices`, the one place every surface asks.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

import attrs

from parindex.messages import text
from parindex.model import LegalBasis, Pack

#: Lines of ``--issuer`` and ``--signer`` may be given in one value, separated like this.
LINE_SEPARATOR = re.compile(r"\s+/\s+|\n")


def _lines(values: Iterable[str] | str | None) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        values = (values,)
    found = []
    for value in values:
        for part in LINE_SEPARATOR.split(unicodedata.normalize("NFC", value)):
            if part.strip():
                found.append(" ".join(part.split()))
    return tuple(found)


@attrs.frozen
class Heading:
    """Who issues a document, for which year, under which title, and who signs it.

    ``issuer``: the issuing body, parent body first ("UBND tỉnh Sóc Trăng",
    "Sở Nội vụ"); ``signer``: the signing lines ("KT. CHỦ TỊCH", "PHÓ CHỦ
    TỊCH"); a line may also be split with `` / `` inside one value.
    """

    issuer: tuple[str, ...] = attrs.field(default=(), converter=_lines)
    year: int | None = None
    title: str | None = None
    signer: tuple[str, ...] = attrs.field(default=(), converter=_lines)
    signer_name: str = ""

    @property
    def signed(self) -> bool:
        return bool(self.signer or self.signer_name)


#: Kinds of document with a default title: ``output.title_<kind>`` (and ``…_year``).
KINDS = ("results", "template", "report")


def title(heading: Heading, kind: str, lang: str) -> str:
    """The document's title: ``heading.title`` when given, else the default with the year."""
    if heading.title:
        return heading.title
    if heading.year is None:
        return text(f"output.title_{kind}", lang)
    return text(f"output.title_{kind}_year", lang, year=str(heading.year))


def _document(basis: LegalBasis, lang: str) -> str:
    parts = [basis.number]
    if basis.date is not None:
        parts.append(text("output.basis_date", lang, date=basis.date.strftime("%d/%m/%Y")))
    elif basis.year is not None:  # a source that gives only the month and year, or the year
        key = "pack.basis_when_month" if basis.month is not None else "pack.basis_when_year"
        parts.append(text(key, lang, when=basis.when()))
    if basis.issuer:
        parts.append(text("output.basis_issuer", lang, issuer=basis.issuer))
    return " ".join(parts)


def legal_basis(pack: Pack, lang: str) -> str | None:
    """ "Căn cứ: 1150/QĐ-BNV ngày 30/12/2019 của Bộ Nội vụ" (None when the pack names none)."""
    if not pack.legal_basis:
        return None
    documents = "; ".join(_document(basis, lang) for basis in pack.legal_basis)
    return text("output.basis", lang, documents=documents)


def notices(pack: Pack, lang: str, *, synthetic: bool | None = None) -> list[str]:
    """Lines that must travel with the figures on every surface (SYNTHETIC data, …)."""
    lines = []
    if pack.synthetic if synthetic is None else synthetic:
        lines.append(text("output.synthetic", lang))
    return lines


def national_motto(lang: str) -> tuple[str, str]:
    """Quốc hiệu and tiêu ngữ, printed opposite the issuing body."""
    return text("output.motto_state", lang), text("output.motto_words", lang)


def issuer_lines(heading: Heading) -> Sequence[str]:
    """The issuing body in capitals, as an administrative document prints it."""
    return tuple(line.upper() for line in heading.issuer)
