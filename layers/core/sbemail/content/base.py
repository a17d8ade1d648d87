"""What every model-backed provider shares: retries, repair, one correction, cost.

A provider only says how to send one request and read one reply (``_send``); this base
runs it under the retry policy, reviews the answer (whitespace normalised, modest
overruns cut, labels defaulted, foreign addresses removed), asks once more for just
the fields still wrong, repairs whatever remains, and reports tokens, cost, attempts,
retries and repairs. Failures become ``ContentError`` subclasses carrying the same
figures.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

from ..domain import CopyReview, CopyViolation, VariantBrief, merged_repairs, review_copy
from .errors import ContentError, ContentRejectedError, ContentUnavailableError, InvalidCopyError
from .ports import Usage, WrittenCopy
from .pricing import PriceTable
from .prompts import PROMPT_VERSION, CopyPrompt, build_prompt, correction, from_wire
from .replies import parse_reply
from .retry import Retrier, Tally, UnreadableReplyError, should_retry, status_of

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reply:
    """One answer: its text, its usage, and why it is unusable if the API said so."""

    text: str
    usage: Usage
    problem: str | None = None


@dataclass
class _Run:
    """One ``write``: its deadline, attempts so far and tokens spent so far."""

    deadline: float
    tally: Tally = field(default_factory=Tally)
    usage: Usage = field(default_factory=Usage)
    batch_usage: Usage = field(default_factory=Usage)
    """Tokens of an answer that came through the Batch API (billed at batch prices)."""


@dataclass(frozen=True)
class FollowUp:
    """The corrective turn: the previous answer, and what was wrong with it."""

    previous: str
    message: str


class OpenAICompatibleContentModel(ABC):
    """Writes a variant's copy with one model call (two when the first is unusable).

    Args:
        client: an ``openai.OpenAI`` client created with ``max_retries=0``; when
            ``None``, one is made from the environment (``OPENAI_API_KEY``, ...).
        model: the model name sent with each request.
        retrier: the retry policy runner (a default one when omitted).
        prices: the price table used for ``cost_usd``.
        max_output_tokens: ceiling on the answer's length (a cost and runaway guard).
        reasoning_effort: sent only when given; pass it only for models that take one
            (``factory.takes_reasoning_effort``): others reject the parameter.
    """

    provider = "openai"
    prompt_version = PROMPT_VERSION
    repair_json = False
    warnings: tuple[str, ...] = ()  # a session's; the pool carries the configuration's

    def __init__(
        self,
        client: Any | None,
        model: str,
        *,
        retrier: Retrier | None = None,
        prices: PriceTable | None = None,
        max_output_tokens: int = 2048,
        reasoning_effort: str | None = None,
    ) -> None:
        if client is None:
            import openai

            client = openai.OpenAI(max_retries=0)  # our retry loop is the only one
        self.model = model
        self._client = client
        self._retrier = retrier or Retrier()
        self._prices = prices or PriceTable()
        self._max_output_tokens = max_output_tokens
        self._reasoning_effort = reasoning_effort

    @property
    def client(self) -> Any:
        return self._client

    def write(self, brief: VariantBrief) -> WrittenCopy:
        """The reviewed copy for ``brief`` (see ``_complete`` for what may be raised)."""
        return self._complete(brief, None)

    def write_answered(self, brief: VariantBrief, answer: Reply) -> WrittenCopy:
        """The reviewed copy for ``brief`` from an ``answer`` the Batch API already gave
        to this provider's request: reviewed, repaired and (when still wrong) corrected
        with one live call, exactly as a live answer is; the answer's tokens are billed
        at batch prices, a corrective call's at live prices."""
        return self._complete(brief, answer)

    def _complete(self, brief: VariantBrief, answered: Reply | None) -> WrittenCopy:
        """The reviewed copy for ``brief``, asking the model unless ``answered``.

        Raises:
            ContentUnavailableError: transient failures outlasted attempts or budget.
            ContentRejectedError: the API refused the request (4xx).
            InvalidCopyError: the answer stayed unusable (unreadable, refused, or a
                field without a default left empty) after the corrective call.
        """
        prompt = build_prompt(brief)
        run = _Run(deadline=self._retrier.deadline())
        if answered is None:
            reply = self._ask(prompt, None, run)
        else:
            reply, run.batch_usage = answered, answered.usage
        answer = self._read(reply, brief)
        review = self._review(brief, answer, final=False)
        corrections = 0
        if review.problems:
            corrections = 1
            logger.info("corrective attempt: %s", _summary(review.problems))
            follow_up = FollowUp(reply.text, correction(review.problems, brief))
            second = self._read(self._ask(prompt, follow_up, run), brief)
            answer = _merged(answer, second, review.problems)
            review = self._review(brief, answer, final=True, earlier=review)
        if review.problems:
            raise InvalidCopyError(
                f"the model's copy was unusable after a corrective attempt: "
                f"{_summary(review.problems)}",
                **self._figures(run),
            )
        return WrittenCopy(
            values=dict(review.values),
            corrections=corrections,
            repairs=review.repairs,
            **self._figures(run),
        )

    @abstractmethod
    def _send(self, prompt: CopyPrompt, follow_up: FollowUp | None, timeout: float) -> Reply:
        """Send one request with this HTTP ``timeout`` and read its reply (SDK errors pass)."""

    def _ask(self, prompt: CopyPrompt, follow_up: FollowUp | None, run: _Run) -> Reply:
        """One model call under the retry policy, its usage added to the run's."""
        try:
            reply = self._retrier.call(
                lambda timeout: self._send(prompt, follow_up, timeout), run.deadline, run.tally
            )
        except Exception as error:
            raise self._failure(error, run) from error
        run.usage = run.usage + reply.usage
        return reply

    def _read(self, reply: Reply, brief: VariantBrief) -> dict[str, Any] | CopyViolation:
        """The reply's JSON object under the domain's field names, or why there is none."""
        if reply.problem:
            return CopyViolation("$", reply.problem)
        values = parse_reply(reply.text, repair=self.repair_json)
        return values if isinstance(values, CopyViolation) else from_wire(brief, values)

    @staticmethod
    def _review(
        brief: VariantBrief,
        answer: dict[str, Any] | CopyViolation,
        *,
        final: bool,
        earlier: CopyReview | None = None,
    ) -> CopyReview:
        """The review of ``answer``, keeping the repairs of an earlier review."""
        if isinstance(answer, CopyViolation):
            return CopyReview({}, problems=(answer,))
        review = review_copy(brief, answer, final=final)
        if earlier is None:
            return review
        repairs = merged_repairs(earlier.repairs, review.repairs)
        return CopyReview(review.values, repairs, review.problems)

    def _figures(self, run: _Run) -> dict[str, Any]:
        """What the run took, for ``WrittenCopy`` and ``ContentError`` alike.

        ``cost_usd`` is ``None`` when the model has no price: unknown, never reported as
        free. A priced model that used no tokens costs ``0.0``.
        """
        live = self._prices.cost(self.model, run.usage)
        batch = self._prices.cost(self.model, run.batch_usage, batch=True)
        cost_usd = None if live is None or batch is None else round(live + batch, 8)
        return {
            "usage": run.usage + run.batch_usage,
            "cost_usd": cost_usd,
            "attempts": run.tally.attempts,
            "retries": run.tally.retries,
        }

    def _failure(self, error: Exception, run: _Run) -> Exception:
        if not _is_api_error(error):
            return error  # a bug, not a provider failure: let it surface
        figures = self._figures(run)
        reason = describe(error)
        if should_retry(error):
            return ContentUnavailableError(
                f"the model API stayed unavailable after {run.tally.attempts} attempt(s): {reason}",
                **figures,
            )
        if status_of(error) is not None:
            return ContentRejectedError(f"the model API rejected the request: {reason}", **figures)
        return ContentError(f"the model call failed: {reason}", **figures)


