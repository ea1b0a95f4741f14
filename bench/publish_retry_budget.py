"""How long the publish step rides out an EventBridge outage, and what it costs.

``python -m bench.publish_retry_budget`` samples the Retry policy Step Functions applies
to "Publish State Change" / "Publish Watch Error" (the stack's own constants): delay
n = min(interval * rate^(n-1), max delay), full jitter (uniform 0..delay), ``max attempts``
retries. Prints the time until ``EventDeliveryFailed`` (mean, percentiles, the share of
draws below one hour) and the cost in billed transitions (one per attempt).
"""

from __future__ import annotations

import random
import statistics

from conversion_watch import contract as c

DRAWS = 200_000
PRICE_PER_TRANSITION = 0.025 / 1000  # Standard workflows, us-east-1


def budget(draws: random.Random) -> float:
    total = 0.0
    for attempt in range(c.PUBLISH_RETRY_MAX_ATTEMPTS):
        cap = min(c.PUBLISH_RETRY_INTERVAL_SECONDS * 2.0**attempt, c.PUBLISH_RETRY_MAX_DELAY_SECONDS)
        total += draws.uniform(0, cap)
    return total


def main() -> None:
    draws = random.Random(10)
    samples = sorted(budget(draws) for _ in range(DRAWS))
    under_hour = sum(1 for s in samples if s < 3600)
    worst = sum(min(c.PUBLISH_RETRY_INTERVAL_SECONDS * 2.0**n, c.PUBLISH_RETRY_MAX_DELAY_SECONDS)
                for n in range(c.PUBLISH_RETRY_MAX_ATTEMPTS))
    print(f"policy: {c.PUBLISH_RETRY_MAX_ATTEMPTS} retries, {c.PUBLISH_RETRY_INTERVAL_SECONDS} s doubling to "
          f"{c.PUBLISH_RETRY_MAX_DELAY_SECONDS} s, full jitter ({DRAWS} draws)")
    print(f"time to EventDeliveryFailed: mean {statistics.mean(samples) / 3600:.2f} h, "
          f"p0.01 {samples[DRAWS // 10_000] / 3600:.2f} h, min drawn {samples[0] / 3600:.2f} h, "
          f"ceiling {worst / 3600:.2f} h; draws under 1 h: {under_hour} of {DRAWS}")
    attempts = c.PUBLISH_RETRY_MAX_ATTEMPTS + 1
    print(f"cost of a full budget: {attempts} billed transitions per event = ${attempts * PRICE_PER_TRANSITION:.5f}")


if __name__ == "__main__":
    main()
