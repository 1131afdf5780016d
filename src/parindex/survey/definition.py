"""Reading a survey definition from TOML (or any mapping) with cattrs.

Every section item is structured on its own, so one run reports every problem
at once, each naming its question, leaf, group or scale; cattrs' own errors are
translated into catalogue messages (no cattrs paths or exception names reach the
user). Numbers go through the entry grammar; text must be text.
"""

from __future__ import annotations

import enum
import tomllib
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError

from parindex.errors import ParIndexError
from parindex.grammar import EntryError, check_text, number_from_value, whole_number
from parindex.messages import Found, Message, msg
from parindex.survey.model import (
    Leaf,
    NotAnswer,
    Option,
    Policy,
    Question,
    RespondentGroup,
    Scale,
    SurveyDefinition,
    default_not_answers,
)
from parindex.survey.problems import (
    DefinitionProblem,
    SurveyDefinitionError,
    about_definition,
    about_group,
    about_leaf,
    about_not_answer,
    about_question,
    about_scale,
)
from parindex.survey.validation import check_definition

T = TypeVar("T")

#: The list sections: item class, the key naming an item, and how a problem names it.
SECTIONS: dict[str, tuple[type[Any], str, Callable[[object], Message]]] = {
    "groups": (RespondentGroup, "id", about_group),
    "scales": (Scale, "id", about_scale),
    "questions": (Question, "code", about_question),
    "leaves": (Leaf, "code", about_leaf),
    "not_answers": (NotAnswer, "label", about_not_answer),
}


class _WrongTypeError(TypeError):
    def __init__(self, expected: str, found: object) -> None:
        super().__init__(expected)
        self.message = msg("survey.def_wrong_type", expected=msg(expected), found=Found(found))


def _structure_decimal(value: object, _: type) -> Decimal:
    try:
        return number_from_value(value)
    except EntryError as exc:
        raise _UnreadableError(exc.message) from None


class _UnreadableError(ValueError):
    """A value that could not be read, with the grammar's message."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


class _ChoiceError(ValueError):
    """A value outside an enumeration's choices."""

    def __init__(self, found: object, choices: list[str]) -> None:
        super().__init__(str(found))
        self.message = msg("survey.def_bad_choice", found=Found(found), expected=", ".join(choices))


def _structure_enum(value: object, cls: type[enum.Enum]) -> enum.Enum:
    choices = [str(member.value) for member in cls]
    if isinstance(value, str) and value in choices:
        return cls(value)
    raise _ChoiceError(value, choices)


def _structure_text(value: object, _: type) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _WrongTypeError("survey.type_text", value)
    try:
        return check_text(str(value), what="name")
    except EntryError as exc:
        raise _UnreadableError(exc.message) from None


