"""Problems found in result sets, each naming the file, the set, the unit and the criterion.

An import is refused as a whole when any set has a problem, and every
problem is reported at once, so a user fixes the document in one pass.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from parindex.errors import ParIndexError, _summarise
from parindex.labels import stage_words
from parindex.messages import Found, Message, msg, render, text


def set_place(
    position: int | None,
    *,
    pack: object = "",
    version: object = "",
    year: object = None,
    stage: object = "",
    label: object = "",
    file: str = "",
) -> Message:
    """Where a set is: "kq.json, bộ kết quả 2 (pack version, 2024, final)"."""
    described = msg(
        "history.set_named",
        pack=str(pack),
        version=str(version),
        year="?" if year is None else str(year),
        stage=stage_words(str(stage) or "final"),
        label=msg("history.set_label", label=Found(str(label))) if label else "",
    )
    which = (
        described
        if position is None
        else msg("history.set_numbered", number=position + 1, set=described)
    )
    return msg("history.in_file", file=file, place=which) if file else which


@attrs.frozen
class SetProblem:
    """One problem in a result set; ``code`` None: not about one criterion ("" is the total)."""

    place: Message
    message: Message
    unit: str = ""
    code: str | None = None

    def render(self, lang: str | None = None) -> str:
        bits = [render(self.place, lang)]
        if self.unit:
            bits.append(text("core.loc_unit", lang, unit=Found(self.unit)))
        if self.code is not None:
            bits.append(criterion_text(self.code, lang))
        return f"{'; '.join(bits)}: {render(self.message, lang)}"

    def __str__(self) -> str:
        return self.render()


def criterion_text(code: str, lang: str | None = None) -> str:
    """ "criterion 1.2", or "the whole index" for the root code ""."""
    if code == "":
        return text("history.whole_index", lang)
    return text("core.loc_criterion", lang, code=code)


class HistoryImportError(ParIndexError):
    """Result sets were refused; ``problems`` lists every problem. Nothing was stored."""

    def __init__(self, problems: Sequence[SetProblem], file: str = "") -> None:
        self.problems = tuple(problems)
        source: object = file or msg("history.these_sets")
        super().__init__("history.import_refused", count=len(self.problems), source=source)

    def render(self, lang: str | None = None) -> str:
        return _summarise(super().render(lang), [p.render(lang) for p in self.problems], lang)
