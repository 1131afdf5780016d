"""The shape of parindex workbooks, shared by the template writer and the reader.

A template carries a hidden sheet ``parindex`` with key/value rows (pack id,
version, level, layout, header row, first data row, stage) so the reader
never guesses, and refuses a workbook made for another pack or version.
"""

from __future__ import annotations

from parindex.rules.base import normalise_label

META_SHEET = "parindex"
LISTS_SHEET = "lists"

#: Unit layout (one unit per workbook): column key → (Vietnamese, English) header.
UNIT_COLUMNS: dict[str, tuple[str, str]] = {
    "code": ("Mã", "Code"),
    "title": ("Tiêu chí", "Criterion"),
    "maximum": ("Điểm tối đa", "Maximum"),
    "source": ("Nguồn điểm", "Points source"),
    "rule": ("Cách chấm", "How it is scored"),
    "allowed": ("Giá trị hợp lệ", "Allowed values"),
    "self": ("Điểm/giá trị tự đánh giá", "Self-assessed value"),
    "appraised": ("Điểm/giá trị thẩm định", "Appraised value"),
    "na": ("Không phát sinh", "Not applicable"),
    "evidence": ("Tài liệu kiểm chứng", "Evidence reference"),
    "note": ("Ghi chú", "Note"),
}
#: Columns the user fills in (unlocked).
INPUT_KEYS = ("self", "appraised", "na", "evidence", "note")

#: The unit block above the criteria table: key → (Vietnamese, English) label.
UNIT_FIELDS: dict[str, tuple[str, str]] = {
    "unit": ("Mã đơn vị", "Unit id"),
    "name": ("Tên đơn vị", "Unit name"),
    "group": ("Nhóm", "Group"),
}

#: Many-units layout: the first columns, then one column per leaf code.
BATCH_COLUMNS: dict[str, tuple[str, str]] = {
    "unit": ("Mã đơn vị", "Unit id"),
    "name": ("Tên đơn vị", "Unit name"),
    "group": ("Nhóm", "Group"),
}

NA_MARK = ("x", "x")
ACHIEVED_LABELS = (("đạt", "không đạt"), ("đạt", "không đạt"))


def lang_index(lang: str) -> int:
    return 0 if lang == "vi" else 1


def header_lookup(columns: dict[str, tuple[str, str]]) -> dict[str, str]:
    """Normalised header text (either language, or the key itself) → column key."""
    lookup: dict[str, str] = {}
    for key, names in columns.items():
        for name in (key, *names):
            lookup[normalise_label(name)] = key
    return lookup
