"""Benchmarks of the service path (``make bench``): they print figures, never assert times.

Figures to compare with the original service: block loading 5-10 ms, responses under
30 s, memory under 500 MB, cache hit rate over 60 % on repeated requests.
"""

from __future__ import annotations

import statistics
import time
import uuid
from pathlib import Path

from sbemail.content import OfflineContentModel
from sbemail.domain import BlockLibrary, plan_briefs, render, resolve_theme
from sbemail.service import parse_request
from sbemail.service.requests import request_seed

from http_client import call
from samples import ROOT, sample_body, sample_names


def _timed(fn, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _line(label: str, samples: list[float]) -> str:
    return (
        f"{label:<42} median {statistics.median(samples):8.2f} ms"
        f"   p95 {sorted(samples)[int(len(samples) * 0.95) - 1]:8.2f} ms"
    )


def test_bench_block_library_load() -> None:
    samples = _timed(lambda: BlockLibrary.load(ROOT / "blocks"), 20)
    library = BlockLibrary.load(ROOT / "blocks")
    print(f"\n{_line(f'load + validate {len(library)} blocks', samples)}")


def test_bench_render_per_variant() -> None:
    library = BlockLibrary.load(ROOT / "blocks")
    writer = OfflineContentModel()
    print()
    for name in sample_names():
        request = parse_request(sample_body(name))
        theme, _ = resolve_theme(request.brand, request.aesthetic)
        briefs = plan_briefs(library, request, request_seed(request))
        copies = [writer.write(brief).values for brief in briefs]

        def render_all(briefs=briefs, copies=copies, theme=theme, brand=request.brand) -> None:  # type: ignore[no-untyped-def]
            for brief, copy in zip(briefs, copies, strict=True):
                render(brief.layout, theme, brand, copy, facts=brief.facts)  # type: ignore[arg-type]

        samples = [s / len(briefs) for s in _timed(render_all, 20)]
        print(_line(f"render one variant ({name})", samples))


def test_bench_http_miss_versus_hit(local_server) -> None:  # type: ignore[no-untyped-def]
    url = f"{local_server.url}/api/email/generate"
    misses: list[float] = []
    hits: list[float] = []
    for _ in range(10):
        request = {**sample_body("northwind"), "storeId": f"bench-{uuid.uuid4().hex[:8]}"}
        post = lambda request=request: call("POST", url, request)  # noqa: E731
        misses += _timed(post, 1)
        hits += _timed(post, 3)
    print(f"\n{_line('POST generate, cache miss (3 variants)', misses)}")
    print(_line("POST generate, cache hit", hits))
    ratio = statistics.median(misses) / statistics.median(hits)
    print(f"{'miss / hit latency ratio':<42} {ratio:8.1f}x")
    status = Path(f"/proc/{local_server.pid}/status").read_text()
    peak_kb = int(next(line for line in status.splitlines() if line.startswith("VmHWM")).split()[1])
    print(f"{'peak RSS of the local server (all parts)':<42} {peak_kb / 1024:8.1f} MB")
