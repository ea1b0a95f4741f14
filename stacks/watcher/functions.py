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

from stacks.watcher.contract import LAMBDA_SRC

POWERTOOLS_PARAMETER = "/aws/service/powertools/python/{arch}/python3.13/latest"


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
            handler="handlers.validate_watch.handler",
            description="Conversion Watch: validates a watch request before any API call",
        )
        self.poll = step(
            "PollFunction",
            handler="handlers.poll_task.handler",
            description="Conversion Watch: describes a conversion task once and normalizes its state",
        )
        # The only two reads the watcher makes. Neither action supports
        # resource-level permissions, hence "*" (acknowledged in the construct).
        self.poll.add_to_role_policy(
            iam.PolicyStatement(
                actions=["ec2:DescribeConversionTasks", "license-manager:GetLicenseConversionTask"],
                resources=["*"],
            )
        )


def lambda_code() -> lambda_.Code:
    """The one asset folder every function of the project runs from."""
    return lambda_.Code.from_asset(str(LAMBDA_SRC), exclude=["**/__pycache__", "*.pyc"])


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
        runtime=lambda_.Runtime.PYTHON_3_13,
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
            "POWERTOOLS_SERVICE_NAME": "conversion-watch",
            "POWERTOOLS_METRICS_NAMESPACE": "ConversionWatch",
            "AWS_RETRY_MODE": "standard",
            "AWS_MAX_ATTEMPTS": "3",
            **environment,
        },
    )
    Validations.of(function).acknowledge(
        Acknowledgment(
            id="AwsSolutions::AwsSolutions-L1",
            reason=(
                "Python 3.13 is pinned on purpose: the official Powertools layer is resolved from "
                "/aws/service/powertools/python/<arch>/python3.13/latest; move both together."
            ),
        )
    )
    return function

