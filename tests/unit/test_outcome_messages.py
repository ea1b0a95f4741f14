"""The outcome rules against AWS's own words (issue 20, item 3).

A table of the task messages VM Import/Export's troubleshooting guide lists
(https://docs.aws.amazon.com/vm-import/latest/userguide/vmimport-troubleshooting.html, "guide") and
of the ones public reports show ("report": the repository the message was seen in), each with the
state and reason the watcher must publish when a task ends ``cancelled``/``deleted`` with it and no
other evidence. Messages that are no error (a caller's cancel reason, a progress step) must stay
``CANCELLED`` / ``unknown``: the rules recognize AWS's error forms, never a keyword.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from conversion_watch.outcome import EndEvidence, Outcome, classify

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
ERROR = Outcome("FAILED", "error")
UNKNOWN = Outcome("CANCELLED", "unknown")

# (message, expected, where it comes from)
MESSAGES: list[tuple[str, Outcome, str]] = [
    # -- the troubleshooting guide: import image errors
    ("ClientError: Disk validation failed [OVF file parsing error: OVA with chunked disk files is not supported]",
     ERROR, "guide"),
    ("ClientError: Disk validation failed [Unsupported VMDK File Format]", ERROR, "guide"),
    ("ClientError: Multiple different grub/menu.lst files found", ERROR, "guide"),
    ("The service role vmimport does not exist or does not have sufficient permissions for the service to "
     "continue", ERROR, "guide"),
    # -- import instance errors
    ("ClientError: Footers not identical", ERROR, "guide"),
    ("ClientError: Uncompressed data has an invalid length", ERROR, "guide"),
    ("ERROR: Bucket my-import-bucket is not in the us-east-1 Region, it's in eu-west-1", ERROR, "guide"),
    ("ERROR: File uses unsupported compression algorithm 0", ERROR, "guide"),
    ("Invalid S3 source location", ERROR, "guide"),
    ("The given S3 bucket is not local to the Region", ERROR, "guide"),
    ("ClientError: Unknown OS / Missing OS files", ERROR, "guide"),
    ("Client.Unsupported: No bootable partition found. (Service: AmazonEC2; Status Code: 400; Error Code: "
     "Unsupported; Request ID: 0f3c)", ERROR, "guide"),
    # -- VM export errors
    ("Client.UnsupportedOperation: This instance has multiple volumes attached. Please remove additional volumes.",
     ERROR, "guide"),
    ("Client.NotExportable: This instance cannot be exported. (Service: AmazonEC2; Status Code: 400; Error Code: "
     "NotExportable; Request ID: 0f3c)", ERROR, "guide"),
    # -- Windows VM errors
    ("ClientError: Booter Networking failure/instance not reachable. Please retry after installation of .Net "
     "framework 3.5 SP1 or greater.", ERROR, "guide"),
    ("FirstBootFailure: This import request failed because the Windows instance failed to boot and establish "
     "network connectivity.", ERROR, "guide"),
    ("No bootable partition found", ERROR, "guide"),
    # -- Linux VM errors
    ("ClientError: Invalid configuration - Could not read fstab", ERROR, "guide"),
    ("ClientError: BLSC-style GRUB found, but unable to detect default kernel", ERROR, "guide"),
    ("ClientError: We were unable to read your import's initramfs/initrd to determine what drivers your import "
     "requires to run in EC2", ERROR, "guide"),
    ("ClientError: Unsupported configuration - Logical volume group activation failed", ERROR, "guide"),
    ("ClientError: Unsupported configuration - Multiple directories found", ERROR, "guide"),
    ("ClientError: Unsupported kernel version", ERROR, "guide"),
    ("Linux is not supported on the requested instance", ERROR, "guide"),
    # -- public reports
    ("CLIENT_ERROR : ClientError: Unknown OS / Missing OS files.", ERROR,
     "report: a DescribeImportImageTasks output of a deleted task"),
    ("ClientError: Unknown OS / Missing OS files.", ERROR, "report: hashicorp/terraform-provider-aws acceptance test"),
    ("CLIENT_ERROR: Unknown OS / Missing OS files", ERROR, "report: bootc image notes"),
    ("Unknown OS / Missing OS files.", ERROR, "issue 20: the message without its prefix"),
    ("ClientError: Unsupported kernel version 5.4.66-gentoo-x86_64", ERROR, "report: a Gentoo image builder"),
    # -- no error: a caller's cancel reason or a step of a running task (issue 20's examples first)
    ("Import of the VM was cancelled by request: image invalid", UNKNOWN, "issue 20: a cancel reason"),
    ("User cancelled: disk upload was unable to finish in time", UNKNOWN, "issue 20: a cancel reason"),
    ("no longer needed, the disk is invalid anyway", UNKNOWN, "a CancelImportTask CancelReason"),
    ("Task cancelled", UNKNOWN, "a cancel reason"),
    ("pending", UNKNOWN, "a step of a running import"),
    ("converting", UNKNOWN, "a step of a running import"),
    ("", UNKNOWN, "no message"),
]


@pytest.mark.parametrize(("message", "expected", "source"), MESSAGES, ids=[m[0][:60] for m in MESSAGES])
def test_aws_messages_give_their_documented_outcome(message: str, expected: Outcome, source: str) -> None:
    end = EndEvidence(normalized="CANCELLED", status_message=message, expires_at=None, observed_at=NOW,
                      cancel_requested=False)
    assert classify(end) == expected, source


@pytest.mark.parametrize(("message", "expected", "source"), MESSAGES, ids=[m[0][:60] for m in MESSAGES])
def test_a_recorded_cancel_call_decides_whatever_the_message(message: str, expected: Outcome, source: str) -> None:
    end = EndEvidence(normalized="CANCELLED", status_message=message, expires_at=None, observed_at=NOW,
                      cancel_requested=False, cancel_call_recorded=True)
    assert classify(end) == Outcome("CANCELLED", "user-cancelled")
