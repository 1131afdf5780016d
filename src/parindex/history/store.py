"""The results store: years of results and published figures, in SQLite or PostgreSQL.

One interface, two engines: a file path (or ``sqlite:///path``) opens SQLite
through the standard library; a ``postgresql://`` URL opens PostgreSQL through
psycopg 3 (the optional extra ``parindex[postgres]``).

The store speaks in transactions. An import is one transaction: every set or
none, so a failure (a bad set, a conflict, a kill, a lock timeout) leaves the
store as it was and the same import can simply be run again. Writers wait for
each other (SQLite: WAL, ``BEGIN IMMEDIATE`` and a busy timeout; PostgreSQL:
an advisory lock per write transaction); readers never block writers.

A store recognises itself (see :mod:`.schema` and :mod:`.sqlite_file`):
opening anything else is refused and leaves it untouched, and only
``open(..., create=True)`` makes a new store, where nothing exists yet.
Database errors reach the caller as :class:`~parindex.errors.ParIndexError`
messages, never as driver exceptions.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from parindex.errors import ParIndexError
from parindex.history import sqlite_file
from parindex.history.importing import (
    Prepared,
    PreparedSets,
    place_of,
    prepare_records,
    set_key,
    set_problems,
)
from parindex.history.lineage import EventKind, Lineage, LineageEvent, conflicts, described
from parindex.history.problems import HistoryImportError, SetProblem, set_place
from parindex.history.records import FigureRecord, Origin, ResultSetRecord, UnitRecord
from parindex.history.schema import (
    LEGACY_KEY,
    LEGACY_VERSION,
    STORE_FORMAT,
    STORE_VERSION,
    TABLE_NAMES,
    create_statements,
    meta_rows,
)
from parindex.history.stored import (
    FigureRows,
    ResultSetInfo,
    StoredSet,
    records_from_results,
    unscaled,
)
from parindex.messages import msg
from parindex.results import Results

#: Seconds a writer waits for another one before giving up (the import is then undone).
DEFAULT_TIMEOUT = 60.0
#: PostgreSQL advisory lock taken by every write transaction ("PARI").
_PG_LOCK = 0x50415249

_SET_COLUMNS = (
    "id, year, pack, version, origin, stage, label, source, note, "
    "point_decimals, index_decimals, rounding_mode"
)
#: Parameters one SQLite statement may bind (999 before SQLite 3.32, 32,766 since).
SQLITE_VARIABLES = 999

_FIGURE_COLUMNS = (
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
)


def _is_postgres(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://"))


def _shown(target: str) -> str:
    """A store's name for messages: a PostgreSQL URL without its password."""
    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", target)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _sqlite_problem(exc: sqlite3.Error, where: str, timeout: float) -> ParIndexError:
    detail = _first_line(exc)
    lowered = detail.lower()
    if "locked" in lowered or "busy" in lowered:
        return ParIndexError("history.store_busy", store=where, seconds=int(timeout))
    if "readonly" in lowered or "read-only" in lowered:
        return ParIndexError("history.store_read_only", store=where)
    if isinstance(exc, sqlite3.OperationalError) and "no such" not in lowered:
        return ParIndexError("history.database_error", store=where, detail=detail)
    return ParIndexError("history.store_damaged", store=where, detail=detail)