def _structure_int(value: object, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _WrongTypeError("survey.type_whole_number", value)
    try:
        return whole_number(value)
    except EntryError as exc:
        raise _UnreadableError(exc.message) from None


def _structure_bool(value: object, _: type) -> bool:
    if not isinstance(value, bool):
        raise _WrongTypeError("survey.type_true_false", value)
    return value


def _structure_sequence(value: object, item_type: type[T], converter: cattrs.Converter) -> list[T]:
    if isinstance(value, str | bytes) or not isinstance(value, list | tuple):
        raise _WrongTypeError("survey.type_list", value)
    return [converter.structure(item, item_type) for item in value]


def make_converter() -> cattrs.Converter:
    """The converter for definitions: strict text, whole numbers, flags and exact decimals."""
    converter = cattrs.Converter(forbid_extra_keys=True)
    converter.register_structure_hook(Decimal, _structure_decimal)
    converter.register_structure_hook(str, _structure_text)
    converter.register_structure_hook(int, _structure_int)
    converter.register_structure_hook(bool, _structure_bool)
    converter.register_structure_hook_func(
        lambda cls: isinstance(cls, type) and issubclass(cls, enum.Enum), _structure_enum
    )
    converter.register_unstructure_hook(Decimal, lambda value: value)
    return converter


def _path_text(path: tuple[object, ...]) -> str:
    parts: list[str] = []
    for step in path:
        if isinstance(step, int):
            parts.append(f"[{step + 1}]")
        else:
            parts.append(("." if parts else "") + str(step))
    return "".join(parts)


def _leaf_errors(exc: BaseException, path: tuple[object, ...] = ()) -> list[Message]:
    """Catalogue messages for every error inside a cattrs exception group."""
    if isinstance(exc, ClassValidationError | IterableValidationError):
        with_notes, without = exc.group_exceptions()
        found: list[Message] = []
        for sub, note in with_notes:
            step: object = getattr(note, "name", None)
            if step is None:
                step = getattr(note, "index", None)
            if step is None:
                step = getattr(note, "key", None)
            found += _leaf_errors(sub, (*path, step) if step is not None else path)
        for sub in without:
            found += _leaf_errors(sub, path)
        return found
    if isinstance(exc, cattrs.BaseValidationError):
        return [m for sub in exc.exceptions for m in _leaf_errors(sub, path)]
    where = _path_text(path)
    if isinstance(exc, ForbiddenExtraKeysError):
        keys = sorted(exc.extra_fields)
        fields = [f.name for f in attrs.fields(exc.cl)]
        return [
            msg(
                "survey.def_unknown_keys",
                keys=", ".join(_path_text((*path, k)) for k in keys),
                expected=", ".join(fields),
            )
        ]
    if isinstance(exc, KeyError):
        return [msg("survey.def_missing_key", key=where or str(exc.args[0]))]
    if isinstance(exc, _WrongTypeError | _UnreadableError | _ChoiceError):
        return [msg("survey.def_bad_value", key=where, problem=exc.message)]
    return [msg("survey.def_bad_value", key=where, problem=msg("survey.type_unreadable"))]


def _required_texts(cls: type[Any]) -> tuple[str, ...]:
    """The text keys a definition must give (a ``str`` field without a default)."""
    fields = attrs.fields(attrs.resolve_types(cls))
    return tuple(f.name for f in fields if f.type is str and f.default is attrs.NOTHING)


def _text_lists(cls: type[Any]) -> tuple[str, ...]:
    """The keys holding lists of names (aliases, question codes, groups asked); a multi
    scale's separators are marks, a space among them, checked with the scale."""
    fields = attrs.fields(attrs.resolve_types(cls))
    return tuple(f.name for f in fields if f.type == tuple[str, ...] and f.name != "separators")


def _empty_texts(cls: type[Any], raw: object, path: tuple[object, ...] = ()) -> list[Message]:
    """A required text key given as "" (or spaces): said empty, not missing, and never
    taken for a name (an empty option label would match every empty answer cell)."""
    if not isinstance(raw, Mapping):
        return []
    found = [
        msg("survey.def_empty_key", key=_path_text((*path, name)))
        for name in _required_texts(cls)
        if isinstance(raw.get(name), str) and not raw[name].strip()
    ]
    for name in _text_lists(cls):
        items = raw.get(name)
        if isinstance(items, list):
            found += [
                msg("survey.def_empty_key", key=_path_text((*path, name, number)))
                for number, item in enumerate(items)
                if isinstance(item, str) and not item.strip()
            ]
    options = raw.get("options") if cls is Scale else None
    if isinstance(options, list):
        for number, option in enumerate(options):
            found += _empty_texts(Option, option, (*path, "options", number))
    return found


def _structure(
    converter: cattrs.Converter,
    data: object,
    cls: type[T],
    subject: Message,
    problems: list[DefinitionProblem],
    location: str,
    key: str = "",
) -> T | None:
    empty = _empty_texts(cls, data, (key,) if key else ())
    problems += [DefinitionProblem(subject, m, location) for m in empty]
    try:
        structured = converter.structure(data, cls)
    except (cattrs.BaseValidationError, ValueError, TypeError, KeyError) as exc:
        messages = _leaf_errors(exc, (key,) if key else ())
        if not messages:
            messages = [msg("survey.def_bad_value", key=key, problem=msg("survey.type_unreadable"))]
        problems += [DefinitionProblem(subject, m, location) for m in messages]
        return None
    return None if empty else structured


def _section_items(
    converter: cattrs.Converter,
    document: Mapping[str, Any],
    name: str,
    problems: list[DefinitionProblem],
    location: str,
) -> tuple[Any, ...]:
    cls, key, about = SECTIONS[name]
    raw = document.get(name)
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.append(
            DefinitionProblem(
                about_definition(),
                msg(
                    "survey.def_bad_value",
                    key=name,
                    problem=_WrongTypeError("survey.type_list", raw).message,
                ),
                location,
            )
        )
        return ()
    items = []
    for number, item in enumerate(raw, start=1):
        name_of = item.get(key) if isinstance(item, Mapping) else None
        subject = (
            about(name_of)
            if isinstance(name_of, str | int)
            and not isinstance(name_of, bool)
            and str(name_of).strip()
            else msg("survey.subject_item", section=name, number=number)
        )
        if not isinstance(item, Mapping):
            problems.append(
                DefinitionProblem(
                    subject,
                    msg("survey.def_bad_value", key="", problem=msg("survey.type_table")),
                    location,
                )
            )
            continue
        structured = _structure(converter, item, cls, subject, problems, location)
        if structured is not None:
            items.append(structured)
    return tuple(items)


_HEAD_REQUIRED = ("id", "title", "version")
_HEAD_TYPES: dict[str, Any] = {
    field.name: field.type for field in attrs.fields(attrs.resolve_types(SurveyDefinition))
}


def definition_from_document(
    document: Mapping[str, Any], *, location: str = "", check: bool = True
) -> SurveyDefinition:
    """Structure (and check) a definition; raises SurveyDefinitionError listing every problem."""
    converter = make_converter()
    problems: list[DefinitionProblem] = []
    if not isinstance(document, Mapping):
        raise SurveyDefinitionError(
            location or "?",
            [DefinitionProblem(about_definition(), msg("survey.type_table"), location)],
        )
    sections = {
        name: _section_items(converter, document, name, problems, location) for name in SECTIONS
    }
    head = {k: v for k, v in document.items() if k not in SECTIONS}
    keys = [f.name for f in attrs.fields(SurveyDefinition) if f.name != "file"]
    known = set(keys)
    unknown = sorted(k for k in head if k not in known)
    if unknown:
        problems.append(
            DefinitionProblem(
                about_definition(),
                msg("survey.def_unknown_keys", keys=", ".join(unknown), expected=", ".join(keys)),
                location,
            )
        )
        head = {k: v for k, v in head.items() if k in known}
    for key in _HEAD_REQUIRED:
        given = head.get(key)
        if key not in head or (isinstance(given, str) and not given.strip()):
            said = "survey.def_missing_key" if key not in head else "survey.def_empty_key"
            problems.append(DefinitionProblem(about_definition(), msg(said, key=key), location))
    policy = Policy()
    if "policy" in head:
        policy = (
            _structure(
                converter,
                head.pop("policy"),
                Policy,
                msg("survey.subject_policy"),
                problems,
                location,
            )
            or policy
        )
    scalars: dict[str, Any] = {}
    for field in attrs.fields(SurveyDefinition):
        if field.name in head and field.name != "policy":
            value = _structure(
                converter,
                head[field.name],
                _HEAD_TYPES[field.name],
                about_definition(),
                problems,
                location,
                field.name,
            )
            if value is not None:
                scalars[field.name] = value
    identity = _identity(scalars.get("id", document.get("id")), location)
    if problems:
        raise SurveyDefinitionError(identity, problems)
    definition = SurveyDefinition(
        groups=sections["groups"],
        scales=sections["scales"],
        questions=sections["questions"],
        leaves=sections["leaves"],
        not_answers=sections["not_answers"] if "not_answers" in document else default_not_answers(),
        policy=policy,
        file=location,
        **scalars,
    )
    if check:
        found = check_definition(definition)
        if found:
            raise SurveyDefinitionError(
                _identity(definition.id, location),
                [attrs.evolve(p, location=location) for p in found],
            )
    return definition


def _identity(given: object, location: str) -> str:
    """What heads a definition's problems: its id, else its file (an empty id is no name)."""
    if isinstance(given, str | int) and not isinstance(given, bool) and str(given).strip():
        return str(given)
    return location or "?"


def read_definition(path: str | Path, *, check: bool = True) -> SurveyDefinition:
    """A definition from a TOML file; every problem reported with the file's name."""
    file = Path(path)
    try:
        document = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ParIndexError("survey.definition_missing", path=str(file)) from None
    except UnicodeDecodeError as exc:
        raise ParIndexError("survey.definition_not_utf8", path=file.name, byte=exc.start) from None
    except tomllib.TOMLDecodeError as exc:
        raise ParIndexError("survey.definition_not_toml", path=file.name, detail=str(exc)) from None
    return definition_from_document(document, location=file.name, check=check)
