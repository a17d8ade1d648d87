"""Why writing a variant's copy failed, as exceptions the service records per variant.

Each failure carries what it already cost (tokens, attempts, retries), because a call
that failed after three rate-limited attempts and one corrective call still counts
towards the bill and the metrics.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .ports import Usage


class ContentError(Exception):
    """Base of every content-generation failure.

    Attributes:
        code: a stable, machine-readable reason (``model_unavailable``, ...).
        usage: tokens consumed before the failure (``None`` when nothing was called).
        cost_usd: what those tokens cost in USD; ``None`` when the model has no price
            (unknown, not free), ``0.0`` when nothing was billed.
        attempts: HTTP attempts made for this variant.
        retries: attempts that were retries of a transient failure.
    """

    code = "content_failed"

    def __init__(
        self,
        message: str,
        *,
        usage: Usage | None = None,
        cost_usd: float | None = 0.0,
        attempts: int = 0,
        retries: int = 0,
    ) -> None:
        super().__init__(message)
        self.usage = usage
        self.cost_usd = cost_usd
        self.attempts = attempts
        self.retries = retries


class ContentUnavailableError(ContentError):
    """Transient failures (429, 5xx, timeouts) outlasted the attempts or the time budget."""

    code = "model_unavailable"


class ContentRejectedError(ContentError):
    """The model API refused the request (a 4xx other than 408/409/429): not retried."""

    code = "model_rejected"


class InvalidCopyError(ContentError):
    """The model's output broke the schema or a slot limit, even after one correction."""

    code = "invalid_copy"


class SessionPoolTimeoutError(ContentError):
    """No model session became free within the pool's acquire timeout."""

    code = "session_pool_exhausted"


class ContentConfigurationError(ContentError):
    """The provider cannot be set up (for example, the API key cannot be read)."""

    code = "content_misconfigured"
