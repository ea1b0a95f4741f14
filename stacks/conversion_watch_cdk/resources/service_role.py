"""``VmImportServiceRole``: the service role VM Import/Export assumes to read the disk images and register the
AMI, as its user guide describes it (required-permissions.html, "Required service role"): trusted by
``vmie.amazonaws.com`` with the external id ``vmimport``; S3 reads of the import buckets; the EC2 actions
the guide lists; the KMS actions when the import is encrypted.

The guide names the role ``vmimport``, the name ImportImage uses when the request names none; this
construct lets CloudFormation name it and the resources pass it (``RoleName``), so two stacks never
fight over one name.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Acknowledgment, Stack, Validations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

VMIE_PRINCIPAL = "vmie.amazonaws.com"
EXTERNAL_ID = "vmimport"
EC2_ACTIONS = ["ec2:ModifySnapshotAttribute", "ec2:CopySnapshot", "ec2:RegisterImage", "ec2:Describe*"]
KMS_ACTIONS = ["kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*",
               "kms:ReEncrypt*"]


class VmImportServiceRole(Construct):
    """:param buckets: the buckets the disk images come from.
    :param kms_keys: keys the imports encrypt with. Default: none.
    """

    def __init__(self, scope: Construct, construct_id: str, *, buckets: Sequence[s3.IBucket],
                 kms_keys: Sequence[kms.IKey] = ()) -> None:
        super().__init__(scope, construct_id)
        if not buckets:
            raise ValueError("buckets: at least the bucket the disk images come from")
        self.role = iam.Role(self, "Role", description="VM Import/Export service role (vmimport)",
                             assumed_by=iam.ServicePrincipal(VMIE_PRINCIPAL, conditions={
                                 "StringEquals": {"sts:Externalid": EXTERNAL_ID}}))
        self.role.add_to_policy(iam.PolicyStatement(
            actions=["s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket"],
            resources=[arn for b in buckets for arn in (b.bucket_arn, b.arn_for_objects("*"))]))
        self.role.add_to_policy(iam.PolicyStatement(actions=EC2_ACTIONS, resources=["*"]))
        if kms_keys:
            self.role.add_to_policy(iam.PolicyStatement(actions=KMS_ACTIONS, resources=[k.key_arn for k in kms_keys]))
        stack = Stack.of(self)
        Validations.of(self.role).acknowledge(
            Acknowledgment(id="AwsSolutions::AwsSolutions-IAM5[Resource::*]",
                           reason="The EC2 actions VM Import/Export's guide lists for its service role (register "
                                  "the AMI, copy and share snapshots, describe) act on resources made during the "
                                  "import, unknown before it."),
            Acknowledgment(id="AwsSolutions::AwsSolutions-IAM5[Action::ec2:Describe*]",
                           reason="ec2:Describe* is what VM Import/Export's guide grants its service role."),
            *[Acknowledgment(id=f"AwsSolutions::AwsSolutions-IAM5[Resource::{_objects_finding(stack, b)}]",
                             reason="VM Import/Export reads the disk image objects of this bucket.")
              for b in buckets],
            *[Acknowledgment(id=f"AwsSolutions::AwsSolutions-IAM5[Action::{action}]",
                             reason="KMS actions VM Import/Export's guide grants its role for encrypted imports, "
                                    "on the given keys only.")
              for action in ("kms:GenerateDataKey*", "kms:ReEncrypt*") if kms_keys],
        )


def _objects_finding(stack: Stack, bucket: s3.IBucket) -> str:
    """How cdk-nag writes ``<bucket ARN>/*``: a bucket of the stack by its logical id, an imported one by name."""
    child = bucket.node.default_child
    if child is not None:
        return f"<{stack.resolve(child.logical_id)}.Arn>/*"  # type: ignore[attr-defined]
    return f"arn:<AWS::Partition>:s3:::{bucket.bucket_name}/*"
