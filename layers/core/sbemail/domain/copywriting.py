"""What the model is asked to write for one variant, and checking what it wrote.

The schema is built from the chosen blocks' slots; field names are
``<position>__<slot>`` so two blocks may both have a ``headline``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .blocks import SlotKind
from .layouts import Layout
from .models import GenerateRequest

SUBJECT_MAX = 60
PREHEADER_MAX = 110
WRITTEN_KINDS = (SlotKind.TEXT, SlotKind.ALT)


@dataclass(frozen=True)
class CopyField:
    """One value the model writes."""

    name: str
    max_length: int
    hint: str
    position: str


@dataclass(frozen=True)
class VariantBrief:
    """Everything a content model needs to write one variant's copy."""

    request: GenerateRequest
    layout: Layout
    variant_index: int
    fields: tuple[CopyField, ...] = field(default_factory=tuple)

    @classmethod
    def for_layout(cls, request: GenerateRequest, layout: Layout, index: int) -> VariantBrief:
        fields = [
            CopyField("subjectLine", SUBJECT_MAX, "email subject line", "envelope"),
            CopyField(
                "preheader", PREHEADER_MAX, "inbox preview text after the subject", "envelope"
            ),
        ]
        for position, block in layout.positions:
            for slot in block.slots:
                if slot.kind in WRITTEN_KINDS:
                    fields.append(
                        CopyField(f"{position}__{slot.name}", slot.max_length, slot.hint, position)
                    )
        return cls(request=request, layout=layout, variant_index=index, fields=tuple(fields))

    def json_schema(self) -> dict[str, Any]:
        """A strict JSON schema (structured-output compatible) for this variant's copy."""
        properties = {
            f.name: {"type": "string", "maxLength": f.max_length, "description": f.hint or f.name}
            for f in self.fields
        }
        return {
            "type": "object",
            "properties": properties,
            "required": [f.name for f in self.fields],
            "additionalProperties": False,
        }


@dataclass(frozen=True)
class CopyViolation:
    field: str
    problem: str


def validate_copy(brief: VariantBrief, values: Any) -> tuple[dict[str, str], list[CopyViolation]]:
    """The brief's fields from ``values``, and what is wrong with them.

    Missing, non-string, empty or over-long values are violations; extra keys are dropped.
    """
    if not isinstance(values, dict):
        return {}, [CopyViolation("$", "expected a JSON object")]
    clean: dict[str, str] = {}
    problems: list[CopyViolation] = []
    for f in brief.fields:
        value = values.get(f.name)
        if not isinstance(value, str) or not value.strip():
            problems.append(CopyViolation(f.name, "missing or empty"))
        elif len(value) > f.max_length:
            problems.append(CopyViolation(f.name, f"longer than {f.max_length} characters"))
        else:
            clean[f.name] = " ".join(value.split())
    return clean, problems
