"""The criteria table's columns and information rows: their keys and their names.

Headers and keys are written in Vietnamese (or English with ``--lang en``);
reading accepts either, and the other names listed, ignoring case, spacing and,
as a last resort, diacritics.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from parindex.grammar import label_key
from parindex.io.vocabulary import plain_key

TABLE_SUFFIXES = (".csv", ".xlsx", ".xlsm")
SEPARATOR = " | "


@attrs.frozen
class Column:
    """A column of the table: its key, its Vietnamese and English headers, other accepted ones."""

    key: str
    vi: str
    en: str
    also: tuple[str, ...] = ()

    def header(self, lang: str) -> str:
        return self.vi if lang == "vi" else self.en


COLUMNS: tuple[Column, ...] = (
    Column("code", "mã", "code", ("mã số", "stt", "số thứ tự")),
    Column("title", "tên", "title", ("nội dung", "tên lĩnh vực, tiêu chí", "lĩnh vực/tiêu chí")),
    Column("maximum", "điểm tối đa", "maximum", ("max", "điểm chuẩn")),
    Column("source", "nguồn điểm", "source", ("points source", "points_source")),
    Column(
        "method",
        "phương pháp đánh giá",
        "method",
        ("cách tính điểm", "phương pháp chấm điểm", "phương pháp đánh giá, cách tính điểm"),
    ),
    Column("rule", "cách chấm", "rule", ("rule kind", "loại cách chấm")),
    Column(
        "parameters",
        "tham số",
        "parameters",
        ("rule_params", "rule parameters", "rule_parameters", "tham số cách chấm"),
    ),
    Column("na", "không phát sinh", "not applicable", ("na", "not_applicable", "n/a")),
    Column("capped", "tổng không quá", "capped", ("giới hạn tổng",)),
    Column("floor", "điểm sàn", "floor"),
    Column("ceiling", "điểm trần", "ceiling"),
    Column("bonus_cap", "thưởng tối đa", "bonus cap", ("bonus_cap", "điểm thưởng tối đa")),
    Column("deduction_cap", "trừ tối đa", "deduction cap", ("deduction_cap", "điểm trừ tối đa")),
    Column("gap", "thiếu", "gap", ("còn thiếu", "chưa có")),
    Column("provenance", "căn cứ", "provenance", ("nguồn văn bản", "document")),
    Column("status", "trạng thái", "status", ("provenance_status",)),
    Column("section", "mục", "section", ("vị trí",)),
    Column("url", "url", "url", ("đường dẫn", "link")),
    Column("provenance_note", "ghi chú căn cứ", "provenance note", ("provenance_note",)),
    Column("note", "ghi chú", "note"),
)
COLUMN = {column.key: column for column in COLUMNS}
#: Columns every exported table has; the others appear when a row uses them.
CORE = (
    "code",
    "title",
    "maximum",
    "source",
    "method",
    "rule",
    "parameters",
    "na",
    "gap",
    "provenance",
    "status",
    "section",
    "url",
)
PROVENANCE = ("provenance", "status", "section", "url", "provenance_note")


@attrs.frozen
class InfoKey:
    """A pack-wide fact written as an information row (``#key`` in the code column)."""

    key: str
    vi: str
    en: str
    also: tuple[str, ...] = ()
    repeat: bool = False


INFO_KEYS: tuple[InfoKey, ...] = (
    InfoKey("id", "mã gói", "id", ("mã bộ chỉ số",)),
    InfoKey("title", "tên bộ chỉ số", "title", ("tên",)),
    InfoKey("version", "phiên bản", "version"),
    InfoKey("unit_group", "nhóm đơn vị", "unit group", ("unit_group", "đối tượng áp dụng")),
    InfoKey("years", "năm áp dụng", "years"),
    InfoKey("legal_basis", "căn cứ pháp lý", "legal basis", ("legal_basis",), repeat=True),
    InfoKey("classification", "xếp loại", "classification"),
    InfoKey("eligibility", "điều kiện xếp loại", "eligibility", repeat=True),
    InfoKey("rounding", "làm tròn", "rounding"),
    InfoKey(
        "point_decimals", "số chữ số thập phân của điểm", "point decimals", ("point_decimals",)
    ),
    InfoKey("declared_fields", "số lĩnh vực", "declared fields"),
    InfoKey("declared_criteria", "số tiêu chí", "declared criteria"),
    InfoKey("declared_sub_criteria", "số tiêu chí thành phần", "declared sub-criteria"),
    InfoKey("declared_self", "điểm tự đánh giá", "declared self-assessment points"),
    InfoKey("declared_survey", "điểm điều tra xã hội học", "declared survey points"),
    InfoKey("declared_field", "số lượng theo lĩnh vực", "per-field counts", repeat=True),
    InfoKey("declared_source", "căn cứ số lượng", "source of the declared figures", repeat=True),
    InfoKey("stages", "các vòng chấm", "stages"),
    InfoKey("stage_policy", "thứ tự lấy điểm", "final policy", ("stage policy",)),
    InfoKey("total_bonus_cap", "thưởng tối đa toàn bộ", "total bonus cap"),
    InfoKey("total_deduction_cap", "trừ tối đa toàn bộ", "total deduction cap"),
    InfoKey("synthetic", "mô phỏng", "synthetic"),
    InfoKey("description", "mô tả", "description"),
    InfoKey("gaps", "thiếu", "gaps", ("gap",), repeat=True),
    InfoKey("mapping", "ánh xạ", "mapping", repeat=True),
)
INFO = {key.key: key for key in INFO_KEYS}
ROUNDING_MODES = {"half_up": "nửa lên", "half_even": "nửa chẵn"}


def matches(raw: str, names: Sequence[str]) -> bool:
    return label_key(raw) in {label_key(n) for n in names} or plain_key(raw) in {
        plain_key(n) for n in names
    }


__all__ = [
    "COLUMN",
    "COLUMNS",
    "CORE",
    "INFO",
    "INFO_KEYS",
    "PROVENANCE",
    "ROUNDING_MODES",
    "SEPARATOR",
    "TABLE_SUFFIXES",
    "Column",
    "InfoKey",
    "matches",
]
