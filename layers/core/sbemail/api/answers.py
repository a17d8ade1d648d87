"""What the API answers, as models for its OpenAPI document (``api.contract``).

The handlers build plain dicts (``api.documents``, the services); these models only
describe them, and the contract test (Schemathesis over every route) checks every answer
against them. Fields are camelCase on the wire; fields not listed may appear: the
document names what callers rely on, not every internal figure.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel
from pydantic.json_schema import models_json_schema


class _Document(BaseModel):
    """camelCase on the wire; fields not listed may appear (the document names the
    ones callers rely on, not every internal figure)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class ErrorDetail(_Document):
    code: str = Field(description="stable, machine-readable reason, e.g. invalid_request")
    message: str = Field(description="for people; never a stack trace")
    details: list[Any] | None = Field(
        default=None,
        description="for 400s: each invalid field, as {field, message} (absent otherwise)",
    )


class ErrorBody(_Document):
    """Every error: ``{"error": {"code", "message", "details"?}}``."""

    error: ErrorDetail


class Usage(_Document):
    input_tokens: int
    output_tokens: int
    cached_tokens: int


class Costs(_Document):
    total: float | None = Field(description="USD; null when the model has no known price")
    priced: bool


class VariantError(_Document):
    index: int | None = None
    code: str | None = None
    message: str | None = None


class FailureDetail(ErrorDetail):
    job_id: str
    usage: Usage
    costs_usd: Costs = Field(alias="costsUSD")
    details: list[VariantError] | None = Field(default=None, description="why, per variant")


class FailureBody(_Document):
    """A job whose every variant failed: why, and what its billed calls cost."""

    error: FailureDetail


class Email(_Document):
    """One variant: the rendered email, or (``error``) why there is none."""

    index: int
    layout_id: str
    blocks: list[str]
    subject_line: str | None = None
    preheader: str | None = None
    mjml: str | None = None
    html: str | None = None
    text: str | None = None
    size_bytes: int | None = None
    usage: Usage
    cost_usd: float | None = Field(alias="costUSD", description="null: unpriced model")
    error: dict[str, Any] | None = None


class GenerationResult(_Document):
    """The emails of a completed job (from the cache: ``cache`` is ``hit``)."""

    success: bool = Field(description="whether at least one variant was written")
    job_id: str
    cache: Literal["hit", "miss"]
    emails: list[Email]
    usage: Usage
    costs_usd: Costs = Field(alias="costsUSD")


class Accepted(_Document):
    """Not ready within the wait: poll ``statusUrl``."""

    job_id: str
    status: Literal["queued", "running"]
    poll_after_ms: int
    status_url: str


class Progress(_Document):
    done: int
    total: int


class JobDocument(_Document):
    job_id: str
    status: Literal["queued", "running", "completed", "failed"]
    progress: Progress
    result: GenerationResult | None = Field(default=None, description="when completed")
    error: dict[str, Any] | None = Field(default=None, description="when failed")


class Health(_Document):
    status: Literal["ok"]
    blocks: int = Field(description="blocks in the library")


class Stats(_Document):
    success: Literal[True]
    stats: dict[str, Any] = Field(
        description="timestamp, store, threadPool, responseCache and blockCache figures"
    )


class Cleared(_Document):
    success: Literal[True]
    cleared: int = Field(description="cached responses that were live")


class Removed(_Document):
    store: int
    cache: int
    counters: int


class Cleanup(_Document):
    success: Literal[True]
    scanned: int
    removed: Removed
    finished: bool = Field(description="false: a bounded pass stopped early; run it again")


class BrandDocument(_Document):
    """A domain's brand profile, ready to send as a generate request's ``brandData``."""

    success: Literal[True]
    domain: str = Field(description="the domain as looked up (lower case, no scheme or path)")
    brand_data: dict[str, Any] = Field(description="the brand profile")
    cache: Literal["hit", "miss"] = Field(description="hit: served from the table")
    fetched_at: str | None = Field(description="when the brand service was asked (UTC)")


class WarmSummary(_Document):
    cached: int
    queued: int
    invalid: int
    failed: int


class WarmItem(_Document):
    index: int
    status: Literal["cached", "queued", "invalid", "failed"]
    store_id: str | None = None
    job_id: str | None = Field(default=None, description="when queued: the job filling it")
    error: dict[str, Any] | None = Field(default=None, description="when invalid or failed")
    duplicate_of: int | None = Field(
        default=None, description="a batch's item repeating an earlier one: its outcome"
    )


class WarmReport(_Document):
    """What became of each warm-up request (a batch's: each of its items, in order)."""

    success: Literal[True]
    summary: WarmSummary
    items: list[WarmItem]
    batch_id: str | None = Field(default=None, description="the batch warmed, when named")


def schemas() -> dict[str, Any]:
    """Every answer model's JSON schema by name: the document's ``components/schemas``.

    The routes name these models (``api.responses``) without importing them; this module
    and ``answers_batches`` are loaded only when the document is built.
    """
    from . import answers_batches  # noqa: F401  (its models subclass ``_Document``)

    models: list[type[BaseModel]] = []
    pending: list[type[BaseModel]] = [_Document]
    while pending:
        model = pending.pop()
        pending.extend(model.__subclasses__())
        if model is not _Document:
            models.append(model)
    _, document = models_json_schema(
        [(model, "serialization") for model in models], ref_template="#/components/schemas/{model}"
    )
    return {name: _without_nulls(schema) for name, schema in document.get("$defs", {}).items()}


def _without_nulls(value: Any) -> Any:
    """``value`` without the keys whose value is null (``"default": null``), as Powertools
    writes the rest of the document (its OpenAPI models are dumped without None)."""
    if isinstance(value, dict):
        return {key: _without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value
