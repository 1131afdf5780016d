"""The store's tables and the metadata by which a store recognises itself.

One schema for SQLite and PostgreSQL. ``parindex_meta`` names the format and
its version; a SQLite store also carries them in its file header
(``PRAGMA application_id`` and ``user_version``), where they can be read
without opening the database.
"""

from __future__ import annotations

from typing import Final

#: The format a store's metadata names, and the version this parindex writes.
STORE_FORMAT: Final = "parindex-history-store"
STORE_VERSION: Final = 2
#: The only key the first stores (before the format was named) had in ``parindex_meta``.
LEGACY_KEY: Final = "schema"
LEGACY_VERSION: Final = "1"

TABLE_NAMES: Final = (
    "parindex_meta",
    "result_sets",
    "set_units",
    "figures",
    "lineage_events",
    "lineage_units",
)

_TABLES: Final = (
    """CREATE TABLE parindex_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
    """CREATE TABLE result_sets (
        id {id_column},
        year INTEGER NOT NULL,
        pack TEXT NOT NULL,
        version TEXT NOT NULL,
        origin TEXT NOT NULL,
        stage TEXT NOT NULL,
        label TEXT NOT NULL,
        source TEXT NOT NULL,
        note TEXT NOT NULL,
        point_decimals INTEGER NOT NULL,
        index_decimals INTEGER NOT NULL,
        rounding_mode TEXT NOT NULL,
        UNIQUE (year, pack, version, origin, stage, label))""",
    """CREATE TABLE set_units (
        set_id BIGINT NOT NULL REFERENCES result_sets (id),
        unit TEXT NOT NULL,
        name TEXT NOT NULL,
        unit_group TEXT NOT NULL,
        pos INTEGER NOT NULL,
        PRIMARY KEY (set_id, unit))""",
    """CREATE TABLE figures (
        set_id BIGINT NOT NULL REFERENCES result_sets (id),
        unit TEXT NOT NULL,
        code TEXT NOT NULL,
        points BIGINT,
        maximum BIGINT,
        idx BIGINT,
        grade TEXT,
        rnk INTEGER,
        ranked_of INTEGER,
        pos INTEGER NOT NULL,
        PRIMARY KEY (set_id, unit, code))""",
    """CREATE TABLE lineage_events (
        id {id_column},
        kind TEXT NOT NULL,
        event_date TEXT NOT NULL,
        source TEXT NOT NULL,
        note TEXT NOT NULL)""",
    """CREATE TABLE lineage_units (
        event_id BIGINT NOT NULL REFERENCES lineage_events (id),
        side TEXT NOT NULL,
        pos INTEGER NOT NULL,
        unit TEXT NOT NULL,
        PRIMARY KEY (event_id, side, pos))""",
)


def create_statements(engine: str) -> tuple[str, ...]:
    """``CREATE TABLE`` statements for ``engine`` ("sqlite" or "postgresql")."""
    id_column = (
        "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
        if engine == "postgresql"
        else "INTEGER PRIMARY KEY AUTOINCREMENT"
    )
    return tuple(statement.replace("{id_column}", id_column) for statement in _TABLES)


def meta_rows() -> tuple[tuple[str, str], ...]:
    """The rows of ``parindex_meta`` in a store of this format."""
    return (("format", STORE_FORMAT), ("version", str(STORE_VERSION)))
