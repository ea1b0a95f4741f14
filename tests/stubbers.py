"""botocore Stubbers on the cached clients the handlers get from
``conversion_watch.aws_clients``: real clients, real service models."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from botocore.stub import Stubber

from conversion_watch import aws_clients


@contextlib.contextmanager
def client_stubbers() -> Iterator[Callable[[str], Stubber]]:
    """``get("ec2")`` activates (once) a Stubber on that service's cached client.
    Every queued response must be consumed by the end: that is how call counts are checked."""
    stubbers: dict[str, Stubber] = {}

    def get(service: str) -> Stubber:
        if service not in stubbers:
            stubbers[service] = Stubber(aws_clients.client(service))
            stubbers[service].activate()
        return stubbers[service]

    yield get
    for stubber in stubbers.values():
        stubber.assert_no_pending_responses()
        stubber.deactivate()
