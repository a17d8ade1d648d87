"""Job time against a model at a realistic speed, and 50 simultaneous callers.

The fake OpenAI server answers like a real model: 400 ms to the first token, then 80
output tokens a second. Through the local server (Chat Completions to the fake):

- job time (POST with ``Prefer: wait``, 3 variants) against the job's slowest variant's
  model call, timed directly with the same briefs (ideal ratio 1.0; goal <= 1.1);
- the original-style pipeline (whole MJML returned, variants in parallel) at the same
  speed: modelled as the fake would serve it, first-token wait plus the MJML's tokens at
  80 tokens/s, since the fake writes JSON copy rather than markup;
- 50 distinct callers at once (the local worker running 5 SQS batches at once, like the
  template's ``WorkerMaxConcurrency``): completed, latency p50/p95, the wait for a
  worker and a model session (latency beyond one job alone), the server's peak RSS.
"""

from __future__ import annotations

import statistics
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from conftest import started_local_server

from performance.results import Results
from sbemail.content import OfflineContentModel, RetryPolicy
from sbemail.domain import render, resolve_theme, review_copy

from fakes import tokens
from fakes.briefs import briefs_for
from fakes.content import API_KEY, pooled_model
from fakes.openai_server import Behaviour, FakeOpenAI
from http_client import call
from samples import sample_body

FIRST_TOKEN_SECONDS = 0.4
TOKENS_PER_SECOND = 80.0
JOBS = 5
CALLERS = 50
WORKERS = 5  # batches run at once, as the template's WorkerMaxConcurrency default
SECTION = "Jobs against a model at a realistic speed (0.4 s to first token, 80 tokens/s)"


def _request(n: int) -> dict:  # type: ignore[type-arg]
    body = sample_body("northwind")
    return {
        **body,
        "storeId": f"bench-{uuid.uuid4().hex[:8]}",
        "userContext": f"{body['userContext']} (run {n} {uuid.uuid4().hex[:6]})",
    }


def _generate(url: str, request: dict) -> tuple[float, int]:  # type: ignore[type-arg]
    """Seconds until the job's result is in hand (polling after a 202), and the status."""
    started = time.perf_counter()
    reply = call("POST", f"{url}/api/email/generate", request, {"Prefer": "wait=25"}, timeout=60)
    status = reply.status
    if status == 202:
        status_url = reply.json()["statusUrl"]
        while True:
            time.sleep(0.2)
            job = call("GET", f"{url}{status_url}").json()
            if job["status"] in ("completed", "failed"):
                status = 200 if job["status"] == "completed" else 502
                break
    return time.perf_counter() - started, status


def _slowest_call(model, request: dict) -> float:  # type: ignore[no-untyped-def, type-arg]
    """The slowest of the request's variants' model calls, each timed on its own."""

    def timed(brief) -> float:  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        model.write(brief)
        return time.perf_counter() - started

    briefs = briefs_for(request)
    with ThreadPoolExecutor(max_workers=len(briefs)) as executor:
        return max(executor.map(timed, briefs))


def _original_style_seconds(request: dict) -> float:  # type: ignore[type-arg]
    """The original pipeline at the same speed: variants in parallel, each returning
    the whole MJML (at least what we render for it)."""
    writer = OfflineContentModel()
    slowest = 0.0
    for brief in briefs_for(request):
        theme, _ = resolve_theme(brief.request.brand, brief.request.aesthetic)
        copy = review_copy(brief, writer.write(brief).values, final=True).values
        mjml = render(brief.layout, theme, brief.request.brand, copy, facts=brief.facts).mjml
        slowest = max(slowest, FIRST_TOKEN_SECONDS + tokens.count(mjml) / TOKENS_PER_SECOND)
    return slowest


def test_bench_job_time_and_fifty_callers(tmp_path: Path, results: Results) -> None:
    behaviour = Behaviour(
        api_key=API_KEY,
        time_to_first_token=FIRST_TOKEN_SECONDS,
        tokens_per_second=TOKENS_PER_SECOND,
    )
    with (
        FakeOpenAI.running(behaviour) as fake,
        started_local_server(
            tmp_path,
            {
                "OPENAI_BASE_URL": fake.base_url,
                "OPENAI_API_KEY": API_KEY,
                "SBEMAIL_ADMIN_TOKEN": "bench",
                "SBEMAIL_LOCAL_WORKERS": str(WORKERS),
            },
        ) as server,
    ):
        one_attempt = RetryPolicy(max_attempts=1, budget_seconds=60, attempt_timeout=45)
        direct = pooled_model(fake, "chat", policy=one_attempt)
        _generate(server.url, _request(0))  # warm the server's sessions
        job_seconds, slowest, ratios, original = [], [], [], []
        for n in range(1, JOBS + 1):
            request = _request(n)
            seconds, status = _generate(server.url, request)
            assert status == 200
            call_seconds = _slowest_call(direct, request)
            job_seconds.append(seconds)
            slowest.append(call_seconds)
            ratios.append(seconds / call_seconds)
            original.append(_original_style_seconds(request))
        job = results.figure(SECTION, "job time (3 variants, local API)", job_seconds, "s")
        results.figure(SECTION, "its slowest variant's model call", slowest, "s")
        results.figure(SECTION, "job time / slowest call", ratios, "x", "ideal 1.0, goal <= 1.1")
        results.figure(
            SECTION,
            "original-style job (whole MJML out, modelled at the same speed)",
            original,
            "s",
        )
        results.value(
            SECTION,
            "original-style / our job time",
            statistics.median(original) / job["median"],
            "x",
        )
        print(
            f"\n[jobs] job {job['median']:.2f} s, slowest call "
            f"{statistics.median(slowest):.2f} s, ratio {statistics.median(ratios):.2f}; "
            f"original-style {statistics.median(original):.2f} s"
        )

        requests = [_request(100 + n) for n in range(CALLERS)]
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=CALLERS) as executor:
            outcomes = list(executor.map(lambda r: _generate(server.url, r), requests))
        wall = time.perf_counter() - started
        latencies = [seconds for seconds, _ in outcomes]
        done = sum(1 for _, status in outcomes if status == 200)
        crowd = f"{CALLERS} distinct callers at once"
        lat = results.figure(SECTION, f"{crowd}: latency", latencies, "s")
        results.value(SECTION, f"{crowd}: completed", done, f"of {CALLERS}")
        results.value(SECTION, f"{crowd}: all done after", wall, "s")
        results.value(
            SECTION,
            f"{crowd}: wait for a model session (p50 latency - one job alone)",
            lat["median"] - job["median"],
            "s",
            f"{WORKERS} worker batches of up to 5 jobs (2 of a batch's at once), "
            "one pool of 10 sessions",
        )
        results.value(SECTION, f"{crowd}: server peak RSS", server.peak_rss_mib(), "MiB")
        print(
            f"[jobs] {crowd}: {done}/{CALLERS} completed, p50 {lat['median']:.2f} s, "
            f"p95 {lat['p95']:.2f} s, all in {wall:.1f} s, peak RSS {server.peak_rss_mib():.0f} MiB"
        )
        assert done == CALLERS
