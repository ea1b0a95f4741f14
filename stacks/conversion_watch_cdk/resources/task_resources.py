"""``ImportedImage``, ``ImportedSnapshot`` and ``LicenseTypeConversion``: one CloudFormation resource each,
for their user, that waits for the task's true end.

Each is, in the template: a custom resource that starts the task and answers at once (its
``TaskId``); a rule on the watcher's bus for that task's events, targeting the signaller; a follow
resource (after the rule) that starts the task's watch and signals at once a task already ended;
a wait condition (after the follow resource) with ``timeout``. The wait condition and its handle
carry a digest of the task's source in their logical ids: a new source is a new task (the custom
resource answers with a new physical id, CloudFormation deletes the old one after) and a new
wait condition, as CloudFormation asks ("associate the wait condition with a new WaitConditionHandle").
A result resource after the wait condition returns the attributes, read from the wait condition's
``Data`` (``conversion_watch.resources.attributes``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aws_cdk import CustomResource, Duration, Fn, RemovalPolicy, Stack
from aws_cdk import aws_cloudformation as cfn
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from constructs import Construct

from conversion_watch import contract as c
from conversion_watch.resources import rules
from conversion_watch_cdk.resources.provider import ConversionResourceFunctions
from conversion_watch_cdk.resources.service_role import VmImportServiceRole
from conversion_watch_cdk.watcher.construct import ConversionWatcher

DEFAULT_TIMEOUT = Duration.seconds(c.DEFAULT_RESOURCE_TIMEOUT_SECONDS)
# The provider answers in seconds; a crashed one fails the stack in minutes rather than the default hour.
PROVIDER_TIMEOUT = Duration.minutes(5)


@dataclass(frozen=True, kw_only=True)
class DiskImage:
    """One disk of an import: an object in S3 with its format, or an existing EBS snapshot.

    :param format: the disk image's format, ``OVA`` | ``VHD`` | ``VHDX`` | ``VMDK`` | ``RAW``.
    """

    format: str | None = None
    bucket: s3.IBucket | None = None
    key: str | None = None
    snapshot_id: str | None = None
    device_name: str | None = None
    description: str | None = None

    @classmethod
    def from_bucket(cls, bucket: s3.IBucket, key: str, *, format: str, device_name: str | None = None,
                    description: str | None = None) -> DiskImage:
        return cls(format=format, bucket=bucket, key=key, device_name=device_name, description=description)

    @classmethod
    def from_snapshot(cls, snapshot_id: str, *, device_name: str | None = None,
                      description: str | None = None) -> DiskImage:
        return cls(snapshot_id=snapshot_id, device_name=device_name, description=description)

    def properties(self) -> dict[str, Any]:
        disk: dict[str, Any] = {k: v for k, v in (("DeviceName", self.device_name),
                                                  ("Description", self.description)) if v}
        if self.snapshot_id:
            return {**disk, "SnapshotId": self.snapshot_id}
        if self.bucket is None or not self.key or not self.format:
            raise ValueError("a DiskImage is DiskImage.from_bucket(bucket, key, format=...) or "
                             "DiskImage.from_snapshot(snapshot_id)")
        return {**disk, "Format": self.format, "Url": f"s3://{self.bucket.bucket_name}/{self.key}"}

    def grant_read(self, grantee: iam.IGrantable) -> None:
        """What the caller of ImportImage / ImportSnapshot needs on the source (required-permissions.html)."""
        if self.bucket is not None and self.key:
            grantee.grant_principal.add_to_principal_policy(iam.PolicyStatement(
                actions=["s3:GetBucketLocation"], resources=[self.bucket.bucket_arn]))
            grantee.grant_principal.add_to_principal_policy(iam.PolicyStatement(
                actions=["s3:GetObject"], resources=[self.bucket.arn_for_objects(self.key)]))


class _ConversionResource(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, watcher: ConversionWatcher, resource_type: str,
                 task_type: str, properties: Mapping[str, Any], source: Mapping[str, Any], timeout: Duration | None,
                 grants: Sequence[DiskImage] = ()) -> None:
        super().__init__(scope, construct_id)
        timeout = timeout or DEFAULT_TIMEOUT
        seconds = int(timeout.to_seconds())
        if not 1 <= seconds <= c.WAIT_CONDITION_MAX_SECONDS:
            raise ValueError("timeout: a wait condition waits 1 second to 12 hours "
                             f"({c.WAIT_CONDITION_MAX_SECONDS} s), got {seconds} s")
        functions = ConversionResourceFunctions.of(self, watcher)
        for disk in grants:
            disk.grant_read(functions.provider)
        self.resource = CustomResource(self, "Resource", service_token=functions.provider.function_arn,
                                       resource_type=resource_type, properties=dict(properties),
                                       service_timeout=PROVIDER_TIMEOUT)
        self.task_id = self.resource.get_att_string("TaskId")
        digest = _digest(Stack.of(self).resolve(dict(source)))
        handle = cfn.CfnWaitConditionHandle(self, f"WaitHandle{digest}")
        transformer = rules.input_transformer(handle.ref)
        rule = events.CfnRule(
            self, "SignalRule", event_bus_name=watcher.event_bus.event_bus_name, state="ENABLED",
            description="Conversion Watch: this resource's task events, to the signaller of its wait condition",
            event_pattern=rules.event_pattern(watcher.event_source, self.task_id),
            targets=[events.CfnRule.TargetProperty(
                id="Signaller", arn=functions.signaller.function_arn,
                input_transformer=events.CfnRule.InputTransformerProperty(
                    input_paths_map=transformer["InputPathsMap"], input_template=transformer["InputTemplate"]))])
        permission = lambda_.CfnPermission(self, "SignalPermission", action="lambda:InvokeFunction",
                                           function_name=functions.signaller.function_arn,
                                           principal="events.amazonaws.com", source_arn=rule.attr_arn)
        self.follow = CustomResource(self, "Follow", service_token=functions.provider.function_arn,
                                     resource_type=c.RESOURCE_FOLLOW, service_timeout=PROVIDER_TIMEOUT,
                                     properties={"TaskType": task_type, "TaskId": self.task_id,
                                                 "WaitHandle": handle.ref, "TimeoutSeconds": str(seconds)})
        self.follow.node.add_dependency(rule, permission)
        self.wait_condition = cfn.CfnWaitCondition(self, f"WaitCondition{digest}", handle=handle.ref,
                                                   timeout=str(seconds), count=1)
        self.wait_condition.node.add_dependency(self.follow)
        # The attributes, as a custom resource's own (Fn::GetAtt strings), from the wait condition's Data.
        # Its Delete removes what the task made (unless retained), from the ids in the Data: at any age.
        self.result = CustomResource(self, "Result", service_token=functions.provider.function_arn,
                                     resource_type=c.RESOURCE_RESULT, service_timeout=PROVIDER_TIMEOUT,
                                     properties={"TaskType": task_type, "TaskId": self.task_id,
                                                 "WaitData": self.wait_condition.attr_data,
                                                 "RetainOnDelete": properties.get("RetainOnDelete", "false")})

    def _attribute(self, name: str) -> str:
        """An attribute of the completed task (``conversion_watch.resources.attributes.ATTRIBUTES``)."""
        return self.result.get_att_string(name)


class ImportedImage(_ConversionResource):
    """An AMI imported from disk images in S3 (EC2 ``ImportImage``); the stack waits for the import's end.

    :param watcher: the ``ConversionWatcher`` whose events end the wait.
    :param disk_images: the VM's disks (``DiskImage.from_bucket`` / ``DiskImage.from_snapshot``), boot disk first.
    :param description: the import's description. Default: none.
    :param license_type: ``AWS`` | ``BYOL``. Default: EC2's choice (ImportImage's default).
    :param boot_mode: ``legacy-bios`` | ``uefi`` | ``uefi-preferred``. Default: from the image.
    :param platform: ``Windows`` | ``Linux``. Default: detected by VM Import/Export.
    :param architecture: ``i386`` | ``x86_64`` | ``arm64``. Default: detected.
    :param kms_key: encrypt the AMI's snapshots with this key. Default: not encrypted (EBS encryption by
        default still applies if the account turned it on).
    :param service_role: the role VM Import/Export assumes. Default: the account's role named ``vmimport``.
    :param tags: tags of the import task, updated in place (also on the AMI and snapshots once made).
    :param timeout: how long the stack waits for the import. Default and maximum: 12 hours (a wait
        condition's limit).
    :param removal_policy: ``RETAIN`` keeps the AMI and its snapshots when the resource is deleted (a
        running import is cancelled either way). Default: ``DESTROY``.
    """

    def __init__(self, scope: Construct, construct_id: str, *, watcher: ConversionWatcher,
                 disk_images: Sequence[DiskImage], description: str | None = None, license_type: str | None = None,
                 boot_mode: str | None = None, platform: str | None = None, architecture: str | None = None,
                 kms_key: kms.IKey | None = None, service_role: VmImportServiceRole | None = None,
                 tags: Mapping[str, str] | None = None, timeout: Duration | None = None,
                 removal_policy: RemovalPolicy = RemovalPolicy.DESTROY) -> None:
        if not disk_images:
            raise ValueError("disk_images: at least one disk image")
        source: dict[str, Any] = {"DiskContainers": [d.properties() for d in disk_images]}
        for name, value in (("Description", description), ("LicenseType", license_type), ("BootMode", boot_mode),
                            ("Platform", platform), ("Architecture", architecture)):
            if value is not None:
                source[name] = value
        if kms_key is not None:
            source.update(Encrypted="true", KmsKeyId=kms_key.key_arn)
        if service_role is not None:
            source["RoleName"] = service_role.role.role_name
        super().__init__(scope, construct_id, watcher=watcher, resource_type=c.RESOURCE_IMPORTED_IMAGE,
                         task_type="ec2-import-image", source=source, timeout=timeout, grants=disk_images,
                         properties={**source, **_in_place(tags, removal_policy)})
        self.import_task_id = self.task_id
        self.image_id = self._attribute("ImageId")
        self.snapshot_ids = Fn.split(c.SIGNAL_LIST_SEPARATOR, self._attribute("SnapshotIds"))


class ImportedSnapshot(_ConversionResource):
    """An EBS snapshot imported from one disk image in S3 (EC2 ``ImportSnapshot``).

    :param watcher: the ``ConversionWatcher`` whose events end the wait.
    :param disk_image: the disk (``DiskImage.from_bucket``; format ``VHD`` | ``VMDK`` | ``RAW``).
    :param description: the snapshot's description. Default: none.
    :param kms_key: encrypt the snapshot with this key. Default: not encrypted.
    :param service_role: the role VM Import/Export assumes. Default: the account's ``vmimport``.
    :param tags: tags of the import task, updated in place (also on the snapshot once made).
    :param timeout: how long the stack waits. Default and maximum: 12 hours.
    :param removal_policy: ``RETAIN`` keeps the snapshot on delete. Default: ``DESTROY``.
    """

    def __init__(self, scope: Construct, construct_id: str, *, watcher: ConversionWatcher, disk_image: DiskImage,
                 description: str | None = None, kms_key: kms.IKey | None = None,
                 service_role: VmImportServiceRole | None = None, tags: Mapping[str, str] | None = None,
                 timeout: Duration | None = None, removal_policy: RemovalPolicy = RemovalPolicy.DESTROY) -> None:
        disk = disk_image.properties()
        disk.pop("DeviceName", None)
        source: dict[str, Any] = {"DiskContainer": disk}
        if description is not None:
            source["Description"] = description
        if kms_key is not None:
            source.update(Encrypted="true", KmsKeyId=kms_key.key_arn)
        if service_role is not None:
            source["RoleName"] = service_role.role.role_name
        super().__init__(scope, construct_id, watcher=watcher, resource_type=c.RESOURCE_IMPORTED_SNAPSHOT,
                         task_type="ec2-import-snapshot", source=source, timeout=timeout, grants=[disk_image],
                         properties={**source, **_in_place(tags, removal_policy)})
        self.import_task_id = self.task_id
        self.snapshot_id = self._attribute("SnapshotId")


class LicenseTypeConversion(_ConversionResource):
    """A license type conversion of an EC2 instance (License Manager ``CreateLicenseConversionTaskForResource``).

    :param watcher: the ``ConversionWatcher`` whose events end the wait.
    :param resource_arn: the instance's ARN.
    :param source_usage_operation: its billing code now, e.g. ``RunInstances:0002`` (Windows, license included).
    :param destination_usage_operation: the billing code to convert to, e.g. ``RunInstances:0800`` (Windows BYOL).
    :param convert_back_on_delete: on delete, start the opposite conversion (not waited for). Default: False.
    :param timeout: how long the stack waits. Default and maximum: 12 hours.
    """

    def __init__(self, scope: Construct, construct_id: str, *, watcher: ConversionWatcher, resource_arn: str,
                 source_usage_operation: str, destination_usage_operation: str,
                 convert_back_on_delete: bool = False, timeout: Duration | None = None) -> None:
        source = {"ResourceArn": resource_arn, "SourceUsageOperation": source_usage_operation,
                  "DestinationUsageOperation": destination_usage_operation}
        super().__init__(scope, construct_id, watcher=watcher, resource_type=c.RESOURCE_LICENSE_CONVERSION,
                         task_type="license-conversion", source=source, timeout=timeout,
                         properties={**source, "ConvertBackOnDelete": "true" if convert_back_on_delete else "false"})
        self.license_conversion_task_id = self.task_id


def _in_place(tags: Mapping[str, str] | None, removal_policy: RemovalPolicy) -> dict[str, Any]:
    properties: dict[str, Any] = {"RetainOnDelete": "true" if removal_policy == RemovalPolicy.RETAIN else "false"}
    if tags:
        properties["Tags"] = [{"Key": k, "Value": v} for k, v in sorted(tags.items())]
    return properties


def _digest(resolved: Any) -> str:
    return hashlib.sha256(json.dumps(resolved, sort_keys=True).encode()).hexdigest()[:8].upper()
