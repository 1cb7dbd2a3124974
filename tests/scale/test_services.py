"""The throwaway PostgreSQL and Redis servers from tests/services.py work."""

from __future__ import annotations

import socket
import time

import psycopg
import pytest
import redis

from tests.services import PostgresServer, RedisServer, free_port

pytestmark = pytest.mark.scale


def test_postgres_round_trip(postgres_server: PostgresServer) -> None:
    with psycopg.connect(postgres_server.url, connect_timeout=10) as conn:
        conn.execute("CREATE TABLE panels (id serial PRIMARY KEY, caption text NOT NULL)")
        conn.execute("INSERT INTO panels (caption) VALUES (%s), (%s)", ("To the stars", "…and back ✨"))
        rows = conn.execute("SELECT caption FROM panels ORDER BY id").fetchall()
        conn.rollback()  # leave the database as we found it for other tests
    assert rows == [("To the stars",), ("…and back ✨",)]


def test_postgres_settings(postgres_server: PostgresServer) -> None:
    assert postgres_server.url == f"postgresql://stripstudio@127.0.0.1:{postgres_server.port}/stripstudio"
    with psycopg.connect(postgres_server.url, connect_timeout=10) as conn:
        settings = dict(
            conn.execute(
                "SELECT name, setting FROM pg_settings WHERE name IN "
                "('fsync', 'full_page_writes', 'synchronous_commit', 'max_connections', 'server_encoding')"
            ).fetchall()
        )
        database, user = conn.execute("SELECT current_database(), current_user").fetchone()
    assert settings == {
        "fsync": "off",
        "full_page_writes": "off",
        "synchronous_commit": "off",
        "max_connections": "200",
        "server_encoding": "UTF8",
    }
    assert (database, user) == ("stripstudio", "stripstudio")


def test_postgres_many_connections(postgres_server: PostgresServer) -> None:
    connections = [psycopg.connect(postgres_server.url, connect_timeout=10, autocommit=True) for _ in range(20)]
    try:
        assert {conn.execute("SELECT 1").fetchone()[0] for conn in connections} == {1}
    finally:
        for conn in connections:
            conn.close()


def test_redis_set_get(redis_server: RedisServer) -> None:
    assert redis_server.url == f"redis://127.0.0.1:{redis_server.port}/0"
    client = redis.Redis.from_url(redis_server.url, socket_timeout=10)
    try:
        client.set("stripstudio:test:greeting", "bonjour", ex=60)
        assert client.get("stripstudio:test:greeting") == b"bonjour"
        assert client.config_get("save") == {"save": ""}
        assert client.config_get("appendonly") == {"appendonly": "no"}
    finally:
        client.delete("stripstudio:test:greeting")
        client.close()


def test_redis_pubsub_round_trip(redis_server: RedisServer) -> None:
    client = redis.Redis.from_url(redis_server.url, socket_timeout=10)
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    try:
        pubsub.subscribe("stripstudio:test:jobs")
        assert client.publish("stripstudio:test:jobs", "panel-1 done") == 1
        deadline = time.monotonic() + 10
        message = None
        while message is None and time.monotonic() < deadline:
            message = pubsub.get_message(timeout=1.0)
        assert message is not None, "no message came back within 10 s"
        assert message["channel"] == b"stripstudio:test:jobs"
        assert message["data"] == b"panel-1 done"
    finally:
        pubsub.close()
        client.close()


def test_free_port_is_bindable() -> None:
    port = free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))
