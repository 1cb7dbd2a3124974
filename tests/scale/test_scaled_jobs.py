"""The scaled deployment for real: PostgreSQL, Redis, ``stripstudio serve --no-worker`` and three
``stripstudio worker`` processes, five authors submitting 50 generation jobs at once, and one worker
SIGKILLed in the middle of a job.

Every job must end (succeeded, or failed with the reason), the killed job must be retried on another
worker (or failed as WorkerLost once its attempts ran out), and no candidate may be saved twice, as
seen through the API and directly in PostgreSQL. Along the way: the web server's database sessions
stay few (one per request in flight), jobs that merely waited are not sent to the queue again, and
generation jobs go before the export each author asks for in the middle of their submissions.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import psycopg
import pytest
import redis

from tests.scale.studio_processes import StudioProcess, StudioProcesses, free_port, studio_env, wait_until_answers
from tests.services import PostgresServer, RedisServer
from tests.web.conftest import StudioClient

pytestmark = [pytest.mark.scale, pytest.mark.slow]

AUTHORS = 5
PANELS_PER_AUTHOR = 5
JOBS_PER_PANEL = 2  # 5 authors x 5 panels x 2 jobs = 50 jobs
WORKERS = 3
LEASE_SECONDS = 3
SHORT_JOB = {"steps": 2, "candidates": 2}
LONG_JOB = {"steps": 12, "candidates": 2}  # runs a few seconds: long enough to be killed in the middle
LONG_JOB_INDEX = 1  # each author's second job is a long one
EXPORT_AFTER = 3  # each author also asks for an export after their fourth generation job
FINAL = {"succeeded", "failed", "cancelled"}
# A worker's log line for a queue message whose job was already taken or finished: workers log each
# line twice (bare, from Django's LOGGING, and timestamped, from the root handler), so each form is counted.
IDLE_MESSAGES = (
    re.compile(r"^turn of job \S+: no job of its kind is waiting", re.MULTILINE),
    re.compile(r"^\S+ \S+ INFO stripstudio\.jobs\.execution: turn of job \S+: no job", re.MULTILINE),
)
TINY_COMIC = {"title": "Scaled", "generation": {"steps": 2, "width": 64, "height": 64, "candidates": 2, "seed": 3}}


@dataclass
class ScaledStudio:
    """A running scaled studio: its URL, database URL and processes."""

    url: str
    database_url: str
    processes: StudioProcesses
    serve: StudioProcess
    workers: list[StudioProcess]


@pytest.fixture
def scaled_studio(postgres_server: PostgresServer, redis_server: RedisServer, tmp_path: Path) -> Iterator[ScaledStudio]:
    """A fresh database and Redis database, the server (no worker) and three workers; all stopped afterwards."""
    database = f"scaled_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(postgres_server.url, autocommit=True, connect_timeout=10) as conn:
        conn.execute(f'CREATE DATABASE "{database}"')
    redis_url = f"redis://{redis_server.host}:{redis_server.port}/5"
    with redis.Redis.from_url(redis_url) as client:
        client.flushdb()  # the queue and event streams of this test only
    database_url = postgres_server.url_for(database)
    env = studio_env(tmp_path / "data", database_url=database_url, redis_url=redis_url, lease_seconds=LEASE_SECONDS)
    processes = StudioProcesses(tmp_path / "logs", env)
    try:
        port = free_port()
        serve = processes.serve(port)
        url = f"http://127.0.0.1:{port}"
        wait_until_answers(url, serve)  # migrated: workers may start now
        workers = [processes.worker(f"worker-{n}") for n in range(1, WORKERS + 1)]
        yield ScaledStudio(url, database_url, processes, serve, workers)
    finally:
        processes.stop_all()
        with psycopg.connect(postgres_server.url, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture
def clients() -> Iterator[list[StudioClient]]:
    """The author sessions a test opens (it appends them); closed afterwards."""
    opened: list[StudioClient] = []
    yield opened
    for client in opened:
        client.close()


def _author_work(url: str, index: int) -> tuple[StudioClient, list[dict], dict]:
    """Sign up, make a comic with panels and submit this author's jobs; returns (client, jobs, export job)."""
    author = StudioClient(url)
    author.signup(f"author-{index}-{uuid.uuid4().hex[:6]}")
    comic = author.call("POST", "/api/comics", 201, json={**TINY_COMIC, "title": f"Scaled {index}"})
    panels = [
        author.call("POST", f"/api/comics/{comic['id']}/panels", 201, json={"description": f"a robot, take {n}"})
        for n in range(PANELS_PER_AUTHOR)
    ]
    jobs, export = [], None
    for n in range(PANELS_PER_AUTHOR * JOBS_PER_PANEL):
        panel = panels[n % PANELS_PER_AUTHOR]
        body = LONG_JOB if n == LONG_JOB_INDEX else SHORT_JOB
        job = author.call("POST", f"/api/panels/{panel['id']}/generate", 202, json={**body, "previews": False})
        jobs.append({**job, "expected_candidates": body["candidates"], "long": body is LONG_JOB})
        if n == EXPORT_AFTER:  # lower priority than the generation jobs submitted after it
            export = author.call("POST", f"/api/comics/{comic['id']}/exports", 202, json={"formats": ["cbz"]})
    return author, jobs, export


