"""The watch registry: one item per task (``TASK#<taskId>`` / ``WATCH``).

It answers the two questions a name cannot: *which* execution watches the task
now (``executionArn``), and how far its events got (``sequence`` delivered,
the ``watch`` state right after, a ``pending`` change not yet confirmed). The
validate step claims it with a conditional write (nobody holds it, or the
holder it read is still the holder); the state machine's own DynamoDB steps
update it, each conditional on the execution still being the holder, so an
execution that lost the claim stops before it publishes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError
from pydantic import ValidationError

from conversion_watch import contract as c
from conversion_watch.models import StateChangeDetail, Watch, WatchErrorDetail
from conversion_watch.naming import execution_arn, execution_name, parse
from conversion_watch.service_errors import error_code, translate
from conversion_watch.watch_table import TASK_PREFIX, lost_the_condition, table_error, task_key


@dataclass(frozen=True)
class Registration:
    holder: str
    sequence: int
    watch: dict[str, Any] | None
    pending: dict[str, Any] | None
    pending_watch: dict[str, Any] | None
    error_code: str | None
    # True while the watch is open (its end not yet delivered); None once closed, or for an item
    # written before the open-watches index existed: then the holder's own end tells.
    open: bool | None = None
    successor: str | None = None  # the execution name the holder handed over to (recorded before its start)
    successor_at: str | None = None  # when that was recorded (Step Functions' EnteredTime, ISO 8601)
    invalid: str | None = None  # why the item does not parse or does not belong to its task (then ignored)

    @property
    def undelivered(self) -> dict[str, Any] | None:
        """The pending change, if it is the one right after the last delivered."""
        if self.pending and self.pending_watch and self.pending.get("sequence") == self.sequence + 1:
            return self.pending
        return None


@dataclass(frozen=True)
class HolderStatus:
    status: str  # RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE, or MISSING
    error: str | None
    output: Any
    input: Any = None
    started_at: Any = None  # datetime


class Registry:
    def __init__(self, dynamodb: Any, sfn: Any, table: str) -> None:
        self.dynamodb, self.sfn, self.table = dynamodb, sfn, table

    def read(self, task_id: str) -> Registration | None:
        try:
            item = self.dynamodb.get_item(
                TableName=self.table, Key=task_key(task_id, c.REGISTRY_ITEM), ConsistentRead=True
            ).get("Item")
        except ClientError as error:
            raise table_error(error, operation="dynamodb:GetItem") from error
        if not item:
            return None
        registration = Registration(
            holder=_s(item, c.REG_HOLDER) or "",
            sequence=_sequence(item),
            watch=_json(item, c.REG_WATCH),
            pending=_json(item, c.REG_PENDING),
            pending_watch=_json(item, c.REG_PENDING_WATCH),
            error_code=_s(item, c.REG_ERROR_CODE),
            open=True if _s(item, c.REG_OPEN) == c.OPEN_MARK else None,
            successor=_s(item, c.REG_SUCCESSOR),
            successor_at=_s(item, c.REG_SUCCESSOR_AT),
        )
        problem = invalid_item(task_id, item, registration)
        if problem is None:
            return registration
        # Never acted on: no pending is published from it, no watch carried on from it.
        return replace(registration, watch=None, pending=None, pending_watch=None, invalid=problem)

    def claim(self, task_id: str, *, me: str, previous: str | None, watch: dict[str, Any],
              delivered: Registration | None = None, close: bool = False, reset: bool = False) -> bool:
        """Make ``me`` the holder if ``previous`` still is (None: if nobody is). False: someone else won.

        ``delivered``: the registration whose pending event the previous holder published but could
        not record (it ended ``DeliveryNotRecorded``): recorded now as delivered, never published
        again. ``close``: that event was the watch's end; the watch leaves the open index.
        ``reset``: the item was invalid; ``watch`` replaces it and its pending records go."""
        try:
            if previous is None:
                self.dynamodb.put_item(
                    TableName=self.table,
                    Item={**task_key(task_id, c.REGISTRY_ITEM), c.REG_HOLDER: {"S": me},
                          c.REG_SEQUENCE: {"N": str(watch.get("sequence", 0))}, c.REG_WATCH: {"S": json.dumps(watch)},
                          c.REG_OPEN: {"S": c.OPEN_MARK}},
                    ConditionExpression="attribute_not_exists(pk)",
                )
            else:
                names = {"#holder": c.REG_HOLDER, "#error": c.REG_ERROR_CODE, "#open": c.REG_OPEN}
                values: dict[str, Any] = {":me": {"S": me}, ":previous": {"S": previous}}
                update = "SET #holder = :me"
                removed = ["#error"]
                if delivered is not None and delivered.pending is not None:
                    names |= {"#sequence": c.REG_SEQUENCE, "#watch": c.REG_WATCH, "#pending": c.REG_PENDING,
                              "#pendingWatch": c.REG_PENDING_WATCH}
                    values[":sequence"] = {"N": str(int(delivered.pending.get("sequence", delivered.sequence)))}
                    values[":watch"] = {"S": json.dumps(watch)}
                    update += ", #sequence = :sequence, #watch = :watch"
                    removed = ["#pending", "#pendingWatch"]
                    if "errorCode" in delivered.pending:
                        values[":error"] = {"S": str(delivered.pending["errorCode"])}
                        update += ", #error = :error"
                if reset:
                    names |= {"#sequence": c.REG_SEQUENCE, "#watch": c.REG_WATCH, "#pending": c.REG_PENDING,
                              "#pendingWatch": c.REG_PENDING_WATCH}
                    values[":sequence"] = {"N": str(int(watch.get("sequence", 0)))}
                    values[":watch"] = {"S": json.dumps(watch)}
                    update += ", #sequence = :sequence, #watch = :watch"
                    removed += ["#pending", "#pendingWatch"]
                if close:
                    removed.append("#open")
                else:
                    values[":open"] = {"S": c.OPEN_MARK}
                    update += ", #open = :open"
                self.dynamodb.update_item(
                    TableName=self.table,
                    Key=task_key(task_id, c.REGISTRY_ITEM),
                    UpdateExpression=f"{update} REMOVE {', '.join(removed)}",
                    ConditionExpression="#holder = :previous",
                    ExpressionAttributeNames={k: v for k, v in names.items() if k in update or k in removed},
                    ExpressionAttributeValues=values,
                )
        except ClientError as error:
            if lost_the_condition(error):
                return False
            raise table_error(error, operation="dynamodb:PutItem") from error
        return True

    def claim_as_successor(self, task_id: str, *, me: str, name: str, previous: str) -> bool:
        """``me`` (named ``name``) takes the watch over from ``previous`` if the registry names it
        the successor. False: it is not, or someone else was first."""
        try:
            self.dynamodb.update_item(
                TableName=self.table,
                Key=task_key(task_id, c.REGISTRY_ITEM),
                UpdateExpression="SET #holder = :me, #open = :open REMOVE #successor, #successorAt, #error",
                ConditionExpression="#holder = :previous AND #successor = :name",
                ExpressionAttributeNames={"#holder": c.REG_HOLDER, "#successor": c.REG_SUCCESSOR,
                                          "#successorAt": c.REG_SUCCESSOR_AT, "#error": c.REG_ERROR_CODE,
                                          "#open": c.REG_OPEN},
                ExpressionAttributeValues={":me": {"S": me}, ":previous": {"S": previous}, ":name": {"S": name},
                                           ":open": {"S": c.OPEN_MARK}},
            )
        except ClientError as error:
            if lost_the_condition(error):
                return False
            raise table_error(error, operation="dynamodb:UpdateItem") from error
        return True

    def confirm_successor(self, task_id: str, *, me: str, name: str) -> tuple[bool, str]:
        """Is the execution holding ``name`` the successor ``me`` recorded? Never from that execution's
        input: it is if it already holds the watch, or if it runs and started after ``me`` recorded it
        (its validate step will claim the watch)."""
        successor_arn = execution_arn(me, name)
        current = self.read(task_id)
        if current is not None and current.holder == successor_arn:
            return True, f"{name} took the watch over (the registry names it the holder)"
        status = describe_execution(self.sfn, successor_arn, task_id)
        recorded_at = _moment(current.successor_at) if current is not None and current.successor == name else None
        started_at = status.started_at
        if (current is not None and current.holder == me and recorded_at is not None and status.status == "RUNNING"
                and isinstance(started_at, datetime) and started_at >= recorded_at):
            return True, f"{name} was started after it was recorded as the successor"
        return False, (f"{name} is held by an execution ({status.status}) that the watch registry does not name "
                       "as this watch's successor")

    def free_successor_name(self, task_id: str, *, me: str, taken: str) -> str | None:
        """The first name after ``taken`` in its line (its next generations) that no execution holds,
        looking at most ``c.SUCCESSOR_NAMES_TRIED`` names ahead; None when all of those are taken (the
        hand-over is then blocked, and the watch resumes on its next restart line)."""
        lineage = parse(taken, task_id)
        if lineage is None:
            return None
        for generation in range(lineage.generation + 1, lineage.generation + 1 + c.SUCCESSOR_NAMES_TRIED):
            try:
                name = execution_name(task_id, generation=generation, restart=lineage.restart)
            except ValueError:  # past the names' largest counter or Step Functions' 80 characters
                return None
            if describe_execution(self.sfn, execution_arn(me, name), task_id).status == "MISSING":
                return name
        return None

    def holder_status(self, execution_arn: str) -> HolderStatus:
        return describe_execution(self.sfn, execution_arn, "*")

    def open_task_ids(self) -> list[str]:
        """Every open watch's task id, from the sparse open-watches index (eventually consistent:
        read the item itself before acting on it)."""
        found: list[str] = []
        request: dict[str, Any] = {
            "TableName": self.table, "IndexName": c.OPEN_INDEX,
            "KeyConditionExpression": "#open = :open",
            "ExpressionAttributeNames": {"#open": c.REG_OPEN},
            "ExpressionAttributeValues": {":open": {"S": c.OPEN_MARK}},
        }
        try:
            while True:
                page = self.dynamodb.query(**request)
                found += [key[c.TABLE_PARTITION_KEY]["S"].removeprefix(TASK_PREFIX) for key in page.get("Items", [])
                          if key.get(c.TABLE_SORT_KEY, {}).get("S") == c.REGISTRY_ITEM]
                if "LastEvaluatedKey" not in page:
                    return found
                request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        except ClientError as error:
            raise table_error(error, operation="dynamodb:Query") from error


def describe_execution(sfn: Any, execution_arn: str, task_id: str) -> HolderStatus:
    try:
        described = sfn.describe_execution(executionArn=execution_arn)
    except ClientError as error:
        if error_code(error) == "ExecutionDoesNotExist":
            return HolderStatus("MISSING", None, None)
        raise translate(error, operation="states:DescribeExecution", task_id=task_id) from error
    return HolderStatus(described["status"], described.get("error"), _loads(described.get("output")),
                        _loads(described.get("input")), described.get("startDate"))


def ended_with_outcome(status: HolderStatus) -> bool:
    """Did this execution end having delivered its task's outcome (or a final watch error)?"""
    if status.status == "SUCCEEDED":
        state = (status.output or {}).get("status", {}).get("state") if isinstance(status.output, dict) else None
        return state in c.TERMINAL_STATES
    return status.status == "FAILED" and status.error in (c.TASK_FAILED_ERROR, *c.FINAL_WATCH_ERRORS)


