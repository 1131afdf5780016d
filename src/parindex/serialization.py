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
from cattrs.v import format_exception

from parindex import limits
from parindex.errors import PackError, Severity, Violation
from parindex.grammar import EntryError, number_from_value
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


def _format_error(exc: BaseException, kind: type | None) -> str:
    if isinstance(exc, EntryError):
        return str(exc)
    return format_exception(exc, kind)


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


def _describe_error(exc: Exception) -> str:
    if isinstance(exc, cattrs.BaseValidationError):
        return "; ".join(cattrs.transform_error(exc, format_exception=_format_error))
    return str(exc)


def pack_from_document(
    document: Mapping[str, Any],
    converter: cattrs.Converter,
    where: Callable[[int], str] = lambda index: f"nodes[{index}]",
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
        violations.append(Violation("", Severity.ERROR, "structure", _describe_error(exc)))

    nodes: list[Node] = []
    places: dict[str, str] = {}
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        code = str(entry.get("code", "")) if isinstance(entry, Mapping) else ""
        if code and code in places:
            violations.append(
                Violation(
                    code,
                    Severity.ERROR,
                    "duplicate-code",
                    f"code also defined at {places[code]}",
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
            violations.append(
                Violation(code, Severity.ERROR, "structure", _describe_error(exc), where(index))
            )
            continue
        if node.children:
            violations.append(
                Violation(
                    code,
                    Severity.ERROR,
                    "structure",
                    "flat nodes may not nest children",
                    where(index),
                )
            )
        nodes.append(node)
    # A pack whose sources give no node at all says so in its gaps; its list may be empty.
    if not isinstance(entries, list) or (not entries and not document.get("gaps")):
        violations.append(Violation("", Severity.ERROR, "structure", "a pack needs a 'nodes' list"))

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
                    f"parent {parent!r} is not defined",
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
