"""The HTML report's content: figures as scored, escaping, number formats, previous
year, inputs traced, self-contained, under 2 MB for 500 units."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from decimal import Decimal
from html import unescape
from pathlib import Path

import attrs
import pytest

import parindex
from parindex.cli import main
from parindex.compiled import CompiledPack
from parindex.errors import InputError, ParIndexError
from parindex.history.store import HistoryStore
from parindex.io import read_input
from parindex.report import compare_with_results, compare_with_store, render_html, write_html
from parindex.report.numbers import NBSP, NumberFormat, Numbers
from parindex.results import Results
from parindex.synthetic import synthetic_input

WHEN = dt.datetime(2025, 1, 31, 9, 30, tzinfo=dt.UTC)
#: A ranking row: rank, unit, name, points, maximum, index.
ROW = re.compile(
    r'<tr><td class="n">(\d+)</td><td>([^<]*)</td><td>[^<]*</td><td class="n">[^<]*</td>'
    r'<td class="n">[^<]*</td><td class="n">([^<]*)</td>'
)


def _results(compiled: CompiledPack, n: int, seed: int) -> Results:
    return parindex.score(compiled, synthetic_input(compiled, n, seed=seed))


def test_numbers_vietnamese_and_plain() -> None:
    vi, plain = Numbers(NumberFormat.VI), Numbers(NumberFormat.PLAIN)
    assert vi.percent(Decimal("79.6"), 2) == f"79,60{NBSP}%"
    assert plain.percent(Decimal("79.6"), 2) == "79.60%"
    assert vi.number(Decimal("1234.5"), 2) == "1.234,50"
    assert plain.number(Decimal("1234.5"), 2) == "1234.50"
    assert vi.signed(Decimal("-0.5"), 2) == "−0,50"
    assert vi.signed(Decimal("1.255"), 2) == "+1,26"  # half up
    assert vi.number(Decimal("-0.001"), 2) == "0,00"
    assert vi.percent(None, 2) == "—"
    assert NumberFormat.resolve("auto", "en") is NumberFormat.PLAIN
    assert NumberFormat.resolve(None, "vi") is NumberFormat.VI
    with pytest.raises(ParIndexError) as caught:
        render_html(
            _results(parindex.compile_pack(parindex.get_pack("synthetic-commune")), 3, 1),
            number_format="roman",
        )
    assert caught.value.code == "report.unknown_number_format"
    assert "“roman”" in caught.value.render("vi")


def test_ranking_rows_are_the_scored_figures(commune: CompiledPack) -> None:
    results = _results(commune, 25, 4)
    for style, fmt in (("vi", Numbers(NumberFormat.VI)), ("plain", Numbers(NumberFormat.PLAIN))):
        page = render_html(results, number_format=style, generated_at=WHEN)
        rows = ROW.findall(page)
        assert [unit for _, unit, _ in rows] == [r.unit for r in results.ranking()]
        for rank, unit, index in rows:
            assert int(rank) == results.rank(unit)
            assert unescape(index) == fmt.percent(results.index(unit), 2)
    # Heat map: one cell per unit and (total + fields).
    fields = sum(1 for d in commune.depth[1:] if d == 1)
    assert page.count('<use href="#hc"') == 25 * (fields + 1)
    # One bar chart per unit, each using its group's shared frame.
    assert page.count('<use href="#fr0"/>') == 25


def test_unit_names_are_escaped(commune: CompiledPack) -> None:
    data = synthetic_input(commune, 4, seed=2)
    evil = '<script>alert("x")</script> & <b>'
    units = tuple(attrs.evolve(u, name=evil) if i == 1 else u for i, u in enumerate(data.units))
    page = render_html(parindex.score(commune, attrs.evolve(data, units=units)))
    assert "<script" not in page and evil not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;" in page


def test_unit_group_is_named_as_the_pack_list_and_table_name_it(commune: CompiledPack) -> None:
    """One name per unit group: the report's says what ``packs``, ``show`` and the criteria
    table say ("UBND cấp xã"), in the reader's language."""
    from parindex.cli.packinfo import unit_group_name

    results = _results(commune, 4, 1)
    for lang in ("vi", "en"):
        page = render_html(results, lang=lang)
        name = unit_group_name(commune.pack, lang)
        label = "Cấp đơn vị" if lang == "vi" else "Unit level"
        assert f"<th>{label}</th><td>{name}</td>" in page, lang


