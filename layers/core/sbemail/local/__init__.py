"""Running the service on one machine: local HTTP server, embedded AWS, queue poller."""

from .cli import LocalService, main, start

__all__ = ["LocalService", "main", "start"]