def _running_long_job(database_url: str, worker_pids: set[int]) -> tuple[str, int] | None:
    """A long job some worker is in the middle of (sampling has begun): (job id, worker pid)."""
    with psycopg.connect(database_url, autocommit=True, connect_timeout=10) as conn:
        rows = conn.execute(
            "SELECT id, worker FROM jobs_job WHERE status = 'running' AND kind = 'generate' AND progress > 0 "
            "AND progress < 0.5 AND (request -> 'generation' ->> 'num_inference_steps')::int >= %s",
            (LONG_JOB["steps"],),
        ).fetchall()
    for job_id, worker in rows:
        pid = int(worker.rsplit(":", 2)[1])  # host:pid:thread
        if pid in worker_pids:
            return str(job_id), pid
    return None


def _jobs_held_by(database_url: str, pid: int) -> list[str]:
    """The running jobs whose worker is process ``pid``."""
    with psycopg.connect(database_url, autocommit=True, connect_timeout=10) as conn:
        rows = conn.execute("SELECT id, worker FROM jobs_job WHERE status = 'running'").fetchall()
    return [str(job_id) for job_id, worker in rows if int(worker.rsplit(":", 2)[1]) == pid]


def _database_connections(database_url: str) -> int:
    """How many sessions (other than this one) are connected to the studio's database now."""
    with psycopg.connect(database_url, autocommit=True, connect_timeout=10) as conn:
        query = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        return conn.execute(query).fetchone()[0]


def _final_jobs(
    authors: list[StudioClient], job_ids: set[str], database_url: str, deadline: float
) -> tuple[dict[str, dict], int]:
    """Poll every author's jobs until each is final; returns (job id -> its last state, most database sessions seen)."""
    states: dict[str, dict] = {}
    most_connections = 0
    while True:
        for author in authors:
            for job in author.call("GET", "/api/jobs"):
                states[job["id"]] = job
        most_connections = max(most_connections, _database_connections(database_url))
        pending = [j for j in job_ids if states.get(j, {}).get("status") not in FINAL]
        if not pending:
            return states, most_connections
        assert time.monotonic() < deadline, f"{len(pending)} job(s) still not final: {[states.get(j) for j in pending]}"
        time.sleep(0.5)


def _priority_inversions(states: dict[str, dict], generation: set[str], exports: list[str]) -> tuple[int, int]:
    """(inversions, pairs): generation jobs that were waiting when an export started, yet started after it.

    Only pairs the timing decides are counted: a generation job created after the export and more
    than a second before the export started (so its message was queued when the export's was taken).
    """
    inversions = pairs = 0
    for export_id in exports:
        export = states[export_id]
        export_started = datetime.fromisoformat(export["started_at"])
        for job_id in generation:
            job = states[job_id]
            created = datetime.fromisoformat(job["created_at"])
            if datetime.fromisoformat(export["created_at"]) < created < export_started - timedelta(seconds=1):
                pairs += 1
                inversions += datetime.fromisoformat(job["started_at"]) > export_started + timedelta(seconds=1)
    return inversions, pairs


def _mean_run_seconds(states: dict[str, dict], job_ids: list[str]) -> float:
    """The mean time from claim to end of the last attempt of these jobs."""
    spans = [
        datetime.fromisoformat(states[j]["finished_at"]) - datetime.fromisoformat(states[j]["started_at"])
        for j in job_ids
    ]
    return sum(span.total_seconds() for span in spans) / len(spans)


