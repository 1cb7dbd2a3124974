"""Schemathesis against the studio's own OpenAPI schema: well over a thousand generated requests, valid
and invalid, each with a signed-in author's session and CSRF token; none may be answered with a server
error, and every operation of the schema is fuzzed.

The requests go to the Django ASGI application in this process (the one uvicorn serves). The author
owns a small comic built first (comic, character with a reference image, panels with and without a
sketch and picked image, bubble, image and model uploads, a generation job with candidates, an export),
and generated ids are often swapped for those objects' ids, so requests get past the owner check into
the code that reads bodies. Signing up, in and out would end the author's session: those operations get
a fresh session of a second author for each request instead.

The jobs that fuzzed requests queue really run, on an in-process worker: generation on the fake engine
(drawing at most 64 x 64 pixels, whatever size was asked), exports through the real lettering, layout
and export code. Each must end (succeeded, or failed or cancelled with its reason on the row) and the
worker must still run a job afterwards. Event streams are plain Django views, not in the schema, so
nothing here can wait on one.

``STRIPSTUDIO_FUZZ_EXAMPLES`` raises the number of examples per operation for a longer hunt. What the
fuzzer found is kept as quick, explicit cases at the end of this file.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import schemathesis
from django.conf import settings
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from stripstudio.jobs.models import Job
from stripstudio.jobs.runtime import JobRuntime, install_runtime
from stripstudio.jobs.worker import EmbeddedWorker
from tests.web.fuzz_author import (
    SCRIPT,
    SPARE_AUTHOR,
    Author,
    BoundedFakeEngine,
    build_objects,
    final_jobs,
    named,
    spare_session,
    succeeded,
    with_real_ids,
)

EXAMPLES_PER_MODE = int(os.environ.get("STRIPSTUDIO_FUZZ_EXAMPLES", "14"))  # per operation, valid and invalid each
MIN_REQUESTS = 1000
# The errors a job may end with on fuzzed input: each names what is wrong and the fix. Any other
# (a KeyError, a TypeError...) is a bug the input found.
EXPLAINED_ERRORS = {"ExportError", "LayoutError", "LetteringError", "InvalidRequest", "ModelNotFound"}
EXPORTS = "POST /api/comics/{comic_id}/exports"
# An export letters and lays out every panel of the fuzzed comic (a second or more each): fewer of them.
EXAMPLES = {EXPORTS: max(1, EXAMPLES_PER_MODE // 2)}
AUTH_OPERATIONS = ("/api/auth/signup", "/api/auth/login", "/api/auth/logout")  # would end the author's session
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def fake_worker(transactional_db, tmp_path) -> Iterator[JobRuntime]:
    """A job runtime (its queue in this test's folder) with an in-process worker on the bounded fake engine."""
    engine = BoundedFakeEngine()
    studio = settings.STRIPSTUDIO.model_copy(update={"data_dir": tmp_path / "queue"})
    runtime = install_runtime(JobRuntime(studio, engine_factory=lambda _settings, _name: engine))
    worker = EmbeddedWorker(runtime).start()
    yield runtime
    worker.stop()


@pytest.fixture
def fuzz_author(fake_worker) -> Author:
    """A signed-in author with a comic full of objects (its jobs run), and a spare author to sign in as."""
    author = Author()
    build_objects(author)
    Author(SPARE_AUTHOR)
    return author


READS, CHANGES, JOBS, DELETES = range(4)
JOB_ROUTES = ("/generate", "/generate-all", "/sheet", "/exports")  # POSTed, these queue jobs


def phase(operation) -> int:
    """Reads first (on the objects as built), then changes, then what queues jobs, then deletes."""
    method = operation.method.upper()
    if method == "POST" and operation.path.endswith(JOB_ROUTES):
        return JOBS
    return {"GET": READS, "DELETE": DELETES}.get(method, CHANGES)


def order(operation) -> tuple[int, bool]:
    """By phase, the comic's own operations last within each."""
    return (phase(operation), "{comic_id}" in operation.path)


def draw_every_panel(author: Author) -> list[str]:
    """A picture for each panel of the author's comic that has none (panels the fuzzer added), so that
    fuzzed exports get past "panel N has no picture yet"; returns the ids of the jobs that drew them."""
    (comic_id, *_) = author.ids["comic_id"]
    jobs = []
    for panel in author.call("GET", f"/api/comics/{comic_id}/panels"):
        if not author.call("GET", f"/api/panels/{panel['id']}/images"):
            answer = author.client.post(
                f"/api/panels/{panel['id']}/generate",
                {},
                content_type="application/json",
                headers={"X-CSRFToken": author.csrf},
            )
            assert answer.status_code in (202, 422), answer.content  # 422: the fuzzed panel cannot be drawn
            jobs += [answer.json()["id"]] if answer.status_code == 202 else []
    final_jobs(jobs)
    return jobs


@dataclass
class Tally:
    """What the fuzzer sent: requests and answers by operation, and the jobs its requests queued."""

    sent: Counter[str] = field(default_factory=Counter)
    statuses: dict[str, Counter[int]] = field(default_factory=dict)
    jobs: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def record(self, label: str, response) -> None:
        """Count one answer (and the job it queued, if any)."""
        self.sent[label] += 1
        self.statuses.setdefault(label, Counter())[response.status_code] += 1
        if response.status_code == 202:
            body = response.json()
            # A batch ("generate all") announces its jobs, a training run names its job, the others are one.
            if "jobs" in body:
                self.jobs += [job["job_id"] for job in body["jobs"]]
            else:
                self.jobs.append(body["job"]["id"] if "job" in body else body["id"])


def fuzz_operation(operation, author: Author, tally: Tally):
    """A Hypothesis test sending ``operation``'s generated cases (valid and invalid) as ``author``."""
    strategies = [operation.as_strategy(GenerationMode.POSITIVE)]
    with contextlib.suppress(Exception):  # unless nothing in this operation can be made invalid
        strategies.append(operation.as_strategy(GenerationMode.NEGATIVE))

    @hypothesis_settings(
        max_examples=EXAMPLES.get(operation.label, EXAMPLES_PER_MODE) * len(strategies),
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    )
    @given(case=st.one_of(strategies), pick=st.integers(0, 3))
    def fuzz(case, pick):
        with_real_ids(case, author, pick)
        # Signing up, in or out ends the session it is sent with: those get a fresh one each time.
        cookies, csrf = spare_session() if operation.path in AUTH_OPERATIONS else (author.cookies, author.csrf)
        response = case.call(cookies=cookies, headers={"X-CSRFToken": csrf})
        tally.record(operation.label, response)
        case.validate_response(response, checks=[not_a_server_error])

    return fuzz


def fuzz_all(operations, author: Author, tally: Tally) -> None:
    """Fuzz each operation in turn, keeping every operation's failures (not only the first's)."""
    for operation in operations:
        try:
            fuzz_operation(operation, author, tally)()
        except (Exception, BaseExceptionGroup) as error:
            notes = "\n".join(getattr(error, "__notes__", []))
            tally.failures.append(f"{operation.label}: {type(error).__name__}: {error}\n{notes}")


def schema_operations(openapi: dict) -> dict[str, bool]:
    """Every operation's label (``METHOD /path``), and whether it takes any input (parameters or a body)."""
    return {
        f"{method.upper()} {path}": bool(operation.get("parameters") or operation.get("requestBody"))
        for path, operations in openapi["paths"].items()
        for method, operation in operations.items()
        if method in METHODS
    }


def check_fuzzed_jobs(author: Author, tally: Tally, known: list[str]) -> Counter[str]:
    """Every job the fuzzed requests queued ended with its reason kept; returns their count by kind and status.

    ``known``: jobs queued besides the built objects' and the fuzzer's.
    """

    before = {str(job_id) for job_id in [*author.ids["job_id"], *known]}
    created = set(Job.objects.exclude(pk__in=before).values_list("pk", flat=True))
    assert {str(job_id) for job_id in created} == set(tally.jobs), "jobs appeared that no 202 answer announced"
    ended = Counter()
    for row in final_jobs(tally.jobs):
        if row.status == Job.Status.FAILED:
            assert row.error_type in EXPLAINED_ERRORS and row.error_message, (row.pk, row.kind, row.error_type)
        if row.status == Job.Status.CANCELLED:
            assert row.message, (row.pk, row.kind)
        ended[f"{row.kind} {row.status}"] += 1
    return ended


def fresh_panel(author: Author) -> int:
    """A panel of a new comic of ``author``'s that no fuzzed request has touched."""
    comic = author.call("POST", "/api/comics", 201, json={"title": "After the fuzz", "generation": {"steps": 2}})
    return author.call("POST", f"/api/comics/{comic['id']}/panels", 201, json={"description": "a tree"})["id"]


@pytest.mark.slow
def test_no_generated_request_gets_a_server_error(fuzz_author):
    from django.core.asgi import get_asgi_application

    schema = schemathesis.openapi.from_asgi("/api/openapi.json", get_asgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    expected = schema_operations(fuzz_author.call("GET", "/api/openapi.json"))
    assert sorted(o.label for o in operations) == sorted(expected)
    assert len(operations) >= 40, [o.label for o in operations]
    streams = [o.label for o in operations if o.path.endswith("/events")]
    assert not streams, f"event streams in the schema would keep a fuzzed request open: {streams}"
    operations.sort(key=order)

    tally = Tally()
    started = time.monotonic()
    fuzz_all([o for o in operations if phase(o) in (READS, CHANGES)], fuzz_author, tally)
    drawn = draw_every_panel(fuzz_author)
    fuzz_all([o for o in operations if phase(o) == JOBS], fuzz_author, tally)
    jobs = check_fuzzed_jobs(fuzz_author, tally, known=drawn)  # before deleting the comics they belong to
    # None of them broke the worker: it still runs a job. It draws a panel of a comic made now, since the
    # fuzzed comic may rightly be refused (say, its scheduler changed to a name no engine knows).
    succeeded(fuzz_author.call("POST", f"/api/panels/{fresh_panel(fuzz_author)}/generate", 202, json={"candidates": 1}))
    fuzz_all([o for o in operations if phase(o) == DELETES], fuzz_author, tally)
    seconds = time.monotonic() - started

    total = sum(tally.sent.values())
    print(f"{total} requests to {len(tally.sent)} operations in {seconds:.0f} s; {len(tally.jobs)} jobs: {dict(jobs)}")
    for label in sorted(tally.statuses):
        print(f"  {tally.sent[label]:4d} {label}: {dict(sorted(tally.statuses[label].items()))}")
    assert not tally.failures, "\n\n".join(tally.failures)
    assert total >= MIN_REQUESTS, f"only {total} requests"
    assert set(tally.sent) == set(expected), "operations of the schema that were never fuzzed"
    few = {
        label: tally.sent[label]
        for label, takes_input in expected.items()
        if takes_input and tally.sent[label] < EXAMPLES.get(label, EXAMPLES_PER_MODE)
    }
    assert not few, f"operations that take input fuzzed with fewer examples than asked: {few}"
    # Every request carried a session: only a login with wrong credentials is ever told to sign in.
    unauthorized = {
        label: counts
        for label, counts in tally.statuses.items()
        if (counts.get(401) and label != "POST /api/auth/login") or counts.get(403)
    }
    assert not unauthorized, f"requests answered as if nobody were signed in: {unauthorized}"
    unreachable = [label for label, counts in tally.statuses.items() if counts.get(405)]
    assert not unreachable, f"documented operations answered 405 (a route shadows them): {unreachable}"
    assert jobs["generate succeeded"] and sum(n for key, n in jobs.items() if key.startswith("export")), jobs


HUGE = 2**70  # more than any integer column holds


@pytest.mark.parametrize(
    ("method", "url", "body", "expected", "field"),
    [
        ("GET", "/api/jobs/not-a-uuid", None, 404, None),
        ("POST", "/api/jobs/not-a-uuid/cancel", None, 404, None),
        ("GET", f"/api/assets?comic_id={HUGE}", None, 422, "comic_id"),
        ("GET", f"/api/jobs?comic_id={HUGE}", None, 422, "comic_id"),
        ("GET", f"/api/jobs?panel_id={HUGE}", None, 422, "panel_id"),
        (
            "POST",
            "/api/comics/{comic_id}/characters",
            {"name": "X", "reference_image_ids": [HUGE]},
            422,
            "reference_image_ids",
        ),
        ("PATCH", "/api/characters/{character_id}", {"reference_image_ids": [HUGE]}, 422, "reference_image_ids"),
        ("POST", "/api/panels/{panel_id}/bubbles", {"text": "Hi", "position": HUGE}, 422, "position"),
        ("PATCH", "/api/bubbles/{bubble_id}", {"position": HUGE}, 422, "position"),
        ("POST", "/api/comics/{comic_id}/panels", {"description": "x", "position": HUGE}, 422, "position"),
        ("POST", "/api/comics/import-script", {"file": SCRIPT}, 201, None),  # not shadowed by /comics/{comic_id}
    ],
)
def test_input_the_fuzzer_found_gets_a_4xx_naming_the_field(fake_worker, method, url, body, expected, field):
    """Inputs that once gave a 500 (or a 405): a clear answer instead."""
    author = Author()
    build_objects(author)
    url = url.format(**{name: values[0] for name, values in author.ids.items()})
    if body is not None and "file" in body:
        form = {"file": named("comic.yaml", body["file"])}
        answer = author.client.post(url, form, headers={"X-CSRFToken": author.csrf})
    else:
        kwargs = {"data": body, "content_type": "application/json"} if body is not None else {}
        answer = getattr(author.client, method.lower())(url, headers={"X-CSRFToken": author.csrf}, **kwargs)
    assert answer.status_code == expected, answer.content
    if field:
        assert field in {str(part) for problem in answer.json()["detail"] for part in problem["loc"]}, answer.json()
