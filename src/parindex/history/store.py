"""The results store: years of results and published figures, in SQLite or PostgreSQL.

One interface, two engines: a file path (or ``sqlite:///path``) opens SQLite
through the standard library; a ``postgresql://`` URL opens PostgreSQL through
psycopg 3 (the optional extra ``parindex[postgres]``). Values are stored as
scaled integers, never floats: points and maxima in ticks
(10**-point_decimals), the index scaled by 10**index_decimals, with both
scales kept on the result set, so every figure reads back exactly.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from parindex.compiled import ROOT
from parindex.errors import ParIndexError
from parindex.history.lineage import EventKind, Lineage, LineageEvent
from parindex.history.mapping import PackRef
from parindex.history.records import FigureRecord, Origin, ResultSetRecord, UnitRecord
from parindex.results import NO_GRADE, UNRANKED, Results

SCHEMA_VERSION = "1"

_TABLES = (
    """CREATE TABLE IF NOT EXISTS parindex_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS result_sets (
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
    """CREATE TABLE IF NOT EXISTS set_units (
        set_id BIGINT NOT NULL REFERENCES result_sets (id),
        unit TEXT NOT NULL,
        name TEXT NOT NULL,
        unit_group TEXT NOT NULL,
        pos INTEGER NOT NULL,
        PRIMARY KEY (set_id, unit))""",
    """CREATE TABLE IF NOT EXISTS figures (
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
    """CREATE TABLE IF NOT EXISTS lineage_events (
        id {id_column},
        kind TEXT NOT NULL,
        event_date TEXT NOT NULL,
        source TEXT NOT NULL,
        note TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS lineage_units (
        event_id BIGINT NOT NULL REFERENCES lineage_events (id),
        side TEXT NOT NULL,
        pos INTEGER NOT NULL,
        unit TEXT NOT NULL,
        PRIMARY KEY (event_id, side, pos))""",
)

_SET_COLUMNS = (
    "id, year, pack, version, origin, stage, label, source, note, "
    "point_decimals, index_decimals, rounding_mode"
)


@attrs.frozen
class ResultSetInfo:
    """A stored result set's identity and scales (without its figures)."""

    id: int
    year: int
    pack: str
    version: str
    origin: Origin
    stage: str
    label: str
    source: str
    note: str
    point_decimals: int
    index_decimals: int
    rounding_mode: str

    @property
    def pack_ref(self) -> PackRef:
        return PackRef(self.pack, self.version)

    def describe(self) -> str:
        extra = f" [{self.label}]" if self.label else ""
        kind = f"{self.origin.value}/{self.stage}"
        return f"#{self.id} {self.year} {self.pack} ({self.version}) {kind}{extra}"


@attrs.frozen
class StoredSet:
    """A result set read back from the store."""

    info: ResultSetInfo
    units: tuple[UnitRecord, ...]
    figures: tuple[FigureRecord, ...]
    _by_key: dict[tuple[str, str], FigureRecord] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_by_key", {(f.unit, f.code): f for f in self.figures})

    def figure(self, unit: str, code: str = "") -> FigureRecord | None:
        return self._by_key.get((unit, code))

    def unit_ids(self) -> tuple[str, ...]:
        return tuple(unit.id for unit in self.units)

    def unit_name(self, unit: str) -> str:
        return next((u.name for u in self.units if u.id == unit), "")

    def codes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f.code for f in self.figures))

    def to_record(self) -> ResultSetRecord:
        info = self.info
        return ResultSetRecord(
            pack=info.pack,
            version=info.version,
            origin=info.origin,
            year=info.year,
            stage=info.stage,
            label=info.label,
            source=info.source,
            note=info.note,
            point_decimals=info.point_decimals,
            index_decimals=info.index_decimals,
            rounding_mode=info.rounding_mode,
            units=self.units,
            figures=self.figures,
        )


def _scaled(value: Decimal | None, decimals: int, what: str, where: str) -> int | None:
    if value is None:
        return None
    scaled = value.scaleb(decimals)
    if scaled != scaled.to_integral_value():
        raise ParIndexError(
            f"{where}: {what} {value} has more than {decimals} decimals; "
            "declare more decimals on the set (figures are never rounded on import)"
        )
    return int(scaled)


def _unscaled(value: int | None, decimals: int) -> Decimal | None:
    return None if value is None else Decimal(int(value)).scaleb(-decimals)


