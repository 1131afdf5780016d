"""The message catalogue: every user-facing text, by stable code, in Vietnamese and English.

Library code never builds a sentence for a person. It names a message by its
code (``"entry.thousands_separator"``) and hands over the facts as parameters
(``found="1,250"``); the catalogue holds the Vietnamese and English wording,
and :func:`render` puts them together in the reader's language. Applications
can therefore match problems by code, and the command line, the workbooks and
the HTML report all speak the user's language from one place.

The catalogue lives in TOML files under ``catalogue/``, one per area
(``entry.toml``, ``input.toml``, ``cli.toml``, …). A key ``thousands_separator``
in ``entry.toml`` is the code ``entry.thousands_separator``. Each entry has a
``vi`` and an ``en`` text with the same ``{placeholders}``.

The language is Vietnamese unless ``PARINDEX_LANG=en`` is set, or a caller
chooses one with :func:`use_lang` (the command line does for ``--lang``) or
passes ``lang=`` to :func:`render`.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import os
import string
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from importlib import resources
from typing import Any, Final, Literal

import attrs

Lang = Literal["vi", "en"]
LANGS: Final[tuple[Lang, ...]] = ("vi", "en")
DEFAULT_LANG: Final[Lang] = "vi"
LANG_ENV: Final = "PARINDEX_LANG"
#: User-provided text is shortened to this many characters inside messages.
FOUND_LIMIT: Final = 40

_LANG: contextvars.ContextVar[Lang | None] = contextvars.ContextVar("parindex_lang", default=None)


def current_lang() -> Lang:
    """The language messages render in: the innermost :func:`use_lang`, else ``$PARINDEX_LANG``."""
    chosen = _LANG.get()
    if chosen is not None:
        return chosen
    env = os.environ.get(LANG_ENV, "").strip().lower()[:2]
    return "en" if env == "en" else DEFAULT_LANG


def check_lang(lang: str) -> Lang:
    """``lang`` as a :data:`Lang`; ValueError for anything else."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGS)}")
    return lang


@contextlib.contextmanager
def use_lang(lang: str | None) -> Iterator[Lang]:
    """Render messages in ``lang`` inside the block (``None`` keeps the current language)."""
    chosen = current_lang() if lang is None else check_lang(lang)
    token = _LANG.set(chosen)
    try:
        yield chosen
    finally:
        _LANG.reset(token)


@functools.cache
def catalogue() -> Mapping[str, Mapping[Lang, str]]:
    """Every message: ``{code: {"vi": text, "en": text}}``, read once from the TOML files."""
    entries: dict[str, Mapping[Lang, str]] = {}
    folder = resources.files(__package__).joinpath("catalogue")
    for item in sorted(folder.iterdir(), key=lambda entry: entry.name):
        if not item.name.endswith(".toml"):
            continue
        area = item.name.removesuffix(".toml")
        document = tomllib.loads(item.read_text(encoding="utf-8"))
        for key, texts in document.items():
            entries[f"{area}.{key}"] = {lang: texts[lang] for lang in LANGS if lang in texts}
    return entries


def placeholders(text: str) -> frozenset[str]:
    """The ``{names}`` a catalogue text uses."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name)


@attrs.frozen
class Found:
    """A value as the user gave it, shown shortened and quoted (never as a Python repr)."""

    value: object


@attrs.frozen
class Message:
    """A catalogue code and the facts it is about; rendered in the reader's language."""

    code: str
    params: Mapping[str, object] = attrs.field(factory=dict)

    def render(self, lang: str | None = None) -> str:
        return render(self, lang)

    def __str__(self) -> str:
        return render(self)


def msg(code: str, /, **params: object) -> Message:
    """Shorthand: ``msg("entry.not_a_number", found=Found(raw))``."""
    return Message(code, params)


def shorten(text: str, limit: int = FOUND_LIMIT, lang: Lang | None = None) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis and the full length."""
    if len(text) <= limit:
        return text
    return _core("found_shortened", lang, start=text[: limit - 1], length=str(len(text)))


def format_number(value: Decimal | int | float, lang: Lang) -> str:
    """A number as officials write it: decimal comma in Vietnamese, exactly as given."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    number = value if isinstance(value, Decimal) else Decimal(repr(value))
    if number.is_finite():
        text = format(number, "f")
        if len(text) > FOUND_LIMIT:
            text = format(number, ".6e")
    else:
        text = str(number)
    return text.replace(".", ",") if lang == "vi" else text


def display_found(value: object, lang: Lang) -> str:
    """How a user's value appears in a message: quoted text, plain numbers, no reprs."""
    if value is None:
        return _core("found_empty", lang)
    if isinstance(value, bool):
        return _core("found_true" if value else "found_false", lang)
    if isinstance(value, int) and value.bit_length() > 200:
        digits = int(value.bit_length() * 0.30103) + 1
        return _core("found_huge_integer", lang, digits=str(digits))
    if isinstance(value, Decimal | int | float):
        return shorten(format_number(value, lang), lang=lang)
    if isinstance(value, str):
        printable = value.encode("utf-8", "backslashreplace").decode("utf-8")
        visible = "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in printable)
        return f"“{shorten(visible, lang=lang)}”"
    return f"“{shorten(str(value), lang=lang)}”"


def _param(value: object, lang: Lang) -> str:
    if isinstance(value, Message):
        return render(value, lang)
    if isinstance(value, Found):
        return display_found(value.value, lang)
    if isinstance(value, Decimal | float) or (
        isinstance(value, int) and not isinstance(value, bool)
    ):
        return format_number(value, lang)
    if isinstance(value, str):
        return value
    if isinstance(value, Sequence):
        return ", ".join(_param(item, lang) for item in value)
    return str(value)


class _Params(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(message: Message | str, lang: str | None = None) -> str:
    """The message's text in ``lang`` (default :func:`current_lang`), parameters filled in.

    A plain string is returned as it is: text a plugin or an older caller built
    itself. Every message parindex raises has a code.
    """
    if isinstance(message, str):
        return message
    chosen: Lang = current_lang() if lang is None else check_lang(lang)
    texts = catalogue().get(message.code)
    if texts is None:
        raise KeyError(f"message code {message.code!r} is not in the catalogue")
    template = texts.get(chosen) or texts[DEFAULT_LANG]
    params = _Params({key: _param(value, chosen) for key, value in message.params.items()})
    return template.format_map(params)


def _core(key: str, lang: str | None, **params: str) -> str:
    """A piece of a message's own wording (``core.<key>``), parameters already text."""
    return render(Message(f"core.{key}", params), lang)


def text(code: str, lang: str | None = None, /, **params: Any) -> str:
    """Render a catalogue entry directly: labels, headings and lines of output."""
    return render(Message(code, params), lang)


__all__ = [
    "DEFAULT_LANG",
    "LANGS",
    "LANG_ENV",
    "Found",
    "Lang",
    "Message",
    "catalogue",
    "check_lang",
    "current_lang",
    "display_found",
    "format_number",
    "msg",
    "placeholders",
    "render",
    "shorten",
    "text",
    "use_lang",
]
