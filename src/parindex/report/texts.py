"""The report's words in Vietnamese (default) and English."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "title": ("Báo cáo Chỉ số cải cách hành chính", "PAR Index report"),
    "synthetic": (
        "DỮ LIỆU MÔ PHỎNG — không phải kết quả chính thức",
        "SYNTHETIC DATA — not official results",
    ),
    "contents": ("Nội dung", "Contents"),
    "trace": ("Thông tin báo cáo", "About this report"),
    "pack": ("Bộ chỉ số", "Criteria set (pack)"),
    "pack_id": ("Mã bộ chỉ số", "Pack id"),
    "version": ("Phiên bản", "Version"),
    "unit_group": ("Cấp đơn vị", "Unit level"),
    "years": ("Năm áp dụng", "Years"),
    "legal_basis": ("Căn cứ pháp lý", "Legal basis"),
    "none_given": ("không có", "none"),
    "gaps": ("Phần còn thiếu trong bộ chỉ số", "Gaps in the pack"),
    "stage": ("Vòng chấm được dùng", "Scoring stage shown"),
    "inputs": ("Tệp dữ liệu đầu vào", "Input files"),
    "no_inputs": ("không có tệp (dữ liệu truyền trực tiếp)", "no files (data given directly)"),
    "file": ("Tệp", "File"),
    "size": ("Dung lượng (byte)", "Size (bytes)"),
    "generated": ("Thời điểm lập báo cáo", "Generated at"),
    "software": ("Phần mềm", "Software"),
    "units_count": ("Số đơn vị", "Units"),
    "ranking": ("Xếp hạng", "Ranking"),
    "all_units": ("Tất cả đơn vị", "All units"),
    "group_avg": ("Chỉ số trung bình của nhóm", "Group average index"),
    "distribution": ("Phân bố xếp loại", "Classes"),
    "change_index": ("± Chỉ số", "± Index"),
    "change_rank": ("± Hạng", "± Rank"),
    "change_vs": ("so với", "against"),
    "previous_source": ("Kết quả năm trước lấy từ", "Previous results from"),
    "no_previous": (
        "Không có kết quả năm trước: không hiển thị cột thay đổi.",
        "No previous year's results given: the change columns are omitted.",
    ),
    "previous_year": ("năm trước", "the previous year"),
    "heatmap": ("Bản đồ nhiệt chỉ số thành phần", "Heat map of component indices"),
    "heatmap_note": (
        "Mỗi ô là chỉ số thành phần (%) của đơn vị ở một lĩnh vực, tô màu theo xếp loại.",
        "Each cell is a unit's component index (%) in one field, coloured by class.",
    ),
    "fields": ("Lĩnh vực", "Fields"),
    "classes": ("Xếp loại", "Classes"),
    "lost": ("Điểm bị mất theo tiêu chí", "Lost points by criterion"),
    "lost_note": (
        "Chỉ số tăng thêm trung bình (điểm %) nếu mọi đơn vị đạt điểm tối đa ở tiêu chí; "
        "các tiêu chí có mức tăng lớn nhất.",
        "Mean index gain (percentage points) if every unit reached full marks on the "
        "criterion; the criteria with the largest gains.",
    ),
    "full_share": ("đạt tối đa", "at full marks"),
    "units": ("Từng đơn vị", "Units"),
    "units_note": (
        "Thanh: chỉ số thành phần của đơn vị (màu theo xếp loại); vạch đậm: trung bình nhóm; "
        "vạch mảnh: ngưỡng xếp loại. Bảng: các tiêu chí bị mất nhiều điểm nhất và chỉ số "
        "tăng thêm (điểm %) nếu đạt tối đa ở tiêu chí đó.",
        "Bars: the unit's component indices (coloured by class); thick mark: group average; "
        "thin lines: class thresholds. Table: the criteria where the unit lost most, and the "
        "index gain (percentage points) at full marks on each.",
    ),
    "collapsed": (
        "Các đơn vị từ hạng thứ {n} trở đi được thu gọn; bấm vào tên để mở.",
        "Units after the first {n} are collapsed; click a name to open.",
    ),
    "lost_points": ("Điểm bị mất", "Lost points"),
    "gain": ("Chỉ số tăng", "Index gain"),
    "nothing_lost": ("Đạt điểm tối đa ở mọi tiêu chí.", "Full marks on every criterion."),
    "unit_chart": ("Chỉ số thành phần của", "Component indices of"),
    "rank_short": ("hạng", "rank"),
    "page": ("Trang", "Page"),
    "no_class": ("không xếp loại", "no class"),
}


def text(key: str, lang: str) -> str:
    vi, en = TEXTS[key]
    return vi if lang == "vi" else en
