"""Brand lookup at the edge: the port and its Brand.dev adapter."""

from .branddev import BrandDevClient
from .ports import BrandSource, BrandSourceError, BrandSourceUnavailableError, UnknownBrandError

__all__ = [
    "BrandDevClient",
    "BrandSource",
    "BrandSourceError",
    "BrandSourceUnavailableError",
    "UnknownBrandError",
]
