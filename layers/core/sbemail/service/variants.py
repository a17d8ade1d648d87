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
from ..domain import Theme, VariantBrief, render, review_copy
from ..domain.safety import envelope_text
from ..storage import Job


def write_variant(
    content: ContentModel,
    brief: VariantBrief,
    theme: Theme,
    unsubscribe: str,
    clock: Callable[[], float],
) -> dict[str, Any]:
    """The stored payload of one variant: the rendered email, or why there is none."""
    started = clock()
    base: dict[str, Any] = {
        "index": brief.variant_index,
        "layoutId": brief.layout.id,
        "blocks": brief.layout.block_ids,
    }
    try:
        written = content.write(brief)
    except ContentError as error:
        spent = error.usage or Usage()
        return {
            **base,
            "error": {"code": error.code, "message": str(error)},
            "usage": spent.as_dict(),
            "costUSD": error.cost_usd,
        }
    spent_figures = {"usage": written.usage.as_dict(), "costUSD": written.cost_usd}
    review = review_copy(brief, written.values, final=True)
    if review.problems:
        reasons = "; ".join(f"{p.field}: {p.problem}" for p in review.problems)
        return {**base, "error": {"code": "invalid_copy", "message": reasons}, **spent_figures}
    copy = review.values
    try:
        email = render(
            brief.layout, theme, brief.request.brand, copy, unsubscribe, facts=brief.facts
        )
    except ValueError as error:  # e.g. too large for Gmail even in its compact form
        return {**base, "error": {"code": "render_failed", "message": str(error)}, **spent_figures}
    repairs = {(r["field"], r["action"]): r for r in written.repairs}
    repairs.update({(r.field, r.action): r.as_dict() for r in review.repairs})
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
        "repaired": list(repairs.values()),
        "corrections": written.corrections,
        **spent_figures,
        "timeMs": round((clock() - started) * 1000),
    }


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


def spent(variants: dict[int, dict[str, Any]]) -> tuple[Usage, float | None]:
    """Tokens and USD of every variant, failed ones included (``None``: unpriced)."""
    usage = Usage()
    cost: float | None = 0.0
    for variant in variants.values():
        usage = usage + Usage.from_dict(variant.get("usage", {}))
        price = variant.get("costUSD", 0.0)
        cost = None if cost is None or price is None else cost + float(price)
    return usage, cost


def costs_document(cost: float | None) -> dict[str, Any]:
    """``costsUSD``: the total, or ``null`` with ``priced: false`` for an unpriced model."""
    if cost is None:
        return {"total": None, "priced": False}
    return {"total": round(cost, 6), "priced": True}


def failure_document(variants: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """The error of a job whose every variant failed, with what the attempt cost."""
    reasons = "; ".join(v.get("error", {}).get("message", "") for v in variants.values())
    usage, cost = spent(variants)
    return {
        "code": "generation_failed",
        "message": reasons[:1000],
        "variants": [{"index": i, **variants[i].get("error", {})} for i in sorted(variants)],
        "usage": usage.as_dict(),
        "costsUSD": costs_document(cost),
    }


def result_document(job: Job, variants: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """The response of a completed job: its summary, its emails in order, their totals."""
    emails = [variants[i] for i in sorted(variants)]
    usage, cost = spent(variants)
    return {
        "success": any("html" in email for email in emails),
        "jobId": job.id,
        **job.summary,
        "cache": "miss",
        "emails": emails,
        "usage": usage.as_dict(),
        "costsUSD": costs_document(cost),
    }
