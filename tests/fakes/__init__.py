"""Fakes of external services, real enough to be spoken to over the wire."""
