#!/usr/bin/env python3
"""Job dispatch overhead: from a generation job's POST returning to the job starting on a worker.

Starts ``stripstudio serve`` as a subprocess (embedded: SQLite and the worker in the server; or scaled:
PostgreSQL, Redis and ``stripstudio worker``), then submits ``--jobs`` fake-fast generation jobs (tiny
random model, 64x64, one step, one candidate) one at a time, each after the previous one ended and an
idle gap (random between ``--gap`` and twice that, so that submits fall at any point of an idle worker's
polling cycle). For each job it measures

* submit: the POST's round trip;
* to "started" event: the time the worker published the job's ``started`` event (the engine began
  drawing) minus the time the POST returned, as carried by the event and read from the SSE stream;
* claim (started_at - created_at): from the job row's creation to the worker's claim, both stamped on
  the server;
* run: the job's own run time (started_at to finished_at), for scale.

The reference, measured in the same run with the same pattern (one at a time, same gaps): a no-op Huey
task on a queue of the same kind (SQLite, or Redis with priorities) and the same consumer options as
the studio's workers, from ``enqueue`` returning to the task running. The difference is what the studio
adds: the database round trips of submit and claim, the event bus and the engine's start.

  python benchmarks/job_overhead.py                     # embedded (SQLite, worker in the server)
  python benchmarks/job_overhead.py --scaled            # throwaway PostgreSQL + Redis, 1 worker process
  python benchmarks/job_overhead.py --postgres URL --redis URL

Prints one line per measurement and a final ``RESULT {json}`` line.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import random
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from api_latency import Author, add_studio_arguments, percentile, running_studio, tiny_comic  # noqa: E402

from stripstudio.jobs.queue import POLL_INITIAL_SECONDS, POLL_MAX_SECONDS  # noqa: E402


def started_event_time(author: Author, events_url: str, timeout: float = 120) -> tuple[float | None, float | None]:
    """Read the job's SSE stream to its end; returns (publish time of "started", client time it arrived)."""
    published = arrived = None
    with author.http.stream("GET", events_url, timeout=timeout) as response:
        for line in response.iter_lines():
            if not line.startswith("data: "):
                continue
            body = json.loads(line[6:])
            if body["type"] == "started" and published is None:
                published, arrived = body["time"], time.time()
            if body["type"] in ("succeeded", "failed", "cancelled"):
                break
    return published, arrived


def measure_studio(author: Author, panel_id: int, gaps: list[float]) -> dict[str, list[float]]:
    """Submit one job after each gap; per job: submit, to-started-event, arrival, claim and run times."""
    samples: dict[str, list[float]] = {"submit": [], "to_started_event": [], "started_event_seen": [],
                                       "claim": [], "run": []}  # fmt: skip
    for gap in gaps:
        time.sleep(gap)
        sent = time.time()
        job = author.call("POST", f"/api/panels/{panel_id}/generate", 202, json={"previews": False})
        returned = time.time()
        published, arrived = started_event_time(author, job["events_url"])
        row = author.call("GET", f"/api/jobs/{job['id']}")
        if row["status"] != "succeeded" or published is None:
            raise RuntimeError(f"job {job['id']} did not run as expected: {row}")
        stamps = [datetime.fromisoformat(row[f"{k}_at"]) for k in ("created", "started", "finished")]
        created, started, finished = stamps  # milliseconds, as the API gives them
        samples["submit"].append(returned - sent)
        samples["to_started_event"].append(published - returned)
        samples["started_event_seen"].append(arrived - returned)
        samples["claim"].append((started - created).total_seconds())
        samples["run"].append((finished - started).total_seconds())
    return samples


