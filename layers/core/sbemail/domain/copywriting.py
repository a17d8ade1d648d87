"""What the model is asked to write for one variant.

The answer schema covers every slot a layout for the request's facts can use (the
slots of the blocks that may fill each position a layout of that type has for these
facts: no offer fields without an offer, no fourth story for three), so it is
identical for every layout, variant and job of a brand and type with the same facts:
providers cache the prompt prefix that starts with it. A brief then names the fields
its own layout uses; the others are answered empty and ignored. Every field in the
schema costs tokens twice (its definition read, its empty answer written), which is
why it holds no field the email cannot show. Field names are ``<position>__<slot>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any

from .blocks import BlockLibrary, Slot, SlotKind
from .facts import EmailFacts
from .layouts import Layout, LayoutFacts, choose_layouts, position_blocks, schema_positions
from .links import LinkPolicy
from .models import EmailType, GenerateRequest

SUBJECT_MAX = 60
PREHEADER_MAX = 110
WRITTEN_KINDS = (SlotKind.TEXT, SlotKind.ALT)
_HEADLINE_SLOTS = frozenset({"headline", "offer_headline", "title", "subjectLine"})


class CopyForm(StrEnum):
    """How a value may be shortened: a label is replaced, never cut."""

    LABEL = "label"  # buttons, kickers, eyebrows: a safe default when too long
    HEADLINE = "headline"  # cut at a word boundary, never with an ellipsis
    SENTENCE = "sentence"  # cut at a sentence boundary, else a word boundary


@dataclass(frozen=True)
class CopyField:
    """One value the model writes."""

    name: str
    max_length: int
    hint: str
    position: str
    optional: bool = False
    default: str = ""
    form: CopyForm = CopyForm.SENTENCE

    @classmethod
    def for_slot(cls, position: str, slot: Slot) -> CopyField:
        form = (
            CopyForm.LABEL
            if slot.default
            else CopyForm.HEADLINE
            if slot.name in _HEADLINE_SLOTS
            else CopyForm.SENTENCE
        )
        return cls(
            f"{position}__{slot.name}",
            slot.max_length,
            slot.hint,
            position,
            optional=slot.optional,
            default=slot.default,
            form=form,
        )


ENVELOPE = (
    CopyField("subjectLine", SUBJECT_MAX, "email subject line", "envelope", form=CopyForm.HEADLINE),
    CopyField("preheader", PREHEADER_MAX, "inbox preview text after the subject", "envelope"),
)


@lru_cache(maxsize=256)
def copy_schema(
    library: BlockLibrary, email_type: EmailType, facts: LayoutFacts | None = None
) -> tuple[CopyField, ...]:
    """Every field an email of this type (with these facts) can need, in a stable order.

    Without ``facts``: every field any email of the type can need.
    """
    fields = list(ENVELOPE)
    for position in schema_positions(email_type, facts):
        slots = library.vocabulary(email_type.namespace, position.section)
        if facts is not None:
            shown = {
                slot.name
                for block in position_blocks(library, email_type, position, facts)
                for slot in block.slots
            }
            slots = tuple(slot for slot in slots if slot.name in shown)
        for slot in slots:
            if slot.kind in WRITTEN_KINDS:
                fields.append(CopyField.for_slot(position.name, slot))
    return tuple(fields)


@dataclass(frozen=True)
class VariantBrief:
    """Everything a content model needs to write one variant's copy.

    Attributes:
        fields: the schema of the type and the request's facts (the same for every
            variant and every job of the brand with the same facts).
        used: the names of the fields this variant's layout shows, in reading order.
        facts: the request's stories, links, offer and language.
        hosts: the hosts an address in the copy may name (the store's own).
    """

    request: GenerateRequest
    layout: Layout
    variant_index: int
    fields: tuple[CopyField, ...]
    used: tuple[str, ...]
    facts: EmailFacts
    hosts: frozenset[str] = frozenset()

    @classmethod
    def for_layout(
        cls,
        request: GenerateRequest,
        layout: Layout,
        index: int,
        schema: tuple[CopyField, ...],
        facts: EmailFacts | None = None,
        hosts: frozenset[str] | None = None,
    ) -> VariantBrief:
        """The brief of one layout (``facts`` and ``hosts`` are derived when not given:
        ``plan_briefs`` derives them once for all of a request's variants)."""
        shown = {
            f"{position}__{slot.name}"
            for position, block in layout.positions
            for slot in block.slots
        }
        used = tuple(f.name for f in schema if f.position == "envelope" or f.name in shown)
        return cls(
            request=request,
            layout=layout,
            variant_index=index,
            fields=schema,
            used=used,
            facts=facts or EmailFacts.of(request),
            hosts=LinkPolicy.for_brand(request.brand).hosts if hosts is None else hosts,
        )

    @property
    def written(self) -> tuple[CopyField, ...]:
        """The fields this variant's layout shows (what is actually written)."""
        by_name = {f.name: f for f in self.fields}
        return tuple(by_name[name] for name in self.used)

    def json_schema(self) -> dict[str, Any]:
        """A strict JSON schema (structured-output compatible) for the type's copy."""
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


def plan_briefs(library: BlockLibrary, request: GenerateRequest, seed: str) -> list[VariantBrief]:
    """One brief per variant of ``request``: its facts, layouts and the type's schema."""
    facts = EmailFacts.of(request)
    shape = facts.layout(len(request.brand.products))
    layouts = choose_layouts(library, request.email_type, shape, request.variants, seed)
    schema = copy_schema(library, request.email_type, shape)
    hosts = LinkPolicy.for_brand(request.brand).hosts
    return [
        VariantBrief.for_layout(request, layout, index, schema, facts, hosts)
        for index, layout in enumerate(layouts)
    ]
