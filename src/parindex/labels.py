"""Report labels; Vietnamese by default, English on request (from the message catalogue)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from parindex.fixedpoint import quantize_decimal
from parindex.messages import Message, catalogue, msg, text


def label(key: str, lang: str | None = None) -> str:
    """A table or column label (catalogue ``labels.<key>``) in ``lang`` (default: current)."""
    return text(f"labels.{key}", lang)


def format_decimal(
    value: Decimal | int | float, decimals: int, lang: str = "vi", mode: str = "half_up"
) -> str:
    """A figure with exactly ``decimals`` places, decimal comma in Vietnamese (79,60).

    The one place the screen formats a figure: a value with more places is rounded by
    :func:`~parindex.fixedpoint.quantize_decimal` in ``mode`` (pass the pack's
    ``rounding.mode``), never by Python's formatting (halves to even); a zero is "0,00",
    never "-0,00".
    """
    number = value if isinstance(value, Decimal) else Decimal(repr(value))
    text = format(quantize_decimal(number, decimals, mode), "f")
    return text.replace(".", ",") if lang == "vi" else text


def places_of(value: Decimal, decimals: int) -> int:
    """Places to show an exact figure with (a maximum, a difference of published figures):
    the rounding rule's ``decimals``, or more where the figure has them (0,125)."""
    exponent = value.normalize().as_tuple().exponent
    return max(decimals, -exponent if isinstance(exponent, int) else 0)


def join_words(words: Sequence[str], lang: str) -> str:
    """``a, b và c`` (``a, b and c``): a list as a sentence writes it."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {label('and', lang)} {words[-1]}"


def stage_label(stage: str, lang: str) -> str:
    """A stage's name in words (its id when the catalogue has no name for it)."""
    code = f"labels.stage_{stage}"
    return text(code, lang) if code in catalogue() else stage


def stage_words(stage: str) -> Message | str:
    """A stage in words, rendered in the reader's language where it is shown (a pack's own
    stage: its id)."""
    code = f"labels.stage_{stage}"
    return msg(code) if code in catalogue() else stage


def stage_named(stage: str) -> Message | str:
    """A stage in words with the id commands take, ``tự đánh giá [self]``, rendered in the
    reader's language where it is shown (a pack's own stage: its id)."""
    code = f"labels.stage_{stage}"
    if code not in catalogue():
        return stage
    return msg("labels.stage_with_id", stage=msg(code), id=stage)


def stage_heading(stage: str, lang: str) -> str:
    """A stage or view named at the head of a column: its words, first letter capital."""
    words = stage_label(stage, lang)
    return words[:1].upper() + words[1:]


def stages_label(stages_used: Sequence[str], lang: str) -> str:
    """What a view's figures rest on, e.g. "Kết quả thẩm định (vòng 1), bổ sung bằng tự
    đánh giá": the first stage counted, completed from the others in their order."""
    if not stages_used:
        return label("stage_none", lang)
    first = stage_label(stages_used[0], lang)
    if len(stages_used) == 1:
        return text("labels.stage_result", lang, stage=first)
    others = join_words([stage_label(s, lang) for s in stages_used[1:]], lang)
    return text("labels.stage_completed", lang, stage=first, others=others)
