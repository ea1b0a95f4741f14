"""The validate step's claim on the watch registry: start, hand over, or resume.

* A first start registers the execution (nobody else may hold the task).
* A hand-over is taken only by the execution the holder recorded as its
  successor (``successor``, written before the start); the watch it carries on
  is the registry's. The input -- a continuation, a claimed starter -- decides
  nothing: an execution the registry does not name is refused.
* A start while the registered holder is dead (it ended without its task's
  outcome) resumes: the watch state and ``sequence`` come from the registry,
  and an event (change or watch error) recorded but never confirmed delivered
  is published first, under its original ``eventId`` -- unless the holder ended
  ``DeliveryNotRecorded`` (it did publish it): then it is only recorded.
* A watch is resumed while it is open (``openWatch``), whatever its task's state:
  its end is delivered by whoever holds it last.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from conversion_watch import contract as c
from conversion_watch.errors import NotTheWatchHolder
from conversion_watch.models import Watch, WatchErrorDetail, WatchRequest
from conversion_watch.naming import Lineage
from conversion_watch.registry import Registration, Registry, ended_with_outcome
from conversion_watch.settings import Settings
from conversion_watch.status import Status, document


def take_over(
    request: WatchRequest, watch: Watch, lineage: Lineage, *, me: str, registry: Registry, settings: Settings,
    now: datetime,
) -> dict[str, Any]:
    """The validate step's result (``watch`` + ``status``); raises ``NotTheWatchHolder`` when the claim is refused."""
    current = registry.read(request.taskId)
    my_name = me.rsplit(":", 1)[-1]
    if current is not None and current.holder == me and request.continuation is not None:
        return document(_registered_watch(current, watch, lineage), Status.valid())  # this step retried
    if current is not None and current.successor == my_name:
        return _take_over_as_successor(request.taskId, current, watch, lineage, me=me, registry=registry)
    if request.continuation is not None:
        # The input cannot make an execution a successor: only the registry's record of one can.
        raise NotTheWatchHolder("continuation refused: the watch registry does not name this execution as the "
                           "successor of the task's watch")
    dump = watch.model_dump(mode="json")
    if current is None:
        if not registry.claim(request.taskId, me=me, previous=None, watch=dump):
            raise NotTheWatchHolder(f"another execution registered as the watch of {request.taskId} first")
        return document(dump, Status.valid())
    if current.holder != me:
        holder = registry.holder_status(current.holder)
        name = current.holder.rsplit(":", 1)[-1]
        if holder.status in ("RUNNING", "PENDING_REDRIVE"):
            raise NotTheWatchHolder(f"{request.taskId} is already watched by execution {name!r}")
        if not current.open and (_finished(current) or ended_with_outcome(holder)):
            raise NotTheWatchHolder(
                f"the watch of {request.taskId} already ended with its outcome (execution {name!r})")
        if current.invalid is not None:
            return _report_invalid(request.taskId, current, watch, lineage, me=me, registry=registry,
                                   settings=settings, now=now)
        if current.undelivered is not None and holder.error == c.DELIVERY_NOT_RECORDED:
            return _record_delivered(request.taskId, current, watch, lineage, me=me, registry=registry)
        if not registry.claim(request.taskId, me=me, previous=current.holder, watch=dump):
            raise NotTheWatchHolder(f"another execution resumed the watch of {request.taskId} first")
    return _resumed(current.pending_watch if current.undelivered else current.watch, current.sequence,
                    current.undelivered, watch, lineage, settings=settings, now=now)


def _report_invalid(task_id: str, current: Registration, fresh: Watch, lineage: Lineage, *, me: str,
                    registry: Registry, settings: Settings, now: datetime) -> dict[str, Any]:
    """An item that does not parse, or names another task: nothing in it is published. It is replaced
    by a fresh watch, reported once as a watch error, and the watch goes on from the task's real state."""
    sequence = max(current.sequence, 0) + 1
    watch = fresh.model_copy(update={"restart": lineage.restart, "generation": lineage.generation,
                                     "sequence": sequence})
    dump = watch.model_dump(mode="json")
    if not registry.claim(task_id, me=me, previous=current.holder, watch=dump, reset=True):
        raise NotTheWatchHolder(f"another execution resumed the watch of {task_id} first")
    message = f"the watch registry's item for {task_id} was invalid and is ignored: {current.invalid}"
    detail = WatchErrorDetail(
        eventId=f"{task_id}#{sequence}", sequence=sequence, taskType=watch.taskType, taskId=task_id,
        errorCode=c.REGISTRY_ITEM_INVALID, message=message, observedAt=now, watchStartedAt=watch.watchStartedAt,
        pollCount=watch.pollCount,
    ).model_dump(mode="json")
    return document(dump, Status.redelivered_error(error_code=c.REGISTRY_ITEM_INVALID, message=message,
                                                   detail=detail, wait_seconds=settings.min_poll_seconds))