class HistoryStore:
    """Result sets of many years and pack versions, plus unit lineage.

    Open with :meth:`open`; use as a context manager to close it.
    """

    def __init__(
        self,
        connection: Any,
        engine: str,
        *,
        location: str,
        created: bool = False,
        legacy: bool = False,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self._conn = connection
        self.engine = engine
        #: The store's name in messages (a PostgreSQL URL without its password).
        self.location = location
        #: True when :meth:`open` made this store (``create=True`` and nothing was there).
        self.created = created
        self._legacy = legacy
        self._timeout = timeout
        self._depth = 0

    # -- opening ----------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        target: str | Path,
        *,
        create: bool = False,
        timeout: float = DEFAULT_TIMEOUT,
        check: bool = True,
        read_only: bool = False,
    ) -> HistoryStore:
        """Open the store at a SQLite path (``sqlite:///path``, ``:memory:``) or a
        ``postgresql://`` URL.

        A missing store is refused ("no such store") unless ``create``: then a
        new one is made where nothing exists (``store.created`` says so). A file
        or database that is not a parindex store is refused and left untouched.
        Writers wait up to ``timeout`` seconds for each other. ``check`` runs
        SQLite's structural check on an existing file (about 4 ms per MB), so a
        damaged store is refused instead of answering wrongly. ``read_only``: the
        caller only reads, so a SQLite store the user may not write (file or folder
        read-only) is still read.
        """
        text = str(target)
        if _is_postgres(text):
            return cls._open_postgres(text, create, timeout)
        path = text.removeprefix("sqlite:///") if text.startswith("sqlite:///") else text
        if path == ":memory:":
            connection = sqlite3.connect(":memory:", isolation_level=None)
            _initialise_sqlite(connection)
            return cls(connection, "sqlite", location=path, created=True, timeout=timeout)
        return cls._open_sqlite(Path(path), create, timeout, check, read_only)

    @classmethod
    def _open_sqlite(
        cls, path: Path, create: bool, timeout: float, check: bool, read_only: bool = False
    ) -> HistoryStore:
        header = sqlite_file.read_header(path)
        created = False
        if header is None:
            if not create:
                raise ParIndexError("history.no_store", store=str(path))
            created = sqlite_file.create_new(path, _initialise_sqlite)
            header = sqlite_file.read_header(path)
            if header is None:
                raise ParIndexError("history.path_taken", path=str(path))
        legacy = header.application_id == 0
        if legacy and (header.wal or not _is_legacy_store(path, timeout)):
            raise ParIndexError("history.not_a_store", store=str(path))
        if header.user_version > STORE_VERSION:
            raise ParIndexError(
                "history.newer_format",
                store=str(path),
                found=header.user_version,
                supported=STORE_VERSION,
            )
        try:
            if read_only and not sqlite_file.writable(path):
                connection = sqlite_file.connect_unwritable(path)
            else:
                connection = sqlite_file.connect_existing(path, timeout)
            connection.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as exc:
            raise _sqlite_problem(exc, str(path), timeout) from None
        store = cls(
            connection,
            "sqlite",
            location=str(path),
            created=created,
            legacy=legacy,
            timeout=timeout,
        )
        store._verify(check=check and not created)
        return store

    @classmethod
    def _open_postgres(cls, url: str, create: bool, timeout: float) -> HistoryStore:
        try:
            import psycopg
        except ImportError:  # pragma: no cover - depends on the environment
            raise ParIndexError("history.needs_psycopg") from None
        shown = _shown(url)
        try:
            # connect_timeout written in the URL wins over the writers' timeout.
            if "connect_timeout" in url:
                connection = psycopg.connect(url, autocommit=True)
            else:
                connection = psycopg.connect(url, autocommit=True, connect_timeout=int(timeout))
        except psycopg.Error as exc:
            from parindex.history.pg_connection import connection_problem

            raise connection_problem(exc, url, shown) from None
        store = cls(connection, "postgresql", location=shown, timeout=timeout)
        try:
            store._prepare_postgres(create)
        except BaseException:
            store.close()
            raise
        return store

    def _prepare_postgres(self, create: bool) -> None:
        present = self._tables_present()
        if "parindex_meta" not in present:
            if present:
                raise ParIndexError("history.pg_not_a_store", store=self.location, tables=present)
            if not create:
                raise ParIndexError("history.no_store", store=self.location)
            with self._write(upgrade=False):
                if not self._tables_present():
                    for statement in create_statements("postgresql"):
                        self._execute(statement)
                    self._executemany(
                        "INSERT INTO parindex_meta (key, value) VALUES (?, ?)", meta_rows()
                    )
                    self.created = True
        self._verify()

    def _tables_present(self) -> list[str]:
        # pg_class read with the statement's snapshot (to_regclass may answer from a
        # catalog cache that has not yet seen a table another session just created).
        rows = self._execute(
            "SELECT DISTINCT c.relname FROM pg_catalog.pg_class c "
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relname = ANY(?) AND n.nspname = ANY(current_schemas(false))",
            (list(TABLE_NAMES),),
        )
        return sorted(str(row[0]) for row in rows)

    def _verify(self, *, check: bool = False) -> None:
        """Check the metadata says this is a parindex store of a format we read, and with
        ``check`` that its file is sound (SQLite's ``quick_check``)."""
        try:
            if check:
                found = [str(row[0]) for row in self._execute("PRAGMA quick_check(1)")]
                if found != ["ok"]:
                    lines = "\n".join(found).splitlines()
                    detail = "; ".join(line for line in lines if not line.startswith("***"))
                    raise ParIndexError("history.store_damaged", store=self.location, detail=detail)
            meta = {
                str(k): str(v) for k, v in self._execute("SELECT key, value FROM parindex_meta")
            }
            if self._legacy and meta.get(LEGACY_KEY) == LEGACY_VERSION:
                return
            if meta.get("format") != STORE_FORMAT:
                raise ParIndexError("history.not_a_store", store=self.location)
            version = meta.get("version", "")
            if not version.isdigit():
                raise ParIndexError("history.not_a_store", store=self.location)
            if int(version) > STORE_VERSION:
                raise ParIndexError(
                    "history.newer_format",
                    store=self.location,
                    found=int(version),
                    supported=STORE_VERSION,
                )
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._conn.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- SQL plumbing -----------------------------------------------------------------
    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        """Driver exceptions as messages naming the store."""
        try:
            yield
        except sqlite3.Error as exc:
            raise _sqlite_problem(exc, self.location, self._timeout) from None
        except Exception as exc:
            if self.engine == "postgresql" and type(exc).__module__.startswith("psycopg"):
                if type(exc).__name__ in ("LockNotAvailable", "QueryCanceled"):
                    raise ParIndexError(
                        "history.store_busy", store=self.location, seconds=int(self._timeout)
                    ) from None
                raise ParIndexError(
                    "history.database_error", store=self.location, detail=_first_line(exc)
                ) from None
            raise

    def _sql(self, text: str) -> str:
        return text.replace("?", "%s") if self.engine == "postgresql" else text

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._errors():
            cursor = self._conn.cursor()
            try:
                cursor.execute(self._sql(sql), tuple(params))
                return list(cursor.fetchall()) if cursor.description is not None else []
            finally:
                cursor.close()

    def _executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with self._errors():
            cursor = self._conn.cursor()
            try:
                cursor.executemany(self._sql(sql), rows)
            finally:
                cursor.close()

    def _bulk_insert(
        self, table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]
    ) -> None:
        """Many rows at once: COPY on PostgreSQL, executemany on SQLite."""
        names = ", ".join(columns)
        if self.engine == "postgresql":
            with self._errors():
                cursor = self._conn.cursor()
                try:
                    with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                finally:
                    cursor.close()
            return
        # Many rows per statement: Python's sqlite3 pays per statement as much as for the
        # values it binds (2.9 million figures: 6 s one row per statement, 3 s this way).
        per = max(1, SQLITE_VARIABLES // len(columns))
        statement = _insert_statement(table, columns, per)
        chunks: list[list[Any]] = []
        rest: list[tuple[Any, ...]] = []
        iterator = iter(rows)
        while chunk := list(itertools.islice(iterator, per)):
            if len(chunk) < per:
                rest = chunk
                break
            chunks.append(list(itertools.chain.from_iterable(chunk)))
            if len(chunks) == 64:
                self._executemany(statement, chunks)
                chunks = []
        if chunks:
            self._executemany(statement, chunks)
        if rest:
            self._executemany(_insert_statement(table, columns, 1), rest)

    @contextlib.contextmanager
    def _transaction(self, *, write: bool, upgrade: bool = True) -> Iterator[None]:
        """One transaction (calls inside it join it).

        Writers queue behind each other and any failure undoes all they did;
        readers see one consistent view and never block writers. A store of the
        first format is stamped by its first write (unless ``upgrade`` is off).
        """
        if self._depth:
            yield
            return
        if self.engine == "postgresql":
            with self._errors(), self._conn.transaction():
                self._depth += 1
                try:
                    if write:
                        self._execute(f"SET LOCAL lock_timeout = {int(self._timeout * 1000)}")
                        self._execute("SELECT pg_advisory_xact_lock(?)", (_PG_LOCK,))
                    else:
                        self._execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                    yield
                finally:
                    self._depth -= 1
            return
        stamp = write and upgrade and self._legacy
        with self._errors():
            if stamp:
                self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        self._depth += 1
        try:
            if stamp:
                _stamp_sqlite(self._conn)
            yield
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute("ROLLBACK")
            raise
        finally:
            self._depth -= 1
        with self._errors():
            self._conn.execute("COMMIT")
        if stamp:
            self._legacy = False

    def _write(self, *, upgrade: bool = True) -> contextlib.AbstractContextManager[None]:
        return self._transaction(write=True, upgrade=upgrade)

    def _read(self) -> contextlib.AbstractContextManager[None]:
        return self._transaction(write=False)

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
        place = set_place(None, pack=pack.id, version=pack.version, year=year, stage=record.stage)
        problems = list(set_problems(record, year, place))
        if problems:
            raise HistoryImportError(problems)
        rows = FigureRows(results, stage)
        return self._store([(record, year, rows)], replace, "")[0]

    def add_record(
        self, record: ResultSetRecord, *, year: int | None = None, replace: bool = False
    ) -> int:
        """Store one result-set record; ``year`` fills a record without one."""
        return self.add_records([record], year=year, replace=replace)[0]

    def add_records(
        self,
        records: Sequence[ResultSetRecord],
        *,
        year: int | None = None,
        label: str | None = None,
        replace: bool = False,
        file: str = "",
    ) -> list[int]:
        """Store result sets in one transaction: all of them, or none and the store unchanged.

        ``year`` and ``label`` fill sets that state none (a set stating another is
        refused). Every problem of every set is reported at once, naming the file,
        set, unit and criterion; nothing is stored then. A set already stored is
        refused unless ``replace``.
        """
        prepared = prepare_records(records, year=year, label=label, file=file)
        return self.add_prepared(prepared, replace=replace)

    def add_prepared(self, prepared: PreparedSets, *, replace: bool = False) -> list[int]:
        """Store sets checked by :func:`~parindex.history.importing.prepare_records`."""
        return self._store(prepared.sets, replace, prepared.file)

    def _store(
        self,
        prepared: Sequence[Prepared],
        replace: bool,
        file: str,
    ) -> list[int]:
        ids: list[int] = []
        with self._write():
            conflicts: list[SetProblem] = []
            for position, (record, set_year, _) in enumerate(prepared):
                existing = self._execute(
                    "SELECT id FROM result_sets WHERE year = ? AND pack = ? AND version = ? "
                    "AND origin = ? AND stage = ? AND label = ?",
                    set_key(record, set_year),
                )
                if existing and replace:
                    self._delete_set(int(existing[0][0]))
                elif existing:
                    conflicts.append(
                        SetProblem(
                            place_of(
                                position if len(prepared) > 1 else None, record, set_year, file
                            ),
                            msg("history.already_stored", id=int(existing[0][0])),
                        )
                    )
            if conflicts:
                raise HistoryImportError(conflicts, file)
            for record, set_year, rows in prepared:
                ids.append(self._insert(record, set_year, rows))
        return ids

    def _insert(self, record: ResultSetRecord, year: int, rows: Iterable[tuple[Any, ...]]) -> int:
        inserted = self._execute(
            "INSERT INTO result_sets (year, pack, version, origin, stage, label, source, note, "
            "point_decimals, index_decimals, rounding_mode) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                *set_key(record, year),
                record.source,
                record.note,
                record.point_decimals,
                record.index_decimals,
                record.rounding_mode,
            ),
        )
        set_id = int(inserted[0][0])
        self._executemany(
            "INSERT INTO set_units (set_id, unit, name, unit_group, pos) VALUES (?, ?, ?, ?, ?)",
            [(set_id, u.id, u.name, u.group, i) for i, u in enumerate(record.units)],
        )
        self._insert_figures(set_id, rows)
        return set_id

    def _insert_figures(self, set_id: int, rows: Iterable[tuple[Any, ...]]) -> None:
        """The figure rows of set ``set_id``, streamed: rows built from result arrays
        (:class:`FigureRows`) go to SQLite as whole blocks of statement parameters."""
        if not isinstance(rows, FigureRows) or self.engine == "postgresql":
            self._bulk_insert("figures", _FIGURE_COLUMNS, ((set_id, *row) for row in rows))
            return
        per = SQLITE_VARIABLES // len(_FIGURE_COLUMNS)
        statement = _insert_statement("figures", _FIGURE_COLUMNS, per)
        width = len(_FIGURE_COLUMNS)
        rest = np.empty((0, width), dtype=object)
        for block in rows.blocks():
            full = np.empty((len(block), width), dtype=object)
            full[:, 0] = set_id
            full[:, 1:] = block
            full = np.concatenate((rest, full)) if len(rest) else full
            whole = len(full) // per * per
            self._executemany(statement, full[:whole].reshape(-1, per * width).tolist())
            rest = full[whole:]
        if len(rest):
            self._executemany(_insert_statement("figures", _FIGURE_COLUMNS, 1), rest.tolist())

    def _delete_set(self, set_id: int) -> None:
        for table in ("figures", "set_units"):
            self._execute(f"DELETE FROM {table} WHERE set_id = ?", (set_id,))
        self._execute("DELETE FROM result_sets WHERE id = ?", (set_id,))

    def delete_set(self, set_id: int) -> None:
        with self._write():
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
        with self._read():
            rows = self._execute(
                f"SELECT {_SET_COLUMNS} FROM result_sets{where} ORDER BY year, pack, version, id",
                params,
            )
        return [self._info(row) for row in rows]

    def unit_counts(self) -> dict[int, int]:
        """How many units each stored set holds, by set id."""
        with self._read():
            rows = self._execute("SELECT set_id, COUNT(*) FROM set_units GROUP BY set_id")
        return {int(set_id): int(count) for set_id, count in rows}

    def units_without_results(self, units: Iterable[str]) -> list[str]:
        """Those of ``units`` (in order) that no stored result set holds."""
        wanted = list(dict.fromkeys(units))
        if not wanted:
            return []
        with self._read():
            rows = self._execute("SELECT DISTINCT unit FROM set_units")
        held = {str(row[0]) for row in rows}
        return [unit for unit in wanted if unit not in held]

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
        with self._read():
            found = self._execute(f"SELECT {_SET_COLUMNS} FROM result_sets WHERE id = ?", (set_id,))
            if not found:
                raise ParIndexError("history.no_such_set", id=set_id, store=self.location)
            info = self._info(found[0])
            unit_rows = self._execute(
                "SELECT unit, name, unit_group FROM set_units WHERE set_id = ? ORDER BY pos",
                (set_id,),
            )
            figure_rows = self._execute(
                "SELECT unit, code, points, maximum, idx, grade, rnk, ranked_of FROM figures "
                "WHERE set_id = ? ORDER BY pos",
                (set_id,),
            )
        units = tuple(UnitRecord(row[0], row[1], row[2]) for row in unit_rows)
        p, d = info.point_decimals, info.index_decimals
        figures = tuple(
            FigureRecord(
                unit=row[0],
                code=row[1],
                points=unscaled(row[2], p),
                maximum=unscaled(row[3], p),
                index=unscaled(row[4], d),
                grade=row[5],
                rank=None if row[6] is None else int(row[6]),
                ranked_of=None if row[7] is None else int(row[7]),
            )
            for row in figure_rows
        )
        return StoredSet(info, units, figures)

    def load_year(self, year: int, pack: str | None = None) -> list[StoredSet]:
        with self._read():
            return [self.load(info.id) for info in self.sets(year, pack)]

    def years(self) -> list[int]:
        with self._read():
            rows = self._execute("SELECT DISTINCT year FROM result_sets ORDER BY year")
        return [int(row[0]) for row in rows]

    # -- lineage ----------------------------------------------------------------------
    def add_lineage(self, events: Iterable[LineageEvent]) -> int:
        """Record lineage events in one transaction (an identical event already stored is
        skipped); returns how many were new."""
        added = 0
        events = list(events)
        with self._write():
            known = self.lineage().events
            stored = set(known)
            new = [event for event in dict.fromkeys(events) if event not in stored]
            for index, why in conflicts([*known, *new]):
                if index >= len(known):  # what is stored was checked when it was added
                    raise ParIndexError(
                        "history.event_conflicts_store",
                        store=self.location,
                        event=described(new[index - len(known)]),
                        problem=why,
                    )
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
        with self._read():
            unit_rows = self._execute(
                "SELECT event_id, side, unit FROM lineage_units ORDER BY event_id, side, pos"
            )
            event_rows = self._execute(
                "SELECT id, kind, event_date, source, note FROM lineage_events ORDER BY id"
            )
        for event_id, side, unit in unit_rows:
            sides.setdefault(int(event_id), {"p": [], "s": []})[side].append(unit)
        events = []
        for event_id, kind, date, source, note in event_rows:
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


