"""The two Lambda steps, from the one asset folder, with Powertools from the
official public layer (resolved at deploy time through its SSM parameter)."""

from __future__ import annotations

from functools import partial

from aws_cdk import Acknowledgment, Duration, RemovalPolicy, Validations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from conversion_watch import contract
from conversion_watch_cdk.lambda_asset import lambda_code
from conversion_watch_cdk.task_permissions import describe_actions, grant_task_reads, list_actions

POWERTOOLS_PARAMETER = contract.POWERTOOLS_LAYER_PARAMETER


class WatcherFunctions(Construct):
    """``validate`` checks the input; ``poll`` describes the task once."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        environment: dict[str, str],
        log_retention: logs.RetentionDays,
        powertools_layer_arn: str | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        architecture = lambda_.Architecture.ARM_64
        layer_arn = powertools_layer_arn or ssm.StringParameter.value_for_string_parameter(
            self, POWERTOOLS_PARAMETER.format(arch="arm64")
        )
        self.powertools_layer = lambda_.LayerVersion.from_layer_version_arn(self, "PowertoolsLayer", layer_arn)
        step = partial(
            project_function,
            self,
            code=lambda_code(),
            architecture=architecture,
            environment=environment,
            log_retention=log_retention,
            powertools_layer=self.powertools_layer,
        )
        self.validate = step(
            "ValidateFunction",
            handler="conversion_watch.handlers.validate_watch.handler",
            description="Conversion Watch: validates a watch request before any API call",
        )
        self.poll = step(
            "PollFunction",
            handler="conversion_watch.handlers.poll_task.handler",
            description="Conversion Watch: reads one task's state (shared snapshot, else its kind's describe "
                        "call) and normalizes it",
        )
        # The per-task reads and the paginated list of every kind in the registry (the shared
        # snapshot's refresh, conversion_watch.task_snapshots); no resource-level permissions: "*".
        grant_task_reads(self.poll, sorted({*describe_actions(), *list_actions()}))


def project_function(
    scope: Construct,
    construct_id: str,
    *,
    handler: str,
    description: str,
    code: lambda_.Code,
    architecture: lambda_.Architecture,
    environment: dict[str, str],
    log_retention: logs.RetentionDays,
    powertools_layer: lambda_.ILayerVersion,
) -> lambda_.Function:
    """A function with the project's conventions (Python 3.13, Powertools layer,
    own log group with retention, X-Ray, explicit role); shared by all constructs."""
    log_group = logs.LogGroup(
        scope, f"{construct_id}Logs", retention=log_retention, removal_policy=RemovalPolicy.DESTROY
    )
    # An explicit role instead of the AWSLambdaBasicExecutionRole managed
    # policy: logs go to this function's own log group only.
    role = iam.Role(
        scope,
        f"{construct_id}Role",
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        description=description,
    )
    log_group.grant_write(role)
    function = lambda_.Function(
        scope,
        construct_id,
        runtime=lambda_.Runtime(contract.PYTHON_RUNTIME, lambda_.RuntimeFamily.PYTHON),
        architecture=architecture,
        handler=handler,
        code=code,
        description=description,
        role=role,
        layers=[powertools_layer],
        memory_size=256,
        timeout=Duration.seconds(30),
        tracing=lambda_.Tracing.ACTIVE,
        log_group=log_group,
        logging_format=lambda_.LoggingFormat.JSON,
        environment={
            contract.ENV_POWERTOOLS_SERVICE_NAME: contract.SERVICE_NAME,
            contract.ENV_POWERTOOLS_METRICS_NAMESPACE: contract.METRIC_NAMESPACE,
            "AWS_RETRY_MODE": "standard",
            "AWS_MAX_ATTEMPTS": "3",
            **environment,
        },
    )
    Validations.of(function).acknowledge(
        Acknowledgment(
            id="AwsSolutions::AwsSolutions-L1",
            reason=(
                f"{contract.PYTHON_RUNTIME} is pinned on purpose: the official Powertools layer is resolved "
                f"from {contract.POWERTOOLS_LAYER_PARAMETER}; move both together (conversion_watch.contract)."
            ),
        )
    )
    return function

