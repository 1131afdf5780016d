"""Fifth hostile pass: the fourth pass's leftovers (empty survey answer files, the field a
bad character was found in, stores and folders the user may not write) and the last
corners a careless or hostile user reaches."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from parindex.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "docs" / "examples"
DON_VI = str(EXAMPLES / "don-vi")
LONG_CSV = EXAMPLES / "don-vi-2025.csv"
SURVEY = EXAMPLES / "survey" / "vi-du.toml"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exited:  # argparse's own refusals (usage errors)
        code = int(exited.code or 0)
    out, err = capsys.readouterr()
    for leak in ("Traceback", "lỗi nội bộ", "internal error"):
        assert leak not in err, err
    return code, out, err


# --- 4. an answers file with a header and no questionnaire is refused ------------------


@pytest.mark.parametrize(
    "body",
    ["mã phiếu,mã đơn vị,nhóm,Q1,Q2\n", "mã phiếu,mã đơn vị,nhóm,Q1,Q2\n,,,,\n\n"],
    ids=["header only", "header and blank rows"],
)
def test_an_answers_file_without_questionnaires_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str
) -> None:
    answers = tmp_path / "tra-loi.csv"
    answers.write_text(body, encoding="utf-8")
    code, out, err = run(["survey", "aggregate", str(SURVEY), str(answers)], capsys)
    assert code == 2 and out == "", out
    assert "0 phiếu" not in out
    assert "  - tra-loi.csv, dòng 2: tệp không có phiếu nào (cần: ít nhất một phiếu" in err, err


def test_an_empty_answers_file_among_filled_ones_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    filled = tmp_path / "a.csv"
    filled.write_text("mã phiếu,mã đơn vị,nhóm,Q1,Q2\nR1,XA-01,nguoi-dan,Tốt,Có\n", "utf-8")
    empty = tmp_path / "b.csv"
    empty.write_text("mã phiếu,mã đơn vị,nhóm,Q1,Q2\n", encoding="utf-8")
    code, _, err = run(["survey", "aggregate", str(SURVEY), str(filled), str(empty)], capsys)
    assert code == 2
    assert "có 1 vấn đề" in err and "b.csv, dòng 2: tệp không có phiếu nào" in err, err


# --- 5. a bad character is reported under the field it was found in -------------------


def test_a_bad_character_names_its_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = LONG_CSV.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "unit,name,code,value,na"
    rows = [lines[0] + ",group,evidence,note"]
    for number, line in enumerate(lines[1:], start=2):
        group = "Nhóm\x07 1" if number == 40 else "Nhóm 1"
        evidence = "QĐ\x01 số 5" if number == 41 else ""
        note = "ghi\x02" if number == 42 else ""
        rows.append(f"{line},{group},{evidence},{note}")
    path = tmp_path / "d.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    code, _, err = run(["score", "synthetic-commune", str(path)], capsys)
    assert code == 2
    # the three problems, each under its own field, and nothing consequential (a unit
    # whose group was refused is not then said unknown for each of its entries)
    assert "dữ liệu chấm điểm có 3 vấn đề" in err, err
    unit = lines[38].split(",")[0]
    assert f"d.csv, ô F40; đơn vị “{unit}”: nhóm “Nhóm\\u0007 1” có ký tự không hợp lệ" in err
    assert "ô G41; " in err and ": tài liệu kiểm chứng “QĐ\\u0001 số 5” có ký tự" in err, err
    assert "ô H42; " in err and ": ghi chú “ghi\\u0002” có ký tự không hợp lệ" in err, err
    code, _, err = run(["score", "synthetic-commune", str(path), "--lang", "en"], capsys)
    assert "group “Nhóm\\u0007 1” holds an invalid character" in err, err
    assert "evidence “QĐ\\u0001 số 5” holds" in err and "note “ghi\\u0002” holds" in err, err


# --- 6. stores and folders the user may not write ---------------------------------------


def _as_nobody() -> list[str]:
    """A command prefix running as the unprivileged user 65534, or skip with the reason."""
    if os.geteuid() != 0:
        pytest.skip("needs root to run a command as another user (permissions are enforced)")
    if shutil.which("setpriv"):
        return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    if shutil.which("runuser"):
        return ["runuser", "-u", "nobody", "--"]
    pytest.skip("neither setpriv nor runuser is installed to run as another user")


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder everyone may read (pytest's own temporary folders are root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="parindex-ro-", dir="/tmp"))
    try:
        folder.chmod(0o755)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _parindex(prefix: list[str], *args: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PARINDEX_LANG": "vi", "HOME": "/tmp"}
    return subprocess.run(
        [*prefix, sys.executable, "-m", "parindex", *args],
        capture_output=True,
        text=True,
        cwd="/",
        env=environment,
        timeout=120,
        check=False,
    )


def _listing(folder: Path) -> list[tuple[str, int, float]]:
    return sorted((p.name, p.stat().st_size, p.stat().st_mtime) for p in folder.iterdir())


def test_a_store_the_user_may_not_write_is_read_and_never_written(
    shared_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nobody = _as_nobody()
    store = shared_folder / "kho.sqlite"
    argv = ["history", "import", "synthetic-commune", DON_VI, "--year", "2024"]
    assert run([*argv, "--store", str(store), "-q"], capsys)[0] == 0
    store.chmod(0o644)
    before = _listing(shared_folder)
    # reading commands read it (SQLite alone would need to write beside a WAL store)
    listed = _parindex(nobody, "history", "list", "--store", str(store))
    assert listed.returncode == 0, listed.stderr
    assert "synthetic-commune" in listed.stdout and "2024" in listed.stdout
    yoy = ["yoy", "synthetic-commune", "--year", "2024", "--store", str(store)]
    compared = _parindex(nobody, *yoy)
    assert compared.returncode == 0, compared.stderr
    # writing commands are refused, saying why, and leave nothing behind
    imported = _parindex(nobody, *argv[:-1], "2025", "--store", str(store))
    assert imported.returncode == 2
    assert f"không ghi được {store}: không có quyền ghi vào thư mục {shared_folder}" in (
        imported.stderr
    )
    lineage = _parindex(
        nobody, "history", "lineage", str(EXAMPLES / "sap-nhap-2025.toml"), "--store", str(store)
    )
    assert lineage.returncode == 2
    assert "chỉ cho phép đọc; không có gì thay đổi" in lineage.stderr, lineage.stderr
    for result in (listed, compared, imported, lineage):
        assert "Traceback" not in result.stderr and "lỗi nội bộ" not in result.stderr
    assert _listing(shared_folder) == before
    # a write-ahead log left holding changes is never read past
    (shared_folder / "kho.sqlite-wal").write_bytes(b"\0" * 32)
    refused = _parindex(nobody, "history", "list", "--store", str(store))
    assert refused.returncode == 2
    assert f"không đọc được kho lịch sử {store}: bên cạnh có tệp nhật ký" in refused.stderr


def test_outputs_into_a_folder_the_user_may_not_write_leave_nothing(
    shared_folder: Path,
) -> None:
    nobody = _as_nobody()
    before = _listing(shared_folder)
    for name in ("kq.xlsx", "kq.csv", "kq.json"):
        target = shared_folder / name
        result = _parindex(nobody, "score", "synthetic-commune", DON_VI, "-o", str(target))
        assert result.returncode == 2, result.stderr
        assert f"không ghi được {target}: không có quyền ghi vào thư mục {shared_folder}" in (
            result.stderr
        )
    template = shared_folder / "mau.xlsx"
    result = _parindex(nobody, "template", "synthetic-commune", "-o", str(template))
    assert result.returncode == 2 and "không có quyền ghi vào thư mục" in result.stderr
    # a read-only file in a folder the user may write: refused, left as it was
    shared_folder.chmod(0o777 | stat.S_ISVTX)
    kept = shared_folder / "kq.csv"
    kept.write_text("giữ nguyên\n", encoding="utf-8")
    kept.chmod(0o644)
    result = _parindex(nobody, "score", "synthetic-commune", DON_VI, "-o", str(kept))
    assert result.returncode == 2 and f"không ghi được {kept}" in result.stderr, result.stderr
    assert kept.read_text(encoding="utf-8") == "giữ nguyên\n"
    assert sorted(p.name for p in shared_folder.iterdir()) == sorted(
        [*(n for n, *_ in before), "kq.csv"]
    )
