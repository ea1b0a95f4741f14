"""The two functions every conversion resource of a stack shares: the custom resources' provider and
the wait conditions' signaller (one of each per stack and watcher, found again by construct id)."""

from __future__ import annotations

from functools import partial

from aws_cdk import Acknowledgment, Aws, Stack, Validations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from conversion_watch import contract as c
from conversion_watch.kinds import TASK_KINDS
from conversion_watch_cdk.autostart.construct import _acknowledge_executions_wildcard
from conversion_watch_cdk.lambda_asset import lambda_code
from conversion_watch_cdk.watcher.construct import ConversionWatcher
from conversion_watch_cdk.watcher.functions import project_function

# The task kinds behind the resources: their describes have no resource-level permissions.
RESOURCE_TASK_TYPES = ("ec2-import-image", "ec2-import-snapshot", "license-conversion")


class ConversionResourceFunctions(Construct):
    """``provider`` (starts tasks and watches, removes what they made) and ``signaller`` (signals wait conditions)."""

    @classmethod
    def of(cls, scope: Construct, watcher: ConversionWatcher) -> ConversionResourceFunctions:
        stack = Stack.of(scope)
        construct_id = f"ConversionResources{watcher.node.addr[:8]}"
        found = stack.node.try_find_child(construct_id)
        return found if isinstance(found, ConversionResourceFunctions) else cls(stack, construct_id, watcher=watcher)

    def __init__(self, scope: Construct, construct_id: str, *, watcher: ConversionWatcher) -> None:
        super().__init__(scope, construct_id)
        self.watcher = watcher
        function = partial(project_function, self, code=lambda_code(), architecture=lambda_.Architecture.ARM_64,
                           log_retention=logs.RetentionDays.ONE_MONTH,
                           powertools_layer=watcher.functions.powertools_layer)
        self.provider = function(
            "Provider", handler=c.PROVIDER_HANDLER,
            description="Conversion Watch: starts conversion tasks for CloudFormation and removes what they made",
            environment={c.ENV_STATE_MACHINE_ARN: watcher.state_machine.state_machine_arn})
        self.signaller = function(
            "Signaller", handler=c.SIGNALLER_HANDLER,
            description="Conversion Watch: signals a conversion resource's wait condition at its task's end",
            environment={})
        for made in (self.provider, self.signaller):
            made.node.default_child.add_property_override("Timeout", 60)  # type: ignore[union-attr]
        # The deadline (conversion_watch.resources.deadline): one-time schedules invoking the signaller.
        self.scheduler_role = iam.Role(self, "DeadlineRole", assumed_by=iam.ServicePrincipal(
            "scheduler.amazonaws.com", conditions={"StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID}}),
            description="Conversion Watch: EventBridge Scheduler invokes the signaller at a resource's deadline")
        self.scheduler_role.add_to_policy(iam.PolicyStatement(actions=["lambda:InvokeFunction"],
                                                              resources=[self.signaller.function_arn]))
        self.provider.add_environment(c.ENV_SIGNALLER_ARN, self.signaller.function_arn)
        self.provider.add_environment(c.ENV_SCHEDULER_ROLE_ARN, self.scheduler_role.role_arn)
        deadlines = (f"arn:{Aws.PARTITION}:scheduler:{Aws.REGION}:{Aws.ACCOUNT_ID}:schedule/default/"
                     f"{c.DEADLINE_SCHEDULE_PREFIX}*")
        self.provider.add_to_role_policy(iam.PolicyStatement(
            actions=["scheduler:CreateSchedule", "scheduler:DeleteSchedule"], resources=[deadlines]))
        self.scheduler_role.grant_pass_role(self.provider.grant_principal)
        reads = sorted({TASK_KINDS[t].describe_action for t in RESOURCE_TASK_TYPES})
        # The one idempotent start every starter uses (conversion_watch.starter): start, and look at a taken name.
        watcher.state_machine.grant_start_execution(self.provider)
        watcher.state_machine.grant_execution(self.provider, "states:DescribeExecution")
        _acknowledge_executions_wildcard(self.provider, watcher.state_machine)
        # VM Import/Export's own user policy grants these on "*" (required-permissions.html); the task and
        # the resources it makes have no id before the call.
        starts = ["ec2:ImportImage", "ec2:ImportSnapshot", "ec2:CancelImportTask",
                  "license-manager:CreateLicenseConversionTaskForResource"]
        self.provider.add_to_role_policy(iam.PolicyStatement(actions=[*starts, *reads], resources=["*"]))
        region = Aws.REGION
        self.provider.add_to_role_policy(iam.PolicyStatement(
            actions=["ec2:DeregisterImage", "ec2:DeleteSnapshot", "ec2:CreateTags", "ec2:DeleteTags"],
            resources=[f"arn:{Aws.PARTITION}:ec2:{region}::image/*", f"arn:{Aws.PARTITION}:ec2:{region}::snapshot/*",
                       f"arn:{Aws.PARTITION}:ec2:{region}:{Aws.ACCOUNT_ID}:import-image-task/*",
                       f"arn:{Aws.PARTITION}:ec2:{region}:{Aws.ACCOUNT_ID}:import-snapshot-task/*"]))
        self.signaller.add_to_role_policy(iam.PolicyStatement(actions=reads, resources=["*"]))
        for grantee, actions in ((self.provider, [*starts, *reads]), (self.signaller, reads)):
            Validations.of(grantee.role).acknowledge(  # type: ignore[arg-type]
                Acknowledgment(
                    id="AwsSolutions::AwsSolutions-IAM5[Resource::*]",
                    reason=(f"{', '.join(actions)}: VM Import/Export's required-permissions page grants these on *; "
                            "a task and what it makes have no id before the call (X-Ray actions too)."),
                ))
        Validations.of(self.provider.role).acknowledge(  # type: ignore[arg-type]
            *[Acknowledgment(id=f"AwsSolutions::AwsSolutions-IAM5[Resource::{pattern}]",
                             reason="Deregister / delete / tag only images, snapshots and import tasks in this "
                                    "account and Region; their ids come from the import at deploy time.")
              for pattern in (f"arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/default/"
                              f"{c.DEADLINE_SCHEDULE_PREFIX}*",
                              "arn:<AWS::Partition>:ec2:<AWS::Region>::image/*",
                              "arn:<AWS::Partition>:ec2:<AWS::Region>::snapshot/*",
                              "arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:import-image-task/*",
                              "arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:import-snapshot-task/*")],
        )
