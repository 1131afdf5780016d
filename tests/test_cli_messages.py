"""Messages in the user's language: analyses, labels, and no error built from a plain string."""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path

import pytest

import parindex
from parindex.analysis.synthetic_appraisal import synthetic_appraisal
from parindex.analysis.whatif import Change, plan_target, render_target, what_if
from parindex.errors import InputError, ParIndexError
from parindex.labels import label
from parindex.messages import catalogue, use_lang
from parindex.synthetic import synthetic_input

SRC = Path(__file__).parents[1] / "src" / "parindex"


@pytest.fixture(scope="module")
def results() -> parindex.Results:
    compiled = parindex.compile_pack(parindex.get_pack("synthetic-commune"))
    return parindex.score(compiled, synthetic_appraisal(compiled, synthetic_input(compiled, 20)))


def test_what_if_problems_carry_codes_and_render_in_both_languages(results: parindex.Results) -> None:
    with pytest.raises(InputError) as caught:
        what_if(results, [Change("KHONG-CO", "1.4", "đạt"), Change("SYN-01", "1", "5"), Change("SYN-01", "1.4", "có lẽ")])
    codes = [problem.message.code for problem in caught.value.problems]  # type: ignore[union-attr]
    assert codes == ["analysis.unknown_unit", "analysis.not_a_leaf", "analysis.cannot_read"]
    with use_lang("vi"):
        rendered = str(caught.value)
    assert "đơn vị “KHONG-CO”; tiêu chí 1.4: giả định cho một đơn vị không có trong kết quả" in rendered
    assert "tiêu chí 1: “1” không phải mã tiêu chí nhập điểm" in rendered
    assert "không đọc được “có lẽ”" in rendered
    assert "what-if" not in rendered
    assert "cannot read “có lẽ”" in caught.value.render("en")


def test_target_errors_and_plan_speak_the_language(results: parindex.Results) -> None:
    with pytest.raises(ParIndexError) as caught:
        plan_target(results, "SYN-01", grade="Z")
    assert caught.value.code == "analysis.unknown_class"
    assert caught.value.render("vi") == "không có xếp loại “Z” (có: A, B, C, D)"
    plan = plan_target(results, "SYN-20", rank=1)
    assert plan.method == "greedy"
    assert "cách chọn: tiêu chí tăng tổng điểm nhiều nhất trước" in render_target(plan, lang="vi")
    assert "greedy: largest exact gain" in render_target(plan, lang="en")


def test_sensitivity_names_fields_it_does_not_know(results: parindex.Results) -> None:
    from parindex.analysis.sensitivity import sensitivity

    with pytest.raises(ParIndexError) as caught:
        sensitivity(results, bounds={"99": (Decimal(1), Decimal(2)), "1.1": (Decimal(0), Decimal(1))})
    assert caught.value.render("vi") == "không phải lĩnh vực của gói synthetic-commune: 1.1, 99"


def test_labels_come_from_the_catalogue() -> None:
    assert (label("rank", "vi"), label("rank", "en")) == ("Hạng", "Rank")
    assert label("mean_lost", "en") == "Mean lost"
    with use_lang("en"):
        assert label("grade") == "Class"


# -- no user error built from a plain string ------------------------------------------

#: Where each kind of error takes its message: positional index and keyword.
MESSAGE_ARGUMENT = {
    "ParIndexError": (0, "message"),
    "InputProblem": (0, "message"),
    "Violation": (3, "message"),
    "EntryError": (0, "message"),
    "SetProblem": (1, "message"),
    "DefinitionProblem": (1, "message"),
}


def _plain(node: ast.expr) -> bool:
    """A literal text that is not a catalogue code, an f-string, or str(...) of something."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value not in catalogue()
    if isinstance(node, ast.JoinedStr | ast.BinOp):
        return True
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "str"


def plain_string_errors(path: Path, root: Path = SRC) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        if name not in MESSAGE_ARGUMENT:
            continue
        position, keyword = MESSAGE_ARGUMENT[name]
        argument = node.args[position] if len(node.args) > position else None
        argument = next((k.value for k in node.keywords if k.arg == keyword), argument)
        if argument is not None and _plain(argument):
            found.append(f"{path.relative_to(root)}:{node.lineno} {name}")
    return found


def test_no_user_error_is_built_from_a_plain_string() -> None:
    found = [place for path in sorted(SRC.rglob("*.py")) for place in plain_string_errors(path)]
    assert found == [], "use a catalogue code: ParIndexError('area.key', ...), msg('area.key', ...)"


def test_the_plain_string_check_sees_what_it_should(tmp_path: Path) -> None:
    source = (
        "ParIndexError('no such thing')\n"
        "ParIndexError(f'no {x}')\n"
        "ParIndexError('cli.no_inputs')\n"
        "InputProblem(msg('analysis.cannot_read'), 'U', '1')\n"
        "Violation('1', ERROR, 'check', 'plain text', 'here')\n"
        "errors.InputProblem(str(exc))\n"
        "Violation('1', ERROR, 'check', message=msg('cli.no_inputs'))\n"
    )
    path = tmp_path / "sample.py"
    path.write_text(source, encoding="utf-8")
    assert plain_string_errors(path, tmp_path) == [
        "sample.py:1 ParIndexError",
        "sample.py:2 ParIndexError",
        "sample.py:5 Violation",
        "sample.py:6 InputProblem",
    ]
