"""EventBridge side of a local run: the bus, a catch-all rule delivering to an
SQS queue, a count of ``PutEvents`` calls and a hook to make entries fail."""

from __future__ import annotations

import contextlib
import json
import random
import threading
from collections.abc import Callable, Iterator
from typing import Any
from unittest import mock

from localrun.event_schemas import validate_event

# Given one PutEvents request entry, return None to accept it or
# {"ErrorCode": ..., "ErrorMessage": ...} to fail it (it is then not delivered).
EntryFault = Callable[[dict[str, Any]], dict[str, str] | None]

# What EventBridge answers for an entry it could not take in (retryable codes).
_ENTRY_FAILURES = (
    {"ErrorCode": "InternalFailure", "ErrorMessage": "Internal service error."},
    {"ErrorCode": "ThrottlingException", "ErrorMessage": "Rate exceeded."},
)


def seeded_entry_fault(faults: Any, *, now: Callable[[], float] | None = None) -> EntryFault | None:
    """The scenario's ``faults.putEventsFailureRate`` (seeded by ``faults.seed``) and
    ``faults.putEventsOutages`` (every entry fails from ``from`` to ``to``, simulated
    seconds read from ``now``) as an entry hook, or None."""
    from localrun.services.faults import FaultPlan

    plan = FaultPlan.parse(faults)
    outages = plan.put_events_outages if now is not None else ()
    if plan.put_events_failure_rate <= 0 and not outages:
        return None
    # Its own generator: the service double's draws keep the sequence they have without this hook.
    draws = random.Random(f"putEvents-{plan.seed}")
    lock = threading.Lock()

    def entry_fault(entry: dict[str, Any]) -> dict[str, str] | None:
        if now is not None and any(start <= now() < end for start, end in outages):
            return dict(_ENTRY_FAILURES[0])
        if plan.put_events_failure_rate <= 0:
            return None
        with lock:
            roll, pick = draws.random(), draws.random()
        if roll >= plan.put_events_failure_rate:
            return None
        return dict(_ENTRY_FAILURES[0 if pick < 0.5 else 1])

    return entry_fault


QUEUE_NAME = "conversion-watch-local-events"
RULE_NAME = "conversion-watch-local-catch-all"


class EventsTap:
    """Counts ``PutEvents`` calls, fails entries through ``entry_fault``, and hands every
    accepted batch to ``subscriber`` (the queue's consumer, set once the queue exists) as soon
    as it is delivered."""

    def __init__(self, entry_fault: EntryFault | None = None) -> None:
        self.entry_fault = entry_fault
        self.subscriber: QueueSubscriber | None = None
        self.put_events_calls = 0
        self.failed_entries = 0
        self._lock = threading.Lock()
        self._delivery = threading.Lock()  # delivery and receipt in one step keep the delivery order

    @contextlib.contextmanager
    def install(self) -> Iterator[None]:
        from localrun.moto_patches import targets

        EventsBackend = targets.events_backend()
        original = EventsBackend.put_events
        tap = self

        def put_events(backend: Any, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
            with tap._lock:
                tap.put_events_calls += 1
            faults = [tap.entry_fault(entry) if tap.entry_fault else None for entry in entries]
            with tap._delivery:
                accepted = iter(original(backend, [e for e, f in zip(entries, faults, strict=True) if f is None]))
                if tap.subscriber is not None:
                    tap.subscriber.receive()
            with tap._lock:
                tap.failed_entries += sum(1 for f in faults if f is not None)
            return [fault if fault is not None else next(accepted) for fault in faults]

        with mock.patch.object(EventsBackend, "put_events", put_events):
            yield


def create_delivery(events_client: Any, sqs_client: Any, *, bus_name: str, sources: set[str]) -> str:
    """Create the bus, a rule matching every event of the stack's source(s), and the queue it delivers to.
    Returns the queue URL."""
    events_client.create_event_bus(Name=bus_name)
    queue_url = sqs_client.create_queue(QueueName=QUEUE_NAME)["QueueUrl"]
    queue_arn = sqs_client.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    events_client.put_rule(
        Name=RULE_NAME,
        EventBusName=bus_name,
        EventPattern=json.dumps({"source": sorted(sources)}),
        State="ENABLED",
    )
    events_client.put_targets(Rule=RULE_NAME, EventBusName=bus_name, Targets=[{"Id": "queue", "Arn": queue_arn}])
    return queue_url


class QueueSubscriber:
    """The test subscriber behind the catch-all rule: it receives events as they arrive, as a
    real consumer would. (moto's SQS reads its queue's attributes by scanning every message on
    each send and each receive, so a queue left to fill until the end made a fleet run quadratic.)"""

    def __init__(self, sqs_client: Any, queue_url: str) -> None:
        self.sqs_client, self.queue_url = sqs_client, queue_url
        self.events: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def receive(self) -> list[dict[str, Any]]:
        """Everything delivered so far, in delivery order."""
        with self._lock:
            self.events.extend(drain(self.sqs_client, self.queue_url))
            return self.events


def drain(sqs_client: Any, queue_url: str) -> list[dict[str, Any]]:
    """Every delivered event, in delivery order, each checked against the committed schemas
    (every local run -- demo, soak, e2e, bench -- drains here, so a contract drift fails it)."""
    events: list[dict[str, Any]] = []
    while True:
        messages = sqs_client.receive_message(
            QueueUrl=queue_url, MaxNumberOfMessages=10, VisibilityTimeout=43200, WaitTimeSeconds=0
        ).get("Messages", [])
        if not messages:
            return events
        for message in messages:
            event = json.loads(message["Body"])
            # moto's default target input template leaves out "account" (EventBridge always sends it):
            # take it from the queue's URL (.../<account>/<queue>) so the envelope is AWS's.
            event.setdefault("account", queue_url.rstrip("/").split("/")[-2])
            validate_event(event, event_source=str(event.get("source")))
            events.append(event)
        # Received is consumed, as a subscriber does: a queue holding them would be scanned on every call.
        sqs_client.delete_message_batch(QueueUrl=queue_url, Entries=[
            {"Id": str(index), "ReceiptHandle": message["ReceiptHandle"]} for index, message in enumerate(messages)])
