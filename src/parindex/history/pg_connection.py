"""Why a PostgreSQL history store could not be reached, in the reader's words.

psycopg reports a failed connection in libpq's English (``connection to server at
"127.0.0.1", port 1 failed: Connection refused``). An official needs to know which
server and database were tried and what to check; the driver's own text is kept
as the error's technical detail, shown with ``--verbose`` or ``--debug``.
"""

from __future__ import annotations

import re

from parindex.errors import ParIndexError
from parindex.messages import msg

#: libpq's wording of each common failure (lower case), in the order they are tried,
#: with the catalogue reason (``history.pg_reason_*``) said instead.
_REASONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"password authentication failed|no password supplied|password is required"),
        "password",
    ),
    (re.compile(r'role "[^"]*" does not exist'), "role"),
    (re.compile(r'database "[^"]*" does not exist'), "database"),
    (
        re.compile(r"no pg_hba\.conf entry|not permitted to log in|permission denied for database"),
        "refused_login",
    ),
    (
        re.compile(
            r"failed to resolve host|could not translate host name|name or service not known"
        ),
        "host",
    ),
    (re.compile(r"connection refused"), "refused"),
    (re.compile(r"timeout expired|timed out|connection timeout"), "timeout"),
    (re.compile(r"no such file or directory|could not connect to server: no such"), "socket"),
    (re.compile(r"ssl"), "ssl"),
    (re.compile(r"too many connections|remaining connection slots"), "too_many"),
    (re.compile(r"the database system is (starting up|shutting down|in recovery)"), "starting"),
)

#: SQLSTATE codes the server sends back for some of the same failures.
_SQLSTATES = {
    "28P01": "password",
    "28000": "refused_login",
    "3D000": "database",
    "53300": "too_many",
    "57P03": "starting",
}


def reason_key(detail: str, sqlstate: str | None = None) -> str:
    """The catalogue reason for a connection failure (``other`` when not recognised)."""
    if sqlstate and sqlstate in _SQLSTATES:
        return _SQLSTATES[sqlstate]
    lowered = detail.lower()
    for pattern, key in _REASONS:
        if pattern.search(lowered):
            return key
    return "other"


def _target(url: str) -> dict[str, str]:
    """Host, port, database and user of a connection string, with libpq's defaults named."""
    try:
        from psycopg.conninfo import conninfo_to_dict

        parts = {key: str(value) for key, value in conninfo_to_dict(url).items() if value}
    except Exception:  # an unparsable URL: psycopg's own refusal is the detail
        parts = {}
    return parts


def connection_problem(exc: BaseException, url: str, shown: str) -> ParIndexError:
    """A located, translated error for a failed ``psycopg.connect(url)``."""
    detail = " ".join(str(exc).split()) or type(exc).__name__
    parts = _target(url)
    problem = ParIndexError(
        "history.cannot_connect",
        store=shown,
        host=parts.get("host", msg("history.pg_default_host")),
        port=parts.get("port", "5432"),
        database=parts.get("dbname", msg("history.pg_default_database")),
        user=parts.get("user", msg("history.pg_default_user")),
        reason=msg(f"history.pg_reason_{reason_key(detail, getattr(exc, 'sqlstate', None))}"),
    )
    problem.technical = detail
    return problem
