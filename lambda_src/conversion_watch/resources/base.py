"""What a resource kind is, and the property checks every kind shares.

CloudFormation hands a custom resource its properties with every scalar as a string
(``"true"``, ``"3600"``), so the checks read strings. A bad property raises
:class:`PropertyError`, whose message is one line naming the property; the provider answers
``FAILED`` with it before any task starts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

_S3_URL = re.compile(r"^s3://(?P<bucket>[a-z0-9][a-z0-9.-]{1,61}[a-z0-9])/(?P<key>.+)$")
_KMS_KEY = re.compile(r"^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)/.+|alias/.+|[0-9a-f-]{36})$")
# ImportImage's documented Format values ("OVA | VHD | VHDX | VMDK | RAW"); ImportSnapshot's are VHD, VMDK, RAW.
IMAGE_FORMATS = ("OVA", "VHD", "VHDX", "VMDK", "RAW")
SNAPSHOT_FORMATS = ("VHD", "VMDK", "RAW")
MAX_TAGS = 50  # EC2: at most 50 tags per resource


class PropertyError(ValueError):
    """A resource property CloudFormation passed is unusable: one line, naming the property."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{name}: {problem}")
        self.name = name


@dataclass(frozen=True, kw_only=True)
class ResourceKind:
    """How one resource type starts, reads, retags and removes its task."""

    resource_type: str
    task_type: str
    # The properties that are not the source: changing only these updates in place.
    in_place: frozenset[str] = field(default=frozenset({"Tags", "RetainOnDelete", "ConvertBackOnDelete"}))
    check: Callable[[Mapping[str, Any]], Any]  # properties -> the API request; raises PropertyError
    start: Callable[[Any, Any, str], str]  # (clients, checked request, client token) -> task id
    attributes: Callable[[Any], list[str]]  # completed TaskSnapshot -> the signal's Data fields, in order
    remove: Callable[[Any, str, Mapping[str, Any]], list[str]]  # (clients, task id, properties) -> what it did
    retag: Callable[[Any, str, Mapping[str, Any], Mapping[str, Any]], list[str]] | None = None
    # (clients, the completed task's attributes) -> what it did: removes what the task made, from its ids alone
    release: Callable[[Any, Mapping[str, str]], list[str]] | None = None

    def source_changed(self, old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
        ignored = self.in_place | {"ServiceToken", "ServiceTimeout"}
        return {k: v for k, v in old.items() if k not in ignored} != {
            k: v for k, v in new.items() if k not in ignored}


def s3_location(value: Any, name: str) -> dict[str, str]:
    """``s3://bucket/key`` -> ``{"S3Bucket": ..., "S3Key": ...}`` (ImportImage's ``UserBucket``)."""
    match = _S3_URL.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise PropertyError(name, f"{value!r} is not an S3 URL of the form s3://bucket/key")
    return {"S3Bucket": match.group("bucket"), "S3Key": match.group("key")}


def disk_format(value: Any, name: str, allowed: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value.upper() not in allowed:
        raise PropertyError(name, f"{value!r} is not a disk image format ({', '.join(allowed)})")
    return value.upper()


def flag(properties: Mapping[str, Any], name: str) -> bool:
    value = properties.get(name, "false")
    if str(value).lower() not in ("true", "false"):
        raise PropertyError(name, f"{value!r} is not true or false")
    return str(value).lower() == "true"


def text(properties: Mapping[str, Any], name: str, *, required: bool = False, choices: tuple[str, ...] = (),
         max_length: int = 255) -> str | None:
    value = properties.get(name)
    if value is None or value == "":
        if required:
            raise PropertyError(name, "is required")
        return None
    if not isinstance(value, str) or len(value) > max_length:
        raise PropertyError(name, f"must be a string of at most {max_length} characters")
    if choices and value not in choices:
        raise PropertyError(name, f"{value!r} is not one of {', '.join(choices)}")
    return value


def encryption(properties: Mapping[str, Any]) -> dict[str, Any]:
    """``Encrypted`` with its ``KmsKeyId``: encryption asks for a key (no silent default key)."""
    encrypted = flag(properties, "Encrypted")
    key = properties.get("KmsKeyId")
    if encrypted and not key:
        raise PropertyError("KmsKeyId", "is required when Encrypted is true")
    if key and not encrypted:
        raise PropertyError("KmsKeyId", "is given but Encrypted is not true")
    if key and (not isinstance(key, str) or not _KMS_KEY.fullmatch(key)):
        raise PropertyError("KmsKeyId", f"{key!r} is not a KMS key id, key ARN or alias")
    return {"Encrypted": True, "KmsKeyId": key} if encrypted else {}


def tags(properties: Mapping[str, Any]) -> list[dict[str, str]]:
    raw = properties.get("Tags", [])
    if not isinstance(raw, list) or len(raw) > MAX_TAGS:
        raise PropertyError("Tags", f"must be a list of at most {MAX_TAGS} {{Key, Value}} objects")
    for index, tag in enumerate(raw):
        if (not isinstance(tag, dict) or set(tag) != {"Key", "Value"} or not isinstance(tag["Key"], str)
                or not tag["Key"] or tag["Key"].startswith("aws:") or not isinstance(tag["Value"], str)):
            raise PropertyError(f"Tags[{index}]", "must be {Key, Value} strings, Key not empty nor starting aws:")
    return [{"Key": t["Key"], "Value": t["Value"]} for t in raw]


def tag_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(tags to set, tags to remove) going from ``old`` to ``new`` properties."""
    before = {t["Key"]: t["Value"] for t in tags(old)}
    after = {t["Key"]: t["Value"] for t in tags(new)}
    to_set = [{"Key": k, "Value": v} for k, v in after.items() if before.get(k) != v]
    to_remove = [{"Key": k} for k in before if k not in after]
    return to_set, to_remove


def retag_ec2(ec2: Any, resource_ids: list[str], old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Apply a tags-only update to the task and what it made (EC2 ``CreateTags`` / ``DeleteTags``)."""
    to_set, to_remove = tag_changes(old, new)
    done = []
    if resource_ids and to_set:
        ec2.create_tags(Resources=resource_ids, Tags=to_set)
        done.append(f"tagged {', '.join(resource_ids)}")
    if resource_ids and to_remove:
        ec2.delete_tags(Resources=resource_ids, Tags=to_remove)
        done.append(f"untagged {', '.join(resource_ids)}")
    return done
