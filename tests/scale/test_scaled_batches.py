"""Cross-author batching on the scaled deployment: PostgreSQL, Redis, ``serve --no-worker`` and one
``stripstudio worker``. Four authors' compatible jobs queued before the worker starts are drawn in one
batch; each job ends with its own candidates and its own event stream, and a job of other settings
is drawn apart."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import redis

from tests.scale.studio_processes import StudioProcesses, free_port, studio_env, wait_until_answers
from tests.services import PostgresServer, RedisServer
from tests.waiting import wait_until
from tests.web.conftest import StudioClient

pytestmark = [pytest.mark.scale, pytest.mark.slow]

GENERATION = {"steps": 2, "width": 64, "height": 64, "candidates": 2}
FINAL = {"succeeded", "failed", "cancelled"}


@pytest.fixture
def studio(postgres_server: PostgresServer, redis_server: RedisServer, tmp_path: Path) -> Iterator[tuple]:
    """A fresh database and Redis database and the server without workers; yields (url, processes)."""
    database = f"batches_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(postgres_server.url, autocommit=True, connect_timeout=10) as conn:
        conn.execute(f'CREATE DATABASE "{database}"')
    redis_url = f"redis://{redis_server.host}:{redis_server.port}/6"
    with redis.Redis.from_url(redis_url) as client:
        client.flushdb()
    env = studio_env(
        tmp_path / "data", database_url=postgres_server.url_for(database), redis_url=redis_url, lease_seconds=5
    )
    processes = StudioProcesses(tmp_path / "logs", env)
    try:
        port = free_port()
        serve = processes.serve(port)
        url = f"http://127.0.0.1:{port}"
        wait_until_answers(url, serve)
        yield url, processes
    finally:
        processes.stop_all()
        with psycopg.connect(postgres_server.url, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def queue_panel(url: str, index: int, generation: dict) -> tuple[StudioClient, dict]:
    author = StudioClient(url)
    author.signup(f"batch-{index}-{uuid.uuid4().hex[:6]}")
    comic = author.call("POST", "/api/comics", 201, json={"title": f"B{index}", "generation": generation})
    panel = author.call("POST", f"/api/comics/{comic['id']}/panels", 201, json={"description": f"a robot {index}"})
    job = author.call("POST", f"/api/panels/{panel['id']}/generate", 202, json={"previews": False})
    return author, job


def test_a_worker_draws_compatible_jobs_of_four_authors_in_one_batch(studio):
    url, processes = studio
    queued = [queue_panel(url, index, GENERATION) for index in range(4)]
    other = queue_panel(url, 9, {**GENERATION, "steps": 3})  # other steps: drawn apart
    worker = processes.worker("worker-1")
    try:
        for author, job in [*queued, other]:
            wait_until(lambda a=author, j=job: a.call("GET", f"/api/jobs/{j['id']}")["status"] in FINAL, timeout=240)
        log = worker.log_path.read_text(errors="replace")
        batches = [int(size) for size in re.findall(r"^running (\d+) generate jobs together", log, re.MULTILINE)]
        assert batches == [4], log[-3000:]
        first_seeds = set()
        for author, job in queued:
            final = author.call("GET", f"/api/jobs/{job['id']}")
            assert final["status"] == "succeeded", final
            events = author.events(job["events_url"])
            images = [event for event in events if event["type"] == "image"]
            seed = images[0]["data"]["seed"]
            assert [(e["candidate"], e["data"]["seed"]) for e in images] == [(0, seed), (1, (seed + 1) % 2**32)]
            assert events[-1]["type"] == "succeeded"
            first_seeds.add(seed)
        assert len(first_seeds) == 4  # each job drew its own candidates
        author, job = other
        assert author.call("GET", f"/api/jobs/{job['id']}")["status"] == "succeeded"
    finally:
        for author, _ in [*queued, other]:
            author.close()
