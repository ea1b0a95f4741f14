"""The watch table (``conversion_watch.watch_table`` documents its items)."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from constructs import Construct

from conversion_watch import contract
from conversion_watch.watch_table import SNAPSHOT_PREFIX, TASK_PREFIX

__all__ = ["SNAPSHOT_PREFIX", "TASK_PREFIX", "grant_items", "grant_open_watches_query", "watch_table"]


def watch_table(scope: Construct, construct_id: str = "WatchTable") -> dynamodb.Table:
    """On demand (a handful of small items per watch), point-in-time recovery, TTL, and the
    index of open watches (``contract.OPEN_INDEX``).

    Destroyed with the stack: it holds only what running watches need, which the
    sweeper rebuilds after a redeploy.
    """
    table = dynamodb.Table(
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
    )
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


def grant_open_watches_query(table: dynamodb.ITable, grantee: iam.IGrantable) -> None:
    """``dynamodb:Query`` of the open-watches index (``contract.OPEN_INDEX``) only."""
    grantee.grant_principal.add_to_principal_policy(iam.PolicyStatement(
        actions=["dynamodb:Query"],
        resources=[f"{table.table_arn}/index/{contract.OPEN_INDEX}"],
        conditions={"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [contract.OPEN_MARK]}},
    ))
