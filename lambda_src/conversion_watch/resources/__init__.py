"""Conversions as CloudFormation resources: the plain logic behind the provider and signaller functions.

A resource (``ImportedImage``, ``ImportedSnapshot``, ``LicenseTypeConversion``) is a custom resource
that starts the task and answers CloudFormation at once (``provider``), a rule on the watcher's bus
for that task's events, a follow step that starts the task's watch once the rule exists
(``follow``), and a wait condition that the signaller (``signal``) ends when the watcher reports the
task's end. One module per resource kind (``imported_image``, ``imported_snapshot``,
``license_conversion``) says how to start, describe, retag and delete its task; ``RESOURCE_KINDS``
maps CloudFormation resource types to them.
"""

from __future__ import annotations

from conversion_watch.contract import (
    RESOURCE_IMPORTED_IMAGE,
    RESOURCE_IMPORTED_SNAPSHOT,
    RESOURCE_LICENSE_CONVERSION,
)
from conversion_watch.resources import imported_image, imported_snapshot, license_conversion
from conversion_watch.resources.base import PropertyError, ResourceKind

RESOURCE_KINDS: dict[str, ResourceKind] = {
    RESOURCE_IMPORTED_IMAGE: imported_image.KIND,
    RESOURCE_IMPORTED_SNAPSHOT: imported_snapshot.KIND,
    RESOURCE_LICENSE_CONVERSION: license_conversion.KIND,
}

__all__ = ["RESOURCE_KINDS", "PropertyError", "ResourceKind"]
