#!/usr/bin/env python3
"""API read latency of a running studio under 50 concurrent clients, beside two references.

Starts ``stripstudio serve`` (uvicorn) as a subprocess, signs an author up, makes a few comics with
panels and jobs, then keeps 50 concurrent clients (asyncio tasks on keep-alive connections) busy for
``--seconds`` with a mix of reads: GET /api/comics, GET /api/comics/{id}/panels and GET /api/jobs/{id}.
The same load, from the same client code, in the same run, is measured against

* GET /api/auth/csrf on the studio: a trivial Django view behind the same middleware (session and
  author read from the database), i.e. the framework floor;
* a hello-world ASGI app under uvicorn in a process of its own: the server and client floor.

The clients are aiohttp (the dev extra): httpx's async pool is itself the bottleneck at 50 connections.

Load generator and servers share this machine's cores, so absolute numbers say little on their own;
the ratios to the references do.

  python benchmarks/api_latency.py                        # embedded: SQLite, worker in the server
  python benchmarks/api_latency.py --scaled               # throwaway PostgreSQL + Redis, serve --no-worker + 1 worker
  python benchmarks/api_latency.py --postgres URL --redis URL

Prints one line per measurement and a final ``RESULT {json}`` line.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from tests.scale.studio_processes import StudioProcesses, free_port, studio_env, wait_until_answers  # noqa: E402

TINY_GENERATION = {"steps": 1, "width": 64, "height": 64, "candidates": 1, "seed": 5}
HELLO_ASGI = '''
async def app(scope, receive, send):
    """Answer every HTTP request with a small JSON body."""
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": b'{"hello": "world"}'})
'''


# ---------------------------------------------------------------------------------------------
# A studio to measure (shared with benchmarks/job_overhead.py)


@dataclass
class Studio:
    """A running studio: its URL, how it is deployed, and the processes to stop."""

    url: str
    mode: str
    processes: StudioProcesses
    workdir: Path


def add_studio_arguments(parser: argparse.ArgumentParser) -> None:
    """The options that choose the deployment: embedded by default, scaled with PostgreSQL and Redis."""
    parser.add_argument("--postgres", metavar="URL", help="studio database (default: SQLite in a temporary folder)")
    parser.add_argument("--redis", metavar="URL", help="Redis for queue and events: jobs run in separate workers")
    parser.add_argument(
        "--scaled", action="store_true", help="start throwaway PostgreSQL and Redis servers (tests/services.py)"
    )
    parser.add_argument("--workers", type=int, default=1, help="worker processes when Redis is used (default 1)")


@contextlib.contextmanager
def running_studio(args: argparse.Namespace, extra_env: dict[str, str] | None = None) -> Iterator[Studio]:
    """Start the studio the options describe (and the servers it needs), with ``extra_env`` settings; stop
    everything and remove its files afterwards (printing the processes' logs first when something failed)."""
    workdir = Path(tempfile.mkdtemp(prefix="stripstudio-bench-"))
    with contextlib.ExitStack() as stack:
        stack.callback(shutil.rmtree, workdir, ignore_errors=True)
        postgres_url, redis_url = args.postgres, args.redis
        if args.scaled:
            from tests.services import start_postgres, start_redis

            postgres = start_postgres(workdir / "postgres")
            stack.callback(postgres.stop)
            redis = start_redis(workdir / "redis")
            stack.callback(redis.stop)
            postgres_url, redis_url = postgres_url or postgres.url, redis_url or redis.url
        env = studio_env(workdir / "data", database_url=postgres_url, redis_url=redis_url, extra=extra_env)
        processes = StudioProcesses(workdir / "logs", env, cwd=ROOT)
        stack.callback(processes.stop_all)
        port = free_port()
        serve = processes.serve(port, worker=not redis_url)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_answers(url, serve, timeout=120)
        except AssertionError as error:
            raise SystemExit(f"the studio did not start: {error}") from None
        for n in range(args.workers if redis_url else 0):
            processes.worker(f"worker-{n + 1}")
        database = "PostgreSQL" if postgres_url else "SQLite"
        mode = f"scaled ({database}, Redis, {args.workers} worker process(es))" if redis_url else "embedded"
        mode = mode if redis_url else f"{mode} ({database})"
        try:
            yield Studio(url, mode, processes, workdir)
        except BaseException:
            print(processes.logs(), file=sys.stderr)
            raise


class Author:
    """A signed-up author's session: JSON calls that raise on unexpected statuses."""

    def __init__(self, url: str) -> None:
        self.http = httpx.Client(base_url=url, timeout=120)
        self.http.headers["X-CSRFToken"] = self.http.get("/api/auth/csrf").json()["csrf_token"]
        self.call(
            "POST",
            "/api/auth/signup",
            201,
            json={"username": f"bench-{uuid.uuid4().hex[:8]}", "password": "a long enough secret 42"},
        )
        self.http.headers["X-CSRFToken"] = self.http.cookies["csrftoken"]  # signing in rotates the token

    def call(self, method: str, url: str, expected: int = 200, **kwargs):
        """Send a request, check its status, return its JSON."""
        response = self.http.request(method, url, **kwargs)
        if response.status_code != expected:
            raise RuntimeError(f"{method} {url}: {response.status_code} {response.text[:500]}")
        return response.json() if response.content else None

    def wait_for_job(self, job_id: str, timeout: float = 300) -> dict:
        """Poll a job until it is final; returns its last state."""
        deadline = time.monotonic() + timeout
        while True:
            job = self.call("GET", f"/api/jobs/{job_id}")
            if job["status"] in ("succeeded", "failed", "cancelled"):
                return job
            if time.monotonic() > deadline:
                raise RuntimeError(f"job {job_id} not final after {timeout:.0f} s: {job}")
            time.sleep(0.05)


def tiny_comic(author: Author, title: str, panels: int) -> tuple[dict, list[dict]]:
    """A comic drawing 64x64 single-step candidates, with ``panels`` panels."""
    comic = author.call("POST", "/api/comics", 201, json={"title": title, "generation": TINY_GENERATION})
    made = [
        author.call("POST", f"/api/comics/{comic['id']}/panels", 201, json={"description": f"a cat, take {n}"})
        for n in range(panels)
    ]
    return comic, made


# ---------------------------------------------------------------------------------------------
# Load


@dataclass
class Measurement:
    """Latencies (seconds) of the requests answered in the measuring window, by label."""

    name: str
    seconds: float
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: int = 0

    @property
    def all(self) -> list[float]:
        """Every latency, whatever its label."""
        return [value for values in self.latencies.values() for value in values]

    def summary(self, values: list[float] | None = None) -> dict:
        """Requests, requests/s, p50 and p99 in milliseconds."""
        values = sorted(self.all if values is None else values)
        return {
            "requests": len(values),
            "rps": round(len(values) / self.seconds, 1),
            "p50_ms": round(percentile(values, 50) * 1000, 2),
            "p99_ms": round(percentile(values, 99) * 1000, 2),
        }


def percentile(sorted_values: list[float], q: float) -> float:
    """The ``q``-th percentile (nearest rank) of already sorted values."""
    if not sorted_values:
        return float("nan")
    rank = max(0, min(len(sorted_values) - 1, round(q / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[rank]


async def _load(
    url: str, paths: list[tuple[str, str]], cookies: dict[str, str], clients: int, warmup: float, seconds: float
) -> Measurement:
    import aiohttp  # a much lighter client than httpx's async one: the load generator shares the cores

    result = Measurement("", seconds)
    connector = aiohttp.TCPConnector(limit=clients)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(url, connector=connector, cookies=cookies, timeout=timeout) as session:
        start = time.perf_counter()
        measure_from, end = start + warmup, start + warmup + seconds

        async def one_client(index: int) -> None:
            turn = index
            while (sent := time.perf_counter()) < end:
                label, path = paths[turn % len(paths)]
                turn += 1
                try:
                    async with session.get(path) as response:
                        await response.read()
                        ok = response.status == 200
                except aiohttp.ClientError:
                    ok = False
                answered = time.perf_counter()
                if sent >= measure_from and answered <= end:
                    if ok:
                        result.latencies.setdefault(label, []).append(answered - sent)
                    else:
                        result.errors += 1

        await asyncio.gather(*(one_client(i) for i in range(clients)))
    return result


def measure(
    name: str,
    url: str,
    paths: list[tuple[str, str]],
    cookies: dict[str, str],
    args: argparse.Namespace,
    clients: int | None = None,
    seconds: float | None = None,
) -> Measurement:
    """Run concurrent clients (``args.clients`` unless given) over ``paths`` for ``args.seconds`` (unless given)
    after a warm-up; print the result."""
    clients, seconds = clients or args.clients, seconds or args.seconds
    result = asyncio.run(_load(url, paths, cookies, clients, min(args.warmup, seconds), seconds))
    result.name = name
    print(format_line(name, result.summary(), result.errors), flush=True)
    if len(result.latencies) > 1:
        for label, values in result.latencies.items():
            print(format_line(f"  {label}", result.summary(values)), flush=True)
    return result


def format_line(name: str, summary: dict, errors: int | None = None) -> str:
    """One printed measurement."""
    line = (
        f"{name:<36} {summary['requests']:>7} req  {summary['rps']:>8.1f} req/s  "
        f"p50 {summary['p50_ms']:>7.2f} ms  p99 {summary['p99_ms']:>8.2f} ms"
    )
    return line + (f"  errors {errors}" if errors is not None else "")


@contextlib.contextmanager
def hello_asgi_server(workdir: Path, env: dict[str, str]) -> Iterator[str]:
    """A hello-world ASGI app under uvicorn (single process, as the studio's), in a process of its own."""
    (workdir / "hello_asgi.py").write_text(HELLO_ASGI)
    processes = StudioProcesses(workdir / "logs", env, cwd=workdir)
    port = free_port()
    process = processes.start(
        "hello-asgi",
        [sys.executable, "-m", "uvicorn", "hello_asgi:app", "--app-dir", str(workdir), "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning", "--lifespan", "off"],
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_answers(url, process, path="/")
        yield url
    finally:
        processes.stop_all()


def main() -> None:
    args = parse_args()
    result: dict = {"clients": args.clients, "seconds": args.seconds, "cpus": os.cpu_count()}
    with running_studio(args) as studio:
        author = Author(studio.url)
        comic_ids, job_ids = [], []
        for n in range(args.comics):
            comic, panels = tiny_comic(author, f"Bench {n}", args.panels)
            comic_ids.append(comic["id"])
            job = author.call("POST", f"/api/panels/{panels[0]['id']}/generate", 202, json={"previews": False})
            job_ids.append(job["id"])
        for job_id in job_ids:  # done before measuring: no job competes for the cores
            author.wait_for_job(job_id)
        print(
            f"studio: {studio.mode}; {args.comics} comics x {args.panels} panels, {len(job_ids)} jobs; "
            f"{args.clients} concurrent clients, {args.seconds:.0f} s each after {args.warmup:.0f} s warm-up",
            flush=True,
        )
        result["mode"] = studio.mode
        api_paths = [("GET /api/comics", "/api/comics")]
        api_paths += [("GET /api/comics/{id}/panels", f"/api/comics/{c}/panels") for c in comic_ids]
        api_paths += [("GET /api/jobs/{id}", f"/api/jobs/{j}") for j in job_ids]
        # Each label equally often: the list cycles through the three kinds of read.
        mixed = [p for group in zip(*(_by_label(api_paths).values()), strict=False) for p in group]

        env = studio_env(studio.workdir / "hello")
        with hello_asgi_server(studio.workdir, env) as hello_url:
            hello = measure("hello-world ASGI (uvicorn)", hello_url, [("GET /", "/")], {}, args)
        cookies = dict(author.http.cookies.items())  # the author's session
        csrf = measure("GET /api/auth/csrf (Django floor)", studio.url, [("csrf", "/api/auth/csrf")], cookies, args)
        reads = measure("API reads (mix of 3)", studio.url, mixed, cookies, args)
        print("one client at a time (the cost of a request, without queueing):", flush=True)
        alone = {
            label: measure(f"  {label}", studio.url, group, cookies, args, clients=1, seconds=args.alone_seconds)
            for label, group in {"csrf": [("csrf", "/api/auth/csrf")], **_by_label(api_paths)}.items()
        }
        author.http.close()

    result["hello_asgi"] = hello.summary() | {"errors": hello.errors}
    result["django_csrf"] = csrf.summary() | {"errors": csrf.errors}
    result["api_reads"] = reads.summary() | {"errors": reads.errors}
    result["api_reads_by_endpoint"] = {label: reads.summary(values) for label, values in reads.latencies.items()}
    result["one_client"] = {label: m.summary() for label, m in alone.items()}
    result["api_p50_vs_csrf_p50"] = round(result["api_reads"]["p50_ms"] / result["django_csrf"]["p50_ms"], 2)
    result["api_rps_vs_hello_rps"] = round(result["api_reads"]["rps"] / result["hello_asgi"]["rps"], 3)
    print(
        f"API reads: p50 {result['api_p50_vs_csrf_p50']}x the Django floor's; "
        f"{result['api_rps_vs_hello_rps']:.1%} of hello-world ASGI's requests/s",
        flush=True,
    )
    print("RESULT " + json.dumps(result), flush=True)


def _by_label(paths: list[tuple[str, str]]) -> dict[str, list[tuple[str, str]]]:
    """Paths grouped by label, each group repeated to the longest group's length."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for label, path in paths:
        groups.setdefault(label, []).append((label, path))
    longest = max(len(group) for group in groups.values())
    return {label: (group * longest)[:longest] for label, group in groups.items()}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_studio_arguments(parser)
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    parser.add_argument("--seconds", type=float, default=10.0, help="measuring time per target (default 10)")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds before each (default 2)")
    parser.add_argument(
        "--alone-seconds", type=float, default=3.0, help="measuring time per endpoint with one client (default 3)"
    )
    parser.add_argument("--comics", type=int, default=5, help="comics made for the author (default 5)")
    parser.add_argument("--panels", type=int, default=6, help="panels per comic (default 6)")
    return parser.parse_args()


if __name__ == "__main__":
    main()
