"""The paced list client: throttles are waited out until the deadline, everything else is raised at once."""

from __future__ import annotations

import random
from typing import Any

import pytest
from botocore.exceptions import ClientError

from conversion_watch.paced_client import PacedClient


def _error(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": code}}, "ListLicenseConversionTasks")


class FakeClient:
    def __init__(self, answers: list[Any]) -> None:
        self.answers, self.calls = answers, 0
        self.meta = "meta"

    def list_license_conversion_tasks(self, **kwargs: Any) -> Any:
        self.calls += 1
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def get_paginator(self, name: str) -> str:
        return f"paginator {name}"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def paced(client: FakeClient, clock: Clock, deadline: float = 10.0) -> PacedClient:
    return PacedClient(client, deadline=deadline, now=lambda: clock.now, sleep=clock.sleep, draws=random.Random(1))


def test_a_throttled_call_is_tried_again_after_a_wait() -> None:
    clock, client = Clock(), FakeClient([_error("RateLimitExceededException")] * 3 + [{"page": 1}])
    wrapped = paced(client, clock)
    assert wrapped.list_license_conversion_tasks(MaxResults=100) == {"page": 1}
    assert client.calls == 4 and wrapped.waits == 3
    assert 1.5 <= clock.now <= 4.5  # three waits of 0.5 to 1.5 s


def test_the_throttle_is_raised_when_the_budget_is_spent() -> None:
    clock, client = Clock(), FakeClient([_error("RateLimitExceededException")] * 50)
    with pytest.raises(ClientError, match="RateLimitExceededException"):
        paced(client, clock, deadline=3.0).list_license_conversion_tasks()
    assert clock.now <= 3.0 and client.calls >= 2


@pytest.mark.parametrize("code", ["AccessDeniedException", "InternalServerException", "ValidationException"])
def test_other_errors_are_raised_at_once(code: str) -> None:
    clock, client = Clock(), FakeClient([_error(code), {"page": 1}])
    with pytest.raises(ClientError, match=code):
        paced(client, clock).list_license_conversion_tasks()
    assert client.calls == 1 and clock.now == 0


def test_paginators_and_plain_attributes_pass_through() -> None:
    client = FakeClient([])
    wrapped = paced(client, Clock())
    assert wrapped.get_paginator("describe_import_image_tasks") == "paginator describe_import_image_tasks"
    assert wrapped.meta == "meta"
