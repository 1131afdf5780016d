"""Report labels; Vietnamese by default, English on request (from the message catalogue)."""

from __future__ import annotations

from collections.abc import Sequence

from parindex.messages import catalogue, text


def label(key: str, lang: str | None = None) -> str:
    """A table or column label (catalogue ``labels.<key>``) in ``lang`` (default: current)."""
    return text(f"labels.{key}", lang)


def format_decimal(value: object, decimals: int, lang: str = "vi") -> str:
    """A figure with exactly ``decimals`` places, decimal comma in Vietnamese (79,60)."""
    text = f"{value:.{decimals}f}"
    return text.replace(".", ",") if lang == "vi" else text


def join_words(words: Sequence[str], lang: str) -> str:
    """``a, b và c`` (``a, b and c``): a list as a sentence writes it."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {label('and', lang)} {words[-1]}"


def stage_label(stage: str, lang: str) -> str:
    """A stage's name in words (its id when the catalogue has no name for it)."""
    code = f"labels.stage_{stage}"
    return text(code, lang) if code in catalogue() else stage


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
