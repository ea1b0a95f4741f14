"""The watch table (``conversion_watch.watch_table`` documents its items)."""

from __future__ import annotations

from collections.abc import Sequence

import jsii
from aws_cdk import IStableListProducer, Lazy, RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from constructs import Construct

from conversion_watch import contract
from conversion_watch.watch_table import SNAPSHOT_PREFIX, TASK_PREFIX

__all__ = ["SNAPSHOT_PREFIX", "TASK_PREFIX", "WatchTable", "allow_writer", "grant_items", "grant_open_watches_query",
           "watch_table"]


# Data-plane writes the table's resource policy denies to every principal but the watcher's roles.
WRITE_ACTIONS = ("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem",
                 "dynamodb:PartiQLInsert", "dynamodb:PartiQLUpdate", "dynamodb:PartiQLDelete")


@jsii.implements(IStableListProducer)
class _Listed:
    """The writers' role ARNs, read when the template is synthesized (roles are added after the table)."""

    def __init__(self, items: list[str]) -> None:
        self.items = items

    def produce(self) -> list[str]:
        return self.items


class WatchTable(dynamodb.Table):
    """The watch table; ``writers`` are the only principals its resource policy lets write."""

    writers: list[str]


def allow_writer(table: dynamodb.ITable, principal: iam.IPrincipal) -> None:
    """Let ``principal`` (a role) past the table's write-denying resource policy, if it has one."""
    role_arn = getattr(principal, "role_arn", None)
    writers = getattr(table, "writers", None)
    if isinstance(writers, list) and role_arn is not None and role_arn not in writers:
        writers.append(role_arn)


def watch_table(scope: Construct, construct_id: str = "WatchTable", *, restrict_writes: bool = True) -> dynamodb.Table:
    """On demand (a handful of small items per watch), point-in-time recovery, TTL, the index of
    open watches (``contract.OPEN_INDEX``) and, with ``restrict_writes``, a resource policy that
    denies data-plane writes to every principal but the watcher's roles (``allow_writer``;
    ``grant_items`` of a write action adds its role).

    Destroyed with the stack: it holds only what running watches need, which the
    sweeper rebuilds after a redeploy.
    """
    writers: list[str] = []
    # "*" in a resource policy's Resource: the table it is attached to (its own ARN cannot be referenced
    # in its own properties). ArnNotEquals on aws:PrincipalArn: every caller but the listed roles.
    policy = iam.PolicyDocument(statements=[iam.PolicyStatement(
        sid="OnlyTheWatcherWrites",
        effect=iam.Effect.DENY,
        principals=[iam.AnyPrincipal()],
        actions=list(WRITE_ACTIONS),
        resources=["*"],
        conditions={"ArnNotEquals": {"aws:PrincipalArn": Lazy.list(_Listed(writers))}},
    )]) if restrict_writes else None
    table = WatchTable(
        scope,
        construct_id,
        partition_key=dynamodb.Attribute(name=contract.TABLE_PARTITION_KEY, type=dynamodb.AttributeType.STRING),
        sort_key=dynamodb.Attribute(name=contract.TABLE_SORT_KEY, type=dynamodb.AttributeType.STRING),
        billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
        point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
            point_in_time_recovery_enabled=True
        ),
        time_to_live_attribute=contract.TABLE_TTL_ATTRIBUTE,
        encryption=dynamodb.TableEncryption.AWS_MANAGED,
        removal_policy=RemovalPolicy.DESTROY,
        resource_policy=policy,
    )
    table.writers = writers
    # Sparse: only open registry items carry the key, so the index lists exactly the watches the
    # sweeper must reconcile (one Query, paginated), ordered by task.
    table.add_global_secondary_index(
        index_name=contract.OPEN_INDEX,
        partition_key=dynamodb.Attribute(name=contract.REG_OPEN, type=dynamodb.AttributeType.STRING),
        sort_key=dynamodb.Attribute(name=contract.TABLE_PARTITION_KEY, type=dynamodb.AttributeType.STRING),
        projection_type=dynamodb.ProjectionType.KEYS_ONLY,
    )
    return table


def grant_items(table: dynamodb.ITable, grantee: iam.IGrantable, actions: Sequence[str], *,
                families: Sequence[str]) -> None:
    """``actions`` on the table's items whose partition key starts with one of ``families``
    (``dynamodb:LeadingKeys``, every key of the request: ``ForAllValues``), never on its indexes."""
    grantee.grant_principal.add_to_principal_policy(iam.PolicyStatement(
        actions=list(actions),
        resources=[table.table_arn],
        conditions={"ForAllValues:StringLike": {"dynamodb:LeadingKeys": [f"{family}*" for family in families]}},
    ))
    if set(actions) & set(WRITE_ACTIONS):
        allow_writer(table, grantee.grant_principal)


def grant_open_watches_query(table: dynamodb.ITable, grantee: iam.IGrantable) -> None:
    """``dynamodb:Query`` of the open-watches index (``contract.OPEN_INDEX``) only."""
    grantee.grant_principal.add_to_principal_policy(iam.PolicyStatement(
        actions=["dynamodb:Query"],
        resources=[f"{table.table_arn}/index/{contract.OPEN_INDEX}"],
        conditions={"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [contract.OPEN_MARK]}},
    ))
