"""The message catalogue: both languages for every code, and no code used that it lacks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from parindex.errors import InputProblem, Location, ParIndexError
from parindex.messages import LANGS, Found, catalogue, msg, placeholders, render, use_lang

SRC = Path(__file__).parents[1] / "src" / "parindex"
#: Literal codes passed to the catalogue's entry points in the source.
CODE_USE = re.compile(
    r"""(?:\bmsg|\btext|ParIndexError|Message|EntryError|_refuse|problem)\(\s*f?["']([a-z_]+\.[a-z0-9_]+)["']"""
)


@pytest.mark.parametrize("code", sorted(catalogue()))
def test_every_code_has_both_languages_with_the_same_placeholders(code: str) -> None:
    texts = catalogue()[code]
    assert set(texts) == set(LANGS), code
    assert placeholders(texts["vi"]) == placeholders(texts["en"]), code
    assert texts["vi"] != "" and texts["en"] != ""


def test_every_code_the_source_names_is_in_the_catalogue() -> None:
    missing = []
    for path in SRC.rglob("*.py"):
        for code in CODE_USE.findall(path.read_text(encoding="utf-8")):
            if "{" not in code and code not in catalogue():
                missing.append(f"{path.relative_to(SRC)}: {code}")
    assert missing == []


def test_language_follows_use_lang_and_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    message = msg("entry.not_a_number", found=Found("abc"))
    monkeypatch.delenv("PARINDEX_LANG", raising=False)
    assert render(message) == "không đọc được “abc” là một số"
    monkeypatch.setenv("PARINDEX_LANG", "en")
    assert render(message) == "cannot read “abc” as a number"
    with use_lang("vi"):
        assert str(message) == "không đọc được “abc” là một số"


def test_found_values_are_shortened_and_never_python_reprs() -> None:
    with use_lang("en"):
        long = render(msg("entry.not_a_number", found=Found("9" * 400)))
        assert len(long) < 120 and "(400 characters)" in long
        control = render(msg("entry.not_a_number", found=Found("a\x0bb")))
        assert "\x0b" not in control and "\\u000b" in control
        huge = render(msg("entry.too_large", found=Found(10**5000), digits=18))
        assert len(huge) < 100
    with use_lang("vi"):
        from decimal import Decimal

        assert "Decimal" not in render(msg("entry.not_finite", found=Found(Decimal("0.0"))))
        assert render(msg("entry.not_finite", found=Found(Decimal("0.50")))).startswith("0,50 ")


def test_errors_render_in_the_chosen_language() -> None:
    problem = InputProblem(
        msg("entry.not_a_number", found=Found("abc")), "X01", "1.2", Location("a.csv", row=3, column="C")
    )
    with use_lang("vi"):
        assert str(problem) == "a.csv, ô C3; đơn vị “X01”; tiêu chí 1.2: không đọc được “abc” là một số"
    with use_lang("en"):
        assert str(problem) == "a.csv, cell C3; unit “X01”; criterion 1.2: cannot read “abc” as a number"
    error = ParIndexError("output.is_folder", path="out")
    assert error.code == "output.is_folder"
    assert error.render("en") == "cannot write out: it is a folder; give a file name"