def records_from_results(
    results: Results, stage: str | None = None
) -> tuple[tuple[UnitRecord, ...], tuple[FigureRecord, ...]]:
    """Every unit and node of ``results`` as exact figure records (ranks on the root)."""
    point_d, index_d = results.pack.point_decimals, results.pack.rounding.decimals
    figures = tuple(
        FigureRecord(
            unit=unit,
            code=code,
            points=_unscaled(points, point_d),
            maximum=_unscaled(maximum, point_d),
            index=_unscaled(index, index_d),
            grade=grade,
            rank=rank,
            ranked_of=ranked_of,
        )
        for unit, code, points, maximum, index, grade, rank, ranked_of, _ in _rows_from_results(
            results, stage
        )
    )
    units = tuple(UnitRecord(u.id, u.name, u.group) for u in results.units)
    return units, figures


def _rows_from_results(results: Results, stage: str | None) -> list[tuple[Any, ...]]:
    """Figure rows straight from the exact arrays (ticks, scaled index), without Decimal."""
    units, figures = results.units, results.compiled.codes
    scores = results.scores(stage)
    maximum = np.asarray(scores.unit_maximum()).tolist()
    points = scores.points.tolist()
    index = scores.index.tolist()
    grades = scores.grade.tolist()
    labels = results.pack.classification.labels
    ranks = scores.rank.tolist()
    ranked_in_group: dict[str, int] = {}
    for unit, rank in zip(units, ranks, strict=True):
        ranked_in_group[unit.group] = ranked_in_group.get(unit.group, 0) + int(rank != UNRANKED)
    rows: list[tuple[Any, ...]] = []
    position = 0
    for row, unit in enumerate(units):
        for node, code in enumerate(figures):
            rank = ranks[row] if node == ROOT else UNRANKED
            grade = grades[row][node]
            rows.append(
                (
                    unit.id,
                    code,
                    points[row][node],
                    maximum[row][node],
                    index[row][node] if maximum[row][node] != 0 else None,
                    None if grade == NO_GRADE else labels[grade],
                    None if rank == UNRANKED else rank,
                    None if rank == UNRANKED else ranked_in_group[unit.group],
                    position,
                )
            )
            position += 1
    return rows


