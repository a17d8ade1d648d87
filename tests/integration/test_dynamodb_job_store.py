"""The DynamoDB job store against a DynamoDB-compatible server over the wire."""

from __future__ import annotations

import uuid

import pytest

from sbemail.storage import DynamoDBJobStore, Job, JobLeasedError, JobStateError, JobStatus, Table


@pytest.fixture
def table(fresh_table: Table) -> Table:
    return fresh_table


@pytest.fixture
def store(table: Table, clock) -> DynamoDBJobStore:
    return DynamoDBJobStore(table, ttl_seconds=300, clock=clock)


def new_job(total: int = 2) -> Job:
    return Job(
        id=uuid.uuid4().hex,
        store_id="s1",
        status=JobStatus.QUEUED,
        request={"k": "v"},
        total=total,
    )


def test_created_job_reads_back_queued(store: DynamoDBJobStore) -> None:
    job = new_job()
    store.create(job)
    found = store.get(job.id)
    assert found is not None
    assert (found.status, found.request, found.total, found.done) == (
        JobStatus.QUEUED,
        {"k": "v"},
        2,
        0,
    )


def test_creating_the_same_id_twice_is_refused(store: DynamoDBJobStore) -> None:
    job = new_job()
    store.create(job)
    with pytest.raises(JobStateError):
        store.create(job)


def test_job_past_its_ttl_is_not_returned_though_still_in_the_table(
    store: DynamoDBJobStore, table, clock
) -> None:
    job = new_job()
    store.create(job)
    clock.now += 301
    assert store.get(job.id) is None
    assert table.get(f"job#{job.id}") is not None


def test_saving_a_variant_twice_counts_it_once(store: DynamoDBJobStore) -> None:
    job = new_job(total=3)
    store.create(job)
    store.start(job.id)
    store.save_variant(job.id, 1, {"index": 1, "html": "<p>a</p>"})
    store.save_variant(job.id, 1, {"index": 1, "html": "<p>a</p>"})
    found = store.get(job.id)
    assert found is not None and found.done == 1
    assert store.variants(job.id, 3) == {1: {"index": 1, "html": "<p>a</p>"}}


def test_a_variant_saved_uncounted_is_counted_as_the_job_ends(store: DynamoDBJobStore) -> None:
    completed, failed = new_job(total=3), new_job(total=2)
    for job in (completed, failed):
        store.create(job)
        store.start(job.id)
        store.save_variant(job.id, 0, {"html": "<p>a</p>"})
    store.save_variant(completed.id, 2, {"html": "<p>c</p>"}, counted=False)
    running = store.get(completed.id)
    assert running is not None and running.done == 1  # the last one waits for the end
    store.complete(completed.id, {}, done=[0, 2])  # one counted already: still once
    store.save_variant(failed.id, 1, {"error": {"code": "x"}}, counted=False)
    store.fail(failed.id, {"code": "generation_failed"}, done=[0, 1])
    ended = (store.get(completed.id), store.get(failed.id))
    assert [(job.status, job.done) for job in ended if job] == [
        (JobStatus.COMPLETED, 2),
        (JobStatus.FAILED, 2),
    ]


def test_a_finished_job_cannot_go_back(store: DynamoDBJobStore) -> None:
    job = new_job()
    store.create(job)
    store.start(job.id)
    store.complete(job.id, {"provider": "offline"})
    with pytest.raises(JobStateError):
        store.start(job.id)
    with pytest.raises(JobStateError):
        store.fail(job.id, {"code": "x"})
    found = store.get(job.id)
    assert found is not None
    assert found.status is JobStatus.COMPLETED and found.summary == {"provider": "offline"}


def test_updates_refresh_the_ttl(store: DynamoDBJobStore, clock) -> None:
    job = new_job()
    store.create(job)
    clock.now += 200
    store.start(job.id)
    clock.now += 200  # 400 s after creation, 200 s after the last update
    assert store.get(job.id) is not None


def test_a_leased_job_is_refused_to_other_holders_until_released_or_run_out(
    store: DynamoDBJobStore, clock
) -> None:
    job = new_job()
    store.create(job)
    assert store.start(job.id, lease_seconds=60, holder="a").status is JobStatus.RUNNING
    with pytest.raises(JobLeasedError):
        store.start(job.id, lease_seconds=60, holder="b")
    store.release(job.id, "b")  # not b's lease: it stays
    with pytest.raises(JobLeasedError):
        store.start(job.id, lease_seconds=60, holder="b")
    store.release(job.id, "a")
    store.start(job.id, lease_seconds=60, holder="b")
    clock.now += 60  # b's invocation ended without a word: its lease ran out
    store.start(job.id, lease_seconds=60, holder="c")


def test_a_finished_job_is_no_lease_conflict(store: DynamoDBJobStore) -> None:
    job = new_job()
    store.create(job)
    store.start(job.id, lease_seconds=60, holder="a")
    store.complete(job.id, {})
    with pytest.raises(JobStateError) as refused:
        store.start(job.id, lease_seconds=60, holder="b")
    assert not isinstance(refused.value, JobLeasedError)


def test_a_peek_reads_the_state_but_not_the_request(store: DynamoDBJobStore, table: Table) -> None:
    job = new_job(total=3)
    store.create(job)
    store.start(job.id)
    store.save_variant(job.id, 1, {"html": "<p>x</p>"})
    sent: list[dict] = []  # type: ignore[type-arg]
    events = table.client.meta.events
    record = lambda params, **_: sent.append(params)  # noqa: E731
    events.register("provide-client-params.dynamodb.GetItem", record)
    try:
        peeked = store.peek(job.id)
    finally:
        events.unregister("provide-client-params.dynamodb.GetItem", record)
    assert peeked is not None
    assert (peeked.status, peeked.done, peeked.total, peeked.store_id) == (
        JobStatus.RUNNING,
        1,
        3,
        "s1",
    )
    assert peeked.request == {}, "the request is left in the table"
    assert len(sent) == 1 and sent[0]["ConsistentRead"] is True
    assert "request" not in sent[0]["ExpressionAttributeNames"].values()
    assert store.peek("no-such-job") is None