def test_self_contained_and_labelled_synthetic(commune: CompiledPack) -> None:
    page = render_html(_results(commune, 6, 1))
    assert "DỮ LIỆU MÔ PHỎNG" in page
    assert not re.search(r"<(script|link|img|iframe|object)\b", page)
    assert not re.search(r"\b(src|href)=\"(?!#)", page)  # only in-page references
    assert "url(" not in page and "@import" not in page
    assert re.findall(r"https?://[^\"' ]+", page) == ["http://www.w3.org/2000/svg"] * (
        page.count('xmlns="http://www.w3.org/2000/svg"')
    )
    english = render_html(_results(commune, 6, 1), lang="en")
    assert "PAR Index report" in english and "SYNTHETIC DATA" in english
    assert "Xếp hạng" not in english and '<html lang="en">' in english


def test_previous_year_change_or_a_note(commune: CompiledPack) -> None:
    results = _results(commune, 10, 5)
    without = render_html(results)
    assert "Không có kết quả năm trước" in without and "± Chỉ số" not in without
    old = synthetic_input(commune, 10, seed=6)
    gone = tuple(attrs.evolve(u, id="SYN-XX") if u.id == "SYN-10" else u for u in old.units)
    earlier = parindex.score(commune, attrs.evolve(old, units=gone))  # SYN-10 is new
    previous = compare_with_results(results, earlier, label="2023")
    unit = next(r.unit for r in results.ranking() if r.unit != "SYN-10")
    change = previous.changes[unit]
    assert change.index_change == results.index(unit) - earlier.index(unit)
    assert change.rank_change == earlier.rank(unit) - results.rank(unit)
    assert previous.changes["SYN-10"].index_change is None
    page = render_html(results, previous=previous)
    assert "± Chỉ số" in page and "so với 2023" in page
    row = re.search(rf"<tr><td class=\"n\">\d+</td><td>{unit}</td>.*?</tr>", page)
    assert row is not None
    assert Numbers().signed(change.index_change, 2) in unescape(row.group(0))
    other = parindex.score(
        parindex.compile_pack(parindex.get_pack("bnv-province-1150-2019")),
        synthetic_input(parindex.compile_pack(parindex.get_pack("bnv-province-1150-2019")), 3),
    )
    with pytest.raises(ParIndexError) as caught:
        render_html(results, previous=other)
    assert caught.value.code == "report.previous_other_pack"
    assert "version mapping" in caught.value.render("en")


def test_previous_from_a_history_store_matches(commune: CompiledPack, tmp_path: Path) -> None:
    results = _results(commune, 12, 7)
    earlier = _results(commune, 12, 8)
    with HistoryStore.open(tmp_path / "h.sqlite", create=True) as store:
        store.add_results(earlier, 2023)
        stored = compare_with_store(results, store, 2024)
        with pytest.raises(ParIndexError) as caught:
            compare_with_store(results, store, 2021)
        assert caught.value.render("vi") == "kho kết quả không có kết quả năm 2020"
    direct = compare_with_results(results, earlier)
    assert stored.label == "2023"
    for unit in results.unit_ids:
        assert stored.changes[unit].index_change == direct.changes[unit].index_change
        assert stored.changes[unit].rank_change == direct.changes[unit].rank_change


def test_inputs_are_traced_and_groups_ranked_apart(tmp_path: Path) -> None:
    compiled = parindex.compile_pack(parindex.get_pack("bnv-province-1150-2019"))
    csv = tmp_path / "tinh.csv"
    lines = ["unit,code,value,name,group"]
    for i, (unit, group) in enumerate((("a", "Miền Bắc"), ("b", "Miền Bắc"), ("c", "Miền Nam"))):
        lines += [f"{unit},{code},{1 + i % 2},Tỉnh {unit},{group}" for code in compiled.leaf_codes]
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = csv.read_bytes()
    out = tmp_path / "r.html"
    assert main(["report", "bnv-province-1150-2019", str(csv), "-o", str(out)]) == 0
    assert csv.read_bytes() == before
    page = out.read_text(encoding="utf-8")
    assert hashlib.sha256(before).hexdigest() in page and str(csv) in page
    assert "1150/QĐ-BNV" in page and "DỮ LIỆU MÔ PHỎNG" not in page
    assert page.count('<use href="#fr0"/>') == 2 and page.count('<use href="#fr1"/>') == 1
    assert "<h3>Miền Nam — " in page


