"""The conversion resources in a template: what waits for what, the wait condition's limit, the
rule that routes the task's end to the signaller, a new wait condition for a new source (not for new
tags), and least-privilege IAM. Resources are found through their constructs, never by hashed ids."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import assertions
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_s3 as s3

from conversion_watch_cdk import ConversionWatcher
from conversion_watch_cdk.resources import (
    DiskImage,
    ImportedImage,
    ImportedSnapshot,
    LicenseTypeConversion,
    VmImportServiceRole,
)
from conversion_watch_cdk.resources.provider import ConversionResourceFunctions

INSTANCE = "arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0"


def _stack(key: str = "web.vmdk", tags: dict[str, str] | None = None, timeout: cdk.Duration | None = None) -> Any:
    app = cdk.App()
    stack = cdk.Stack(app, "Deployment")
    bucket = s3.Bucket(stack, "Images", enforce_ssl=True)
    watcher = ConversionWatcher(stack, "Watcher")
    image = ImportedImage(stack, "Image", watcher=watcher,
                          disk_images=[DiskImage.from_bucket(bucket, key, format="VMDK")],
                          service_role=VmImportServiceRole(stack, "VmImport", buckets=[bucket]), tags=tags,
                          timeout=timeout)
    snapshot = ImportedSnapshot(stack, "Snapshot", watcher=watcher,
                                disk_image=DiskImage.from_bucket(bucket, "data.raw", format="RAW"))
    license_ = LicenseTypeConversion(stack, "License", watcher=watcher, resource_arn=INSTANCE,
                                     source_usage_operation="RunInstances:0002",
                                     destination_usage_operation="RunInstances:0800")
    instance = ec2.CfnInstance(stack, "Server", image_id=image.image_id, instance_type="t3.small")
    return stack, watcher, image, snapshot, license_, instance, assertions.Template.from_stack(stack).to_json()


@pytest.fixture(scope="module")
def built() -> Any:
    return _stack(timeout=cdk.Duration.hours(6))


def _id(stack: cdk.Stack, construct: Any) -> str:
    resource = getattr(construct.node, "default_child", None) or construct
    return str(stack.resolve(resource.logical_id))


def test_the_wait_condition_waits_for_the_follow_step_up_to_the_timeout(built):
    stack, _, image, *_, template = built
    wait = template["Resources"][_id(stack, image.wait_condition)]

    assert wait["Type"] == "AWS::CloudFormation::WaitCondition"
    assert wait["Properties"]["Timeout"] == "21600"
    assert wait["Properties"]["Count"] == 1
    assert _id(stack, image.follow) in wait["DependsOn"]


def test_the_rule_sends_this_tasks_events_to_the_signaller_with_the_handle(built):
    stack, watcher, image, *_, template = built
    [rule] = [r for path, r in template["Resources"].items()
              if r["Type"] == "AWS::Events::Rule" and path.startswith("ImageSignalRule")]
    functions = ConversionResourceFunctions.of(image, watcher)
    pattern = rule["Properties"]["EventPattern"]

    assert pattern["detail"]["taskId"] == [{"Fn::GetAtt": [_id(stack, image.resource), "TaskId"]}]
    assert pattern["source"] == [watcher.event_source]
    [target] = rule["Properties"]["Targets"]
    assert target["Arn"] == {"Fn::GetAtt": [_id(stack, functions.signaller), "Arn"]}
    assert "Ref" in str(target["InputTransformer"]["InputTemplate"])  # the handle's presigned URL


def test_the_follow_step_starts_after_the_rule_exists(built):
    stack, _, image, *_, template = built
    follow = template["Resources"][_id(stack, image.follow)]

    assert follow["Type"] == "Custom::ConversionTaskFollow"
    assert any(d.startswith("ImageSignalRule") for d in follow["DependsOn"])
    assert any(d.startswith("ImageSignalPermission") for d in follow["DependsOn"])


def test_attributes_come_from_the_result_resource_after_the_wait(built):
    stack, _, image, snapshot, license_, instance, template = built
    result = template["Resources"][_id(stack, image.result)]

    assert result["Properties"]["WaitData"] == {"Fn::GetAtt": [_id(stack, image.wait_condition), "Data"]}
    assert template["Resources"][_id(stack, instance)]["Properties"]["ImageId"] == {
        "Fn::GetAtt": [_id(stack, image.result), "ImageId"]}
    assert stack.resolve(snapshot.snapshot_id) == {"Fn::GetAtt": [_id(stack, snapshot.result), "SnapshotId"]}
    assert stack.resolve(license_.license_conversion_task_id) == {
        "Fn::GetAtt": [_id(stack, license_.resource), "TaskId"]}


def test_the_default_timeout_is_the_wait_conditions_maximum():
    stack, _, image, *_, template = _stack()

    assert template["Resources"][_id(stack, image.wait_condition)]["Properties"]["Timeout"] == "43200"


@pytest.mark.parametrize("timeout", [cdk.Duration.hours(13), cdk.Duration.seconds(0)])
def test_a_timeout_a_wait_condition_cannot_have_is_refused(timeout):
    with pytest.raises(ValueError, match="timeout: a wait condition waits 1 second to 12 hours"):
        _stack(timeout=timeout)


def test_a_new_source_gets_a_new_wait_condition_new_tags_do_not():
    def ids(**kwargs: Any) -> tuple[str, str]:
        stack, _, image, *_ = _stack(**kwargs)
        return _id(stack, image.wait_condition), _id(stack, image.resource)

    first = ids()
    assert ids(tags={"team": "web"}) == first
    changed = ids(key="web-v2.vmdk")
    assert changed[0] != first[0]  # a new wait condition (and handle) waits for the new import
    assert changed[1] == first[1]  # the same custom resource, replaced through its new physical id


def test_the_provider_may_delete_only_images_and_snapshots_and_read_only_the_source_object(built):
    stack, watcher, image, *_, template = built
    functions = ConversionResourceFunctions.of(image, watcher)
    role_id = _id(stack, functions.provider.role)
    statements = [s for r in template["Resources"].values() if r["Type"] == "AWS::IAM::Policy"
                  and {"Ref": role_id} in r["Properties"]["Roles"]
                  for s in r["Properties"]["PolicyDocument"]["Statement"]]
    by_action: dict[str, list[Any]] = {}
    for statement in statements:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        for action in actions:
            by_action.setdefault(action, []).append(statement["Resource"])

    assert not [a for a in by_action if a.endswith("*")]
    assert "image/*" in str(by_action["ec2:DeregisterImage"]) and "snapshot/*" in str(by_action["ec2:DeleteSnapshot"])
    assert "'/web.vmdk'" in str(by_action["s3:GetObject"]) and "'/data.raw'" in str(by_action["s3:GetObject"])
    assert by_action["states:StartExecution"] == [{"Ref": _id(stack, watcher.state_machine)}]
