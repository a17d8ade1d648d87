"""The model API key: from the environment, or from SSM / Secrets Manager via Powertools.

The key is read lazily, when the first model session is created, so the API function
(which never calls a model) neither fetches it nor imports the SDK. Powertools
Parameters caches it in the container for ``max_age`` seconds. The key never appears
in ``repr``, logs or error messages.
"""

from __future__ import annotations

from collections.abc import Callable

from .errors import ContentConfigurationError

# Secrets Manager ARNs are read as secrets; any other name is an SSM parameter.
_SECRET_PREFIX = "arn:aws:secretsmanager:"


class ApiKeySource:
    """Returns the API key on call; ``configured`` says whether there is one to return.

    Args:
        value: the key itself (``OPENAI_API_KEY``, for local runs).
        parameter: an SSM SecureString name or a Secrets Manager ARN holding the key.
        fetch: reads ``parameter`` (defaults to Powertools Parameters; injected in tests).
        max_age: seconds Powertools caches the fetched key.
        label: what the key is for, in error messages (another service's key reuses this).
    """

    def __init__(
        self,
        value: str | None = None,
        parameter: str | None = None,
        *,
        fetch: Callable[[str], str] | None = None,
        max_age: int = 300,
        label: str = "model API key",
    ) -> None:
        self._value = value or None
        self._parameter = parameter or None
        self._fetch = fetch
        self._max_age = max_age
        self._label = label

    @property
    def configured(self) -> bool:
        return bool(self._value or self._parameter)

    def __call__(self) -> str:
        """The key. Raises ``ContentConfigurationError`` when it cannot be read."""
        if self._value:
            return self._value
        if not self._parameter:
            raise ContentConfigurationError(f"no {self._label} is configured")
        fetch = self._fetch or self._powertools_fetch
        try:
            key = fetch(self._parameter)
        except Exception as error:  # the cause may carry AWS details, never the key
            raise ContentConfigurationError(
                f"cannot read the {self._label} from {self._parameter}: {type(error).__name__}"
            ) from None
        if not isinstance(key, str) or not key.strip():
            raise ContentConfigurationError(f"the {self._label} in {self._parameter} is empty")
        return key.strip()

    def __repr__(self) -> str:
        source = "value" if self._value else self._parameter or "none"
        return f"ApiKeySource(source={source!r})"

    def _powertools_fetch(self, name: str) -> str:
        from aws_lambda_powertools.utilities import parameters

        if name.startswith(_SECRET_PREFIX):
            return str(parameters.get_secret(name, max_age=self._max_age))
        return str(parameters.get_parameter(name, decrypt=True, max_age=self._max_age))
