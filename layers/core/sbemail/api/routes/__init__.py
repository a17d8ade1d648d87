"""The HTTP API's routes, one module per use case, each a Powertools router.

The handler (``functions/api/app.py``) only builds the resolver, installs what every route
shares (``api.resolver``) and includes these routers, so adding a use case adds a module
here and one line there.
"""

from .batches import router as batches
from .brands import router as brands
from .generation import router as generation
from .operations import router as operations

__all__ = ["batches", "brands", "generation", "operations"]
