"""Checking and repairing the copy a model wrote, before anything is rejected.

Real models miss character limits now and then and pad values with stray whitespace.
A value is first normalised (whitespace collapsed) and cleared of addresses that are
not the store's, then measured. A modest overrun of a sentence or headline is cut at
a sentence or word boundary (never mid-word, never with an ellipsis in a headline); a
label that does not fit takes its block's safe default. Only what is still wrong is
reported as a problem, with its actual and allowed lengths, so a corrective call can
ask for just those fields. In the final review every length problem is repaired: a
variant never fails because of copy length.
"""

# ruff: noqa: RUF001  # full-width punctuation of Japanese and Chinese text, on purpose

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .addresses import strip_foreign_addresses
from .copywriting import CopyField, CopyForm, VariantBrief

OVERRUN_TOLERANCE = 1 / 3
"""Overruns up to this share of the limit are cut at a word rather than sent back.

Real models miss short limits by 10-40 %; a third keeps a cut headline's point while
sending the rare wild overrun back to the model. Sentences that end at a sentence
boundary keeping half the limit are cut there whatever the overrun: whole sentences
dropped from the end lose no sentence's sense, and a headline cut at its own colon or
dash keeps its first part whole."""

_SENTENCE_END = re.compile(r"[.!?。！？](?=\s|$)|[。！？]")
_CLAUSE_END = re.compile(r"[、，,;；]")
_HEADLINE_BREAK = re.compile(r"[.!?:;。！？：；](?=\s|$)|\s[–—-](?=\s)|[。！？：；]")
_TRAILING = re.compile(
    r"(?:[\s,;:\-–—/(&、，；：]+|\s+(?:and|or|but|the|a|an|of|to|for|with|at|in|on|by|from|your|our))+$",
    re.IGNORECASE,
)
_ELLIPSIS = "…"


@dataclass(frozen=True)
class CopyViolation:
    """A value that cannot be used as it is (``length``/``limit`` for overruns)."""

    field: str
    problem: str
    length: int | None = None
    limit: int | None = None


@dataclass(frozen=True)
class Repair:
    """A change made to the model's copy so it could be used."""

    field: str
    action: str  # "shortened" | "default" | "address_removed"
    detail: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "action": self.action, "detail": self.detail}


@dataclass(frozen=True)
class CopyReview:
    """The usable copy (by field name), what was repaired, and what is still wrong."""

    values: dict[str, str]
    repairs: tuple[Repair, ...] = ()
    problems: tuple[CopyViolation, ...] = ()


def merged_repairs(*groups: tuple[Repair, ...]) -> tuple[Repair, ...]:
    """The repairs of several reviews of one variant, each field and action once."""
    merged = {(r.field, r.action): r for group in groups for r in group}
    return tuple(merged.values())


def normalise(value: str) -> str:
    """Whitespace collapsed to single spaces: what a reader sees, and what is measured."""
    return " ".join(value.split())


def fit(text: str, limit: int, form: CopyForm) -> str:
    """``text`` shortened to at most ``limit`` characters without breaking a word.

    Sentences end at the last sentence boundary that keeps at least half the limit,
    else at a word boundary with an ellipsis; headlines end at a word boundary with
    no ellipsis and no dangling connective ("30% off all jackets and" → "30% off all
    jackets"). Labels are never cut (``""``: the caller uses the default).
    """
    if len(text) <= limit:
        return text
    if form is CopyForm.LABEL:
        return ""
    clean = _clean_cut(text, limit, form)
    if clean is not None:
        return (
            _TRAILING.sub("", text[:clean]).rstrip()
            if form is CopyForm.HEADLINE
            else text[:clean].strip()
        )
    room = limit - (len(_ELLIPSIS) if form is CopyForm.SENTENCE else 0)
    head = text[: room + 1]
    if " " in head.strip():
        head = head[:room] if head[room:] == " " else head[: head.rstrip().rfind(" ")]
    else:  # no spaces (Japanese, Chinese): the last clause mark, else the limit
        clauses = [m.end() for m in _CLAUSE_END.finditer(text[:room])]
        head = text[: clauses[-1]] if clauses and clauses[-1] >= room // 2 else text[:room]
    head = _TRAILING.sub("", head).rstrip() or text[:room].rstrip()
    return head + _ELLIPSIS if form is CopyForm.SENTENCE else head


