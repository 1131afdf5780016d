"""Reading the documents users write (results JSON; lineage, mapping and plan TOML).

Files that are missing, not UTF-8 or not valid TOML are named with what is
wrong. cattrs reports a bad document as a tree of exceptions with notes saying which
key or list position each came from. This module walks that tree, finds the
value the user wrote at each place, and says what was expected there: no
cattrs path, no Python type or exception name reaches the user.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import tomllib
import types
import typing
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path as FilePath
from typing import Any

import cattrs
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError

from parindex.errors import ParIndexError, _summarise, os_reason
from parindex.history.problems import SetProblem, set_place
from parindex.messages import Found, Message, msg

Path = tuple[str | int, ...]


def failures(exc: BaseException, path: Path = ()) -> Iterator[tuple[Path, Any, BaseException]]:
    """(path, expected type or None, exception) for every leaf of a cattrs error tree."""
    if isinstance(exc, ClassValidationError | IterableValidationError):
        with_notes, without = exc.group_exceptions()
        for sub, note in with_notes:
            step: str | int = note.name if hasattr(note, "name") else note.index
            expected = getattr(note, "type", None)
            for found in failures(sub, (*path, step)):
                yield found if found[1] is not None else (found[0], expected, found[2])
        for sub in without:
            yield from failures(sub, path)
        return
    yield path, None, exc


def raw_at(data: object, path: Path) -> object:
    """The value the user wrote at ``path`` (None when absent)."""
    for step in path:
        if isinstance(step, int) and isinstance(data, Sequence) and not isinstance(data, str):
            data = data[step] if 0 <= step < len(data) else None
        elif isinstance(step, str) and isinstance(data, Mapping):
            data = data.get(step)
        else:
            return None
    return data


def _plain_type(expected: Any) -> Any:
    """``int | None`` → int; ``tuple[X, ...]`` → tuple."""
    args = [a for a in typing.get_args(expected) if a is not type(None)]
    if isinstance(expected, types.UnionType) or typing.get_origin(expected) is typing.Union:
        return _plain_type(args[0]) if len(args) == 1 else expected
    return typing.get_origin(expected) or expected


def problem(exc: BaseException, expected: Any, raw: object, key: str) -> Message:
    """What is wrong with one value, in the catalogue's words."""
    if isinstance(exc, ParIndexError) and isinstance(exc.message, Message):
        return exc.message  # a class's own check (e.g. a merger with one predecessor)
    if isinstance(exc, ForbiddenExtraKeysError):
        return msg("history.unknown_keys", keys=sorted(exc.extra_fields))
    kinds = [getattr(option, "kind", None) for option in typing.get_args(expected)]
    if isinstance(exc, KeyError) and isinstance(raw, Mapping) and kinds and all(kinds):
        found = Found(raw.get("kind"))
        choices = ", ".join(str(kind) for kind in kinds)
        return msg("history.expected_choice", key="kind", found=found, choices=choices)
    if isinstance(exc, KeyError):
        return msg("history.key_missing", key=key)
    shown: object = Found(raw)
    if isinstance(raw, Mapping):
        shown = "{…}"
    elif isinstance(raw, Sequence) and not isinstance(raw, str):
        shown = "[…]"
    elif not isinstance(raw, str | int | float | Decimal | dt.date | None):
        shown = Found(str(raw))
    kind = _plain_type(expected)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        choices = ", ".join(str(member.value) for member in kind)
        return msg("history.expected_choice", key=key, found=shown, choices=choices)
    if kind is Decimal:
        return msg("history.expected_decimal", key=key, found=shown)
    if kind is int:
        return msg("history.expected_whole", key=key, found=shown)
    if kind is str:
        return msg("history.expected_text", key=key, found=shown)
    if kind is dt.date:
        return msg("history.expected_date", key=key, found=shown)
    if kind in (tuple, list):
        return msg("history.expected_list", key=key, found=shown)
    return msg("history.invalid_value", key=key, found=shown)