def _finished(current: Registration) -> bool:
    """Does the registry itself show the watch's end delivered (items from before the open index)?"""
    return current.error_code in c.FINAL_WATCH_ERRORS or (
        current.undelivered is None and ((current.watch or {}).get("last") or {}).get("state") in c.TERMINAL_STATES
    )


def _record_delivered(task_id: str, current: Registration, fresh: Watch, lineage: Lineage, *, me: str,
                      registry: Registry) -> dict[str, Any]:
    """The previous holder published its pending event but could not record it (``DeliveryNotRecorded``):
    record it now, never publish it again, and go on after it -- or stop, when it was the watch's end."""
    pending = current.undelivered or {}
    is_error = "errorCode" in pending
    ends = pending.get("errorCode") in c.FINAL_WATCH_ERRORS if is_error else bool(pending.get("terminal"))
    base = Watch.model_validate(current.pending_watch) if current.pending_watch else fresh
    watch = base.model_copy(update={
        "restart": lineage.restart, "generation": lineage.generation, "generationPolls": 0,
        "sequence": max(base.sequence, int(pending.get("sequence", 0))),
    })
    dump = watch.model_dump(mode="json")
    if not registry.claim(task_id, me=me, previous=current.holder, watch=dump, delivered=current, close=ends):
        raise NotTheWatchHolder(f"another execution resumed the watch of {task_id} first")
    if ends:
        return document(dump, Status.closed(summary=f"the end of {task_id}'s watch (#{pending.get('sequence')}) "
                                                    "was delivered; recorded on resume"))
    return document(dump, Status.valid(resumed=True))


def _registered_watch(current: Registration, fresh: Watch, lineage: Lineage) -> dict[str, Any]:
    """The watch as the registry holds it, in this execution's place of the line."""
    base = Watch.model_validate(current.watch) if current.watch else fresh
    return base.model_copy(update={
        "restart": lineage.restart, "generation": lineage.generation, "generationPolls": 0,
        "sequence": max(base.sequence, current.sequence),
    }).model_dump(mode="json")


def _take_over_as_successor(task_id: str, current: Registration, fresh: Watch, lineage: Lineage, *, me: str,
                            registry: Registry) -> dict[str, Any]:
    """The holder recorded this execution's name as its successor (and the watch to carry on)
    before starting it: everything comes from the registry, nothing from the input."""
    if not registry.claim_as_successor(task_id, me=me, name=me.rsplit(":", 1)[-1], previous=current.holder):
        raise NotTheWatchHolder("hand-over refused: another execution took the watch over first")
    return document(_registered_watch(current, fresh, lineage), Status.valid())


def _resumed(
    registered: dict[str, Any] | None, delivered: int, undelivered: dict[str, Any] | None, fresh: Watch,
    lineage: Lineage, *, settings: Settings, now: datetime,
) -> dict[str, Any]:
    base = Watch.model_validate(registered) if registered else fresh
    watch = base.model_copy(update={
        "restart": lineage.restart, "generation": lineage.generation, "generationPolls": 0,
        "sequence": max(base.sequence, delivered),
    })
    if undelivered is not None and "errorCode" in undelivered:
        # An interrupted watch error is delivered under its own id; then the watch goes on
        # (a final one ends it: "Is It A Final Error?").
        watch = watch.model_copy(update={"sequence": max(watch.sequence, int(undelivered.get("sequence", 0)))})
        return document(watch.model_dump(mode="json"), Status.redelivered_error(
            error_code=str(undelivered.get("errorCode")), message=str(undelivered.get("message")),
            detail=undelivered, wait_seconds=settings.min_poll_seconds))
    dump = watch.model_dump(mode="json")
    if undelivered is None:
        return document(dump, Status.valid(resumed=True))
    # Publish the change that was recorded but never confirmed, as the poll step would have.
    state = str(undelivered.get("state"))
    return document(dump, Status.observed(
        state=state,
        terminal=bool(undelivered.get("terminal")),
        outcome_reason=undelivered.get("outcomeReason"),
        changed=True,
        wait_seconds=settings.min_poll_seconds,
        summary=f"{watch.taskType} task {watch.taskId} is {state} (redelivered on resume)",
        detail=undelivered,
    ))
