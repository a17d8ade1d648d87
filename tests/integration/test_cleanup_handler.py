"""The scheduled cleanup function removes expired items and reports what it did."""

from __future__ import annotations

from typing import Any

from sbemail import bootstrap
from sbemail.local.runtime import LocalContext, load_handler
from sbemail.storage import Job, JobStatus

from samples import ROOT


def test_the_scheduled_cleanup_reports_and_removes_expired_jobs(aws: Any) -> None:
    services = bootstrap.services()
    store = services.store
    store.create(Job(id="stale", store_id="s", status=JobStatus.QUEUED, request={}, total=1))
    # an item whose TTL passed long ago but that DynamoDB has not deleted yet
    services.table.update("job#stale", "SET expires_at = :past", values={":past": 1})
    handler = load_handler(ROOT / "functions" / "cleanup" / "app.py", "cleanup_under_test")
    event = {"source": "aws.events", "detail-type": "Scheduled Event", "detail": {}}
    report = handler(event, LocalContext("cleanup"))
    assert report["removed"]["store"] == 1 and report["finished"] is True
    assert services.table.get("job#stale") is None
