"""Explicit mappings between the criteria codes of two pack versions.

Criteria sets change between versions (QĐ 1150 → 1149 → 876 …): a code may
keep its meaning, be merged with others, split, appear or disappear. Results
of different packs are never compared unless a :class:`VersionMapping` says
how their codes correspond. The model is independent of :class:`Pack`, so a
pack may later declare its mapping to its predecessor in the same TOML form.

TOML form::

    note = "why the codes correspond"
    [from]
    pack = "bnv-province-1150-2019"
    version = "1150/QĐ-BNV"
    [to]
    pack = "bnv-province-1149-2020"
    version = "1149/QĐ-BNV"
    [[links]]
    kind = "one_to_one"     # one_to_one | merged | split | new | dropped
    old = ["1"]
    new = ["1"]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs
import cattrs

from parindex.errors import ParIndexError
from parindex.history.documents import (
    DocumentError,
    document_place,
    problem_of,
    read_toml,
    refuse_document,
)
from parindex.history.problems import SetProblem
from parindex.messages import Message, msg, text
from parindex.model import MAPPING_ARITY, MappingKind, Pack

#: The root of every pack (the whole index); it maps to itself in identity mappings.
ROOT_CODE = ""


#: How old codes relate to new ones: the same kinds a pack declares in ``[[mappings]]``.
LinkKind = MappingKind
_ARITY = MAPPING_ARITY


@attrs.frozen
class PackRef:
    """A pack identity as stored with results: id and version."""

    pack: str
    version: str

    def __str__(self) -> str:
        return f"{self.pack} ({self.version})"


@attrs.frozen
class CodeLink:
    """One correspondence between old codes and new codes."""

    kind: LinkKind
    old: tuple[str, ...] = ()
    new: tuple[str, ...] = ()
    note: str = ""

    def problems(self) -> list[Message]:
        """What makes the link impossible: too few or too many codes on a side."""
        (old_min, old_max), (new_min, new_max) = _ARITY[self.kind]
        found = []
        for side, codes, low, high in (
            ("old", self.old, old_min, old_max),
            ("new", self.new, new_min, new_max),
        ):
            if len(codes) < low or (high is not None and len(codes) > high):
                wanted = (
                    msg("history.wanted_exactly", count=low)
                    if low == high
                    else msg("history.wanted_at_least", count=low)
                    if high is None
                    else msg("history.wanted_between", low=low, high=high)
                )
                found.append(
                    msg(
                        "history.link_arity",
                        kind=self.kind.value,
                        old=", ".join(self.old),
                        new=", ".join(self.new),
                        side=msg(f"history.side_{side}"),
                        wanted=wanted,
                        count=len(codes),
                    )
                )
        return found


@attrs.frozen
class VersionMapping:
    """How the codes of pack ``source`` correspond to those of pack ``target``.

    Every old code and every new code may appear in at most one link, so a
    lookup is never ambiguous. Codes in no link are *unmapped*: comparisons
    involving them are refused, not guessed.
    """

    source: PackRef
    target: PackRef
    links: tuple[CodeLink, ...]
    note: str = ""
    _by_new: dict[str, CodeLink] = attrs.field(init=False, eq=False, repr=False)
    _by_old: dict[str, CodeLink] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        problems: list[Message] = []
        by_new: dict[str, CodeLink] = {}
        by_old: dict[str, CodeLink] = {}
        for link in self.links:
            problems.extend(link.problems())
            for side, codes, index in (("old", link.old, by_old), ("new", link.new, by_new)):
                for code in codes:
                    if code in index:
                        problems.append(
                            msg(
                                "history.code_in_two_links",
                                side=msg(f"history.side_{side}"),
                                code=code,
                            )
                        )
                    index[code] = link
        if problems:
            raise ParIndexError(
                "history.mapping_invalid",
                source=str(self.source),
                target=str(self.target),
                problems=problems,
            )
        object.__setattr__(self, "_by_new", by_new)
        object.__setattr__(self, "_by_old", by_old)

    def covers(self, source: PackRef, target: PackRef) -> bool:
        return self.source == source and self.target == target

    def link_for_new(self, code: str) -> CodeLink | None:
        """The link a code of the target pack belongs to (None: unmapped)."""
        return self._by_new.get(code)

    def link_for_old(self, code: str) -> CodeLink | None:
        return self._by_old.get(code)

    def old_codes_for(self, code: str) -> tuple[str, ...] | None:
        """Source codes whose results correspond to target ``code``; None when unmapped."""
        link = self._by_new.get(code)
        return None if link is None else link.old


def identity_mapping(
    source: PackRef, target: PackRef, codes: Iterable[str], note: str = ""
) -> VersionMapping:
    """Declare that ``codes`` mean the same in both packs (the root is always included)."""
    unique = dict.fromkeys([ROOT_CODE, *codes])
    links = tuple(CodeLink(LinkKind.ONE_TO_ONE, (code,), (code,)) for code in unique)
    return VersionMapping(source, target, links, note or text("history.identical_codes"))


def _converter() -> cattrs.Converter:
    converter = cattrs.Converter(forbid_extra_keys=True)
    converter.register_unstructure_hook(
        VersionMapping,
        lambda m: {
            "from": converter.unstructure(m.source),
            "to": converter.unstructure(m.target),
            "links": converter.unstructure(m.links),
            "note": m.note,
        },
    )
    return converter


_CONVERTER = _converter()


def mapping_from_document(document: Mapping[str, Any], origin: str = "") -> VersionMapping:
    """Structure a mapping document (TOML/JSON shape shown in the module docstring)."""
    problems = [
        SetProblem(document_place(origin, ()), msg("history.unknown_keys", keys=sorted(unknown)))
        for unknown in [set(document) - {"from", "to", "links", "note"}]
        if unknown
    ]
    problems += [
        SetProblem(document_place(origin, ()), msg("history.key_missing", key=key))
        for key in ("from", "to")
        if key not in document
    ]
    if problems:
        raise DocumentError(origin, problems)
    parts: dict[str, Any] = {}
    for key, kind, default in (
        ("from", PackRef, None),
        ("to", PackRef, None),
        ("links", tuple[CodeLink, ...], []),
        ("note", str, ""),
    ):
        value = document.get(key, default)
        try:
            parts[key] = _CONVERTER.structure(value, kind)
        except cattrs.BaseValidationError as exc:
            problems += refuse_document(exc, document, origin, prefix=(key,)).problems
        except (TypeError, ValueError, AttributeError):
            place = document_place(origin, (key,))
            problems.append(SetProblem(place, problem_of(value, key)))
    if problems:
        raise DocumentError(origin, problems)
    return VersionMapping(parts["from"], parts["to"], parts["links"], parts["note"])


def mapping_to_document(mapping: VersionMapping) -> dict[str, Any]:
    document: dict[str, Any] = _CONVERTER.unstructure(mapping, VersionMapping)
    return document


def read_mapping(path: str | Path) -> VersionMapping:
    """Read a mapping from a TOML file."""
    return mapping_from_document(read_toml(path), str(path))


def mapping_from_pack(pack: Pack, earlier: Pack) -> VersionMapping:
    """The mapping ``pack`` declares (``[[mappings]]``) from the codes of ``earlier``.

    Only the links the pack states are used: codes it does not map stay unmapped,
    and the whole index is comparable only if the pack maps the root code "".
    """
    links = tuple(
        CodeLink(entry.kind, entry.from_codes, entry.to_codes, entry.note)
        for entry in pack.mappings
        if entry.from_pack == earlier.id
    )
    if not links:
        raise ParIndexError("history.no_declared_mapping", pack=pack.id, earlier=earlier.id)
    return VersionMapping(
        source=PackRef(earlier.id, earlier.version),
        target=PackRef(pack.id, pack.version),
        links=links,
        note=text("history.declared_by", pack=pack.id, version=pack.version),
    )
