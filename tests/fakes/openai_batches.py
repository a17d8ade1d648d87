"""OpenAI's Files and Batch APIs, for the fake server (``FakeBatches(fake)`` plugs in).

``POST /v1/files`` (multipart, purpose ``batch``), ``GET /v1/files/{id}`` and
``/content``, ``POST /v1/batches``, ``GET /v1/batches/{id}``, shaped as OpenAI answers.
A batch runs its requests when first retrieved after creation (unless ``hold`` keeps
it ``in_progress``), one by one, through the fake's own ``/v1/responses``: answers,
faults and prompt caching are exactly the live fake's. Requests it makes are marked
with an ``x-fake-batch`` header, so tests can tell live calls from batched ones.

``expire_after`` ends the batch ``expired`` after that many requests: the rest go to
the error file as ``batch_expired``, as OpenAI does when the 24 h window closes first;
the requests at the ``fail_lines`` positions fail inside the batch (a ``500`` in the
error file) while the same request made live succeeds.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from .openai_server import FakeOpenAI

BATCH_HEADER = "x-fake-batch"
_JSON = "application/json"


class FakeBatches:
    """The files and batches a fake OpenAI server holds."""

    def __init__(
        self,
        fake: FakeOpenAI,
        expire_after: int | None = None,
        hold: bool = False,
        fail_lines: frozenset[int] = frozenset(),
    ) -> None:
        self.fake = fake
        self.expire_after = expire_after
        self.fail_lines = fail_lines
        self.hold = hold
        self.files: dict[str, dict[str, Any]] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        fake.extension = self

    # -- what tests look at --------------------------------------------------------------

    def input_lines(self, batch_id: str) -> list[dict[str, Any]]:
        data = self.files[self.batches[batch_id]["input_file_id"]]["data"]
        return [json.loads(line) for line in data.decode().splitlines() if line.strip()]

    def live_calls(self) -> int:
        """Model calls that did not come from a batch."""
        return sum(BATCH_HEADER not in r.headers for r in self.fake.requests)

    # -- the routes ---------------------------------------------------------------------

    def serve(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, bytes, str] | None:
        path = path.split("?", 1)[0]
        parts = path.strip("/").split("/")  # v1, files|batches, id?, content?
        if len(parts) < 2 or parts[1] not in ("files", "batches"):
            return None
        key = self.fake.behaviour.api_key
        if key and headers.get("authorization") != f"Bearer {key}":
            return _error(401, "Incorrect API key provided")
        if parts[1] == "files":
            if method == "POST" and len(parts) == 2:
                return self._upload(headers.get("content-type", ""), body)
            if method == "GET" and len(parts) in (3, 4):
                return self._file(parts[2], content=len(parts) == 4 and parts[3] == "content")
        else:
            if method == "POST" and len(parts) == 2:
                return self._create(json.loads(body or b"{}"))
            if method == "GET" and len(parts) == 3:
                return self._retrieve(parts[2])
        return _error(404, f"unknown route {method} {path}")

    def _upload(self, content_type: str, body: bytes) -> tuple[int, bytes, str]:
        message = BytesParser(policy=HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + body
        )
        fields: dict[str, Any] = {}
        for part in message.iter_parts():  # type: ignore[attr-defined]
            name = part.get_param("name", header="content-disposition")
            fields[name] = (part.get_filename(), part.get_payload(decode=True))
        if "file" not in fields or "purpose" not in fields:
            return _error(400, "file and purpose are required")
        purpose = fields["purpose"][1].decode()
        if purpose != "batch":
            return _error(400, f"this fake only takes purpose 'batch', not {purpose!r}")
        filename, data = fields["file"]
        file_id = self._keep_file(data, filename or "upload.jsonl", purpose)
        return _json(_public(self.files[file_id]))

    def _keep_file(self, data: bytes, filename: str, purpose: str) -> str:
        """Store a file as the Files API would describe it; returns its id."""
        file_id = f"file-{next(self._ids)}"
        with self._lock:
            self.files[file_id] = {
                "id": file_id,
                "object": "file",
                "bytes": len(data),
                "created_at": int(time.time()),
                "filename": filename,
                "purpose": purpose,
                "status": "processed",
                "data": data,
            }
        return file_id

    def _file(self, file_id: str, content: bool) -> tuple[int, bytes, str]:
        found = self.files.get(file_id)
        if found is None:
            return _error(404, f"no such file {file_id}")
        if content:
            return 200, found["data"], "application/octet-stream"
        return _json(_public(found))

    def _create(self, request: dict[str, Any]) -> tuple[int, bytes, str]:
        if request.get("endpoint") != "/v1/responses":
            return _error(400, "this fake batches /v1/responses only")
        if request.get("completion_window") != "24h":
            return _error(400, "completion_window must be 24h")
        source = self.files.get(str(request.get("input_file_id")))
        if source is None or source["purpose"] != "batch":
            return _error(400, "input_file_id must name a file uploaded for batch")
        batch_id = f"batch_{next(self._ids)}"
        now = int(time.time())
        lines = [line for line in source["data"].decode().splitlines() if line.strip()]
        with self._lock:
            self.batches[batch_id] = {
                "id": batch_id,
                "object": "batch",
                "endpoint": "/v1/responses",
                "input_file_id": source["id"],
                "completion_window": "24h",
                "status": "in_progress",
                "output_file_id": None,
                "error_file_id": None,
                "created_at": now,
                "in_progress_at": now,
                "expires_at": now + 24 * 3600,
                "metadata": request.get("metadata"),
                "request_counts": {"total": len(lines), "completed": 0, "failed": 0},
            }
        return _json(self.batches[batch_id])

    def _retrieve(self, batch_id: str) -> tuple[int, bytes, str]:
        batch = self.batches.get(batch_id)
        if batch is None:
            return _error(404, f"no such batch {batch_id}")
        if batch["status"] == "in_progress" and not self.hold:
            self._run(batch)
        return _json(batch)

    # -- running a batch ----------------------------------------------------------------

    def _run(self, batch: dict[str, Any]) -> None:
        """Answer the batch's requests in order through the fake's own endpoint."""
        lines = self.input_lines(batch["id"])
        done = lines if self.expire_after is None else lines[: self.expire_after]
        output: list[dict[str, Any]] = []
        errors: list[dict[str, Any]] = []
        for number, line in enumerate(done):
            if number in self.fail_lines:
                status, body = 500, {"error": {"message": "The server had an error"}}
            else:
                status, body = self._call(batch["id"], line["body"])
            result = {
                "id": f"batch_req_{batch['id']}_{number}",
                "custom_id": line["custom_id"],
                "response": {"status_code": status, "request_id": f"req_{number}", "body": body},
                "error": None,
            }
            (output if status == 200 else errors).append(result)
        for number, line in enumerate(lines[len(done) :], start=len(done)):
            errors.append(
                {
                    "id": f"batch_req_{batch['id']}_{number}",
                    "custom_id": line["custom_id"],
                    "response": None,
                    "error": {
                        "code": "batch_expired",
                        "message": "This request could not be executed before the "
                        "completion window expired.",
                    },
                }
            )
        now = int(time.time())
        batch["output_file_id"] = self._result_file(batch["id"], "output", output)
        batch["error_file_id"] = self._result_file(batch["id"], "error", errors)
        expired = len(done) < len(lines)
        batch["status"] = "expired" if expired else "completed"
        batch["expired_at" if expired else "completed_at"] = now
        batch["request_counts"] = {
            "total": len(lines),
            "completed": len(output),
            "failed": len(errors),
        }

    def _call(self, batch_id: str, body: dict[str, Any]) -> tuple[int, Any]:
        request = urllib.request.Request(
            f"{self.fake.base_url}/responses",
            data=json.dumps(body).encode(),
            method="POST",
            headers={
                "Content-Type": _JSON,
                "Authorization": f"Bearer {self.fake.behaviour.api_key or 'batch'}",
                BATCH_HEADER: batch_id,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def _result_file(self, batch_id: str, kind: str, lines: list[dict[str, Any]]) -> str | None:
        if not lines:
            return None
        data = "".join(json.dumps(line) + "\n" for line in lines).encode()
        return self._keep_file(data, f"{batch_id}_{kind}.jsonl", "batch_output")

    def release(self) -> None:
        """Let held batches run at their next retrieval."""
        self.hold = False


def _public(file: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in file.items() if key != "data"}


def _json(document: dict[str, Any], status: int = 200) -> tuple[int, bytes, str]:
    return status, json.dumps(document).encode(), _JSON


def _error(status: int, message: str) -> tuple[int, bytes, str]:
    document = {"error": {"message": message, "type": "invalid_request_error", "param": None}}
    return _json(document, status)
