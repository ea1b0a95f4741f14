"""Conversions as CloudFormation resources: ``ImportedImage``, ``ImportedSnapshot``,
``LicenseTypeConversion`` (each one resource for its user, waiting for the task's true end through
the watcher), the ``DiskImage`` they import, and ``VmImportServiceRole`` (the service role
VM Import/Export needs). See docs/resources.md."""

from conversion_watch_cdk.resources.service_role import VmImportServiceRole
from conversion_watch_cdk.resources.task_resources import (
    DiskImage,
    ImportedImage,
    ImportedSnapshot,
    LicenseTypeConversion,
)

__all__ = ["DiskImage", "ImportedImage", "ImportedSnapshot", "LicenseTypeConversion", "VmImportServiceRole"]
