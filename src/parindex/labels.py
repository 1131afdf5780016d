"""Report labels; Vietnamese by default, English on request (from the message catalogue)."""

from __future__ import annotations

from parindex.messages import text


def label(key: str, lang: str | None = None) -> str:
    """A table or column label (catalogue ``labels.<key>``) in ``lang`` (default: current)."""
    return text(f"labels.{key}", lang)


def format_decimal(value: object, decimals: int, lang: str = "vi") -> str:
    """A figure with exactly ``decimals`` places, decimal comma in Vietnamese (79,60)."""
    text = f"{value:.{decimals}f}"
    return text.replace(".", ",") if lang == "vi" else text
