"""A PostgreSQL store that cannot be reached is named with its host, port, database and
user and a reason in the reader's language; the driver's English only with --verbose."""

from __future__ import annotations

import os
import socket
from urllib.parse import urlsplit, urlunsplit

import pytest

from parindex.cli import main
from parindex.history.pg_connection import reason_key

pytest.importorskip("psycopg")

LIBPQ_SAYS = {
    'connection to server at "127.0.0.1", port 1 failed: Connection refused': "refused",
    "failed to resolve host 'x.invalid': [Errno -2] Name or service not known": "host",
    'connection failed: FATAL:  password authentication failed for user "u"': "password",
    'connection failed: FATAL:  database "nope" does not exist': "database",
    'connection failed: FATAL:  role "nobody" does not exist': "role",
    'FATAL:  no pg_hba.conf entry for host "10.0.0.2", user "u", database "d"': "refused_login",
    "connection timeout expired": "timeout",
    'socket "/run/postgresql/.s.PGSQL.5432" failed: No such file or directory': "socket",
    "received invalid response to SSL negotiation: H": "ssl",
    "FATAL:  sorry, too many clients already; remaining connection slots are reserved": "too_many",
    "FATAL:  the database system is starting up": "starting",
    "something nobody has seen before": "other",
}


@pytest.mark.parametrize(("said", "reason"), sorted(LIBPQ_SAYS.items()))
def test_each_libpq_failure_has_its_reason(said: str, reason: str) -> None:
    assert reason_key(said) == reason


def test_sqlstate_wins_over_the_words() -> None:
    assert reason_key("anything", "3D000") == "database"
    assert reason_key("anything", "28P01") == "password"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_refused_connection_is_named_in_vietnamese_without_driver_text(
    capsys: pytest.CaptureFixture[str],
) -> None:
    port = _closed_port()
    url = f"postgresql://nobody:secret@127.0.0.1:{port}/kho"
    assert main(["history", "list", "--store", url]) == 2
    err = capsys.readouterr().err
    assert "không kết nối được kho lịch sử PostgreSQL" in err
    assert f"máy chủ 127.0.0.1, cổng {port}, cơ sở dữ liệu kho, người dùng nobody" in err
    assert "máy chủ từ chối kết nối" in err
    assert "Connection refused" not in err and "secret" not in err
    assert "Traceback" not in err


def test_driver_text_only_with_verbose(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"postgresql://nobody:secret@127.0.0.1:{_closed_port()}/kho"
    assert main(["history", "list", "--store", url, "--verbose", "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "the connection was refused" in err
    assert "technical detail:" in err and "Connection refused" in err
    assert "secret" not in err


def _server_url() -> str:
    url = os.environ.get("PARINDEX_TEST_POSTGRES_URL")
    if not url:
        pytest.skip(
            "PARINDEX_TEST_POSTGRES_URL is not set: no PostgreSQL server (.ci/run starts one)"
        )
    return url


def _with(url: str, *, user: str | None = None, database: str | None = None) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc if user is None else f"{user}@{parts.netloc.rpartition('@')[2]}"
    path = parts.path if database is None else f"/{database}"
    return urlunsplit((parts.scheme, netloc, path, parts.query, parts.fragment))


def test_missing_database_on_a_live_server(capsys: pytest.CaptureFixture[str]) -> None:
    url = _with(_server_url(), database="khong_co_csdl_nay")
    assert main(["history", "list", "--store", url]) == 2
    err = capsys.readouterr().err
    assert "cơ sở dữ liệu khong_co_csdl_nay" in err
    assert "máy chủ không có cơ sở dữ liệu này" in err


def test_missing_user_on_a_live_server(capsys: pytest.CaptureFixture[str]) -> None:
    url = _with(_server_url(), user="khong_co_nguoi_nay")
    assert main(["history", "list", "--store", url, "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "user khong_co_nguoi_nay" in err
    assert "the server has no such user" in err
