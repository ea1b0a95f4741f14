"""What a task is, beyond its state: the ``task`` and ``progress`` objects of a
state change event, filled in by each kind's normalizer (``conversion_watch.kinds``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from conversion_watch.clock import Timestamp


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Progress(_Model):
    """How far the task is. ``ec2-conversion``: bytes converted over the disk image size (all
    volumes summed). VM Import/Export image and snapshot tasks: ``percent`` only, the service's
    ``Progress`` percent string read as a number."""

    bytesConverted: int | None = None
    totalBytes: int | None = None
    percent: float | None = None


class VolumeFacts(_Model):
    volumeId: str | None = None
    availabilityZone: str | None = None
    status: str | None = None
    statusMessage: str | None = None
    bytesConverted: int | None = None
    imageSize: int | None = None
    imageFormat: str | None = None


class TaskFacts(_Model):
    """Useful raw fields of the task, as the service reported them."""

    conversionType: Literal[
        "ImportInstance", "ImportVolume", "LicenseConversion",
        "ImportImage", "ImportSnapshot", "ExportImage", "CreateInstanceExportTask",
    ] | None = None
    description: str | None = None
    instanceId: str | None = None
    platform: str | None = None
    availabilityZone: str | None = None
    volumes: list[VolumeFacts] = Field(default_factory=list)
    expirationTime: str | None = None
    resourceArn: str | None = None
    sourceUsageOperation: str | None = None
    destinationUsageOperation: str | None = None
    startTime: Timestamp | None = None
    endTime: Timestamp | None = None
    licenseConversionTime: Timestamp | None = None
    # VM Import/Export image, snapshot and export tasks: the resulting ids and where the data is.
    imageId: str | None = None
    snapshotId: str | None = None
    snapshotIds: list[str] = Field(default_factory=list)
    s3Bucket: str | None = None
    s3Key: str | None = None
    s3Prefix: str | None = None
    diskImageFormat: str | None = None
    diskImageSize: float | None = None
    containerFormat: str | None = None
    targetEnvironment: str | None = None
    architecture: str | None = None
    licenseType: str | None = None
    bootMode: str | None = None
    encrypted: bool | None = None
