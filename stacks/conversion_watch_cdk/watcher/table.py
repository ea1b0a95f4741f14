"""The watch table (``conversion_watch.watch_table`` documents its items)."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct

from conversion_watch import contract


def watch_table(scope: Construct, construct_id: str = "WatchTable") -> dynamodb.Table:
    """On demand (a handful of small items per watch), point-in-time recovery, TTL.

    Destroyed with the stack: it holds only what running watches need, which the
    sweeper rebuilds after a redeploy.
    """
    return dynamodb.Table(
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
