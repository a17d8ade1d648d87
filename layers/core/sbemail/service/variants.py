"""One variant from brief to payload, and a job's result from its variants.

The worker runs ``write_variant`` for each variant (in parallel): the copy is written,
reviewed once more (the offline writer's copy too: one gate for every provider),
rendered, and described with what it cost and what was repaired. A variant that fails
is a payload with an ``error`` and still carries what it cost: a failed call is billed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..content import ContentError, ContentModel, Usage
from ..domain import Theme, VariantBrief, merged_repairs, render, review_copy
from ..domain.rendering import SharedBrandContext
from ..domain.safety import envelope_text
from ..storage import Job


def write_variant(
    content: ContentModel,
    brief: VariantBrief,
    theme: Theme,
    unsubscribe: str,
    clock: Callable[[], float],
    shared: SharedBrandContext | None = None,
) -> dict[str, Any]:
    """The stored payload of one variant: the rendered email, or why there is none
    (``shared``: the brand's placeholder values, worked out once per job)."""
    started = clock()
    base: dict[str, Any] = {
        "index": brief.variant_index,
        "layoutId": brief.layout.id,
        "blocks": brief.layout.block_ids,
    }
    try:
        written = content.write(brief)
    except ContentError as error:
        failed = _figures(error.usage or Usage(), error.cost_usd)
        return {**base, "error": {"code": error.code, "message": str(error)}, **failed}
    figures = _figures(written.usage, written.cost_usd)
    review = review_copy(brief, written.values, final=True)
    if review.problems:
        reasons = "; ".join(f"{p.field}: {p.problem}" for p in review.problems)
        return {**base, "error": {"code": "invalid_copy", "message": reasons}, **figures}
    copy = review.values
    try:
        email = render(
            brief.layout,
            theme,
            brief.request.brand,
            copy,
            unsubscribe,
            facts=brief.facts,
            shared=shared,
        )
    except ValueError as error:  # e.g. too large for Gmail even in its compact form
        return {**base, "error": {"code": "render_failed", "message": str(error)}, **figures}
    repairs = merged_repairs(written.repairs, review.repairs)
    return {
        **base,
        # Envelope fields go straight into an ESP's subject and preview fields: plain
        # text under the same rule as the body (no markup, nothing an ESP expands).
        "subjectLine": envelope_text(copy["subjectLine"]),
        "preheader": envelope_text(copy["preheader"]),
        "mjml": email.mjml,
        "html": email.html,
        "text": email.text,
        "sizeBytes": email.size_bytes,
        "repaired": [r.as_dict() for r in repairs],
        "corrections": written.corrections,
        **figures,
        "timeMs": round((clock() - started) * 1000),
    }


def _figures(usage: Usage, cost_usd: float | None) -> dict[str, Any]:
    """A variant's tokens and USD as stored and returned (``None``: unpriced)."""
    return {"usage": usage.as_dict(), "costUSD": cost_usd}


def tally(payloads: list[dict[str, Any]]) -> dict[str, int]:
    """What a run of the worker did, for its metrics: variants written and failed, copy
    repaired or sent back, and variants whose cost is unknown (an unpriced model)."""
    return {
        "VariantsWritten": sum("html" in p for p in payloads),
        "VariantsFailed": sum("error" in p for p in payloads),
        "VariantsRepaired": sum(bool(p.get("repaired")) for p in payloads),
        "CopyCorrections": sum(int(p.get("corrections", 0)) for p in payloads),
        "UnpricedVariants": sum(p.get("costUSD", 0.0) is None for p in payloads),
    }


def totals(variants: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """``usage`` and ``costsUSD`` of every variant, failed ones included; the total is
    ``null`` with ``priced: false`` when a variant's cost is unknown (unpriced model)."""
    usage = Usage()
    cost: float | None = 0.0
    for variant in variants.values():
        usage = usage + Usage.from_dict(variant.get("usage", {}))
        price = variant.get("costUSD", 0.0)
        cost = None if cost is None or price is None else cost + float(price)
    costs = (
        {"total": None, "priced": False}
        if cost is None
        else {
            "total": round(cost, 6),
            "priced": True,
        }
    )
    return {"usage": usage.as_dict(), "costsUSD": costs}


def failure_document(variants: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """The error of a job whose every variant failed, with what the attempt cost."""
    reasons = "; ".join(v.get("error", {}).get("message", "") for v in variants.values())
    return {
        "code": "generation_failed",
        "message": reasons[:1000],
        "variants": [{"index": i, **variants[i].get("error", {})} for i in sorted(variants)],
        **totals(variants),
    }


def result_document(job: Job, variants: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """The response of a completed job: its summary, its emails in order, their totals."""
    emails = [variants[i] for i in sorted(variants)]
    return {
        "success": any("html" in email for email in emails),
        "jobId": job.id,
        **job.summary,
        "cache": "miss",
        "emails": emails,
        **totals(variants),
    }
