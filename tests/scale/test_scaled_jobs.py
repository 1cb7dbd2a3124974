"""The scaled deployment for real: PostgreSQL, Redis, ``stripstudio serve --no-worker`` and three
``stripstudio worker`` processes, five authors submitting 50 generation jobs at once, and one worker
SIGKILLed in the middle of a job.

Every job must succeed (none of them is broken), the killed job must succeed on its retry on another
worker, and every image must be stored exactly once: one row per candidate, as seen through the API and
directly in PostgreSQL, each row's file on disk with the bytes its name promises, and no stored file
that no row names. Along the way: the web server's database sessions stay few (one per request in
flight), jobs that merely waited are not sent to the queue again, and generation jobs go before the
export each author asks for in the middle of their submissions.
"""

from __future__ import annotations

import re
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import psycopg
import pytest
import redis

from stripstudio.jobs.models import Job
from stripstudio.web.studio.models import Asset, Export, GeneratedImage
from tests.scale.stored_files import stored_file_problems
from tests.scale.studio_processes import StudioProcess, StudioProcesses, free_port, studio_env, wait_until_answers
from tests.services import PostgresServer, RedisServer
from tests.waiting import wait_until
from tests.web.conftest import StudioClient

pytestmark = [pytest.mark.scale, pytest.mark.slow]

AUTHORS = 5
PANELS_PER_AUTHOR = 5
JOBS_PER_PANEL = 2  # 5 authors x 5 panels x 2 jobs = 50 jobs
WORKERS = 3
LEASE_SECONDS = 3
SHORT_JOB = {"steps": 2, "candidates": 2}
LONG_JOB = {"steps": 40, "candidates": 2}  # runs a few seconds: long enough to be killed in the middle
LONG_JOB_INDEX = 1  # each author's second job is a long one
EXPORT_AFTER = 3  # each author also asks for an export after their fourth generation job
FINAL = {"succeeded", "failed", "cancelled"}
# A worker's log line for a queue message whose job was already taken or finished: workers log each
# line twice (bare, from Django's LOGGING, and timestamped, from the root handler), so each form is counted.
IDLE_MESSAGES = (
    re.compile(r"^turn of job \S+: no job of its kind is waiting", re.MULTILINE),
    re.compile(r"^\S+ \S+ INFO stripstudio\.jobs\.execution: turn of job \S+: no job", re.MULTILINE),
)
BATCHES = re.compile(r"^running (\d+) generate jobs together", re.MULTILINE)  # jobs drawn in one batch
TINY_COMIC = {"title": "Scaled", "generation": {"steps": 2, "width": 64, "height": 64, "candidates": 2, "seed": 3}}


@dataclass
class ScaledStudio:
    """A running scaled studio: its URL, database URL and processes."""

    url: str
    database_url: str
    files_dir: Path
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
    data_dir = tmp_path / "data"
    env = studio_env(data_dir, database_url=database_url, redis_url=redis_url, lease_seconds=LEASE_SECONDS)
    processes = StudioProcesses(tmp_path / "logs", env)
    try:
        port = free_port()
        serve = processes.serve(port)
        url = f"http://127.0.0.1:{port}"
        wait_until_answers(url, serve)  # migrated: workers may start now
        workers = [processes.worker(f"worker-{n}") for n in range(1, WORKERS + 1)]
        yield ScaledStudio(url, database_url, data_dir / "files", processes, serve, workers)
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
            # An export is only taken once a panel has a picture; the others are left out until they have one.
            first_pictures = f"/api/panels/{panels[0]['id']}/images"
            wait_until(lambda url=first_pictures: author.call("GET", url), 120, "the first picture")
            export = author.call(
                "POST", f"/api/comics/{comic['id']}/exports", 202, json={"formats": ["cbz"], "skip_unfinished": True}
            )
    return author, jobs, export