def describe(error: BaseException) -> str:
    """A short, key-free description of an SDK error for results and logs."""
    status = status_of(error)
    if status in (401, 403):
        return f"HTTP {status} (authentication or permission; check the API key)"
    if status is not None:
        code = getattr(error, "code", None)
        message = str(getattr(error, "message", "") or "")[:200]
        return f"HTTP {status}" + (f" {code}" if code else "") + (f": {message}" if message else "")
    if isinstance(error, TimeoutError) or "Timeout" in type(error).__name__:
        return "timed out"
    if isinstance(error, UnreadableReplyError):
        return str(error)
    return f"{type(error).__name__}: {str(error)[:200]}"


def expect(reply: Any, kind: type, what: str) -> Any:
    """``reply`` if the SDK parsed it as ``kind``; otherwise the body was not API JSON."""
    if not isinstance(reply, kind):
        raise UnreadableReplyError(f"the server's answer was not a {what} ({type(reply).__name__})")
    return reply


def _merged(
    first: dict[str, Any] | CopyViolation,
    second: dict[str, Any] | CopyViolation,
    problems: tuple[CopyViolation, ...],
) -> dict[str, Any] | CopyViolation:
    """The first answer with the corrected fields taken from the second.

    A corrective answer fills only the fields it was asked for; when the first answer
    was unreadable, the second is the whole answer.
    """
    if isinstance(first, CopyViolation) or any(p.field == "$" for p in problems):
        return second
    if isinstance(second, CopyViolation):
        return first
    merged = dict(first)
    for problem in problems:
        value = second.get(problem.field)
        if isinstance(value, str) and value.strip():
            merged[problem.field] = value
    return merged


def _summary(problems: list[CopyViolation] | tuple[CopyViolation, ...]) -> str:
    return "; ".join(f"{p.field}: {p.problem}" for p in problems[:8])


def _is_api_error(error: Exception) -> bool:
    if isinstance(error, TimeoutError | ConnectionError | UnreadableReplyError):
        return True
    import openai  # already imported by the client that raised

    return isinstance(error, openai.OpenAIError)
