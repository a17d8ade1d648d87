"""The pure domain: request models, blocks, layouts, themes, copy briefs and rendering.

Nothing here performs I/O beyond reading the block library at start-up, and nothing
knows about AWS, HTTP or model providers.
"""

from .blocks import Block, BlockLibrary, BlockLibraryError, Slot, SlotKind
from .copywriting import CopyField, CopyViolation, VariantBrief, validate_copy
from .layouts import Layout, choose_layouts
from .models import BrandData, EmailType, GenerateRequest, Product
from .rendering import EmailTooLargeError, RenderedEmail, render
from .themes import Theme, resolve_theme

__all__ = [
    "Block",
    "BlockLibrary",
    "BlockLibraryError",
    "BrandData",
    "CopyField",
    "CopyViolation",
    "EmailTooLargeError",
    "EmailType",
    "GenerateRequest",
    "Layout",
    "Product",
    "RenderedEmail",
    "Slot",
    "SlotKind",
    "Theme",
    "VariantBrief",
    "choose_layouts",
    "render",
    "resolve_theme",
    "validate_copy",
]