def _running_long_job(database_url: str, worker_pids: set[int]) -> tuple[str, int] | None:
    """A long job some worker is in the middle of (sampling has begun): (job id, worker pid)."""
    with psycopg.connect(database_url, autocommit=True, connect_timeout=10) as conn:
        rows = conn.execute(
            f"SELECT id, worker FROM {Job._meta.db_table} WHERE status = 'running' AND kind = 'generate' "
            "AND progress > 0 "
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
        rows = conn.execute(f"SELECT id, worker FROM {Job._meta.db_table} WHERE status = 'running'").fetchall()
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


def _stored_rows(database_url: str) -> tuple[dict[str, str], list[tuple[str, int, str]], list[str]]:
    """(job id -> worker, image rows as (job id, candidate, file), every other file a row names)."""
    jobs, images = Job._meta.db_table, GeneratedImage._meta.db_table
    with psycopg.connect(database_url, autocommit=True, connect_timeout=10) as conn:
        job_rows = conn.execute(f"SELECT id::text, worker, results FROM {jobs}").fetchall()
        image_rows = conn.execute(f"SELECT job_id::text, candidate, file FROM {images}").fetchall()
        other_files = [
            name
            for model in (Export, Asset)
            for (name,) in conn.execute(f"SELECT file FROM {model._meta.db_table}").fetchall()
        ]
    other_files += [entry["file"] for _, _, results in job_rows for entry in results]
    return {job_id: worker for job_id, worker, _ in job_rows}, image_rows, other_files


def _export_ended_well(export: dict) -> bool:
    """Succeeded, or refused because it was taken before a panel had its first picture (it names the panel)."""
    if export["status"] == "succeeded":
        return True
    return export["error_type"] == "ExportError" and "has no picture yet" in export["error_message"]


def _report(*sections: tuple[str, list]) -> str:
    """A failure message: each non-empty section's count and its first few entries."""
    lines = []
    for title, entries in sections:
        if entries:
            lines.append(f"{len(entries)} {title}:")
            lines += [f"  {entry}" for entry in entries[:8]]
    return "\n".join(lines) + "\n"


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


def _kill_a_worker_mid_long_job(studio: ScaledStudio, within_seconds: float) -> tuple[str, int, float]:
    """Wait for a worker to be in the middle of a long job and SIGKILL it; start a replacement.

    Returns (the job it held, its pid, when it was killed). Runs beside the authors' submissions:
    a long job may start, and end, before the last author has submitted.
    """
    worker_pids = {w.pid for w in studio.workers}
    deadline = time.monotonic() + within_seconds
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
    studio.processes.worker(f"worker-{WORKERS + 1}")
    return (killed_job if killed_job in held else held[0]), killed_pid, killed_at


def test_fifty_jobs_three_workers_one_killed(scaled_studio: ScaledStudio, clients: list[StudioClient]) -> None:
    studio = scaled_studio
    started = time.monotonic()
    with ThreadPoolExecutor(1) as watcher:
        kill = watcher.submit(_kill_a_worker_mid_long_job, studio, 120)
        with ThreadPoolExecutor(AUTHORS) as pool:
            submitted = list(pool.map(lambda i: _author_work(studio.url, i), range(AUTHORS)))
        submit_seconds = time.monotonic() - started
        killed_job, killed_pid, killed_at = kill.result()
    authors = [author for author, _, _ in submitted]
    clients.extend(authors)
    jobs = {job["id"]: (index, job) for index, (_, author_jobs, _) in enumerate(submitted) for job in author_jobs}
    exports = [export["id"] for _, _, export in submitted]
    assert len(jobs) == AUTHORS * PANELS_PER_AUTHOR * JOBS_PER_PANEL == 50

    try:
        states, most_connections = _final_jobs(
            authors, set(jobs) | set(exports), studio.database_url, deadline=time.monotonic() + 120
        )
    except AssertionError as error:
        raise AssertionError(f"{error}\n{studio.processes.logs()}") from None
    finished = time.monotonic()

    # Every generation job succeeded (none is broken), the killed one on its retry by another worker.
    # An export succeeded, or ran before its author's last panel had a picture and said so.
    by_status = Counter(states[job_id]["status"] for job_id in jobs)
    unsuccessful = [states[job_id] for job_id in jobs if states[job_id]["status"] != "succeeded"]
    unsuccessful += [states[job_id] for job_id in exports if not _export_ended_well(states[job_id])]
    killed = states[killed_job]

    # No candidate twice, as the API shows it: per job, each candidate once.
    api_problems = []
    for index, job in jobs.values():
        images = [
            i for i in authors[index].call("GET", f"/api/panels/{job['panel_id']}/images") if i["job_id"] == job["id"]
        ]
        candidates = sorted(i["candidate"] for i in images)
        drawn = sorted(r["candidate"] for r in states[job["id"]]["results"])  # the job's own list of drawn files
        if not candidates == drawn == list(range(job["expected_candidates"])):
            api_problems.append(f"job {job['id']}: images {candidates}, drawn {drawn}")

    # ... and as PostgreSQL and the disk hold it: each image row's file there once, nothing left over.
    rows, image_rows, other_files = _stored_rows(studio.database_url)
    file_problems = stored_file_problems(studio.files_dir, image_rows, other_files)
    per_job = Counter(job_id for job_id, _, _ in image_rows)
    count_problems = [
        f"job {job_id}: {per_job[job_id]} image rows"
        for job_id, (_, job) in jobs.items()
        if per_job[job_id] != job["expected_candidates"]
    ]
    assert not (unsuccessful or api_problems or file_problems or count_problems), (
        _report(
            ("jobs that did not succeed", unsuccessful),
            ("candidates as the API shows them", api_problems),
            ("stored files", file_problems),
            ("image rows", count_problems),
        )
        + studio.processes.logs()
    )
    assert set(rows) == set(jobs) | set(exports)
    assert killed["status"] == "succeeded" and killed["attempts"] >= 2, killed
    assert f":{killed_pid}:" not in rows[killed_job], (killed_pid, rows[killed_job])

    # The web server closes each request's database connection; workers keep one or two each.
    assert most_connections <= 30, f"{most_connections} sessions on the database"
    # Jobs that only waited for a busy worker were not sent again (every message but one per job is waste).
    # A job drawn in another job's batch leaves its own message behind, which then finds nothing to do.
    logs = [p.log_path.read_text(errors="replace") for p in studio.processes.processes]
    idle_messages = max(sum(len(pattern.findall(log)) for log in logs) for pattern in IDLE_MESSAGES)
    companions = sum(int(size) - 1 for log in logs for size in BATCHES.findall(log))
    assert idle_messages <= 10 + companions, f"{idle_messages} queue messages for jobs already taken or finished"
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
