"""Every sentence shown to people comes from the message catalogue (issue 15, item 4).

Two scans of the whole package's source (the catalogue's own module included):

- no ``lang == "vi"`` / ``lang == "en"`` choice between string literals (a pair of
  texts picked by language belongs in the catalogue, rendered with ``text(code, lang)``);
- no Vietnamese string literal (other than docstrings) outside the data tables listed
  below: words the readers accept and the writers write back, synthetic content,
  and commands as a user types them.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).parents[1] / "src" / "parindex"

#: Vietnamese letters with diacritics (lower case; literals are compared case-folded).
VIETNAMESE = re.compile("[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]")

#: Modules that are data tables as a whole: every Vietnamese literal in them is a word
#: read from or written into users' files, or content of a synthetic pack.
DATA_TABLES = {
    # The entry grammar: the words accepted for "không phát sinh", flags and labels.
    "grammar.py",
    # The criteria table's fixed choices, written on export and read back on import.
    "io/vocabulary.py",
    # The criteria table's column headers and information keys, written and read back.
    "io/table_layout.py",
    # The entry template's column headers and achieved labels, read back by the reader.
    "io/layout.py",
    # Rule-kind and parameter names of the criteria table, written and read back.
    "io/rule_cells.py",
    # The long CSV's accepted header names.
    "io/csv_long.py",
    "io/csv_bytes.py",
    # The letters of Vietnamese syllables and TCVN3's character table, to recognise a CSV
    # in an old Vietnamese encoding.
    "io/text_encoding.py",
    # The survey answer files' accepted header names.
    "survey/validation.py",
    # Synthetic packs and hypothesis strategies: their titles say "mô phỏng" by design.
    "synthetic.py",
    "testing.py",
}

#: Single Vietnamese literals that are data, not messages: (module, literal) → why.
WORDS = {
    ("rules/choice.py", "đạt"): "the achieved rule's accepted words",
    ("rules/choice.py", "đạt yêu cầu"): "the achieved rule's accepted words",
    ("rules/choice.py", "có"): "the achieved rule's accepted words",
    ("rules/choice.py", "không đạt"): "the achieved rule's accepted words",
    ("rules/choice.py", "không đạt yêu cầu"): "the achieved rule's accepted words",
    ("rules/choice.py", "chưa đạt"): "the achieved rule's accepted words",
    ("rules/choice.py", "chưa đạt yêu cầu"): "the achieved rule's accepted words",
    ("rules/choice.py", "không"): "the achieved rule's accepted words",
    ("rules/choice.py", "không có"): "the achieved rule's accepted words",
    ("wording.py", "đĐ"): "reading appendix wording: đ has no decomposition",
    ("io/info_rows.py", "không"): "accepted words for 'no classification'",
    ("io/info_rows.py", "không xếp loại"): "accepted words for 'no classification'",
    ("io/template.py", "không phát sinh"): "an entry the template's drop-down offers",
    ("analysis/whatif.py", "không phát sinh"): "a changed entry recorded as typed",
    ("survey/readers.py", "Phiếu"): "the answer sheet the reader looks for by name",
    ("survey/writers.py", "mã phiếu"): "answer CSV headers, read back",
    ("survey/writers.py", "mã đơn vị"): "answer CSV headers, read back",
    ("survey/writers.py", "nhóm"): "answer CSV headers, read back",
    ("survey/model.py", "Có"): "a yes/no scale's default options (survey data)",
    ("survey/model.py", "Không"): "a yes/no scale's default options (survey data)",
    ("survey/model.py", "Không biết"): "default not-answers (survey data)",
    ("survey/model.py", "Không trả lời"): "default not-answers (survey data)",
    ("survey/model.py", "không rõ"): "default not-answers' accepted words",
    ("survey/demo.py", "đạt"): "synthetic entries as a person types them",
    ("survey/demo.py", "không đạt"): "synthetic entries as a person types them",
    ("survey/demo.py", "Xã mô phỏng"): "synthetic unit names",
    ("cli/basic.py", "Tỉnh mô phỏng"): "synthetic unit names of the demo",
    ("cli/basic.py", "Xã mô phỏng"): "synthetic unit names of the demo",
}

#: Modules whose Vietnamese literals are commands as a user types them (--help examples).
EXAMPLES = {"cli/analysis.py", "cli/authoring.py", "cli/history.py"}


def _modules() -> list[tuple[str, ast.Module]]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        name = path.relative_to(SRC).as_posix()
        found.append((name, ast.parse(path.read_text(encoding="utf-8"))))
    return found


def _docstrings(tree: ast.Module) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _is_lang_test(node: ast.expr, aliases: set[str]) -> bool:
    """``lang == "vi"``, ``self.lang != "en"``, or a name bound to such a test (``vi``)."""
    if isinstance(node, ast.Name) and node.id in aliases:
        return True
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return _is_lang_test(node.operand, aliases)
    if not (isinstance(node, ast.Compare) and len(node.comparators) == 1):
        return False
    sides = (node.left, node.comparators[0])
    named = any(
        (isinstance(s, ast.Name) and s.id.endswith("lang"))
        or (isinstance(s, ast.Attribute) and s.attr.endswith("lang"))
        for s in sides
    )
    return named and any(isinstance(s, ast.Constant) and s.value in ("vi", "en") for s in sides)


def _has_words(nodes: list[ast.stmt] | list[ast.expr]) -> bool:
    """Whether the branch builds text from literals (a string literal with a letter in it)."""
    for branch in nodes:
        for node in ast.walk(branch):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if any(ch.isalpha() for ch in node.value):
                    return True
    return False


def _choices_in(tree: ast.Module) -> list[int]:
    """Lines that pick between literal texts by language instead of asking the catalogue."""
    aliases = {
        target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and _is_lang_test(node.value, set())
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.IfExp | ast.If) and _is_lang_test(node.test, aliases):
            body = [node.body] if isinstance(node, ast.IfExp) else node.body
            orelse = [node.orelse] if isinstance(node, ast.IfExp) else node.orelse
            if _has_words(body) or _has_words(orelse):
                found.append(node.lineno)
    return found


def language_choices() -> list[str]:
    return [f"{name}:{line}" for name, tree in _modules() for line in _choices_in(tree)]


def vietnamese_literals() -> list[str]:
    """Vietnamese string literals outside docstrings, data tables and the allow-list."""
    found = []
    for name, tree in _modules():
        if name in DATA_TABLES or name in EXAMPLES:
            continue
        docstrings = _docstrings(tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
                continue
            if id(node) in docstrings or not VIETNAMESE.search(node.value.lower()):
                continue
            if (name, node.value) not in WORDS:
                found.append(f"{name}:{node.lineno}: {node.value!r}")
    return found


def test_no_text_is_chosen_by_language_outside_the_catalogue() -> None:
    assert language_choices() == []


def test_no_vietnamese_sentence_is_written_in_the_code() -> None:
    assert vietnamese_literals() == []


def test_the_allow_lists_name_what_is_there() -> None:
    """An allow-list entry whose literal or module went away is removed with it."""
    modules = dict(_modules())
    assert DATA_TABLES | EXAMPLES <= set(modules)
    present = {
        (name, node.value)
        for name, tree in modules.items()
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    assert set(WORDS) - present == set()


def test_the_scan_sees_a_choice_by_language() -> None:
    """The scans catch the forms the catalogue replaced (checked on small samples)."""
    samples = {
        'x = "có" if lang == "vi" else "yes"': True,
        'vi = lang == "vi"\nif vi:\n    y = f"Điểm = {a}"\nelse:\n    y = f"points = {a}"': True,
        'if self.lang != "en":\n    return "trên"': True,
        'x = text.replace(".", ",") if lang == "vi" else text': False,
        'x = cls.VI if lang == "vi" else cls.PLAIN': False,
    }
    for source, expected in samples.items():
        assert bool(_choices_in(ast.parse(source))) is expected, source
