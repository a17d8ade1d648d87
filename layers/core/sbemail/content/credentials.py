"""The model API key: from the environment, or from SSM / Secrets Manager via Powertools.

The key is read lazily, when the first model session is created, so the API function
(which never calls a model) neither fetches it nor imports the SDK. Each source owns
its Powertools Parameters provider, built on first read from the AWS client the
composition root configured (its endpoint, region and retries), so no module-wide
provider is shared: another source, or a rebuilt set of services, reads afresh. The
provider caches the key for ``max_age`` seconds. The key never appears in ``repr``,
logs or error messages.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .errors import ContentConfigurationError

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.parameters import SecretsProvider, SSMProvider

# Secrets Manager ARNs are read as secrets; any other name is an SSM parameter.
_SECRET_PREFIX = "arn:aws:secretsmanager:"

AwsClientFactory = Callable[[str], Any]
"""Given a service name (``"ssm"``, ``"secretsmanager"``): a configured botocore client."""


class ApiKeySource:
    """Returns the API key on call; ``configured`` says whether there is one to return.

    Args:
        value: the key itself (``OPENAI_API_KEY``, for local runs).
        parameter: an SSM SecureString name or a Secrets Manager ARN holding the key.
        aws_client: makes the client the provider reads ``parameter`` with (called once,
            at the first read); by default Powertools makes one from the environment.
        max_age: seconds the provider caches the fetched key.
        label: what the key is for, in error messages (another service's key reuses this).
    """

    def __init__(
        self,
        value: str | None = None,
        parameter: str | None = None,
        *,
        aws_client: AwsClientFactory | None = None,
        max_age: int = 300,
        label: str = "model API key",
    ) -> None:
        self._value = value or None
        self._parameter = parameter or None
        self._aws_client = aws_client
        self._max_age = max_age
        self._label = label
        self._provider: SSMProvider | SecretsProvider | None = None
        self._lock = threading.Lock()

    @property
    def configured(self) -> bool:
        return bool(self._value or self._parameter)

    def __call__(self) -> str:
        """The key. Raises ``ContentConfigurationError`` when it cannot be read."""
        if self._value:
            return self._value
        if not self._parameter:
            raise ContentConfigurationError(f"no {self._label} is configured")
        try:
            key = self._fetch(self._parameter)
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

    def _fetch(self, name: str) -> Any:
        if name.startswith(_SECRET_PREFIX):
            return self._provider_for("secretsmanager").get(name, max_age=self._max_age)
        return self._provider_for("ssm").get(name, max_age=self._max_age, decrypt=True)

    def _provider_for(self, service: str) -> SSMProvider | SecretsProvider:
        """This source's provider, made at the first read (Powertools imports boto3)."""
        with self._lock:
            if self._provider is None:
                from aws_lambda_powertools.utilities.parameters import (
                    SecretsProvider,
                    SSMProvider,
                )

                client = self._aws_client(service) if self._aws_client else None
                kind = SecretsProvider if service == "secretsmanager" else SSMProvider
                self._provider = kind(boto3_client=client)
            return self._provider
