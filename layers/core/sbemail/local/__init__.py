"""Running the service on one machine (not deployed): ``cli`` starts it (``sbemail
serve``); ``server`` is the HTTP front door, with ``connections`` (thread cap, request
deadlines), ``gateway_events`` (requests as API Gateway events) and ``event_stream``
(server-sent events as they happen); ``embedded`` is DynamoDB/SQS in-process; ``runtime``
the queue poller, the schedules and the deadline they stop by; ``preview`` the page.
"""

from .cli import LocalService, main, start

__all__ = ["LocalService", "main", "start"]
