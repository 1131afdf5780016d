"""cattrs (un)structuring of packs: the flat pack document used by TOML and JSON files.

A pack file lists its nodes flat, each with its dotted code ("3.2.1"); the
tree is rebuilt from the codes. Authors edit one row per criterion, exactly as
the official appendix prints it, instead of nesting tables five levels deep.
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Union

import attrs
import cattrs
from cattrs.strategies import configure_tagged_union

from parindex import limits
from parindex.errors import Location, PackError, Severity, Violation
from parindex.grammar import CODE_PATTERN, EntryError, number_from_value, whole_number
from parindex.messages import Found, Message, msg
from parindex.model import Node, Pack
from parindex.rules import BUILTIN_RULES, Rule


def _structure_decimal(value: object, _: type) -> Decimal:
    """A pack's number by the entry grammar (maxima, caps, rule parameters), within the
    limits: "1,000" is refused as ambiguous, 1e30, inf and nan are refused, never read."""
    number = number_from_value(value)
    cap = limits.current().max_points
    if abs(number) > cap:
        raise EntryError(limits.over("max_points", number, cap))
    return number


def _structure_bool(value: object, _: type) -> bool:
    if not isinstance(value, bool):
        raise EntryError(msg("entry.not_true_false", found=Found(value)))
    return value


def structure_date(value: object, _: type) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    raise TypeError(f"expected a date, got {type(value).__name__}")


def _tag(cls: type) -> str:
    """The tagged-union discriminator of a rule class."""
    tag: str = getattr(cls, "kind")  # noqa: B009 - a class attribute mypy cannot see on `type`
    return tag


def make_converter(
    rule_kinds: Sequence[type[Rule]] = BUILTIN_RULES, *, native_scalars: bool = False
) -> cattrs.Converter:
    """A converter that knows the given rule kinds as a tagged union on ``kind``.

    Decimals and dates unstructure to strings (safe for JSON), or, with
    ``native_scalars``, stay ``Decimal`` and ``date`` for formats that have
    exact numbers and dates of their own (TOML).
    """
    converter = cattrs.Converter(forbid_extra_keys=True)
    converter.register_structure_hook(Decimal, _structure_decimal)
    converter.register_structure_hook(dt.date, structure_date)
    # cattrs' own int() and bool() would read 2000.7 as 2000, "2000" and true as
    # numbers, and "no" as true.
    converter.register_structure_hook(int, lambda value, _: whole_number(value))
    converter.register_structure_hook(bool, _structure_bool)
    if native_scalars:
        converter.register_unstructure_hook(Decimal, lambda value: value)
        converter.register_unstructure_hook(dt.date, lambda value: value)
    else:
        converter.register_unstructure_hook(Decimal, str)
        converter.register_unstructure_hook(dt.date, dt.date.isoformat)

    kinds = {kind.kind: kind for kind in rule_kinds}
    if len(kinds) != len(rule_kinds):
        raise ValueError("two rule kinds share one tag")
    rule_union: Any = Union[tuple(rule_kinds)] if len(rule_kinds) > 1 else rule_kinds[0]  # noqa: UP007
    if len(rule_kinds) > 1:
        configure_tagged_union(rule_union, converter, tag_generator=_tag, tag_name="kind")
    converter.register_structure_hook(Rule, lambda data, _: converter.structure(data, rule_union))
    converter.register_unstructure_hook(
        Rule, lambda rule: converter.unstructure(rule, unstructure_as=rule_union)
    )
    return converter


def _drop_defaults(instance: Any, data: dict[str, Any]) -> dict[str, Any]:
    """Keep pack files short: leave out fields that still hold their defaults."""
    kept: dict[str, Any] = {}
    for field in attrs.fields(type(instance)):
        value = getattr(instance, field.name)
        default = field.default
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            default = default.factory()
        if field.name in data and (default is attrs.NOTHING or value != default):
            kept[field.name] = data[field.name]
    return kept


def _flatten(node: Node, converter: cattrs.Converter) -> Iterable[dict[str, Any]]:
    flat = attrs.evolve(node, children=())
    yield _drop_defaults(flat, converter.unstructure(flat))
    for child in node.children:
        yield from _flatten(child, converter)


def pack_to_document(pack: Pack, converter: cattrs.Converter) -> dict[str, Any]:
    """The flat document form of a pack (plain data, ready for JSON or TOML).

    A pack file states its classification whenever it has one: a file without
    ``classification`` has none (see :func:`pack_from_document`).
    """
    head = attrs.evolve(pack, tree=())
    data = converter.unstructure(head)
    document = _drop_defaults(head, data)
    if pack.classification.defined:
        document["classification"] = data["classification"]
    else:
        document.pop("classification", None)
    document.pop("tree", None)
    document["nodes"] = [entry for field in pack.tree for entry in _flatten(field, converter)]
    return document


def _parent_code(code: str) -> str:
    return code.rpartition(".")[0]


def _problems(exc: BaseException, data: object, path: tuple[str | int, ...] = ()) -> list[Message]:
    """What cattrs found wrong, as catalogue messages naming the field and the value found."""
    if isinstance(exc, cattrs.ClassValidationError | cattrs.IterableValidationError):
        with_notes, without = exc.group_exceptions()
        found: list[Message] = []
        for inner, note in with_notes:
            step = note.name if isinstance(note, cattrs.AttributeValidationNote) else note.index
            found += _problems(inner, _step(data, step), (*path, step))
        for inner in without:
            found += _problems(inner, data, path)
        return found
    if isinstance(exc, BaseExceptionGroup):
        return [p for inner in exc.exceptions for p in _problems(inner, data, path)]
    field = _path_text(path)
    if isinstance(exc, EntryError):
        return [msg("pack.field_entry", field=field or "—", problem=exc.message)]
    if isinstance(exc, cattrs.ForbiddenExtraKeysError):
        return [msg("pack.fields_unknown", fields=sorted(exc.extra_fields), where=field or "—")]
    if isinstance(exc, KeyError):
        key = exc.args[0] if exc.args else ""
        if path and key == path[-1]:
            return [msg("pack.field_missing", field=field)]
        return [msg("pack.rule_kind_unknown", found=Found(key), field=field)]
    return [msg("pack.field_invalid", field=field or "—", found=Found(data))]


def _step(data: object, step: str | int) -> object:
    if isinstance(data, Mapping) and isinstance(step, str):
        return data.get(step)
    if isinstance(data, list | tuple) and isinstance(step, int) and step < len(data):
        return data[step]
    return None


def _path_text(path: tuple[str | int, ...]) -> str:
    text = ""
    for step in path:
        text += f"[{step + 1}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


def _describe_error(exc: Exception, data: object) -> list[Message | str]:
    if isinstance(exc, cattrs.BaseValidationError):
        return list(_problems(exc, data)) or [str(exc)]
    return [str(exc)]


def pack_from_document(
    document: Mapping[str, Any],
    converter: cattrs.Converter,
    where: Callable[[int], Location | str] = lambda index: f"nodes[{index}]",
) -> Pack:
    """Structure a flat document into a :class:`Pack`, reporting every problem at once.

    ``where`` names the place of node ``index`` in the source file (for example a
    spreadsheet row), so that each violation can be found by the author.
    """
    pack_id = str(document.get("id", "<unnamed>"))
    violations: list[Violation] = []
    entries = document.get("nodes", [])
    head = {key: value for key, value in document.items() if key != "nodes"}
    # A classification only where the pack states one (its source gives one).
    head.setdefault("classification", {"grades": []})
    pack: Pack | None = None
    try:
        pack = converter.structure({**head, "tree": []}, Pack)
    except Exception as exc:
        for problem in _describe_error(exc, head):
            violations.append(Violation("", Severity.ERROR, "structure", problem))

    nodes: list[Node] = []
    places: dict[str, Location | str] = {}
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        code = str(entry.get("code", "")) if isinstance(entry, Mapping) else ""
        if isinstance(entry, Mapping) and "code" in entry and not CODE_PATTERN.match(code):
            # "" is the root's code: a node given it would be its own parent; "1..2" or
            # "1.1." would otherwise be reported as the child of a missing parent.
            problem = msg("pack.malformed_code", found=Found(code))
            violations.append(Violation(code, Severity.ERROR, "structure", problem, where(index)))
            continue
        if code and code in places:
            violations.append(
                Violation(
                    code,
                    Severity.ERROR,
                    "duplicate-code",
                    msg("pack.code_also_at", where=_place(places[code])),
                    where(index),
                )
            )
            continue
        if code:
            places[code] = where(index)
        depth, cap = code.count(".") + 1, limits.current().max_depth
        if depth > cap:
            violations.append(
                Violation(
                    code,
                    Severity.ERROR,
                    "structure",
                    limits.over("max_depth", depth, cap),
                    where(index),
                )
            )
            continue
        try:
            node = converter.structure(entry, Node)
        except Exception as exc:
            for problem in _describe_error(exc, entry):
                violations.append(
                    Violation(code, Severity.ERROR, "structure", problem, where(index))
                )
            continue
        if node.children:
            violations.append(
                Violation(
                    code,
                    Severity.ERROR,
                    "structure",
                    msg("pack.nested_children"),
                    where(index),
                )
            )
        nodes.append(node)
    # A pack whose sources give no node at all says so in its gaps; its list may be empty.
    if not isinstance(entries, list) or (not entries and not document.get("gaps")):
        violations.append(Violation("", Severity.ERROR, "structure", msg("pack.no_nodes")))

    known = set(places)
    children: dict[str, list[Node]] = {}
    for node in nodes:
        parent = _parent_code(node.code)
        if parent and parent not in known:
            violations.append(
                Violation(
                    node.code,
                    Severity.ERROR,
                    "orphan",
                    msg("pack.orphan", parent=parent),
                    places[node.code],
                )
            )
            continue
        children.setdefault(parent, []).append(node)

    def build(node: Node) -> Node:
        kids = tuple(build(child) for child in children.get(node.code, ()))
        return attrs.evolve(node, children=kids) if kids else node

    if violations or pack is None:
        raise PackError(pack_id, violations)
    return attrs.evolve(pack, tree=tuple(build(field) for field in children.get("", ())))


def _place(place: Location | str) -> str:
    return place.render() if isinstance(place, Location) else place


def read_pack_file(path: Path, converter: cattrs.Converter) -> Pack:
    """Read a pack from a ``.toml`` or ``.json`` file (numbers read as exact decimals)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        document = json.loads(text, parse_float=Decimal)
    else:
        document = tomllib.loads(text, parse_float=Decimal)
    return pack_from_document(document, converter)


def pack_to_json(pack: Pack, converter: cattrs.Converter) -> str:
    return json.dumps(pack_to_document(pack, converter), ensure_ascii=False, indent=2) + "\n"
