"""Content models: who writes the copy (OpenAI, compatible servers, or offline).

Importing this package never imports the ``openai`` SDK: the providers import it when
their first session is created, so the API function's cold start stays small.
"""

from .credentials import ApiKeySource
from .errors import (
    ContentConfigurationError,
    ContentError,
    ContentRejectedError,
    ContentUnavailableError,
    InvalidCopyError,
    SessionPoolTimeoutError,
)
from .factory import (
    REASONING_EFFORTS,
    ContentSettings,
    open_content_model,
    reasoning_efforts,
    takes_reasoning_effort,
)
from .offline import OfflineContentModel
from .pool import PooledContentModel, SessionPool
from .ports import ContentModel, Usage, WrittenCopy
from .pricing import ModelPrice, PriceTable
from .retry import Retrier, RetryPolicy

__all__ = [
    "REASONING_EFFORTS",
    "ApiKeySource",
    "ContentConfigurationError",
    "ContentError",
    "ContentModel",
    "ContentRejectedError",
    "ContentSettings",
    "ContentUnavailableError",
    "InvalidCopyError",
    "ModelPrice",
    "OfflineContentModel",
    "PooledContentModel",
    "PriceTable",
    "Retrier",
    "RetryPolicy",
    "SessionPool",
    "SessionPoolTimeoutError",
    "Usage",
    "WrittenCopy",
    "open_content_model",
    "reasoning_efforts",
    "takes_reasoning_effort",
]
