"""CPU per job by stage, in a Lambda-shaped run (``make bench``).

The API and worker handlers are called directly, as Lambda would, with DynamoDB and SQS
emulated in-process by moto (``mock_aws``) and the offline writer: POST a 3-variant job
(``Prefer: wait=0``), hand its SQS message to the worker, GET the result. CPU is taken
per stage (``stages``) for each job, and each stage's median over the jobs is reported;
the emulation's share is reported apart, since in the cloud it is DynamoDB's and SQS's,
not ours, and so are the test's own SQS calls (receiving and deleting the message is the
event source mapping's work in the cloud). A second pass holds a caller waiting on the job
(``Prefer: wait=20`` in a thread while the worker runs) to show what waiting adds.
Goals: the service's own CPU <= 40 ms per job; waiting callers add <= 10 %.
"""

from __future__ import annotations

import json
import statistics
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from performance.results import Results
from performance.stages import StageClock, stages_of_a_job
from sbemail.local.gateway_events import http_api_event
from sbemail.local.runtime import LocalContext, load_handler, sqs_event

from samples import ROOT, sample_body

JOBS = 20
SECTION = "CPU per 3-variant job (Lambda-shaped: handlers called directly, moto in-process)"
APART = ("AWS emulation", "harness")
"""Stages that are not the service's CPU: moto, and the test's own SQS calls."""