def _is_postgres(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://"))


class HistoryStore:
    """Result sets of many years and pack versions, plus unit lineage.

    Open with :meth:`open`; use as a context manager to close it.
    """

    def __init__(self, connection: Any, engine: str) -> None:
        self._conn = connection
        self.engine = engine
        self._create_schema()

    # -- opening ----------------------------------------------------------------------
    @classmethod
    def open(cls, target: str | Path) -> HistoryStore:
        """A SQLite file path / ``sqlite:///path`` / ``:memory:``, or a ``postgresql://`` URL."""
        text = str(target)
        if _is_postgres(text):
            try:
                import psycopg
            except ImportError as exc:  # pragma: no cover - depends on the environment
                raise ParIndexError(
                    "a PostgreSQL store needs psycopg: pip install 'parindex[postgres]'"
                ) from exc
            try:
                connection = psycopg.connect(text, autocommit=True)
            except psycopg.Error as exc:
                raise ParIndexError(f"cannot connect to PostgreSQL: {exc}") from exc
            return cls(connection, "postgresql")
        path = text.removeprefix("sqlite:///") if text.startswith("sqlite:///") else text
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        lite = sqlite3.connect(path, isolation_level=None)
        lite.execute("PRAGMA foreign_keys = ON")
        return cls(lite, "sqlite")

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- SQL plumbing -----------------------------------------------------------------
    def _sql(self, text: str) -> str:
        return text.replace("?", "%s") if self.engine == "postgresql" else text

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        cursor = self._conn.cursor()
        try:
            cursor.execute(self._sql(sql), tuple(params))
            return list(cursor.fetchall()) if cursor.description is not None else []
        finally:
            cursor.close()

    def _executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        cursor = self._conn.cursor()
        try:
            cursor.executemany(self._sql(sql), list(rows))
        finally:
            cursor.close()

    def _bulk_insert(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        """Many rows at once: COPY on PostgreSQL, executemany on SQLite."""
        names = ", ".join(columns)
        if self.engine == "postgresql":
            cursor = self._conn.cursor()
            try:
                with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            finally:
                cursor.close()
            return
        marks = ", ".join("?" for _ in columns)
        self._executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        if self.engine == "postgresql":
            with self._conn.transaction():
                yield
            return
        self._conn.execute("BEGIN")
        try:
            yield
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def _create_schema(self) -> None:
        id_column = (
            "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
            if self.engine == "postgresql"
            else "INTEGER PRIMARY KEY AUTOINCREMENT"
        )
        with self._transaction():
            for statement in _TABLES:
                self._execute(statement.replace("{id_column}", id_column))
            found = self._execute("SELECT value FROM parindex_meta WHERE key = 'schema'")
            if not found:
                self._execute(
                    "INSERT INTO parindex_meta (key, value) VALUES ('schema', ?)", (SCHEMA_VERSION,)
                )
            elif found[0][0] != SCHEMA_VERSION:
                raise ParIndexError(
                    f"store schema {found[0][0]}, this parindex reads {SCHEMA_VERSION}"
                )

    # -- writing ----------------------------------------------------------------------
    def add_results(
        self,
        results: Results,
        year: int,
        *,
        stage: str | None = None,
        label: str = "",
        source: str = "",
        note: str = "",
        replace: bool = False,
    ) -> int:
        """Store parindex results (origin "scored") for ``year``; returns the set id."""
        pack = results.pack
        units = tuple(UnitRecord(u.id, u.name, u.group) for u in results.units)
        record = ResultSetRecord(
            pack=pack.id,
            version=pack.version,
            origin=Origin.SCORED,
            year=year,
            stage=stage or "final",
            label=label,
            source=source,
            note=note or ("SYNTHETIC pack" if pack.synthetic else ""),
            point_decimals=pack.point_decimals,
            index_decimals=pack.rounding.decimals,
            rounding_mode=pack.rounding.mode,
            units=units,
        )
        return self.add_record(record, replace=replace, rows=_rows_from_results(results, stage))

    def add_record(
        self,
        record: ResultSetRecord,
        *,
        year: int | None = None,
        replace: bool = False,
        where: str = "",
        rows: list[tuple[Any, ...]] | None = None,
    ) -> int:
        """Store one result-set record; ``year`` fills a record without one.

        ``rows`` (internal) are figure rows already scaled, used instead of
        ``record.figures`` by :meth:`add_results`.
        """
        where = where or f"set {record.pack} ({record.version})"
        if record.year is not None and year is not None and record.year != year:
            raise ParIndexError(f"{where}: states year {record.year}, but year {year} was given")
        set_year = record.year if record.year is not None else year
        if set_year is None:
            raise ParIndexError(f"{where}: no year (give --year)")
        if record.origin is Origin.DERIVED and not record.note.strip():
            raise ParIndexError(f"{where}: derived figures need a note stating the method")
        unit_ids = [u.id for u in record.units]
        if len(set(unit_ids)) != len(unit_ids):
            raise ParIndexError(f"{where}: a unit is listed twice")
        known = set(unit_ids)
        rows = self._figure_rows(record, where, known) if rows is None else rows
        key = (
            set_year,
            record.pack,
            record.version,
            record.origin.value,
            record.stage,
            record.label,
        )
        with self._transaction():
            existing = self._execute(
                "SELECT id FROM result_sets WHERE year = ? AND pack = ? AND version = ? "
                "AND origin = ? AND stage = ? AND label = ?",
                key,
            )
            if existing:
                if not replace:
                    raise ParIndexError(
                        f"{where}: the store already holds {set_year} {record.pack} "
                        f"({record.version}) {record.origin.value}/{record.stage} "
                        f"{record.label!r} as set #{existing[0][0]} "
                        "(use replace, or a distinct label)"
                    )
                self._delete_set(int(existing[0][0]))
            inserted = self._execute(
                "INSERT INTO result_sets (year, pack, version, origin, stage, label, source, note, "
                "point_decimals, index_decimals, rounding_mode) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    *key,
                    record.source,
                    record.note,
                    record.point_decimals,
                    record.index_decimals,
                    record.rounding_mode,
                ),
            )
            set_id = int(inserted[0][0])
            self._executemany(
                "INSERT INTO set_units (set_id, unit, name, unit_group, pos) "
                "VALUES (?, ?, ?, ?, ?)",
                [(set_id, u.id, u.name, u.group, i) for i, u in enumerate(record.units)],
            )
            self._bulk_insert(
                "figures",
                (
                    "set_id",
                    "unit",
                    "code",
                    "points",
                    "maximum",
                    "idx",
                    "grade",
                    "rnk",
                    "ranked_of",
                    "pos",
                ),
                [(set_id, *row) for row in rows],
            )
        return set_id

    @staticmethod
    def _figure_rows(record: ResultSetRecord, where: str, known: set[str]) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = []
        seen: set[tuple[str, str]] = set()
        for position, figure in enumerate(record.figures):
            code = figure.code or "<total>"
            place = f"{where}, figures[{position}] (unit {figure.unit!r}, criterion {code})"
            if figure.unit not in known:
                raise ParIndexError(f"{place}: unit not listed in the set's units")
            if (figure.unit, figure.code) in seen:
                raise ParIndexError(f"{place}: figure given twice")
            seen.add((figure.unit, figure.code))
            rows.append(
                (
                    figure.unit,
                    figure.code,
                    _scaled(figure.points, record.point_decimals, "points", place),
                    _scaled(figure.maximum, record.point_decimals, "maximum", place),
                    _scaled(figure.index, record.index_decimals, "index", place),
                    figure.grade,
                    figure.rank,
                    figure.ranked_of,
                    position,
                )
            )
        return rows

    def _delete_set(self, set_id: int) -> None:
        for table in ("figures", "set_units"):
            self._execute(f"DELETE FROM {table} WHERE set_id = ?", (set_id,))
        self._execute("DELETE FROM result_sets WHERE id = ?", (set_id,))

    def delete_set(self, set_id: int) -> None:
        with self._transaction():
            self._delete_set(set_id)

    # -- reading ----------------------------------------------------------------------
    def sets(self, year: int | None = None, pack: str | None = None) -> list[ResultSetInfo]:
        """Stored result sets, by year, pack, version and id."""
        clauses: list[str] = []
        params: list[object] = []
        if year is not None:
            clauses.append("year = ?")
            params.append(year)
        if pack is not None:
            clauses.append("pack = ?")
            params.append(pack)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._execute(
            f"SELECT {_SET_COLUMNS} FROM result_sets{where} ORDER BY year, pack, version, id",
            params,
        )
        return [self._info(row) for row in rows]

    @staticmethod
    def _info(row: Sequence[Any]) -> ResultSetInfo:
        return ResultSetInfo(
            id=int(row[0]),
            year=int(row[1]),
            pack=row[2],
            version=row[3],
            origin=Origin(row[4]),
            stage=row[5],
            label=row[6],
            source=row[7],
            note=row[8],
            point_decimals=int(row[9]),
            index_decimals=int(row[10]),
            rounding_mode=row[11],
        )

    def load(self, set_id: int) -> StoredSet:
        found = self._execute(f"SELECT {_SET_COLUMNS} FROM result_sets WHERE id = ?", (set_id,))
        if not found:
            raise ParIndexError(f"no result set #{set_id} in the store")
        info = self._info(found[0])
        units = tuple(
            UnitRecord(row[0], row[1], row[2])
            for row in self._execute(
                "SELECT unit, name, unit_group FROM set_units WHERE set_id = ? ORDER BY pos",
                (set_id,),
            )
        )
        p, d = info.point_decimals, info.index_decimals
        figures = tuple(
            FigureRecord(
                unit=row[0],
                code=row[1],
                points=_unscaled(row[2], p),
                maximum=_unscaled(row[3], p),
                index=_unscaled(row[4], d),
                grade=row[5],
                rank=None if row[6] is None else int(row[6]),
                ranked_of=None if row[7] is None else int(row[7]),
            )
            for row in self._execute(
                "SELECT unit, code, points, maximum, idx, grade, rnk, ranked_of FROM figures "
                "WHERE set_id = ? ORDER BY pos",
                (set_id,),
            )
        )
        return StoredSet(info, units, figures)

    def load_year(self, year: int, pack: str | None = None) -> list[StoredSet]:
        return [self.load(info.id) for info in self.sets(year, pack)]

    def years(self) -> list[int]:
        return [
            int(row[0])
            for row in self._execute("SELECT DISTINCT year FROM result_sets ORDER BY year")
        ]

    # -- lineage ----------------------------------------------------------------------
    def add_lineage(self, events: Iterable[LineageEvent]) -> int:
        """Record lineage events (an identical event already stored is skipped)."""
        stored = set(self.lineage().events)
        added = 0
        with self._transaction():
            for event in events:
                if event in stored:
                    continue
                inserted = self._execute(
                    "INSERT INTO lineage_events (kind, event_date, source, note) "
                    "VALUES (?, ?, ?, ?) RETURNING id",
                    (event.kind.value, event.date.isoformat(), event.source, event.note),
                )
                event_id = int(inserted[0][0])
                self._executemany(
                    "INSERT INTO lineage_units (event_id, side, pos, unit) VALUES (?, ?, ?, ?)",
                    [(event_id, "p", i, u) for i, u in enumerate(event.predecessors)]
                    + [(event_id, "s", i, u) for i, u in enumerate(event.successors)],
                )
                stored.add(event)
                added += 1
        return added

    def lineage(self) -> Lineage:
        sides: dict[int, dict[str, list[str]]] = {}
        for event_id, side, unit in self._execute(
            "SELECT event_id, side, unit FROM lineage_units ORDER BY event_id, side, pos"
        ):
            sides.setdefault(int(event_id), {"p": [], "s": []})[side].append(unit)
        events = []
        for event_id, kind, date, source, note in self._execute(
            "SELECT id, kind, event_date, source, note FROM lineage_events ORDER BY id"
        ):
            units = sides.get(int(event_id), {"p": [], "s": []})
            events.append(
                LineageEvent(
                    kind=EventKind(kind),
                    date=dt.date.fromisoformat(date),
                    predecessors=tuple(units["p"]),
                    successors=tuple(units["s"]),
                    source=source,
                    note=note,
                )
            )
        return Lineage(tuple(events))
