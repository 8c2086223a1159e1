"""Fixtures of the live layer: every store test runs on SQLite and on PostgreSQL, each on a fresh database."""

from __future__ import annotations

import itertools
import os

import pytest

_counter = itertools.count()


def fresh_pg_database(admin_url: str) -> str:
    """Create an empty database on the test server; returns its URL (names are generated here, never typed)."""
    import sqlalchemy as sa

    name = f"ttt_test_{os.getpid()}_{next(_counter)}"
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """A URL of an empty store: a SQLite file, or a new database on the throwaway PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'live.sqlite'}"
    return fresh_pg_database(request.getfixturevalue("postgres_url"))


@pytest.fixture
def store(store_url):
    from ttt_widgets.live import ResponseStore

    s = ResponseStore(store_url)
    yield s
    s.close()


@pytest.fixture
def pg_database_url(postgres_url):
    """A new empty database on the throwaway PostgreSQL server."""
    return fresh_pg_database(postgres_url)