def test_fifty_jobs_three_workers_one_killed(scaled_studio: ScaledStudio, clients: list[StudioClient]) -> None:
    studio = scaled_studio
    started = time.monotonic()
    with ThreadPoolExecutor(AUTHORS) as pool:
        submitted = list(pool.map(lambda i: _author_work(studio.url, i), range(AUTHORS)))
    authors = [author for author, _, _ in submitted]
    clients.extend(authors)
    jobs = {job["id"]: (index, job) for index, (_, author_jobs, _) in enumerate(submitted) for job in author_jobs}
    exports = [export["id"] for _, _, export in submitted]
    assert len(jobs) == AUTHORS * PANELS_PER_AUTHOR * JOBS_PER_PANEL == 50
    submit_seconds = time.monotonic() - started

    # Kill a worker in the middle of a long job, then start a replacement.
    worker_pids = {w.pid for w in studio.workers}
    deadline = time.monotonic() + 90
    victim = None
    while victim is None:
        assert time.monotonic() < deadline, "no worker ever ran a long job\n" + studio.processes.logs()
        dead = [w.name for w in studio.workers if not w.running]
        assert not dead, f"{dead} exited on their own\n{studio.processes.logs()}"
        victim = _running_long_job(studio.database_url, worker_pids)
        time.sleep(0.05)
    killed_job, killed_pid = victim
    studio.processes.by_pid(killed_pid).kill()
    killed_at = time.monotonic()
    # What the dead worker held when it died (its row cannot change before the lease runs out).
    held = _jobs_held_by(studio.database_url, killed_pid)
    assert held, f"worker {killed_pid} finished job {killed_job} and held nothing when it was killed"
    killed_job = killed_job if killed_job in held else held[0]
    studio.processes.worker(f"worker-{WORKERS + 1}")

    try:
        states, most_connections = _final_jobs(
            authors, set(jobs) | set(exports), studio.database_url, deadline=time.monotonic() + 120
        )
    except AssertionError as error:
        raise AssertionError(f"{error}\n{studio.processes.logs()}") from None
    finished = time.monotonic()

    # Every job ended: succeeded, or failed saying why. None was lost.
    by_status: dict[str, int] = {}
    for job_id in jobs:
        state = states[job_id]
        by_status[state["status"]] = by_status.get(state["status"], 0) + 1
        assert state["status"] in ("succeeded", "failed"), state
        if state["status"] == "failed":
            assert state["error_type"] and state["error_message"], state
    for export_id in exports:  # it ran once its panels had candidates, or failed saying what was missing
        export = states[export_id]
        assert export["status"] == "succeeded" or (export["status"] == "failed" and export["error_type"]), export
    killed = states[killed_job]
    assert killed["attempts"] >= 2 or killed["error_type"] == "WorkerLost", killed
    assert killed["status"] == "succeeded" or killed["error_type"] == "WorkerLost", killed

    # No candidate twice, as the API shows it: per job, distinct candidates, all of them or none.
    for index, job in jobs.values():
        author = authors[index]
        images = [i for i in author.call("GET", f"/api/panels/{job['panel_id']}/images") if i["job_id"] == job["id"]]
        candidates = [i["candidate"] for i in images]
        assert len(candidates) == len(set(candidates)), (job["id"], candidates)
        expected = job["expected_candidates"] if states[job["id"]]["status"] == "succeeded" else 0
        assert sorted(candidates) == list(range(expected)), (states[job["id"]], candidates)
        if expected:  # the job's own list of drawn files: this attempt's, once each
            assert sorted(r["candidate"] for r in states[job["id"]]["results"]) == list(range(expected))

    # ... and as PostgreSQL holds it.
    with psycopg.connect(studio.database_url, autocommit=True, connect_timeout=10) as conn:
        duplicates = conn.execute(
            "SELECT job_id, candidate, count(*) FROM studio_generatedimage "
            "GROUP BY job_id, candidate HAVING count(*) > 1"
        ).fetchall()
        per_job = dict(conn.execute("SELECT job_id::text, count(*) FROM studio_generatedimage GROUP BY job_id"))
        rows = {
            str(job_id): (status, worker)
            for job_id, status, worker in conn.execute("SELECT id, status, worker FROM jobs_job")
        }
    assert duplicates == []
    for job_id, (_index, job) in jobs.items():
        expected = job["expected_candidates"] if states[job_id]["status"] == "succeeded" else 0
        assert per_job.get(job_id, 0) == expected, (job_id, states[job_id], per_job.get(job_id))
    assert set(rows) == set(jobs) | set(exports)
    assert all(status in ("succeeded", "failed") for status, _ in rows.values())
    if killed["status"] == "succeeded":  # another worker finished it
        assert f":{killed_pid}:" not in rows[killed_job][1], rows[killed_job]

    # The web server closes each request's database connection; workers keep one or two each.
    assert most_connections <= 30, f"{most_connections} sessions on the database"
    # Jobs that only waited for a busy worker were not sent again (every message but one per job is waste).
    logs = [p.log_path.read_text(errors="replace") for p in studio.processes.processes]
    idle_messages = max(sum(len(pattern.findall(log)) for log in logs) for pattern in IDLE_MESSAGES)
    assert idle_messages <= 10, f"{idle_messages} queue messages for jobs already taken or finished"
    # Generation outranks exports: what was queued when an export was taken had started before it.
    inversions, pairs = _priority_inversions(states, set(jobs) - {killed_job}, exports)
    assert inversions <= max(WORKERS, pairs // 10), f"{inversions} of {pairs} generation jobs started after an export"

    long_jobs = [job_id for job_id, (_, job) in jobs.items() if job["long"]]
    short_jobs = [job_id for job_id in jobs if job_id not in long_jobs]
    print(
        f"\nrun time on average: short jobs {_mean_run_seconds(states, short_jobs):.2f} s, "
        f"long jobs {_mean_run_seconds(states, long_jobs):.2f} s"
    )
    print(
        f"50 jobs: {by_status}; submitted in {submit_seconds:.1f} s, all final {finished - started:.1f} s after "
        f"the first submit; worker {killed_pid} killed on job {killed_job} (attempts {killed['attempts']}, "
        f"{killed['status']}) {killed_at - started:.1f} s in; at most {most_connections} database sessions; "
        f"{idle_messages} idle queue messages; priority: {inversions} inversions in {pairs} pairs"
    )
