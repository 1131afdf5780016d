"""Every --help speaks the user's language: Vietnamese help holds no English but option names.

Two checks over every command, so that a help text written in English anywhere
fails here: each help text, description and option group title is built from
the catalogue (it differs between the Vietnamese and the English parser), and
the rendered Vietnamese help, once option names, metavars, `quoted commands`,
file names and the examples are set aside, contains no English word.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator

import pytest

from parindex.cli import build_parser, main
from parindex.messages import use_lang

#: Common English words of help texts. None is a Vietnamese word: words such as "in"
#: (print), "to" or "an" that are Vietnamese too are left out.
ENGLISH = frozenset(
    """
    and any are as at be by each every file files folder for from into is it its
    of one or read show table the their them this when where which with write
    """.split()
)
#: Help texts argparse writes itself; parindex.cli translates them as it renders.
ARGPARSE_OWN = frozenset({"positional arguments", "options", "show this help message and exit"})


def _parsers(parser: argparse.ArgumentParser, name: str = "") -> Iterator[tuple[str, argparse.ArgumentParser]]:
    yield name, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child, sub in action.choices.items():
                yield from _parsers(sub, f"{name} {child}".strip())


def _texts(parser: argparse.ArgumentParser) -> list[tuple[str, str | None]]:
    """(where, text) of everything a parser's --help writes that a command module chose."""
    found: list[tuple[str, str | None]] = [("description", parser.description)]
    found += [(f"group {i}", group.title) for i, group in enumerate(parser._action_groups)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found += [(f"command {c.dest}", c.help) for c in action._choices_actions]
        else:
            found.append(("/".join(action.option_strings) or action.dest, action.help))
    return found


def _commands() -> list[str]:
    return [name for name, _ in _parsers(build_parser())]


def test_every_help_text_comes_from_the_catalogue_in_both_languages() -> None:
    with use_lang("vi"):
        vi = {name: _texts(parser) for name, parser in _parsers(build_parser())}
    with use_lang("en"):
        en = {name: _texts(parser) for name, parser in _parsers(build_parser())}
    assert vi.keys() == en.keys()
    untranslated = [
        (name, where, text)
        for name in vi
        for (where, text), (_, english) in zip(vi[name], en[name], strict=True)
        if text and text == english and text not in ARGPARSE_OWN and re.search(r"[A-Za-z]{3}", text)
    ]
    assert untranslated == []


def _prose(help_text: str) -> str:
    """The rendered help without usage, examples, option names, metavars, quoted commands,
    file names and extensions: what is left is prose that must be Vietnamese."""
    body = help_text.split("\n\n", 1)[1]  # after the usage block
    body = re.split(r"^(?:ví dụ|examples):$", body, flags=re.M)[0]
    body = re.sub(r"^ {4}[\w-]+", " ", body, flags=re.M)  # command names in a command list
    body = re.sub(r"`[^`]*`|'[^']*'|\$\w+|\{[^}]*\}", " ", body)
    body = re.sub(r"(?<![\w-])--?[\w-]+|\b[A-Z][A-Z_]+\b|[\w-]*\.\w+", " ", body)
    return body


def _ascii_words(prose: str) -> set[str]:
    return {word.lower() for word in re.findall(r"\w+", prose) if word.isascii() and word.isalpha()}


@pytest.mark.parametrize("command", _commands())
def test_vietnamese_help_holds_no_english_but_option_names(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([*command.split(), "--help"])
    out = capsys.readouterr().out
    assert exited.value.code == 0 and out.startswith("cách dùng: ")
    words = _ascii_words(_prose(out))
    assert words & ENGLISH == set(), out
    if command:
        assert "\nví dụ:\n  parindex " in out  # every command's help ends with examples


@pytest.mark.parametrize("command", ["pack-lint", "new-pack", "pack", "pack export", "pack import"])
def test_authoring_help_renders_in_english_too(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([*command.split(), "--help", "--lang", "en"])
    out = capsys.readouterr().out
    assert exited.value.code == 0 and out.startswith("usage: ") and "\nexamples:\n  parindex " in out
    for vietnamese in ("tùy chọn", "bảng tiêu chí", "tệp gói", "thư mục", "ví dụ"):
        assert vietnamese not in out, (command, vietnamese)


def test_the_check_finds_english() -> None:
    """The check itself: an English help line is caught, option names and files are not."""
    sample = "cách dùng: parindex x\n\ntùy chọn:\n  --from TABLE  the criteria table (tieu-chi.csv)\n"
    assert _ascii_words(_prose(sample)) & ENGLISH == {"the", "table"}
    clean = "cách dùng: parindex x\n\ntùy chọn:\n  --from TABLE  bảng tiêu chí (tieu-chi.csv), `parindex pack export`\n"
    assert _ascii_words(_prose(clean)) & ENGLISH == set()
