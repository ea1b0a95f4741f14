"""IAM for the task kinds' read APIs, from the registry of kinds.

None of the VM Import/Export or License Manager read actions supports
resource-level permissions (Service Authorization Reference: no resource type
is listed for them), so they are granted on ``*``; each grant is acknowledged
with that reason, naming exactly the actions it covers.
"""

from __future__ import annotations

from collections.abc import Iterable

from aws_cdk import Acknowledgment, Validations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_

from conversion_watch.kinds import TASK_KINDS, TaskKind

XRAY_ACTIONS = "X-Ray PutTraceSegments/PutTelemetryRecords"
# CloudTrail's event history: the poll step's lookup of cancel calls (conversion_watch.cancel_evidence).
# The Service Authorization Reference lists no resource type for LookupEvents.
LOOKUP_EVENTS_ACTION = "cloudtrail:LookupEvents"


def describe_actions(kinds: Iterable[TaskKind] | None = None) -> list[str]:
    return sorted({k.describe_action for k in (kinds or TASK_KINDS.values())})


def list_actions(kinds: Iterable[TaskKind] | None = None) -> list[str]:
    return sorted({k.list_action for k in (kinds or TASK_KINDS.values())})


def grant_task_reads(function: lambda_.Function, actions: list[str]) -> None:
    """Grant ``actions`` on ``*`` and acknowledge the one finding that makes, with its reason."""
    function.add_to_role_policy(iam.PolicyStatement(actions=actions, resources=["*"]))
    _granted(function).extend(actions)
    acknowledge_wildcards(function, [*_granted(function), XRAY_ACTIONS])


def grant_cancel_lookup(function: lambda_.Function) -> None:
    """``cloudtrail:LookupEvents`` on ``*`` (no resource-level permission exists for it),
    acknowledged with the task reads' wildcard and the same reason."""
    function.add_to_role_policy(iam.PolicyStatement(actions=[LOOKUP_EVENTS_ACTION], resources=["*"]))
    _granted(function).append(LOOKUP_EVENTS_ACTION)
    acknowledge_wildcards(function, [*_granted(function), XRAY_ACTIONS])


def _granted(function: lambda_.Function) -> list[str]:
    """The wildcard actions granted to ``function`` so far: one acknowledgment names them all."""
    key = "_conversion_watch_wildcard_actions"
    if not hasattr(function, key):
        setattr(function, key, [])
    return getattr(function, key)  # type: ignore[no-any-return]


def acknowledge_wildcards(function: lambda_.Function, actions: list[str]) -> None:
    Validations.of(function.role).acknowledge(  # type: ignore[arg-type]
        Acknowledgment(
            id="AwsSolutions::AwsSolutions-IAM5[Resource::*]",
            reason=f"{', '.join(actions)}: no resource-level permissions exist for these actions.",
        )
    )