def problem_of(value: object, key: str) -> Message:
    """An invalid value at ``key`` whose expected form the message cannot name."""
    return problem(ValueError(), None, value, key)


def _key(path: Path) -> str:
    named = [step for step in path if isinstance(step, str)]
    return named[-1] if named else ""


def structure_problems(
    exc: cattrs.BaseValidationError, data: object, file: str = ""
) -> list[SetProblem]:
    """Problems of a results document, each naming its set, unit and criterion."""
    found: list[SetProblem] = []
    for path, expected, error in failures(exc):
        raw = raw_at(data, path)
        message = problem(error, expected, raw, _key(path))
        if len(path) < 2 or path[0] != "sets" or not isinstance(path[1], int):
            found.append(SetProblem(document_place(file, path), message))
            continue
        record = raw_at(data, path[:2])
        fields = record if isinstance(record, Mapping) else {}
        place = set_place(
            path[1],
            pack=fields.get("pack", ""),
            version=fields.get("version", ""),
            year=fields.get("year"),
            stage=fields.get("stage", ""),
            label=fields.get("label", ""),
            file=file,
        )
        unit, code = "", None
        if len(path) >= 4 and path[2] in ("figures", "units"):
            item = raw_at(data, path[:4])
            entry = item if isinstance(item, Mapping) else {}
            unit = str(entry.get("unit" if path[2] == "figures" else "id", ""))
            if path[2] == "figures":
                code = str(entry.get("code", ""))
        found.append(SetProblem(place, message, unit, code))
    return found


def document_place(file: str, path: Path) -> Message:
    """ "lineage.toml, events #3, date": a place in a document, lists counted from 1."""
    steps = [
        msg("history.path_item", key=str(path[i - 1]) if i else "", number=step + 1)
        if isinstance(step, int)
        else step
        for i, step in enumerate(path)
        if not (isinstance(step, str) and i + 1 < len(path) and isinstance(path[i + 1], int))
    ]
    where: object = file or msg("history.the_document")
    return (
        msg("history.document_place", file=where, path=steps)
        if steps
        else msg("history.in_document", file=where)
    )


class DocumentError(ParIndexError):
    """A lineage, mapping or plan document that cannot be read; ``problems`` says where."""

    def __init__(self, file: str, problems: Sequence[SetProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("history.document_refused", file=file, count=len(self.problems))

    def render(self, lang: str | None = None) -> str:
        return _summarise(super().render(lang), [p.render(lang) for p in self.problems], lang)


def refuse_document(
    exc: cattrs.BaseValidationError, data: object, file: str, *, prefix: Path = ()
) -> DocumentError:
    """A :class:`DocumentError` for a document cattrs could not structure; ``prefix``
    is where in ``data`` the structured part lies."""
    inner = raw_at(data, prefix)
    problems = [
        SetProblem(
            document_place(file, (*prefix, *path)),
            problem(error, expected, raw_at(inner, path), _key((*prefix, *path))),
        )
        for path, expected, error in failures(exc)
    ]
    return DocumentError(file, problems)


def read_text(path: str | FilePath) -> str:
    """A UTF-8 document's text, or a message saying why it cannot be read."""
    file = FilePath(path)
    try:
        return file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ParIndexError("history.no_file", file=str(file)) from None
    except UnicodeDecodeError as exc:
        raise ParIndexError("history.not_utf8", file=str(file), position=exc.start) from None
    except OSError as exc:
        raise ParIndexError("history.unreadable", file=str(file), reason=os_reason(exc)) from None


def read_toml(path: str | FilePath) -> dict[str, Any]:
    """A TOML document, or a message naming the file and where it stops being TOML."""
    source = read_text(path)
    try:
        return tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        place = re.search(r"line (\d+), column (\d+)", str(exc))
        last = source.rsplit("\n", 1)[-1]
        line, column = place.groups() if place else (source.count("\n") + 1, len(last) + 1)
        raise ParIndexError("history.not_toml", file=str(path), line=line, column=column) from None
