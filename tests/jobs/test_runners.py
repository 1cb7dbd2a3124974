"""The runner registry: the studio's kinds are registered at start-up, a job of a kind without a
runner fails with a clear error, and the worker goes on with the next job."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from stripstudio.jobs import runners
from stripstudio.jobs.execution import execute_job
from stripstudio.jobs.models import Job
from stripstudio.jobs.runners import Outcome, UnknownJobKind, register_runner, runner_for
from stripstudio.jobs.runtime import JobRuntime
from stripstudio.web.studio.runners.exporting import run_export
from stripstudio.web.studio.runners.generating import run_generation
from stripstudio.web.studio.runners.training import run_training


@pytest.fixture
def runtime(transactional_db) -> JobRuntime:
    return JobRuntime(settings.STRIPSTUDIO)


@pytest.fixture
def owner(transactional_db):
    return get_user_model().objects.create_user("runners")


def test_the_studio_registers_its_runners_when_django_starts():
    assert runner_for(Job.Kind.GENERATE) is run_generation
    assert runner_for(Job.Kind.EXPORT) is run_export
    assert runner_for(Job.Kind.TRAIN) is run_training


def test_an_unknown_kind_names_the_kinds_there_are(monkeypatch):
    monkeypatch.delitem(runners._runners, "train")
    with pytest.raises(UnknownJobKind, match=r"'train'.*export, generate"):
        runner_for("train")


def test_a_job_without_a_runner_fails_with_the_error_kept_and_the_next_job_runs(runtime, owner, monkeypatch):
    monkeypatch.delitem(runners._runners, "train")
    ran = []
    monkeypatch.setitem(runners._runners, "export", lambda *args: ran.append(args[1].pk) or Outcome(lambda: None))
    orphan = Job.objects.create(owner=owner, kind=Job.Kind.TRAIN, request={})
    execute_job(runtime, str(orphan.pk))
    orphan.refresh_from_db()
    assert orphan.status == Job.Status.FAILED
    assert orphan.error_type == "UnknownJobKind" and "'train'" in orphan.error_message

    following = Job.objects.create(owner=owner, kind=Job.Kind.EXPORT, request={"formats": ["pdf"]})
    execute_job(runtime, str(following.pk))
    following.refresh_from_db()
    assert following.status == Job.Status.SUCCEEDED and ran == [following.pk]


def test_registering_again_replaces_the_runner(monkeypatch):
    monkeypatch.setattr(runners, "_runners", dict(runners._runners))
    replacement = lambda *args: Outcome(lambda: None)  # noqa: E731
    register_runner(Job.Kind.EXPORT, replacement)
    assert runner_for(Job.Kind.EXPORT) is replacement
