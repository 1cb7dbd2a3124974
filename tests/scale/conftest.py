"""Fixtures for the scaled deployment: real PostgreSQL and Redis servers, one of each per test session.

With pytest-xdist every worker process has its own session, so it starts its own pair of servers
(on free ports, in its own temporary directories).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.services import PostgresServer, RedisServer, start_postgres, start_redis


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``scale`` marker (pyproject.toml's marker list is not ours to edit)."""
    config.addinivalue_line("markers", "scale: tests against real PostgreSQL and Redis servers")


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL server; connect to ``postgres_server.url`` (database ``stripstudio``)."""
    server = start_postgres(tmp_path_factory.mktemp("postgres"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """A throwaway Redis server; connect to ``redis_server.url``."""
    server = start_redis(tmp_path_factory.mktemp("redis"))
    yield server
    server.stop()
