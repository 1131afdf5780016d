"""A hostile pass over the commands: what used to end as an internal error or in the C
library's English is a user error (exit 2) in the reader's language."""

from __future__ import annotations

import errno
import tempfile
from pathlib import Path

import pytest

import parindex
from parindex.cli import main
from parindex.errors import PackError, os_reason
from parindex.messages import render
from parindex.serialization import pack_from_document

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"

#: argv → what the message says (Vietnamese, the default).
REFUSED = {
    "template rows": (
        ["template", "synthetic-commune", "-o", "t.xlsx", "--layout", "batch", "--rows", "-5"],
        "tham số --rows: cần một số nguyên từ 1 trở lên, nhận được “-5”",
    ),
    "template stage": (
        ["template", "synthetic-commune", "-o", "t.xlsx", "--layout", "batch", "--stage", "nope"],
        "gói synthetic-commune không có vòng “nope” (có: self, appraisal_1, explanation, appraisal_2)",
    ),
    "level 0": (
        ["score", "synthetic-commune", str(EXAMPLES / "don-vi"), "--level", "0"],
        "tham số --level: cần một số nguyên từ 1 trở lên, nhận được “0”",
    ),
    "template level": (
        ["template", "synthetic-commune", "-o", "t.xlsx", "--level", "-1"],
        "tham số --level: cần một số nguyên từ 1 trở lên, nhận được “-1”",
    ),
    "demo communes": (["demo", "--communes", "0"], "tham số --communes: cần một số nguyên từ 1 trở lên"),
    "history import of a folder": (
        ["history", "import", str(EXAMPLES / "don-vi"), "--year", "2024"],
        f"không đọc được {EXAMPLES / 'don-vi'}: đó là một thư mục, không phải tệp",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_hostile_arguments_are_user_errors(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv, expected = REFUSED[case]
    monkeypatch.chdir(tmp_path)
    try:
        code = main(argv)
    except SystemExit as exited:  # argparse's own refusals (usage errors)
        code = exited.code  # type: ignore[assignment]
    err = capsys.readouterr().err
    assert code == 2 and expected in err, err
    for leak in ("Traceback", "lỗi nội bộ", "ValueError", "Is a directory"):
        assert leak not in err, err
    assert list(tmp_path.iterdir()) == []  # nothing written, no store made


def test_a_results_csv_given_as_the_pack_is_refused_not_a_recursion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Its root rows have the code "" (the whole index): a node that would be its own parent."""
    results = tmp_path / "ket-qua.csv"
    assert main(["score", "synthetic-commune", str(EXAMPLES / "don-vi"), "-o", str(results), "-q"]) == 0
    capsys.readouterr()
    assert main(["show", str(results)]) == 2
    err = capsys.readouterr().err
    assert "gói tiêu chí “ket-qua” không hợp lệ" in err and "RecursionError" not in err
    with pytest.raises(PackError) as refused:
        pack_from_document(
            {"id": "p", "nodes": [{"code": "", "title": "gốc"}, {"code": "1", "title": "a"}]},
            parindex.plugins.converter(),
        )
    problems = [v for v in refused.value.violations if v.message.code == "pack.malformed_code"]
    assert [render(v.message, "vi") for v in problems] == [
        "mã “” không hợp lệ; mã gồm các phần chữ số hoặc chữ cái, ngăn bởi dấu chấm (1, 1.2, 1.2.3)"
    ]


@pytest.mark.parametrize(
    ("number", "vi", "en"),
    [
        (errno.EACCES, "không có quyền", "permission denied"),
        (errno.ENOSPC, "ổ đĩa đã đầy", "the disk is full"),
        (errno.EISDIR, "đó là một thư mục, không phải tệp", "it is a folder, not a file"),
        (errno.EROFS, "ổ đĩa chỉ cho đọc", "the file system is read-only"),
    ],
)
def test_the_systems_refusals_are_said_in_the_readers_language(number: int, vi: str, en: str) -> None:
    reason = os_reason(OSError(number, "C library's English"))
    assert (render(reason, "vi"), render(reason, "en")) == (vi, en)
    assert os_reason(OSError(errno.ENOTSUP, "Operation not supported")) == "Operation not supported"


def test_a_store_that_cannot_be_created_says_why_in_vietnamese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """(A read-only folder cannot stop root, who runs the CI: the refusal is simulated.)"""
    def refused(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    store = tmp_path / "h.sqlite"
    argv = ["history", "import", "synthetic-commune", str(EXAMPLES / "don-vi"), "--year", "2024"]
    assert main([*argv, "--store", str(store)]) == 2
    assert capsys.readouterr().err == f"parindex: lỗi: không tạo được kho lịch sử {store}: không có quyền\n"