def test_cli_demo_previous_store_and_size(
    commune: CompiledPack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "h.sqlite"
    with HistoryStore.open(store, create=True) as opened:
        opened.add_results(_results(commune, 40, 99), 2023)
    out = tmp_path / "demo.html"
    argv = ["report", "synthetic-commune", "--demo", "40", "-o", str(out)]
    assert main([*argv, "--previous", str(store), "--year", "2024", "--lang", "en"]) == 0
    page = out.read_text(encoding="utf-8")
    assert "± Index" in page and "SYNTHETIC DATA" in page and "against 2023" in page
    assert main([*argv, "--previous", str(store)]) == 2
    assert "--previous cần --year" in capsys.readouterr().err
    big = tmp_path / "big.html"
    assert main(["report", "synthetic-commune", "--demo", "500", "-o", str(big)]) == 0
    assert big.stat().st_size < 2 * 1024 * 1024
    demo_real_pack = tmp_path / "bnv.html"
    argv = ["report", "bnv-province-1150-2019", "--demo", "5", "-o", str(demo_real_pack)]
    assert main(argv) == 0
    assert "DỮ LIỆU MÔ PHỎNG" in demo_real_pack.read_text(encoding="utf-8")


def test_a_folder_among_the_inputs_lists_the_files_read(
    commune: CompiledPack, tmp_path: Path
) -> None:
    folder = Path(__file__).resolve().parents[1] / "docs" / "examples" / "don-vi"
    results = parindex.score(commune, read_input(commune, folder))
    out = tmp_path / "r.html"
    write_html(results, out, inputs=[folder], generated_at=WHEN)  # was IsADirectoryError
    page = out.read_text(encoding="utf-8")
    files = sorted(folder.glob("*.xlsx"))
    assert len(files) == 3
    for file in files:  # each file read, named with its hash, as parindex report lists them
        assert str(file) in page and hashlib.sha256(file.read_bytes()).hexdigest() in page
    assert f"<td>{folder}</td>" not in page
    with pytest.raises(InputError) as missing:
        render_html(results, inputs=[tmp_path / "khong-co"])
    assert missing.value.problems[0].message.code == "input.no_such_file"
    assert "khong-co" in missing.value.render()


def test_write_html_is_atomic_and_complete(commune: CompiledPack, tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    target.write_text("old", encoding="utf-8")
    write_html(_results(commune, 3, 1), target, generated_at=WHEN)
    text = target.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")
    assert "2025-01-31T09:30:00+00:00" in text
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]


def test_heading_stages_heat_map_titles_and_maximum_column(
    commune: CompiledPack, tmp_path: Path
) -> None:
    from parindex.analysis.synthetic_appraisal import synthetic_appraisal

    data = synthetic_appraisal(commune, synthetic_input(commune, 6, seed=2), seed=2)
    results = parindex.score(commune, data)
    out = tmp_path / "r.html"
    argv = ["report", "synthetic-commune", "--demo", "6", "-o", str(out)]
    assert main([*argv, "--issuer", "UBND tỉnh Sóc Trăng / Sở Nội vụ", "--year", "2024"]) == 0
    page = out.read_text(encoding="utf-8")
    assert "<h1>Báo cáo Chỉ số cải cách hành chính năm 2024</h1>" in page
    assert "UBND TỈNH SÓC TRĂNG<br><b>SỞ NỘI VỤ</b>" in page
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page
    assert "Kết quả thẩm định (vòng 1), bổ sung bằng tự đánh giá" in page
    assert "appraisal_1" not in page and "final (" not in page
    assert main([*argv, "--title", "Chỉ số CCHC các xã 2024"]) == 0
    assert "<h1>Chỉ số CCHC các xã 2024</h1>" in out.read_text(encoding="utf-8")

    page = render_html(results)
    field = commune.node_index["7"]
    maximum = f"{commune.node_max[field] / 10**commune.pack.point_decimals:.2f}".replace(".", ",")
    # heat-map columns: shortened titles, the full title on hover
    assert f"<title>7. {commune.titles[field]} (tối đa {maximum} điểm)</title>" in page
    assert ">7. Xây dựng chính quyền…</text>" in page
    # the ranking has a maximum column beside the points
    assert "<th>Điểm</th><th>Điểm tối đa</th><th>Chỉ số (%)</th>" in page
    first = results.ranking()[0]
    row = re.search(rf"<tr><td class=\"n\">1</td><td>{first.unit}</td>.*?</tr>", page)
    assert row is not None
    assert f'<td class="n">{first.points:.2f}</td><td class="n">{first.maximum:.2f}</td>'.replace(
        ".", ","
    ) in row.group(0)
    english = render_html(results, lang="en")
    assert "Results of the appraisal (round 1), completed from the self-assessment" in english
    assert "<th>Points</th><th>Maximum</th>" in english
