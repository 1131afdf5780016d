"""The column-wise results writers give the very bytes the row-by-row writers gave.

``reference_csv`` and ``reference_json`` are the writers as they were before they were
rebuilt on the result arrays (one ``Results.rows()`` record or one cattrs record per unit
and node): the new writers must give the same file, byte for byte, on the shipped
examples, on every installed pack and on random packs and results (any depth, point
decimals 0-6, rounding decimals 0-4, both rounding modes, negative points, maxima that
vary per unit, units ranked in groups, text that needs quoting or looks like a formula).
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import parindex
import parindex.testing as pt
from parindex.compiled import compile_pack
from parindex.history.records import document_to_json
from parindex.inputs import Unit
from parindex.io import read_input, write_results
from parindex.io.results_out import CSV_FIELDS, results_document
from parindex.io.sheets import csv_text
from parindex.messages import format_number
from parindex.results import NodeResult, Results
from parindex.synthetic import synthetic_input

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"


def reference_rows(results: Results, stage: str | None = None) -> list[NodeResult]:
    """``Results.rows()`` as it was: one ``_row`` (Decimal accessors) per unit and node."""
    scores = results.scores(stage)
    nodes = range(results.compiled.n_nodes)
    return [results._row(i, n, scores) for i in range(len(results.units)) for n in nodes]


def reference_csv(results: Results, decimal_comma: bool) -> bytes:
    """The CSV writer as it was: a ``Results.rows()`` record and a ``csv.writer`` row each."""

    def places(value: Decimal, decimals: int) -> Decimal:
        fixed = value.quantize(Decimal(1).scaleb(-decimals))
        return fixed if fixed == value else value.normalize()

    def cell(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, Decimal):
            return format_number(value, "vi" if decimal_comma else "en")
        return str(value)

    texts = {"unit", "name", "group", "code", "title", "grade"}
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if decimal_comma else ",", lineterminator="\r\n")
    coverage = ["1"] if results.is_partial else []  # the partial flag (was the whole line)
    writer.writerow((*CSV_FIELDS, "partial") if coverage else CSV_FIELDS)
    decimals = results.pack.rounding.decimals
    for record in reference_rows(results):
        row = []
        for name in CSV_FIELDS:
            value = getattr(record, name)
            if name == "maximum":
                value = places(value, decimals)
            text = cell(value)
            row.append(csv_text(text) if name in texts else text)
        writer.writerow(row + coverage)
    return ("\ufeff" + buffer.getvalue()).encode()


def reference_json(results: Results, year: int | None) -> bytes:
    """The JSON writer as it was: the whole document as records, then ``json.dumps``."""
    return document_to_json(results_document(results, year)).encode()


def assert_same_files(results: Results, folder: Path, year: int | None = None) -> None:
    for comma in (False, True):
        path = write_results(results, folder / f"r{int(comma)}.csv", decimal_comma=comma)
        assert path.read_bytes() == reference_csv(results, comma)
    path = write_results(results, folder / "r.json", heading=_heading(year))
    assert path.read_bytes() == reference_json(results, year)


def _heading(year: int | None) -> parindex.document.Heading | None:
    from parindex.document import Heading

    return None if year is None else Heading(year=year)


def _example_results() -> list[tuple[str, Results]]:
    commune = compile_pack(parindex.get_pack("synthetic-commune"))
    ca_mau = compile_pack(parindex.io.import_pack(EXAMPLES / "ca-mau" / "tieu-chi.csv"))
    found = [
        ("don-vi", parindex.score(commune, read_input(commune, EXAMPLES / "don-vi"))),
        ("don-vi-2025", parindex.score(commune, read_input(commune, EXAMPLES / "don-vi-2025.csv"))),
        (
            "ca-mau",
            parindex.score(ca_mau, read_input(ca_mau, EXAMPLES / "ca-mau" / "don-vi.csv")),
        ),
    ]
    for pack in parindex.default_plugins().packs():
        if pack.scorable_level == 0:
            continue  # no maximum known yet: nothing to score
        compiled = compile_pack(pack)
        found.append((pack.id, parindex.score(compiled, synthetic_input(compiled, 40))))
    return found


@pytest.fixture(scope="module")
def examples() -> list[tuple[str, Results]]:
    return _example_results()


def test_shipped_examples_and_packs_write_the_same_bytes(
    examples: list[tuple[str, Results]], tmp_path: Path
) -> None:
    assert any(r.is_partial for _, r in examples) and any(not r.is_partial for _, r in examples)
    for name, results in examples:
        folder = tmp_path / name
        folder.mkdir()
        assert_same_files(results, folder, year=2024 if name == "don-vi" else None)


#: Text a spreadsheet reads as a formula, delimiters, quotes and Vietnamese letters.
_TEXT = st.text(alphabet="=+-@;,\"' aĐạ1", min_size=1, max_size=6).map(lambda t: "X" + t)


@st.composite
def _random_results(draw: st.DrawFn) -> Results:
    compiled = compile_pack(draw(pt.packs(max_depth=3, max_children=3)))
    data = draw(pt.scoring_inputs(compiled, max_units=6))
    leads = draw(st.lists(st.sampled_from(("", "=", "-", "@", "+")), min_size=3, max_size=3))
    tails = ("", ";x", ",y", '"q')
    units = tuple(
        Unit(
            (leads[0] if i == 0 else "") + unit.id + draw(st.sampled_from(tails)),
            leads[1] + draw(_TEXT) if draw(st.booleans()) else "",
            leads[2] + unit.group if unit.group else "",
        )
        for i, unit in enumerate(data.units)
    )
    return parindex.score(compiled, attrs.evolve(data, units=units))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(results=_random_results(), year=st.one_of(st.none(), st.integers(2000, 2030)))
def test_random_results_write_the_same_bytes(
    results: Results, year: int | None, tmp_path_factory: pytest.TempPathFactory
) -> None:
    assert_same_files(results, tmp_path_factory.mktemp("random"), year)
    for stage in (None, *results.stages):
        # ranking order as it was: group, rank (unranked last), input order
        ranks = results.scores(stage).rank.tolist()
        order = sorted(
            range(len(results.units)),
            key=lambda i: (results.units[i].group, ranks[i] if ranks[i] else 2**63, i),
        )
        assert results.ranking_order(stage).tolist() == order
        # the same records, to the text of each Decimal ("0.00", "7.50")
        assert [_text(r) for r in results.rows(stage)] == [
            _text(r) for r in reference_rows(results, stage)
        ]


def _text(record: NodeResult) -> tuple[str, ...]:
    return tuple(str(value) for value in attrs.astuple(record))


def test_blocks_of_units_join_seamlessly(
    examples: list[tuple[str, Results]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Units written a few at a time (as 10⁴ units are) give the same file."""
    from parindex.io import results_out

    monkeypatch.setattr(results_out, "BLOCK_LINES", 1)
    for name, results in examples[:3]:
        folder = tmp_path / name
        folder.mkdir()
        assert_same_files(results, folder)


