"""The pure domain: request models, blocks, layouts, themes, copy briefs and rendering.

Nothing here performs I/O beyond reading the block library at start-up, and nothing
knows about AWS, HTTP or model providers.
"""

from .blocks import Block, BlockLibrary, BlockLibraryError, Slot, SlotKind
from .brand import BrandData, Product, store_hosts
from .copy_review import (
    CopyReview,
    CopyViolation,
    Repair,
    fit,
    merged_repairs,
    review_copy,
    validate_copy,
)
from .copywriting import CopyField, CopyForm, VariantBrief, copy_schema, plan_briefs
from .facts import EmailFacts, StoryFact, brief_topics
from .language import detect_language, language_name
from .layouts import Layout, LayoutFacts, choose_layouts
from .links import LinkPolicy
from .models import (
    MAX_STORE_ID,
    MAX_VARIANTS,
    STORE_ID_PATTERN,
    EmailType,
    GenerateRequest,
    Offer,
    Personalization,
    Story,
    is_store_id,
)
from .rendering import EmailTooLargeError, RenderedEmail, render
from .themes import Theme, resolve_theme

__all__ = [
    "MAX_STORE_ID",
    "MAX_VARIANTS",
    "STORE_ID_PATTERN",
    "Block",
    "BlockLibrary",
    "BlockLibraryError",
    "BrandData",
    "CopyField",
    "CopyForm",
    "CopyReview",
    "CopyViolation",
    "EmailFacts",
    "EmailTooLargeError",
    "EmailType",
    "GenerateRequest",
    "Layout",
    "LayoutFacts",
    "LinkPolicy",
    "Offer",
    "Personalization",
    "Product",
    "RenderedEmail",
    "Repair",
    "Slot",
    "SlotKind",
    "Story",
    "StoryFact",
    "Theme",
    "VariantBrief",
    "brief_topics",
    "choose_layouts",
    "copy_schema",
    "detect_language",
    "fit",
    "is_store_id",
    "language_name",
    "merged_repairs",
    "plan_briefs",
    "render",
    "resolve_theme",
    "review_copy",
    "store_hosts",
    "validate_copy",
]
