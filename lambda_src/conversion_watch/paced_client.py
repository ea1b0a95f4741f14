"""A list client whose throttled pages are waited out, so one snapshot refresh is not cut at the burst.

botocore's standard retry mode retries EC2's ``RequestLimitExceeded`` but not License Manager's
``RateLimitExceededException``, so a refresh of many pages stopped where the account's bucket ran
dry: about 10 pages of 100 tasks with half of an assumed 20-token bucket taken by other tools.
Here a throttled call is tried again after a jittered wait of about one second, until the
refresh's pacing budget is spent; then the throttle is raised as before and the refresh keeps
the pages it has (``task_snapshots.build_parts``). Each wait lets the bucket refill for us and
for the account's other callers alike: the refresh takes the tokens as they come instead of
raising the call rate.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from conversion_watch.service_errors import THROTTLING_CODES, error_code

PACE_WAIT_SECONDS = (0.5, 1.5)  # uniform jitter around one refill second


class PacedClient:
    """``client`` with every API method paced (``get_paginator`` and other attributes pass through:
    botocore's paginators call the client they came from, whose retry mode applies)."""

    def __init__(
        self, client: Any, *, deadline: float, now: Callable[[], float], sleep: Callable[[float], None],
        draws: random.Random | None = None,
    ) -> None:
        self._client, self._deadline, self._now, self._sleep = client, deadline, now, sleep
        self._draws = draws or random.Random()
        self.waits = 0  # how many throttled calls this client waited out

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if name.startswith("_") or name in {"get_paginator", "can_paginate", "meta", "exceptions"}:
            return attribute
        if not callable(attribute):
            return attribute

        def paced(**kwargs: Any) -> Any:
            while True:
                try:
                    return attribute(**kwargs)
                except ClientError as error:
                    wait = self._draws.uniform(*PACE_WAIT_SECONDS)
                    if error_code(error) not in THROTTLING_CODES or self._now() + wait > self._deadline:
                        raise
                    self.waits += 1
                    self._sleep(wait)

        return paced
