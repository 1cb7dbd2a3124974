"""The embedded studio survives ``kill -9``: ``stripstudio serve`` (SQLite and its in-process worker)
is killed in the middle of a job and started again on the same data folder, with the settings' default
job lease (the restarted server takes back at once what its dead predecessor was running).

Every job submitted before the crash must then succeed (the one that was running on its retry), every
image must be stored exactly once (one row per candidate, its file on disk, nothing left over), and
both SQLite databases (the studio's and the queue's) must pass ``PRAGMA integrity_check``.
No PostgreSQL or Redis is involved.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from stripstudio.jobs.models import Job
from stripstudio.web.studio.models import Asset, Export, GeneratedImage
from tests.scale.stored_files import stored_file_problems
from tests.scale.studio_processes import StudioProcess, StudioProcesses, free_port, studio_env, wait_until_answers
from tests.web.conftest import StudioClient

pytestmark = pytest.mark.slow

COMIC = {"title": "Restarted", "generation": {"steps": 2, "width": 64, "height": 64, "candidates": 2, "seed": 5}}
LONG_JOB = {"steps": 24, "candidates": 2, "previews": False}  # first in line: running when the server is killed
SHORT_JOB = {"steps": 2, "candidates": 2, "previews": False}
SHORT_JOBS = 4
FINAL = {"succeeded", "failed", "cancelled"}


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[StudioProcesses]:
    """The studio processes of one test, on one data folder; all stopped afterwards."""
    started = StudioProcesses(tmp_path / "logs", studio_env(tmp_path / "data"))  # the default lease
    yield started
    started.stop_all()


def _serve(processes: StudioProcesses, name: str) -> tuple[StudioProcess, str]:
    """``stripstudio serve`` with its in-process worker, answering; returns (process, URL)."""
    port = free_port()
    serve = processes.serve(port, worker=True, name=name)
    url = f"http://127.0.0.1:{port}"
    wait_until_answers(url, serve)
    return serve, url


def _wait_for(condition, what: str, processes: StudioProcesses, timeout: float):
    """Poll ``condition()`` until it returns something truthy; fails with the logs after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        assert time.monotonic() < deadline, f"{what} within {timeout:.0f} s\n{processes.logs()}"
        time.sleep(0.05)
    return result


def _sqlite_rows(database: Path, query: str) -> list[tuple]:
    with closing(sqlite3.connect(database, timeout=30)) as conn:
        return conn.execute(query).fetchall()


def test_killed_server_restarts_and_finishes_every_job(processes: StudioProcesses, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    studio_db, queue_db = data_dir / "studio.sqlite3", data_dir / "queue.sqlite3"
    first, url = _serve(processes, "serve-1")
    author = StudioClient(url)
    try:
        author.signup()
        comic = author.call("POST", "/api/comics", 201, json=COMIC)
        panels = [
            author.call("POST", f"/api/comics/{comic['id']}/panels", 201, json={"description": f"a lighthouse, {n}"})
            for n in range(3)
        ]
        bodies = [LONG_JOB] + [SHORT_JOB] * SHORT_JOBS
        jobs = [
            author.call("POST", f"/api/panels/{panels[n % len(panels)]['id']}/generate", 202, json=body)
            for n, body in enumerate(bodies)
        ]
        long_job = jobs[0]["id"]

        def sampling() -> bool:
            job = author.call("GET", f"/api/jobs/{long_job}")
            assert job["status"] in ("queued", "running"), job
            return job["status"] == "running" and job["progress"] > 0

        _wait_for(sampling, "the long job never started sampling", processes, timeout=120)
        first.kill()
        assert not first.running
        query = f"SELECT status, attempts FROM {Job._meta.db_table} WHERE id = '{_hex(long_job)}'"
        (held,) = _sqlite_rows(studio_db, query)
        assert held == ("running", 1), f"the long job was not in the middle of its first attempt when killed: {held}"
        _assert_intact(studio_db, queue_db)  # as the crash left them

        second, url = _serve(processes, "serve-2")
        author.http.base_url = url  # the same session: it lives in the studio's database
        ids = {job["id"] for job in jobs}

        def all_final() -> dict[str, dict] | None:
            states = {job["id"]: job for job in author.call("GET", "/api/jobs") if job["id"] in ids}
            return states if all(state["status"] in FINAL for state in states.values()) else None

        states = _wait_for(all_final, "not every job ended after the restart", processes, timeout=180)
        assert second.running, second.log_tail()
    finally:
        author.close()

    not_succeeded = [state for state in states.values() if state["status"] != "succeeded"]
    assert not not_succeeded, f"{not_succeeded}\n{processes.logs()}"
    assert states[long_job]["attempts"] >= 2, states[long_job]  # it succeeded on a retry
    for job in jobs:  # each job's candidates are the panel's images, once each
        drawn = sorted(result["candidate"] for result in states[job["id"]]["results"])
        assert drawn == list(range(2)), states[job["id"]]

    processes.stop_all()  # the databases are checked at rest
    (worker,) = _sqlite_rows(studio_db, f"SELECT worker FROM {Job._meta.db_table} WHERE id = '{_hex(long_job)}'")
    assert worker[0].split(":")[1] == str(second.pid), (worker, first.pid, second.pid)  # host:pid:thread
    image_rows = _sqlite_rows(studio_db, f"SELECT job_id, candidate, file FROM {GeneratedImage._meta.db_table}")
    assert sorted((job_id, candidate) for job_id, candidate, _ in image_rows) == sorted(
        (_hex(job["id"]), candidate) for job in jobs for candidate in range(2)
    )
    other_files = [name for model in (Export, Asset) for (name,) in _sqlite_rows(studio_db, _files_of(model))]
    assert stored_file_problems(data_dir / "files", image_rows, other_files) == []
    _assert_intact(studio_db, queue_db)


def _assert_intact(*databases: Path) -> None:
    """``PRAGMA integrity_check`` finds nothing wrong in any of these SQLite databases."""
    for database in databases:
        assert _sqlite_rows(database, "PRAGMA integrity_check") == [("ok",)], database


def _hex(job_id: str) -> str:
    """A job id as SQLite stores it (32 hex digits, no dashes)."""
    return job_id.replace("-", "")


def _files_of(model) -> str:
    return f"SELECT file FROM {model._meta.db_table}"
