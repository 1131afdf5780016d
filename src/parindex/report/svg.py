"""Hand-written inline SVG charts: a heat map, bars against an average, ranked bars.

Why not a plotting library: these charts are rectangles, lines and text.
matplotlib's SVG for one small bar chart is tens of kilobytes (glyphs as paths,
clip paths, metadata) and would need hundreds of them for 500 units; the
JavaScript chart libraries need scripts at view time. Hand-written SVG keeps a
500-unit report well under 2 MB, renders without scripts or network, prints
sharply, and colours come from CSS classes (``g0`` = best class ... , ``gn`` =
no class) defined once in the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

FONT = 11
ROW = 16


def _n(value: float) -> str:
    """A coordinate with at most one decimal."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _text(x: float, y: float, text: str, cls: str = "", anchor: str = "") -> str:
    attrs = f' class="{cls}"' if cls else ""
    attrs += f' text-anchor="{anchor}"' if anchor else ""
    return f'<text x="{_n(x)}" y="{_n(y)}"{attrs}>{escape(text)}</text>'


def _svg(width: float, height: float, label: str, body: list[str], cls: str = "chart") -> str:
    return (
        f'<svg class="{cls}" xmlns="http://www.w3.org/2000/svg" width="{_n(width)}" '
        f'height="{_n(height)}" viewBox="0 0 {_n(width)} {_n(height)}" role="img">'
        f"<title>{escape(label)}</title>{''.join(body)}</svg>"
    )


