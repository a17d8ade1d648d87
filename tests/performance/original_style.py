"""The original service's way of using the model, rebuilt from our own blocks.

The original sent the model the block markup and the brief and had it return the whole
MJML email. To compare like with like, that prompt is built here from the same blocks
our layout chose for a variant, with the same brand and brief; what the model would
have to return is the MJML we render for that variant (the least it could write).
It is the least the approach needs on the way in, too: each distinct block once (a
newsletter's repeated story block is not sent three times), the layout as the order of
positions, and everything the caller sent about the email (offer, cart, greeting,
stories, image and language), since the model writes all of it into the MJML.
Token counts use the o200k encoding; prompt caching follows OpenAI's rule (a prefix
shared with an earlier prompt, from 1,024 tokens on, in 128-token blocks).
"""

from __future__ import annotations

import json

from sbemail.domain import VariantBrief

from fakes import tokens

# Request fields the prompt shows on their own lines, or that say nothing about the email.
_SHOWN_APART = frozenset(
    {"brandData", "emailType", "userContext", "tone", "storeId", "variants", "styleId"}
)

INSTRUCTIONS = (
    "You are an expert email developer. Using the MJML blocks below, write one complete, "
    "responsive MJML marketing email for the brand and brief that follow. Fill every "
    "{{ placeholder }} with fitting copy or the brand's values, keep the blocks' structure "
    "and styling, and return only the whole MJML document, from <mjml> to </mjml>."
)


def prompt(brief: VariantBrief) -> str:
    """The original-style prompt for one variant: instructions, blocks, brand, brief."""
    request = brief.request
    distinct = {block.id: block for _, block in brief.layout.positions}
    blocks = "\n\n".join(
        f"<!-- block {block.id}: {block.description} -->\n{block.mjml}"
        for block in distinct.values()
    )
    order = "\n".join(f"{position}: {block.id}" for position, block in brief.layout.positions)
    brand = request.brand.model_dump(mode="json", exclude_none=True)
    details = request.model_dump(mode="json", by_alias=True, exclude_none=True)
    email = {key: value for key, value in details.items() if key not in _SHOWN_APART and value}
    return (
        f"{INSTRUCTIONS}\n\n## Blocks\n{blocks}\n\n## Layout (position: block)\n{order}"
        f"\n\n## Brand\n{json.dumps(brand, ensure_ascii=False)}\n\n## Email\n"
        f"type: {request.email_type.value}\ntone: {request.tone or ''}\n"
        f"variant: {brief.variant_index + 1}\n"
        f"{json.dumps(email, ensure_ascii=False)}\n\n## Brief\n{request.user_context or ''}"
    )


class PromptCache:
    """Cached input tokens the way OpenAI's prompt cache would bill them."""

    def __init__(self) -> None:
        self._seen: list[list[int]] = []

    def cached(self, ids: list[int]) -> int:
        best = 0
        for earlier in self._seen:
            n = 0
            for a, b in zip(ids, earlier, strict=False):
                if a != b:
                    break
                n += 1
            best = max(best, n)
        self._seen.append(ids)
        return 0 if best < 1024 else best // 128 * 128


def input_ids(brief: VariantBrief) -> list[int]:
    return tokens.encode(prompt(brief))
