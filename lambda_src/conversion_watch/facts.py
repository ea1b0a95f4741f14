"""What a task is, beyond its state: the ``task`` and ``progress`` objects of a
state change event, filled in by each kind's normalizer (``conversion_watch.kinds``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from conversion_watch.clock import Timestamp


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Progress(_Model):
    """EC2 only: bytes converted over the disk image size (all volumes summed)."""

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

    conversionType: Literal["ImportInstance", "ImportVolume", "LicenseConversion"] | None = None
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
