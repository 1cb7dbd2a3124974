"""A worker warms its engine up for the configured panel sizes before it takes jobs."""

from __future__ import annotations

import pytest
from django.conf import settings

from stripstudio.jobs.runtime import JobRuntime
from stripstudio.jobs.shutdown import StoppingConsumer
from stripstudio.jobs.worker import EmbeddedWorker, run_worker
from tests.waiting import wait_until


class WarmingEngine:
    """An engine that records its warm-ups (and the order of events around them)."""

    name = "warming"

    def __init__(self, log: list) -> None:
        self.log = log

    def warm_up(self, sizes):
        self.log.append(("warm_up", list(sizes)))
        return sizes


def runtime_with(log: list, **changes) -> JobRuntime:
    studio = settings.STRIPSTUDIO.model_copy(update=changes)
    return JobRuntime(studio, lambda s, name: WarmingEngine(log))


@pytest.mark.django_db(transaction=True)
def test_stripstudio_worker_warms_up_with_the_configured_sizes_before_consuming(monkeypatch):
    log: list = []
    runtime = runtime_with(log, warmup_sizes=[(1024, 1024), (832, 1216)])
    monkeypatch.setattr(StoppingConsumer, "run", lambda self: log.append(("consume", None)))
    run_worker(runtime)
    assert log == [("warm_up", [(1024, 1024), (832, 1216)]), ("consume", None)]


def test_no_sizes_means_no_warm_up():
    log: list = []
    assert runtime_with(log, warmup_sizes=[]).warm_up() == []
    assert log == []


def test_an_engine_without_a_warm_up_and_a_failing_warm_up_leave_the_worker_running():
    studio = settings.STRIPSTUDIO.model_copy(update={"warmup_sizes": [(512, 512)]})
    assert JobRuntime(studio, lambda s, name: object()).warm_up() == []  # type: ignore[arg-type,return-value]

    class Failing(WarmingEngine):
        def warm_up(self, sizes):
            raise RuntimeError("out of memory")

    assert JobRuntime(studio, lambda s, name: Failing([])).warm_up() == []


@pytest.mark.django_db(transaction=True)
def test_the_embedded_worker_warms_up_in_the_background_when_asked():
    log: list = []
    runtime = runtime_with(log, warmup_sizes=[(768, 768)])
    worker = EmbeddedWorker(runtime, warm_up=True).start()
    try:
        wait_until(lambda: log, timeout=30, what="the warm-up")
    finally:
        worker.stop()
    assert log == [("warm_up", [(768, 768)])]
    quiet: list = []
    silent = EmbeddedWorker(runtime_with(quiet, warmup_sizes=[(768, 768)])).start()
    silent.stop()
    assert quiet == []