@pytest.fixture
def lambda_shaped(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    from moto import mock_aws

    from sbemail import bootstrap
    from sbemail.local.embedded import read_template, table_definition

    with mock_aws():
        import boto3

        session = boto3.session.Session(region_name="us-east-1")
        dynamodb = session.client("dynamodb")
        definition = table_definition(read_template(ROOT / "template.yaml"))
        dynamodb.create_table(
            TableName="bench",
            KeySchema=definition["KeySchema"],
            AttributeDefinitions=definition["AttributeDefinitions"],
            BillingMode="PAY_PER_REQUEST",
        )
        sqs = session.client("sqs")
        queue_url = sqs.create_queue(QueueName="bench-jobs")["QueueUrl"]
        for name in ("DYNAMODB_ENDPOINT", "SQS_ENDPOINT", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("OPENAI_API_KEY_PARAMETER", "")
        monkeypatch.setenv("TABLE_NAME", "bench")
        monkeypatch.setenv("QUEUE_URL", queue_url)
        monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
        # as the template sets it: Powertools still serialises every 100th metric
        monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "SBEmail")
        bootstrap.services.cache_clear()
        yield {
            "api": load_handler(ROOT / "functions/api/app.py", "bench_api"),
            "worker": load_handler(ROOT / "functions/worker/app.py", "bench_worker"),
            "sqs": sqs,
            "queue_url": queue_url,
        }
        bootstrap.services.cache_clear()


def _event(method: str, target: str, body: Any = None, wait: int = 0) -> dict[str, Any]:
    """The HTTP API event of a request (API Gateway's work in the cloud)."""
    raw = json.dumps(body).encode() if body is not None else b""
    headers = {"content-type": "application/json", "prefer": f"wait={wait}"}
    return http_api_event(method, target, headers, raw, "127.0.0.1")


def _request(handler, method: str, target: str, body: Any = None, wait: int = 0) -> dict:  # type: ignore[no-untyped-def, type-arg]
    return handler(_event(method, target, body, wait), LocalContext("api"))  # type: ignore[no-any-return]


def _body(n: int) -> dict[str, Any]:
    """A distinct 3-variant request (its own store, its own brief)."""
    sample = sample_body("northwind")
    return {
        **sample,
        "storeId": f"cpu-{uuid.uuid4().hex[:8]}",
        "userContext": f"{sample['userContext']} ({n})",
    }


def _one_job(
    aws: dict[str, Any],
    n: int,
    waiting: bool,
    clock: StageClock | None = None,
    after: bool = False,
) -> None:
    """One job end to end; ``waiting``: a second caller waits on it while it runs;
    ``after``: the same second caller arrives once it has ended (a cache hit). With
    ``clock``, the test's own work (building requests and events, SQS calls, reading
    answers) is charged to ``harness``."""

    def harness(call: Callable[..., Any]) -> Callable[..., Any]:
        return clock.wrap("harness", call) if clock is not None else call

    body = harness(_body)(n)
    event = harness(_event)("POST", "/api/email/generate", body)
    reply = aws["api"](event, LocalContext("api"))
    assert reply["statusCode"] == 202, reply
    job = harness(json.loads)(reply["body"])
    messages = harness(aws["sqs"].receive_message)(
        QueueUrl=aws["queue_url"], MaxNumberOfMessages=1, AttributeNames=["All"]
    )["Messages"]
    status_url = job["statusUrl"]
    waiter = None
    answers: list[dict[str, Any]] = []
    if waiting:  # a caller holding the job's status open while it runs
        waiter = threading.Thread(
            target=lambda: answers.append(
                _request(aws["api"], "POST", "/api/email/generate", body, 20)
            )
        )
        waiter.start()
        time.sleep(0.05)
    aws["worker"](
        sqs_event(messages, "arn:aws:sqs:us-east-1:000000000000:bench-jobs"), LocalContext("worker")
    )
    harness(aws["sqs"].delete_message)(
        QueueUrl=aws["queue_url"], ReceiptHandle=messages[0]["ReceiptHandle"]
    )
    if waiter:
        waiter.join(30)
        assert [answer["statusCode"] for answer in answers] == [200], "the waiter's result"
    if after:
        late = aws["api"](harness(_event)("POST", "/api/email/generate", body), LocalContext("api"))
        assert late["statusCode"] == 200 and harness(json.loads)(late["body"])["cache"] == "hit"
    done = aws["api"](harness(_event)("GET", status_url), LocalContext("api"))
    assert harness(json.loads)(done["body"])["status"] == "completed", done["body"][:300]


def _run(aws: dict[str, Any], waiting: bool, after: bool = False) -> tuple[float, dict[str, float]]:
    """The median job's CPU (ms): the service's own in total, and each stage's median
    ("other" is what no stage claims; the stages in ``APART`` are not ours).
    ``status reads`` is the mean number of job status reads (``peek``) per job, a
    waiting caller's polls among them."""
    from sbemail.storage.dynamodb import DynamoDBJobStore

    own: list[float] = []
    per_stage: dict[str, list[float]] = {}
    reads = [0]
    with pytest.MonkeyPatch.context() as patch:
        peek = DynamoDBJobStore.peek

        def counted(store: DynamoDBJobStore, job_id: str) -> Any:
            reads[0] += 1
            return peek(store, job_id)

        patch.setattr(DynamoDBJobStore, "peek", counted)
        for n in range(JOBS):
            clock = StageClock()
            with stages_of_a_job(clock):  # wraps the counting peek: its CPU is a store's
                started = time.process_time()
                _one_job(aws, n, waiting, clock, after)
                total = (time.process_time() - started) * 1000
            stages = {stage: seconds * 1000 for stage, seconds in clock.seconds.items()}
            mine = total - sum(stages.get(stage, 0.0) for stage in APART)
            stages["other (handlers, Powertools, threads)"] = mine - sum(
                ms for stage, ms in stages.items() if stage not in APART
            )
            own.append(mine)
            for stage, ms in stages.items():
                per_stage.setdefault(stage, []).append(ms)
    medians = {
        stage: statistics.median(values + [0.0] * (JOBS - len(values)))
        for stage, values in per_stage.items()
    }
    return statistics.median(own), {**medians, "status reads": reads[0] / JOBS}


def test_bench_cpu_per_job_by_stage(lambda_shaped: dict[str, Any], results: Results) -> None:
    _one_job(lambda_shaped, -1, False)  # warm: first requests build services, load SDK data
    own, stages = _run(lambda_shaped, waiting=False)
    reads = stages.pop("status reads")
    emulation = stages.pop("AWS emulation", 0.0)
    stages.pop("harness", None)
    rows = [[stage, round(ms, 2), f"{ms / own:.0%}"] for stage, ms in sorted(stages.items())]
    rows.append(["service's own CPU (total)", round(own, 2), "100%"])
    rows.append(["AWS emulation (moto, not ours in the cloud)", round(emulation, 2), ""])
    results.table(
        "CPU per 3-variant job by stage (ms, Lambda-shaped run, offline writer)",
        ["stage", "ms per job", "share of our CPU"],
        rows,
        f"Median of {JOBS} jobs, for each stage and for the total (so the stages need not "
        "add up to it exactly); goal: our own CPU <= 40 ms per job.",
    )
    results.value(SECTION, "service's own CPU per job", own, "ms", "goal <= 40 ms")
    results.value(SECTION, "AWS emulation CPU per job (moto)", emulation, "ms")
    waited_own, waited_stages = _run(lambda_shaped, waiting=True)
    results.value(SECTION, "service's own CPU per job with a waiting caller", waited_own, "ms")
    results.value(SECTION, "a waiting caller adds", waited_own / own - 1, "share", "goal <= 0.10")
    waited_reads = waited_stages.pop("status reads")
    results.value(SECTION, "a waiting caller's status reads per job", waited_reads - reads, "")
    after_own, _ = _run(lambda_shaped, waiting=False, after=True)
    results.value(
        SECTION,
        "the same caller arriving after the end (a cache hit) adds",
        after_own / own - 1,
        "share",
        "what a second caller costs without waiting: the rest is the cost of waiting",
    )
    print(
        f"\n[cpu] per job: own {own:.1f} ms, emulation {emulation:.1f} ms; with a waiting "
        f"caller own {waited_own:.1f} ms ({waited_own / own - 1:+.0%})"
    )
    for row in rows:
        print(f"[cpu] {row[0]:<45} {row[1]:>8} ms {row[2]:>5}")
    print(f"[cpu] a waiting caller's status reads per job: {waited_reads - reads:.1f}")
    print(f"[cpu] the same caller arriving after the end adds {after_own / own - 1:+.0%}")
    for stage in sorted(set(waited_stages) - set(APART)):  # where a waiting caller's CPU goes
        extra = waited_stages[stage] - stages.get(stage, 0.0)
        print(f"[cpu] with a waiting caller: {stage:<40} {extra:+8.2f} ms")
