"""Report labels; Vietnamese by default, English on request."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "rank": {"vi": "Hạng", "en": "Rank"},
    "unit": {"vi": "Mã đơn vị", "en": "Unit"},
    "name": {"vi": "Tên đơn vị", "en": "Name"},
    "group": {"vi": "Nhóm", "en": "Group"},
    "points": {"vi": "Điểm", "en": "Points"},
    "maximum": {"vi": "Điểm tối đa", "en": "Maximum"},
    "index": {"vi": "Chỉ số (%)", "en": "Index (%)"},
    "grade": {"vi": "Xếp loại", "en": "Class"},
    "code": {"vi": "Mã", "en": "Code"},
    "title": {"vi": "Tiêu chí", "en": "Criterion"},
    "source": {"vi": "Nguồn điểm", "en": "Source"},
    "rule": {"vi": "Cách chấm", "en": "Scoring"},
    "na": {"vi": "Không phát sinh", "en": "Not applicable"},
    "self_assessment": {"vi": "Tự đánh giá/thẩm định", "en": "Self-assessment/appraisal"},
    "survey": {"vi": "Điều tra XHH", "en": "Survey"},
    "total": {"vi": "Tổng", "en": "Total"},
    "field": {"vi": "Lĩnh vực", "en": "Field"},
}


def label(key: str, lang: str = "vi") -> str:
    return LABELS[key][lang]


def format_decimal(value: object, decimals: int, lang: str = "vi") -> str:
    """A figure with exactly ``decimals`` places, decimal comma in Vietnamese (79,60)."""
    text = f"{value:.{decimals}f}"
    return text.replace(".", ",") if lang == "vi" else text
