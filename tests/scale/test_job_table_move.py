"""The Job table's move to the jobs app on PostgreSQL: an old database keeps its jobs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

pytestmark = pytest.mark.scale
ROOT = Path(__file__).resolve().parents[2]


def test_a_postgres_database_from_before_the_move_keeps_its_jobs(postgres_server):
    with psycopg.connect(postgres_server.url, autocommit=True) as conn:
        conn.execute("CREATE DATABASE job_table_move")
    url = postgres_server.url_for("job_table_move")
    run = subprocess.run(
        [sys.executable, "-m", "tests.jobs.job_table_move", url], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "the job survived the move" in run.stdout
