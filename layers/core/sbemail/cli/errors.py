"""How a command fails, and the exit code each failure means to a script.

0: done. 1: the service could not generate (or could not be reached). 2: bad input —
the message names the field, as the API's 400 does.
"""

from __future__ import annotations


class CommandError(Exception):
    """Bad input (exit 2 unless told otherwise), with the fields it concerns."""

    def __init__(self, message: str, fields: list[str] | None = None, exit_code: int = 2):
        super().__init__(message)
        self.fields = fields or []
        self.exit_code = exit_code

    def describe(self) -> str:
        named = f" (field: {', '.join(self.fields)})" if self.fields else ""
        return f"{self}{named}"


class GenerationFailed(CommandError):
    """The request was fine but no email came out of it (exit 1)."""

    def __init__(self, message: str) -> None:
        super().__init__(f"generation failed: {message}", exit_code=1)