# -- SQLite files ---------------------------------------------------------------------
def _insert_statement(table: str, columns: Sequence[str], rows: int) -> str:
    """``INSERT INTO table (columns) VALUES (?, …), …`` for ``rows`` rows at once."""
    one = "(" + ", ".join("?" for _ in columns) + ")"
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES " + ", ".join([one] * rows)


def _initialise_sqlite(connection: sqlite3.Connection) -> None:
    """Make an empty SQLite database a store of this format (WAL, identified, tables)."""
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("BEGIN IMMEDIATE")
    _stamp_sqlite(connection)
    for statement in create_statements("sqlite"):
        connection.execute(statement)
    connection.executemany("INSERT INTO parindex_meta (key, value) VALUES (?, ?)", meta_rows())
    connection.execute("COMMIT")


def _stamp_sqlite(connection: sqlite3.Connection) -> None:
    """The file header's identity; a first-format store also gets its metadata rows."""
    connection.execute(f"PRAGMA application_id = {sqlite_file.APPLICATION_ID}")
    connection.execute(f"PRAGMA user_version = {STORE_VERSION}")
    exists = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'parindex_meta'"
    ).fetchall()
    if exists:  # a store of the first format, stamped on its first write
        connection.execute("DELETE FROM parindex_meta WHERE key = ?", (LEGACY_KEY,))
        connection.executemany("INSERT INTO parindex_meta (key, value) VALUES (?, ?)", meta_rows())


def _is_legacy_store(path: Path, timeout: float) -> bool:
    """Whether an unidentified SQLite file is a store of the first format (read without
    locking or writing anything beside it)."""
    try:
        connection = sqlite_file.connect_existing(path, timeout, read_only=True)
    except sqlite3.Error:
        return False
    try:
        names = {
            str(row[0])
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if not set(TABLE_NAMES) <= names:
            return False
        rows = connection.execute(
            "SELECT value FROM parindex_meta WHERE key = ?", (LEGACY_KEY,)
        ).fetchall()
        return [str(row[0]) for row in rows] == [LEGACY_VERSION]
    except sqlite3.Error:
        return False
    finally:
        connection.close()


__all__ = [
    "DEFAULT_TIMEOUT",
    "HistoryStore",
    "ResultSetInfo",
    "StoredSet",
    "records_from_results",
]
