"""The job queue on SQS (a boto3 SQS client is injected)."""

from __future__ import annotations

import json
from typing import Any


class SQSJobQueue:
    """Sends one message per job; the worker's event source reads them in batches."""

    def __init__(self, client: Any, queue_url: str) -> None:
        self._client = client
        self._url = queue_url

    def send(self, job_id: str) -> None:
        self._client.send_message(QueueUrl=self._url, MessageBody=json.dumps({"jobId": job_id}))
