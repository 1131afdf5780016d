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

import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs
import cattrs

from parindex.errors import ParIndexError
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

    def problems(self) -> list[str]:
        (old_min, old_max), (new_min, new_max) = _ARITY[self.kind]
        found = []
        for side, codes, low, high in (
            ("old", self.old, old_min, old_max),
            ("new", self.new, new_min, new_max),
        ):
            if len(codes) < low or (high is not None and len(codes) > high):
                wanted = (
                    f"{low}"
                    if low == high
                    else f"at least {low}"
                    if high is None
                    else f"{low}–{high}"
                )
                found.append(
                    f"{self.kind.value} link {list(self.old)} → {list(self.new)} needs {wanted} "
                    f"{side} code(s), has {len(codes)}"
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
        problems: list[str] = []
        by_new: dict[str, CodeLink] = {}
        by_old: dict[str, CodeLink] = {}
        for link in self.links:
            problems.extend(link.problems())
            for side, codes, index in (("old", link.old, by_old), ("new", link.new, by_new)):
                for code in codes:
                    if code in index:
                        problems.append(f"{side} code {code!r} appears in two links")
                    index[code] = link
        if problems:
            raise ParIndexError(
                f"invalid mapping {self.source} → {self.target}:\n"
                + "\n".join(f"  - {p}" for p in problems)
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
    return VersionMapping(source, target, links, note or "declared identical codes")


def _converter() -> cattrs.Converter:
    converter = cattrs.Converter(forbid_extra_keys=True)
    converter.register_structure_hook(
        VersionMapping,
        lambda data, _: VersionMapping(
            source=converter.structure(data["from"], PackRef),
            target=converter.structure(data["to"], PackRef),
            links=converter.structure(data.get("links", []), tuple[CodeLink, ...]),
            note=converter.structure(data.get("note", ""), str),
        ),
    )
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
    unknown = set(document) - {"from", "to", "links", "note"}
    if unknown:
        raise ParIndexError(f"{origin or 'mapping'}: unknown keys {sorted(unknown)}")
    try:
        return _CONVERTER.structure(dict(document), VersionMapping)
    except (cattrs.BaseValidationError, KeyError, ValueError, TypeError) as exc:
        detail = (
            "; ".join(cattrs.transform_error(exc))
            if isinstance(exc, cattrs.BaseValidationError)
            else str(exc)
        )
        raise ParIndexError(f"{origin or 'mapping'}: {detail}") from exc


def mapping_to_document(mapping: VersionMapping) -> dict[str, Any]:
    document: dict[str, Any] = _CONVERTER.unstructure(mapping, VersionMapping)
    return document


def read_mapping(path: str | Path) -> VersionMapping:
    """Read a mapping from a TOML file."""
    file = Path(path)
    try:
        document = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ParIndexError(f"{file}: {exc}") from exc
    return mapping_from_document(document, str(file))


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
        raise ParIndexError(f"pack {pack.id!r} declares no mapping from {earlier.id!r}")
    return VersionMapping(
        source=PackRef(earlier.id, earlier.version),
        target=PackRef(pack.id, pack.version),
        links=links,
        note=f"declared by pack {pack.id} ({pack.version})",
    )
