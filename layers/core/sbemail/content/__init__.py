"""Content models: who writes the copy (OpenAI, compatible servers, or offline)."""

from .offline import OfflineContentModel
from .ports import ContentError, ContentModel, Usage, WrittenCopy

__all__ = ["ContentError", "ContentModel", "OfflineContentModel", "Usage", "WrittenCopy"]