def _grade_class(grade: int) -> str:
    return "gn" if grade < 0 else f"g{grade}"


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def shorten_words(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with "…"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:") + "…"


#: Column headings of the heat map are slanted; characters each may show before "…".
HEAD_CHARS = 26
_SLANT = 0.64  # sin and cos of the 40° slant are both about this


def _slanted(x: float, y: float, text: str, full: str) -> str:
    """A column heading slanted upwards from the cell's centre; ``full`` shows on hover."""
    shown = shorten_words(text, HEAD_CHARS)
    return (
        f'<g><title>{escape(full)}</title><text class="hd" '
        f'transform="translate({_n(x)} {_n(y)}) rotate(-40)">{escape(shown)}</text></g>'
    )


def heatmap(
    labels: Sequence[str],
    cells: Sequence[Sequence[tuple[str, int]]],
    columns: Sequence[str],
    *,
    label: str,
    titles: Sequence[str] | None = None,
    label_width: float = 230,
    cell_width: float = 56,
) -> str:
    """Rows of units × columns of fields; each cell coloured by class and showing its value.

    Column headings are slanted and shortened to :data:`HEAD_CHARS` characters;
    ``titles`` (the full field titles) show when the pointer rests on one. Each
    row is a translated group and every cell a ``<use>`` of one rectangle, so a
    row of nine cells costs about 700 bytes: 500 units stay small.
    """
    longest = max((len(shorten_words(c, HEAD_CHARS)) for c in columns), default=1)
    reach = longest * FONT * 0.55 * _SLANT  # how far a slanted heading rises and runs right
    head = max(20.0, reach + 12)
    width = label_width + cell_width * len(columns) + reach
    height = head + ROW * len(labels) + 2
    full = titles if titles is not None else columns
    body = [
        f'<defs><rect id="hc" width="{_n(cell_width - 1)}" height="{ROW - 1}"/></defs>',
        *(
            _slanted(label_width + cell_width * (k + 0.5) - 4, head - 4, code, full[k])
            for k, code in enumerate(columns)
        ),
    ]
    for i, (name, row) in enumerate(zip(labels, cells, strict=True)):
        parts = [f'<g transform="translate(0 {_n(head + ROW * i)})">']
        parts.append(_text(label_width - 6, 12, shorten(name, 34), "", "end"))
        for k, (text, grade) in enumerate(row):
            x = label_width + cell_width * k
            cls = _grade_class(grade)
            parts.append(f'<use href="#hc" x="{_n(x)}" class="{cls}"/>')
            parts.append(_text(x + cell_width / 2, 12, text, f"c t{cls}"))
        parts.append("</g>")
        body.append("".join(parts))
    return _svg(width, height, label, body, "chart heat")


BAR_LEFT, BAR_SCALE, BAR_RIGHT = 30, 220, 62


def bars_frame(
    frame_id: str,
    codes: Sequence[str],
    averages: Sequence[Decimal | None],
    marks: Sequence[Decimal],
) -> str:
    """The part every unit's bar chart of a group shares, as a ``<symbol>`` to ``<use>``.

    Field codes, class thresholds and the group's average ticks: drawn once per
    group instead of once per unit.
    """
    left, scale = BAR_LEFT, BAR_SCALE
    height = ROW * len(codes) + 4
    body = [
        f'<path class="mk" d="M{_n(left + scale * float(m) / 100)} 0v{_n(height)}"/>' for m in marks
    ]
    for i, (code, average) in enumerate(zip(codes, averages, strict=True)):
        y = ROW * i + 2
        body.append(_text(left - 5, y + 11, code, "", "end"))
        if average is not None:
            x = left + scale * float(average) / 100
            body.append(f'<path class="avg" d="M{_n(x)} {_n(y)}v14"/>')
    return f'<symbol id="{frame_id}">{"".join(body)}</symbol>'


def bars_against_average(
    frame_id: str,
    values: Sequence[tuple[Decimal | None, int, str]],
    *,
    label: str,
) -> str:
    """One bar per field (0–100 %), coloured by class, over the group's frame (averages)."""
    left, scale = BAR_LEFT, BAR_SCALE
    width = left + scale + BAR_RIGHT
    height = ROW * len(values) + 4
    body: list[str] = []
    for i, (value, grade, text) in enumerate(values):
        y = ROW * i + 2
        if value is not None:
            w = max(scale * float(value) / 100, 0.5)
            body.append(
                f'<rect x="{left}" y="{_n(y + 2)}" width="{_n(w)}" height="10" '
                f'class="{_grade_class(grade)}"/>'
            )
        body.append(_text(left + scale + 5, y + 11, text))
    # The frame goes last so the average ticks stay visible over the bars.
    body.append(f'<use href="#{frame_id}"/>')
    return _svg(width, height, label, body)


def ranked_bars(
    items: Sequence[tuple[str, Decimal, str]],
    *,
    label: str,
    label_width: float = 300,
    scale: float = 260,
    text_width: float = 180,
) -> str:
    """Horizontal bars, largest first, for values ≥ 0 (e.g. mean index gain per criterion)."""
    top = max((float(v) for _, v, _ in items), default=0.0) or 1.0
    width = label_width + scale + text_width
    height = ROW * len(items) + 4
    body: list[str] = []
    for i, (name, value, text) in enumerate(items):
        y = ROW * i + 2
        w = max(scale * float(value) / top, 0.5)
        body.append(_text(label_width - 6, y + 11, shorten(name, 48), "", "end"))
        body.append(
            f'<rect x="{_n(label_width)}" y="{_n(y + 2)}" width="{_n(w)}" height="11" class="lp"/>'
        )
        body.append(_text(label_width + w + 5, y + 11, text))
    return _svg(width, height, label, body)


def stacked_counts(
    counts: Sequence[int], labels: Sequence[str], *, label: str, width: float = 600
) -> str:
    """One bar split by class, with each class's count (classes with no unit leave no segment)."""
    total = sum(counts) or 1
    body: list[str] = []
    x = 0.0
    for grade, (count, name) in enumerate(zip(counts, labels, strict=True)):
        if count == 0:
            continue
        w = width * count / total
        cls = _grade_class(grade)
        body.append(f'<rect x="{_n(x)}" y="0" width="{_n(w)}" height="22" class="{cls}"/>')
        if w >= 28:
            body.append(_text(x + w / 2, 15, f"{name}: {count}", f"t{cls}", "middle"))
        x += w
    return _svg(width, 22, label, body, "chart dist")