def review_copy(brief: VariantBrief, values: Any, *, final: bool = False) -> CopyReview:
    """The usable copy for the fields ``brief`` shows, after repairs.

    Args:
        values: the parsed answer (anything: a non-object is one problem).
        final: repair every overrun however large, and use defaults for missing
            labels (no corrective call follows).
    """
    if not isinstance(values, dict):
        return CopyReview({}, problems=(CopyViolation("$", "expected a JSON object"),))
    clean: dict[str, str] = {}
    repairs: list[Repair] = []
    problems: list[CopyViolation] = []
    for field in brief.written:
        raw = values.get(field.name)
        text = normalise(raw) if isinstance(raw, str) else ""
        text, removed = strip_foreign_addresses(text, brief.hosts)
        if removed:
            repairs.append(Repair(field.name, "address_removed", ", ".join(removed)[:200]))
            text = normalise(text)
        value, repair, problem = _review_value(field, text, final)
        if repair is not None:
            repairs.append(repair)
        if problem is not None:
            problems.append(problem)
        else:
            clean[field.name] = value
    return CopyReview(clean, tuple(repairs), tuple(problems))


def _review_value(
    field: CopyField, text: str, final: bool
) -> tuple[str, Repair | None, CopyViolation | None]:
    if not text:
        if field.optional:
            return "", None, None
        if field.default:
            return field.default, Repair(field.name, "default", "missing"), None
        return "", None, CopyViolation(field.name, "missing or empty")
    length, limit = len(text), field.max_length
    if length <= limit:
        return text, None, None
    if field.form is CopyForm.LABEL and field.default:
        return field.default, Repair(field.name, "default", f"{length} > {limit}"), None
    modest = length <= limit * (1 + OVERRUN_TOLERANCE)
    if final or modest or _clean_cut(text, limit, field.form) is not None:
        cut = fit(text, limit, field.form)
        return (
            cut,
            Repair(field.name, "shortened", f"{length} → {len(cut)} (at most {limit})"),
            None,
        )
    return "", None, _overrun(field, length)


def _overrun(field: CopyField, length: int) -> CopyViolation:
    """The problem of a value ``length`` characters long, with both numbers (what a
    corrective call quotes back to the model)."""
    problem = f"{length} characters, at most {field.max_length}"
    return CopyViolation(field.name, problem, length=length, limit=field.max_length)


def _clean_cut(text: str, limit: int, form: CopyForm) -> int | None:
    """Where ``text`` can end within ``limit`` at a sentence (or, in a headline, clause)
    boundary that keeps at least half the limit; ``None`` if nowhere."""
    pattern = {CopyForm.SENTENCE: _SENTENCE_END, CopyForm.HEADLINE: _HEADLINE_BREAK}.get(form)
    if pattern is None:
        return None
    ends = [m.start() if m.group().strip() in "–—-" else m.end() for m in pattern.finditer(text)]
    ends = [end for end in ends if end <= limit]
    return ends[-1] if ends and ends[-1] >= limit // 2 else None


def validate_copy(brief: VariantBrief, values: Any) -> tuple[dict[str, str], list[CopyViolation]]:
    """Strictly check ``values`` without repairing anything (for tests and contracts).

    Missing, non-string, empty (unless optional) or over-long values are violations.
    """
    if not isinstance(values, dict):
        return {}, [CopyViolation("$", "expected a JSON object")]
    clean: dict[str, str] = {}
    problems: list[CopyViolation] = []
    for field in brief.written:
        value = values.get(field.name)
        text = normalise(value) if isinstance(value, str) else ""
        if not text and not field.optional:
            problems.append(CopyViolation(field.name, "missing or empty"))
        elif len(text) > field.max_length:
            problems.append(_overrun(field, len(text)))
        else:
            clean[field.name] = text
    return clean, problems