def handed_over_to(status: HolderStatus) -> str | None:
    """The successor's name when this execution ended by handing over."""
    if status.status != "SUCCEEDED" or not isinstance(status.output, dict):
        return None
    name = status.output.get("status", {}).get("nextExecutionName")
    return name if isinstance(name, str) and status.output["status"].get("handOver") else None


def invalid_item(task_id: str, item: dict[str, Any], registration: Registration) -> str | None:
    """Why a registry item cannot be the watch of ``task_id``, or None. Only the watcher writes
    the table, but an item that does not parse -- or whose watch or pending event names another
    task -- must never be published from."""
    if registration.sequence < 0:
        return "sequence is not a non-negative number"
    for name, value in ((c.REG_WATCH, registration.watch), (c.REG_PENDING_WATCH, registration.pending_watch)):
        if name in item and value is None:
            return f"{name} is not JSON"
        if value is not None:
            try:
                watch = Watch.model_validate(value)
            except ValidationError as error:
                return f"{name} is not a watch ({error.error_count()} problem(s))"
            if watch.taskId != task_id:
                return f"{name} belongs to task {watch.taskId!r}"
    pending = registration.pending
    if c.REG_PENDING in item and pending is None:
        return "pending is not JSON"
    if pending is not None:
        model = WatchErrorDetail if isinstance(pending, dict) and "errorCode" in pending else StateChangeDetail
        try:
            detail = model.model_validate(pending)
        except ValidationError as error:
            return f"pending is not an event detail ({error.error_count()} problem(s))"
        if detail.taskId != task_id or detail.eventId != f"{task_id}#{detail.sequence}":
            return f"pending event {detail.eventId!r} does not belong to task {task_id!r}"
    return None


def _moment(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _sequence(item: dict[str, Any]) -> int:
    try:
        return int(item.get(c.REG_SEQUENCE, {}).get("N", "0"))
    except (TypeError, ValueError, AttributeError):
        return -1


def _s(item: dict[str, Any], name: str) -> str | None:
    value = item.get(name, {}).get("S")
    return value if isinstance(value, str) else None


def _json(item: dict[str, Any], name: str) -> Any:
    return _loads(_s(item, name))


def _loads(text: str | None) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None
