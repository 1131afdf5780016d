"""Store fixtures for the history tests: SQLite always, PostgreSQL when CI provides a server."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from parindex.history import HistoryStore

POSTGRES_ENV = "PARINDEX_TEST_POSTGRES_URL"


def postgres_url() -> Iterator[str]:
    """A URL whose connections use a fresh schema, dropped afterwards."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"{POSTGRES_ENV} is not set: no PostgreSQL server to test against (.ci/run starts one)")
    import psycopg

    schema = f"parindex_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_target(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "history.sqlite")
    else:
        yield from postgres_url()


@pytest.fixture
def store(store_target: str) -> Iterator[HistoryStore]:
    with HistoryStore.open(store_target, create=True) as opened:
        yield opened
