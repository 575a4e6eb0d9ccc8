#!/usr/bin/env python3
"""Load test of `counterpoint serve` on loopback: valid comparisons mixed with bad requests.

    python scripts/load_test.py [--requests 120] [--concurrency 8] [--port 0]

Starts the server as a child process on 127.0.0.1 (never another address), sends a bounded
number of requests with bounded concurrency, then stops it. Reports per kind of request the
status codes, p50/p99 latency, 5xx count for valid requests (must be zero) and the server's
peak RSS. Exits 1 if a valid request got a 5xx or an invalid one was not refused with a 4xx.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = sorted((ROOT / "demo" / "pair").glob("*.txt"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def valid_body(k: int) -> bytes:
    """The demo pair plus a sentence unique to request k, so no request is a cache hit."""
    note = f"\nThe harbour office logged {k * 37 + 11} calls about ferry number {k}."
    return json.dumps({"articles": [{"text": p.read_text() + note, "id": p.stem} for p in DEMO]}).encode()


def requests_mix(n: int) -> list[tuple[str, str, bytes, dict[str, str]]]:
    """(kind, path, body, headers) cycling through valid and hostile requests."""
    hostile = json.dumps({"articles": [
        {"text": "<script>alert(1)</script> The council met on Monday. " * 5, "id": "x"},
        {"text": "<img src=x onerror=alert(1)> The council met on Monday and voted. " * 5, "id": "y"},
    ]}).encode()
    j = {"content-type": "application/json"}
    kinds = [
        ("valid", "/api/compare", b"", j),
        ("valid-hostile-text", "/api/compare", hostile, j),
        ("malformed-json", "/api/compare", b"{not json", j),
        ("one-article", "/api/compare", json.dumps({"articles": [{"text": "alone " * 20}]}).encode(), j),
        ("oversized", "/api/compare", b'{"articles": [{"text": "' + b"a" * (5 * 1024 * 1024) + b'"}]}', j),
        ("unknown-id", "/api/comparisons/doesnotexist", b"", {}),
    ]
    mix = [kinds[k % len(kinds)] for k in range(n)]
    return [(kind, path, valid_body(k) if kind == "valid" else body, h) for k, (kind, path, body, h) in enumerate(mix)]


async def run_load(base: str, n: int, concurrency: int) -> dict[str, list[tuple[int, float]]]:
    import httpx

    sem = asyncio.Semaphore(concurrency)
    results: dict[str, list[tuple[int, float]]] = defaultdict(list)
    async with httpx.AsyncClient(base_url=base, timeout=180) as client:

        async def one(kind: str, path: str, body: bytes, headers: dict[str, str]) -> None:
            async with sem:
                t = time.perf_counter()
                try:
                    if body or path == "/api/compare":
                        r = await client.post(path, content=body, headers=headers)
                    else:
                        r = await client.get(path)
                    code = r.status_code
                except httpx.HTTPError:
                    code = 0  # connection dropped: counts as a failure
                results[kind].append((code, time.perf_counter() - t))

        await asyncio.gather(*(one(*req) for req in requests_mix(n)))
    return results


def wait_up(base: str, proc: subprocess.Popen[bytes], limit: float = 90) -> None:
    import httpx

    deadline = time.time() + limit
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit("server exited before it was ready")
        try:
            if httpx.get(base + "/api/comparisons", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.5)
    raise SystemExit("server did not come up")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=120)
    ap.add_argument("--concurrency", type=int, default=8)
    args = ap.parse_args(argv)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    db = Path(tempfile.mkdtemp()) / "load.db"
    cmd = [sys.executable, "-m", "counterpoint.cli", "serve", "--host", "127.0.0.1", "--port", str(port), "--db", str(db)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0.0
    try:
        wait_up(base, proc)
        t = time.perf_counter()
        task = asyncio.new_event_loop()
        fut = task.run_in_executor(None, lambda: asyncio.run(run_load(base, args.requests, args.concurrency)))
        while not fut.done():
            peak = max(peak, rss_mb(proc.pid))
            task.run_until_complete(asyncio.sleep(0.2))
        results = fut.result()
        wall = time.perf_counter() - t
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    return report(results, wall, peak, args)


def report(results: dict[str, list[tuple[int, float]]], wall: float, peak: float, args: argparse.Namespace) -> int:
    print(f"load test: {args.requests} requests, concurrency {args.concurrency}, {os.cpu_count()} cores, "
          f"{wall:.1f} s wall, server peak RSS {peak:.0f} MB")
    bad = 0
    for kind, rows in sorted(results.items()):
        codes = Counter(c for c, _ in rows)
        lat = sorted(t for _, t in rows)
        p50 = statistics.median(lat)
        p99 = lat[min(len(lat) - 1, int(0.99 * len(lat)))]
        print(f"  {kind:20s} n={len(rows):3d} codes={dict(codes)} p50={p50 * 1000:7.0f} ms p99={p99 * 1000:7.0f} ms")
        if kind.startswith("valid"):
            bad += sum(n for c, n in codes.items() if c != 200)
        else:
            bad += sum(n for c, n in codes.items() if not 400 <= c < 500)
    print(f"unexpected responses: {bad}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
