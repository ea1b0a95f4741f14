#!/usr/bin/env python3
"""Import a VM image from S3 as an AMI and launch an instance from it, in one `cdk deploy` (docs/resources.md).

    cdk deploy -c imageBucket=<your bucket> -c imageKey=<disk image key>
"""

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from cdk_nag import AwsSolutionsChecks

from conversion_watch_cdk import ConversionWatcher
from conversion_watch_cdk.resources import DiskImage, ImportedImage, VmImportServiceRole


class ImportedImageStack(cdk.Stack):
    def __init__(self, scope: cdk.App, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        bucket = s3.Bucket.from_bucket_name(self, "Images", self.node.try_get_context("imageBucket") or "my-vm-images")
        key = self.node.try_get_context("imageKey") or "web-server.vmdk"
        image_key = kms.Key(self, "ImageKey", enable_key_rotation=True)
        watcher = ConversionWatcher(self, "Watcher")
        image = ImportedImage(self, "WebServerImage", watcher=watcher, timeout=cdk.Duration.hours(6),
                              disk_images=[DiskImage.from_bucket(bucket, key, format="VMDK")], kms_key=image_key,
                              service_role=VmImportServiceRole(self, "VmImportRole", buckets=[bucket],
                                                               kms_keys=[image_key]))
        # Any AMI id goes here: the instance is created once the import has completed.
        server = ec2.CfnInstance(self, "WebServer", image_id=image.image_id, instance_type="t3.small",
                                 monitoring=True, disable_api_termination=True)
        cdk.Validations.of(server).acknowledge(cdk.Acknowledgment(
            id="AwsSolutions::AwsSolutions-EC26",
            reason="The root volume comes from the imported AMI, whose snapshots ImportImage encrypted with ImageKey."))


app = cdk.App()
ImportedImageStack(app, "ImportedImage")
cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
app.synth()