def _cells(path: Path) -> dict[str, object]:
    """Everything a reader sees in a workbook: each cell's value, type, format and style,
    merged ranges, row heights, column widths, panes and page setup."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    found: dict[str, object] = {}
    for sheet in book.worksheets:
        found[sheet.title] = (
            [
                (
                    cell.coordinate,
                    repr(cell.value),  # -0.0 is not 0.0
                    cell.data_type,
                    cell.number_format,
                    repr(cell.font),
                    repr(cell.alignment),
                    repr(cell.border),
                    repr(cell.fill),
                    cell.quotePrefix,
                )
                for row in sheet.iter_rows()
                for cell in row
            ],
            sorted(str(merged) for merged in sheet.merged_cells.ranges),
            {n: d.height for n, d in sheet.row_dimensions.items() if d.height},
            {k: d.width for k, d in sheet.column_dimensions.items()},
            (sheet.freeze_panes, sheet.print_title_rows, sheet.page_setup.orientation),
            (str(sheet.oddFooter.center.text), sheet.sheet_properties.pageSetUpPr.fitToPage),
        )
    return found


def assert_same_workbook(results: Results, folder: Path, **options: object) -> None:
    from reference_results_xlsx import reference_workbook

    new = write_results(results, folder / "new.xlsx", **options)  # type: ignore[arg-type]
    old = reference_workbook(results, folder / "old.xlsx", **options)  # type: ignore[arg-type]
    assert _cells(new) == _cells(old)


def test_shipped_examples_give_the_same_workbook_cells(
    examples: list[tuple[str, Results]], tmp_path: Path
) -> None:
    from parindex.document import Heading

    heading = Heading(issuer="UBND TỈNH MÔ PHỎNG", year=2024, signer=("CHỦ TỊCH",))
    for name, results in examples:
        folder = tmp_path / name
        folder.mkdir()
        assert_same_workbook(results, folder, lang="vi", heading=heading)
    assert_same_workbook(examples[0][1], tmp_path, lang="en", unit_sheets=True)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(results=_random_results())
def test_random_results_give_the_same_workbook_cells(
    results: Results, tmp_path_factory: pytest.TempPathFactory
) -> None:
    assert_same_workbook(results, tmp_path_factory.mktemp("random"), unit_sheets=True)


def test_points_lost_at_halves_as_before(tmp_path: Path) -> None:
    """Lost points of 2.5 and 0.5 shown with no decimals: 2 and 0, halves to even (Decimal's
    default context), as the sheets showed them (random packs rarely reach a half)."""
    from parindex.model import Node, Pack, PointsSource, RoundingRule, UnitGroup, YearRange
    from parindex.rules import Direct

    def leaf(code: str, maximum: str) -> Node:
        return Node(code=code, title=f"Tiêu chí {code}", maximum=Decimal(maximum), rule=Direct())

    pack = Pack(
        id="nua-diem",
        title="Bộ mô phỏng",
        version="1",
        unit_group=UnitGroup.COMMUNE,
        years=YearRange(2024),
        synthetic=True,
        rounding=RoundingRule(decimals=0),
        tree=(
            Node(
                code="1",
                title="Lĩnh vực",
                source=PointsSource.SELF_ASSESSMENT,
                children=(leaf("1.1", "2.5"), leaf("1.2", "0.5")),
            ),
        ),
    )
    compiled = compile_pack(pack)
    results = parindex.score(
        compiled, parindex.from_mappings(compiled, {"A": {"1.1": 0, "1.2": 0}})
    )
    assert_same_workbook(results, tmp_path)


def _field_csv(path: Path, n_units: int) -> Path:
    """A long CSV of ``n_units`` SYNTHETIC communes scored at field level (8 values each)."""
    lines = ["unit,code,value"]
    for unit in range(n_units):
        lines += [f"XA-{unit:04d},{field},{(unit * field) % 6}" for field in range(1, 9)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _ranking_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.lstrip()[:1].isdigit()]


def test_screen_shows_the_first_units_of_a_large_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Above 200 units the screen shows the first 20 and says where the others are."""
    from parindex.cli import main

    source = _field_csv(tmp_path / "xa.csv", 250)
    command = ["score", "synthetic-commune", str(source), "--level", "1"]
    assert main([*command, "-o", str(tmp_path / "kq.csv")]) == 0
    out = capsys.readouterr().out
    assert len(_ranking_lines(out)) == 20
    assert "… và 230 đơn vị nữa không in ra" in out and "kq.csv" in out
    assert main([*command, "--top", "all"]) == 0
    out = capsys.readouterr().out
    assert len(_ranking_lines(out)) == 250 and "không in ra" not in out
    assert main([*command, "--top", "5", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert len(_ranking_lines(out)) == 5 and "not printed" not in out
    small = _field_csv(tmp_path / "nho.csv", 200)
    assert main(["score", "synthetic-commune", str(small), "--level", "1"]) == 0
    assert len(_ranking_lines(capsys.readouterr().out)) == 200


@pytest.mark.parametrize("value", ["0", "-3", "nhiều"])
def test_top_takes_a_positive_number_or_all(
    value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from parindex.cli import main

    source = _field_csv(tmp_path / "xa.csv", 3)
    with pytest.raises(SystemExit) as exited:
        main(["score", "synthetic-commune", str(source), "--level", "1", "--top", value])
    assert exited.value.code == 2
    expected = f"cần một số nguyên từ 1 trở lên hoặc all, nhận được “{value}”"
    assert expected in capsys.readouterr().err


def test_workbook_of_many_units_says_it_has_no_unit_sheets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import openpyxl

    from parindex.cli import main

    source = _field_csv(tmp_path / "xa.csv", 301)
    book = tmp_path / "kq.xlsx"
    assert main(["score", "synthetic-commune", str(source), "--level", "1", "-o", str(book)]) == 0
    err = capsys.readouterr().err
    assert "không có trang riêng cho từng đơn vị khi có hơn 300 đơn vị (ở đây 301)" in err
    assert "--unit-sheets" in err
    assert openpyxl.load_workbook(book, read_only=True).sheetnames == [
        "Xếp hạng",
        "Chỉ số thành phần",
    ]
    assert (
        main(["score", "synthetic-commune", str(source), "--level", "1", "-o", str(book), "-q"])
        == 0
    )
    assert capsys.readouterr().err == ""


def test_score_json_on_stdout_is_the_results_document(
    examples: list[tuple[str, Results]], capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    from parindex.cli import main

    assert (
        main(["score", "synthetic-commune", str(EXAMPLES / "don-vi"), "--json", "--year", "2024"])
        == 0
    )
    assert capsysbinary.readouterr().out == reference_json(examples[0][1], 2024)


def test_more_units_than_a_sheet_has_rows_are_refused_before_writing(
    examples: list[tuple[str, Results]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from parindex.errors import ParIndexError
    from parindex.io import results_out

    monkeypatch.setattr(results_out, "SHEET_ROWS", 16)  # the header block takes 10 rows
    with pytest.raises(ParIndexError) as caught:
        write_results(examples[0][1], tmp_path / "kq.xlsx")
    assert caught.value.code == "output.too_many_units_for_workbook"
    assert (
        "3 đơn vị không vừa một trang tính (16 dòng); hãy ghi kết quả ra .csv"
        in caught.value.render()
    )
    assert not list(tmp_path.iterdir())
