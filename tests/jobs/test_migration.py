"""Databases made when the Job table belonged to the studio app keep their jobs after the move."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.jobs.job_table_move import check_moved, migrate, old_job


@pytest.mark.django_db(transaction=True)
def test_a_job_of_the_old_studio_table_is_a_job_of_the_jobs_app_after_migrating():
    ids = old_job(connection)
    migrate(connection)
    check_moved(connection, ids)
