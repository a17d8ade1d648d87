"""Benchmarks of the service path (``make bench``): they record figures, never assert times.

Figures to compare with the original service: block loading 5-10 ms, responses under
30 s, memory under 500 MB, cache hit rate over 60 % on repeated requests.
"""

from __future__ import annotations

import json
import shutil
import statistics
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from performance.results import Results
from sbemail.content import OfflineContentModel
from sbemail.domain import BlockLibrary, plan_briefs, render, resolve_theme
from sbemail.domain.block_bundle import BUNDLE_NAME, write_bundle
from sbemail.domain.models import EmailType
from sbemail.service import parse_request
from sbemail.service.requests import request_seed

from http_client import call
from samples import ROOT, sample_body

EMAIL_TYPES = tuple(t.value for t in EmailType)
SECTION = "Blocks and rendering"


def _timed(fn: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _line(label: str, entry: dict) -> str:  # type: ignore[type-arg]
    return (
        f"{label:<46} median {entry['median']:8.3f} {entry['unit']}"
        f"   p25-p75 {entry['p25']:.3f}-{entry['p75']:.3f}"
    )


def test_bench_block_library_load(tmp_path: Path, results: Results) -> None:
    """Cold-start loading: the build-time bundle against checking every block."""
    blocks = tmp_path / "blocks"
    shutil.copytree(ROOT / "blocks", blocks, ignore=shutil.ignore_patterns(BUNDLE_NAME))
    checked = results.figure(
        SECTION,
        "library load: check every block from its files",
        _timed(lambda: BlockLibrary.load_sources(blocks), 15),
        "ms",
    )
    write_bundle(blocks)
    assert BlockLibrary.load(blocks).origin == "bundle"
    bundled = results.figure(
        SECTION,
        "library load: build-time bundle (cold start)",
        _timed(lambda: BlockLibrary.load(blocks), 30),
        "ms",
        "goal <= 10 ms",
    )
    results.value(
        SECTION, "library load: checked / bundle", checked["median"] / bundled["median"], "x"
    )
    print(f"\n{_line(f'load + check {len(BlockLibrary.load(blocks))} blocks', checked)}")
    print(_line("load the bundle", bundled))


def test_bench_block_access_cache_versus_disk(results: Results) -> None:
    """The blocks of one 3-variant email: from our in-memory library, or read per request
    from their files (the original service's "before": file reads on every request)."""
    library = BlockLibrary.load(ROOT / "blocks")
    request = parse_request(sample_body("northwind"))
    ids = sorted(
        {
            b.id
            for brief in plan_briefs(library, request, "bench")
            for _, b in brief.layout.positions
        }
    )

    def from_cache() -> None:
        for block_id in ids:
            library.get(block_id)

    def from_disk() -> None:
        for block_id in ids:
            base = ROOT / "blocks" / block_id
            base.with_suffix(".mjml").read_text(encoding="utf-8")
            json.loads(base.with_suffix(".json").read_text(encoding="utf-8"))

    cached = results.figure(
        SECTION,
        f"block access per request ({len(ids)} blocks): our cache",
        _timed(from_cache, 200),
        "ms",
    )
    disk = results.figure(
        SECTION,
        f"block access per request ({len(ids)} blocks): file reads",
        _timed(from_disk, 200),
        "ms",
    )
    results.value(
        SECTION, "block access: file reads / cache", disk["median"] / cached["median"], "x"
    )
    print(f"\n{_line('blocks of one email from the cache', cached)}")
    print(_line("the same blocks read from disk", disk))


def test_bench_compose_and_render_per_variant(results: Results) -> None:
    """Planning a variant (layout, brief) and rendering its MJML, HTML and text."""
    library = BlockLibrary.load(ROOT / "blocks")
    writer = OfflineContentModel()
    print()
    for email_type in EMAIL_TYPES:
        request = parse_request({**sample_body("northwind"), "emailType": email_type})
        theme, _ = resolve_theme(request.brand, request.aesthetic)
        briefs = plan_briefs(library, request, request_seed(request))
        copies = [writer.write(brief).values for brief in briefs]

        def compose_render(request=request, theme=theme, copies=copies) -> None:  # type: ignore[no-untyped-def]
            planned = plan_briefs(library, request, request_seed(request))
            for brief, copy in zip(planned, copies, strict=True):
                render(brief.layout, theme, request.brand, copy, facts=brief.facts)  # type: ignore[arg-type]

        samples = [s / len(briefs) for s in _timed(compose_render, 15)]
        entry = results.figure(
            SECTION, f"compose + render one variant: {email_type}", samples, "ms"
        )
        print(_line(f"compose + render one variant ({email_type})", entry))


def test_bench_http_miss_versus_hit(local_server, results: Results) -> None:  # type: ignore[no-untyped-def]
    url = f"{local_server.url}/api/email/generate"
    misses: list[float] = []
    hits: list[float] = []
    for _ in range(10):
        request = {**sample_body("northwind"), "storeId": f"bench-{uuid.uuid4().hex[:8]}"}
        post = lambda request=request: call("POST", url, request)  # noqa: E731
        misses += _timed(post, 1)
        hits += _timed(post, 3)
    section = "Local API (offline writer)"
    miss = results.figure(section, "POST generate, cache miss (3 variants)", misses, "ms")
    hit = results.figure(section, "POST generate, cache hit", hits, "ms", "goal p50 <= 15 ms")
    results.value(section, "cache miss / hit", miss["median"] / hit["median"], "x")
    print(f"\n{_line('POST generate, cache miss (3 variants)', miss)}")
    print(_line("POST generate, cache hit", hit))
    ratio = statistics.median(misses) / statistics.median(hits)
    print(f"{'miss / hit latency ratio':<46} {ratio:8.1f}x")
    peak_mib = local_server.peak_rss_mib()
    results.value(section, "peak RSS of the local server (all parts)", peak_mib, "MiB")
    print(f"{'peak RSS of the local server (all parts)':<46} {peak_mib:8.1f} MiB")
