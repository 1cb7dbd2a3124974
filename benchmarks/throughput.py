#!/usr/bin/env python3
"""Cross-author throughput: several authors queue a panel each at once; images per minute with the
worker batching their jobs together, against the same studio drawing one job at a time.

Each run starts ``stripstudio serve`` (embedded: SQLite and the worker in the server; or scaled with
``--scaled``/``--postgres``/``--redis``: PostgreSQL, Redis and one ``stripstudio worker``), signs up
``--authors`` authors, gives each a comic drawing ``--candidates`` candidates of ``--size``² in
``--steps`` steps, warms the model up with one job, then has every author submit their panel at the
same moment (one thread per author). The time is the servers' own: from the first job's creation to
the last job's end. The two runs differ only in ``STRIPSTUDIO_JOB_BATCH_SIZE`` (``--authors`` against
1); candidates of one job are batched in both (that is the engine's own batching, not this one's).

  python benchmarks/throughput.py --tiny --repeats 3     # CPU: tiny-random-sdxl, 64², 4 steps
  python benchmarks/throughput.py --model PATH_OR_HUB_ID # a GPU: 1024², 20 steps
  python benchmarks/throughput.py --tiny --scaled        # throwaway PostgreSQL + Redis, one worker process

On the CPU the ratio says how much per-run overhead batching saves on a tiny model; it is no claim
about a GPU. With ``--repeats N`` the two modes alternate N times each and the medians are compared.
Prints one line per run, the ratio of the medians, and a final ``RESULT {json}`` line.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from api_latency import Author, add_studio_arguments, running_studio  # noqa: E402

BATCH_LOG = re.compile(r"^running (\d+) generate jobs together", re.MULTILINE)  # the bare form of the log line


def measure(args: argparse.Namespace, batch_size: int) -> dict:
    """One studio with ``batch_size`` jobs per batch: every author's job submitted at once, timed."""
    env = {"STRIPSTUDIO_JOB_BATCH_SIZE": str(batch_size), "STRIPSTUDIO_JOB_BATCH_WAIT_SECONDS": str(args.wait)}
    if args.model:
        env["STRIPSTUDIO_DEFAULT_MODEL"] = args.model
    generation = {"steps": args.steps, "width": args.size, "height": args.size, "candidates": args.candidates}
    with running_studio(args, extra_env=env) as studio:
        authors = [Author(studio.url) for _ in range(args.authors)]
        panels = []
        for index, author in enumerate(authors):
            comic = author.call(
                "POST",
                "/api/comics",
                201,
                json={"title": f"Throughput {index}", "generation": {**generation, "seed": index}},
            )
            panels.append(
                author.call(
                    "POST", f"/api/comics/{comic['id']}/panels", 201, json={"description": f"a cat, take {index}"}
                )
            )
        warm = authors[0].call("POST", f"/api/panels/{panels[0]['id']}/generate", 202, json={"previews": False})
        authors[0].wait_for_job(warm["id"], timeout=args.timeout)  # the model is loaded before the clock starts

        def submit(pair) -> dict:
            author, panel = pair
            return author.call("POST", f"/api/panels/{panel['id']}/generate", 202, json={"previews": False})

        with ThreadPoolExecutor(len(authors)) as pool:
            jobs = list(pool.map(submit, zip(authors, panels, strict=True)))
        ended = [
            author.wait_for_job(job["id"], timeout=args.timeout) for author, job in zip(authors, jobs, strict=True)
        ]
        for author in authors:
            author.http.close()
        logs = "\n".join(process.log_path.read_text(errors="replace") for process in studio.processes.processes)
        runs = [int(size) for size in BATCH_LOG.findall(logs)]
        mode = studio.mode
    failed = [job for job in ended if job["status"] != "succeeded"]
    if failed:
        raise SystemExit(f"{len(failed)} job(s) did not succeed: {failed[0]}")
    first = min(datetime.fromisoformat(job["created_at"]) for job in ended)
    last = max(datetime.fromisoformat(job["finished_at"]) for job in ended)
    seconds = (last - first).total_seconds()
    images = len(ended) * args.candidates
    return {
        "mode": mode,
        "job_batch_size": batch_size,
        "images": images,
        "seconds": round(seconds, 3),
        "images_per_minute": round(images * 60 / seconds, 2),
        "shared_batches": runs,  # jobs per batch, as the worker logged them (the warm-up ran alone)
    }


def main() -> None:
    args = parse_args()
    if args.tiny:
        args.size, args.steps, args.model = 64, 4, None
    elif not args.model:
        raise SystemExit("name the checkpoint to measure with --model (or use --tiny on the CPU)")
    print(
        f"{args.authors} authors x {args.candidates} candidates, {args.size}x{args.size}, {args.steps} steps, "
        f"model {args.model or 'tiny-random-sdxl'}",
        flush=True,
    )
    modes = (("batched", args.authors), ("one job at a time", 1))
    samples: dict[str, list[dict]] = {label: [] for label, _ in modes}
    for repeat in range(args.repeats):  # interleaved, so that a busy moment of the machine hits both
        for label, batch_size in modes if repeat % 2 == 0 else modes[::-1]:
            result = measure(args, batch_size)
            samples[label].append(result)
            print(
                f"{label:<18} {result['images']} images in {result['seconds']:>8.2f} s = "
                f"{result['images_per_minute']:>8.1f} images/min  ({result['mode']}; shared batches: "
                f"{result['shared_batches'] or 'none'})",
                flush=True,
            )
    medians = {label: statistics.median(r["images_per_minute"] for r in runs) for label, runs in samples.items()}
    ratio = medians["batched"] / medians["one job at a time"]
    print(
        f"median of {args.repeats}: batched {medians['batched']:.1f} images/min, one job at a time "
        f"{medians['one job at a time']:.1f} images/min: cross-author batching gives {ratio:.2f}x",
        flush=True,
    )
    print("RESULT " + json.dumps({"runs": samples, "ratio": round(ratio, 3), "tiny": args.tiny}), flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_studio_arguments(parser)
    parser.add_argument("--tiny", action="store_true", help="tiny-random-sdxl at 64x64, 4 steps (CPU)")
    parser.add_argument("--model", help="checkpoint to draw with (path, hub id or model name)")
    parser.add_argument("--authors", type=int, default=8, help="authors, one job each (default 8)")
    parser.add_argument("--candidates", type=int, default=4, help="candidates per job (default 4)")
    parser.add_argument("--size", type=int, default=1024, help="width and height (default 1024)")
    parser.add_argument("--steps", type=int, default=20, help="sampling steps (default 20)")
    parser.add_argument("--wait", type=float, default=0.05, help="batch wait of the worker, seconds (default 0.05)")
    parser.add_argument("--repeats", type=int, default=1, help="runs of each mode, interleaved (default 1)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds a job may take (default 1800)")
    return parser.parse_args()


if __name__ == "__main__":
    main()
