"""Packs to and from files: TOML (the pack format), JSON, and the criteria table (.xlsx, .csv).

The criteria table (:mod:`parindex.io.criteria_table`) is the one table an
official edits: ``pack export`` writes it, ``pack import`` and ``new-pack
--from`` read it, and it holds every pack feature. Every export is read back
and compared with the pack before the file is put in place, so a round trip
is exact or the export fails loudly; files are written atomically.
"""

from __future__ import annotations

import json
import re
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import tomli_w

from parindex.errors import ParIndexError
from parindex.io.atomic import write_text_atomic
from parindex.io.table_layout import TABLE_SUFFIXES
from parindex.model import Pack
from parindex.plugins import Plugins, default_plugins
from parindex.serialization import (
    make_converter,
    pack_from_document,
    pack_to_document,
    pack_to_json,
    read_pack_file,
)

PACK_FORMATS = (".toml", ".json", ".xlsx", ".xlsm", ".csv")


def _plugins(plugins: Plugins | None) -> Plugins:
    return plugins if plugins is not None else default_plugins()


def _toml_ready(value: Any) -> Any:
    """Drop None (TOML has no null) and write whole decimals as integers (7, not 7.0)."""
    if isinstance(value, dict):
        return {key: _toml_ready(item) for key, item in value.items() if item is not None}
    if isinstance(value, list | tuple):
        return [_toml_ready(item) for item in value]
    if isinstance(value, Decimal) and value.is_finite() and value.as_tuple().exponent == 0:
        return int(value)
    return value


def pack_to_toml(pack: Pack, plugins: Plugins | None = None) -> str:
    """The TOML text of a pack (flat ``[[nodes]]``, exact decimals)."""
    converter = make_converter(_plugins(plugins).rule_kinds, native_scalars=True)
    document = _toml_ready(pack_to_document(pack, converter))
    header = f"# Criteria pack {pack.id} ({pack.version}), written by parindex.\n"
    return header + tomli_w.dumps(document)


def toml_error(file: Path, exc: tomllib.TOMLDecodeError) -> ParIndexError:
    """A TOML syntax error at its line and column, in the reader's language."""
    found = re.search(r"line (\d+), column (\d+)", str(exc))
    line, column = (int(found[1]), int(found[2])) if found else (0, 0)
    return ParIndexError("authoring.bad_toml", file=file.name, line=line, column=column)


def _verify(pack: Pack, again: Pack, path: Path) -> None:
    if again != pack:
        raise ParIndexError("authoring.pack_round_trip", file=path.name)


def write_pack_toml(pack: Pack, path: str | Path, plugins: Plugins | None = None) -> Path:
    """Write ``pack`` as a TOML pack file, verified to read back identically."""
    target = Path(path)
    text = pack_to_toml(pack, plugins)
    converter = _plugins(plugins).converter
    _verify(pack, pack_from_document(tomllib.loads(text, parse_float=Decimal), converter), target)
    write_text_atomic(target, text)
    return target


def write_pack_json(pack: Pack, path: str | Path, plugins: Plugins | None = None) -> Path:
    target = Path(path)
    converter = _plugins(plugins).converter
    text = pack_to_json(pack, converter)
    _verify(pack, pack_from_document(json.loads(text, parse_float=Decimal), converter), target)
    write_text_atomic(target, text)
    return target


def export_pack(
    pack: Pack, path: str | Path, plugins: Plugins | None = None, lang: str = "vi"
) -> Path:
    """Write ``pack`` as ``.toml``, ``.json`` or a criteria table ``.xlsx``/``.csv``."""
    suffix = Path(path).suffix.lower()
    if suffix == ".toml":
        return write_pack_toml(pack, path, plugins)
    if suffix == ".json":
        return write_pack_json(pack, path, plugins)
    if suffix in (".xlsx", ".csv"):
        # criteria tables (openpyxl, the wording reader) only when one is written or read:
        # listing and loading installed packs does not pay for them
        from parindex.io.criteria_table_out import write_table

        return write_table(pack, path, lang, _plugins(plugins))
    raise ParIndexError(
        "authoring.pack_format", file=Path(path).name, formats=(".toml", ".json", ".xlsx", ".csv")
    )


def import_pack(path: str | Path, plugins: Plugins | None = None) -> Pack:
    """Read a pack from ``.toml``, ``.json`` or a criteria table (``.xlsx``, ``.csv``)."""
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix in TABLE_SUFFIXES:
        from parindex.io.criteria_table import read_criteria_table

        return read_criteria_table(file, _plugins(plugins))
    if suffix in (".toml", ".json"):
        try:
            return read_pack_file(file, _plugins(plugins).converter)
        except tomllib.TOMLDecodeError as exc:
            raise toml_error(file, exc) from None
        except json.JSONDecodeError as exc:
            raise ParIndexError(
                "authoring.bad_json_file", file=file.name, line=exc.lineno, problem=exc.msg
            ) from None
        except UnicodeDecodeError:
            raise ParIndexError("authoring.not_utf8", file=file.name) from None
    raise ParIndexError("authoring.pack_format", file=file.name, formats=PACK_FORMATS)


__all__ = [
    "PACK_FORMATS",
    "export_pack",
    "import_pack",
    "pack_to_toml",
    "toml_error",
    "write_pack_json",
    "write_pack_toml",
]