def measure_bare_huey(redis_url: str | None, gaps: list[float], workdir: Path) -> list[float]:
    """The same pattern on a bare Huey queue and consumer (the studio's options): enqueue → task running."""
    from huey import PriorityRedisHuey, SqliteHuey
    from huey.consumer import Consumer

    from stripstudio.jobs.queue import JobQueue

    class QuietConsumer(Consumer):
        def _set_signal_handlers(self) -> None:
            pass

    if redis_url:
        huey = PriorityRedisHuey("stripstudio-bench-reference", url=redis_url, results=False)
    else:
        huey = SqliteHuey("stripstudio-bench-reference", filename=str(workdir / "reference.sqlite3"), results=False)
    ran: queue.Queue[float] = queue.Queue()

    @huey.task(priority=30)
    def noop(sent: float) -> None:
        ran.put(time.time())

    consumer = QuietConsumer(huey, **JobQueue.consumer_options(1))
    consumer.start()
    try:
        delays = []
        for gap in [0.0, *gaps]:  # the first one warms the consumer up
            time.sleep(gap)
            noop(0.0)
            enqueued = time.time()
            delays.append(ran.get(timeout=30) - enqueued)
        return delays[1:]
    finally:
        consumer.stop(graceful=True)


def stats(values: list[float]) -> dict:
    """p50 and p99 in milliseconds."""
    ordered = sorted(values)
    return {"p50_ms": round(percentile(ordered, 50) * 1000, 2), "p99_ms": round(percentile(ordered, 99) * 1000, 2)}


def main() -> None:
    args = parse_args()
    result: dict = {"jobs": args.jobs, "gap_s": args.gap, "cpus": os.cpu_count()}
    with running_studio(args) as studio:
        author = Author(studio.url)
        _comic, (panel,) = tiny_comic(author, "Overhead", 1)
        for _ in range(2):  # the first job loads the model
            job = author.call("POST", f"/api/panels/{panel['id']}/generate", 202, json={"previews": False})
            author.wait_for_job(job["id"])
        print(
            f"studio: {studio.mode}; {args.jobs} jobs one at a time, idle {args.gap:.2f}-{2 * args.gap:.2f} s before "
            f"each; Huey consumers poll every {POLL_INITIAL_SECONDS}-{POLL_MAX_SECONDS} s when idle (no wait on Redis)",
            flush=True,
        )
        result["mode"] = studio.mode
        gaps = [random.Random(args.seed + n).uniform(args.gap, 2 * args.gap) for n in range(args.jobs)]
        samples = measure_studio(author, panel["id"], gaps)
        author.http.close()
        redis_url = studio.processes.env.get("STRIPSTUDIO_REDIS_URL")
        reference = measure_bare_huey(redis_url, gaps, studio.workdir)

    labels = {
        "submit": "POST /generate round trip",
        "to_started_event": "POST returned -> 'started' published",
        "started_event_seen": "POST returned -> 'started' read (SSE)",
        "claim": "created_at -> started_at (claim)",
        "run": "run (started_at -> finished_at)",
    }
    for key, label in labels.items():
        result[key] = stats(samples[key])
        print(f"{label:<42} p50 {result[key]['p50_ms']:>8.2f} ms  p99 {result[key]['p99_ms']:>8.2f} ms", flush=True)
    result["bare_huey"] = stats(reference)
    print(
        f"{'reference: bare Huey enqueue -> task runs':<42} p50 {result['bare_huey']['p50_ms']:>8.2f} ms  "
        f"p99 {result['bare_huey']['p99_ms']:>8.2f} ms",
        flush=True,
    )
    bare_p50 = max(result["bare_huey"]["p50_ms"], 0.01)
    result["started_event_p50_vs_bare_huey_p50"] = round(result["to_started_event"]["p50_ms"] / bare_p50, 2)
    result["claim_p50_vs_bare_huey_p50"] = round(result["claim"]["p50_ms"] / bare_p50, 2)
    print(
        f"p50 vs the bare queue's: to 'started' {result['started_event_p50_vs_bare_huey_p50']}x, "
        f"claim {result['claim_p50_vs_bare_huey_p50']}x",
        flush=True,
    )
    print("RESULT " + json.dumps(result), flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_studio_arguments(parser)
    parser.add_argument("--jobs", type=int, default=30, help="jobs measured (default 30)")
    parser.add_argument("--gap", type=float, default=0.25, help="least idle seconds before a submit (default 0.25)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the random gaps (default 1)")
    return parser.parse_args()


if __name__ == "__main__":
    main()
