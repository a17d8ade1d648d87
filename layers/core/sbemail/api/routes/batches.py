"""Batch routes: submit up to 100 generate requests at once, follow the batch, read an
item (results of jobs are also read per job, as for single requests)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from aws_lambda_powertools.metrics import MetricUnit

from ...bootstrap import services
from ...domain import MAX_STORE_ID, STORE_ID_PATTERN
from .. import contract
from ..bodies import json_request
from ..documents import job_document, status_url
from ..resolver import json_response

router = APIGatewayHttpRouter()
metrics = Metrics()

BatchId = Annotated[str, Path(description="the batchId of a 202", min_length=1, max_length=64)]
ItemIndex = Annotated[
    str, Path(description="the item's index in the batch's requests", pattern=r"^[0-9]{1,3}$")
]
StoreId = Annotated[
    str,
    Query(
        alias="storeId",
        description="the storeId the batch was submitted with",
        min_length=1,
        max_length=MAX_STORE_ID,
        pattern=STORE_ID_PATTERN,
    ),
]


def batch_url(batch_id: str, store_id: str, index: int | None = None) -> str:
    path = f"/api/email/batches/{batch_id}"
    if index is not None:
        path += f"/items/{index}"
    return f"{path}?storeId={quote(store_id, safe='')}"


def _links(item: dict[str, Any], batch_id: str, store_id: str) -> dict[str, Any]:
    """An item with where to read it: its job's status URL, or the batch's copy of a
    cached answer."""
    if "jobId" in item:
        return {**item, "statusUrl": status_url(item["jobId"], store_id)}
    if item.get("cache") == "hit":
        return {**item, "resultUrl": batch_url(batch_id, store_id, item["index"])}
    return item


@router.post("/api/email/batch", **contract.BATCH_SUBMIT)
def submit_batch() -> Response[Any]:
    event = router.current_event
    body = json_request(
        event.headers.get("content-type"), event.body, bool(event.is_base64_encoded)
    )
    submitted = services().batches.submit(body)
    batch, counts = submitted.batch, submitted.counts
    metrics.add_metric("BatchesSubmitted", MetricUnit.Count, 1)
    metrics.add_metric("BatchItems", MetricUnit.Count, len(batch.items))
    metrics.add_metric(
        "EconomyItems" if batch.mode == "economy" else "StandardItems",
        MetricUnit.Count,
        len(batch.items),
    )
    for name, count in (
        ("BatchJobs", counts["jobs"]),
        ("BatchItemsCached", counts["cached"]),
        ("BatchItemsCoalesced", counts["coalesced"] + counts["duplicates"]),
        ("BatchItemsInvalid", counts["invalid"]),
    ):
        metrics.add_metric(name, MetricUnit.Count, count)
    document = {
        "batchId": batch.id,
        "statusUrl": batch_url(batch.id, batch.store_id),
        "mode": batch.mode,
        "total": len(batch.items),
        "items": [_links(item, batch.id, batch.store_id) for item in batch.items],
    }
    if batch.state.get("warnings"):
        document["warnings"] = batch.state["warnings"]
    return json_response(202, document)


@router.get("/api/email/batches/<batch_id>", **contract.BATCH_STATUS)
def batch_status(batch_id: BatchId, store_id: StoreId) -> Response[Any]:
    batches = services().batches
    batch = batches.get(batch_id, store_id)
    items, progress = batches.status(batch)
    finished = progress["done"] + progress["failed"] == progress["total"]
    latency = batches.completion_latency(batch, progress)
    if latency is not None:
        metrics.add_metric("BatchLatency", MetricUnit.Seconds, latency)
    document = {
        "batchId": batch.id,
        "mode": batch.mode,
        "status": "completed" if finished else "running",
        "progress": progress,
        "items": [_links(item, batch.id, store_id) for item in items],
    }
    if batch.mode == "economy":  # where its provider batch is: submitted, ended
        document["economy"] = {"phase": batch.state.get("phase", "new")}
    if batch.state.get("warnings"):
        document["warnings"] = batch.state["warnings"]
    return json_response(200, document)


@router.get("/api/email/batches/<batch_id>/items/<index>", **contract.BATCH_ITEM)
def batch_item(batch_id: BatchId, index: ItemIndex, store_id: StoreId) -> Response[Any]:
    batches = services().batches
    batch = batches.get(batch_id, store_id)
    entry, job = batches.item(batch, int(index))
    if job is None:
        status = "invalid" if "error" in entry else "completed"
        return json_response(200, {**entry, "status": status})
    generation = services().generation
    result = generation.result(job) if job.status.value == "completed" else None
    return json_response(200, {**entry, **job_document(job, result)})
