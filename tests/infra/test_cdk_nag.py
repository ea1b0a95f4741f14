"""cdk-nag 3 (AwsSolutions) runs inside the app: synthesis fails on a finding,
and every acknowledgment is narrow and says why."""

from __future__ import annotations

import json

import aws_cdk as cdk
import pytest
from aws_cdk import aws_sqs as sqs
from cdk_nag import AwsSolutionsChecks

ACKNOWLEDGED = "aws:cdk:acknowledged-rules"


def _report(synthesized):
    return json.loads((synthesized.outdir / "validation-report.json").read_text())


def _stack_metadata(synthesized) -> dict[str, list[dict]]:
    """Construct path -> metadata entries, from the cloud assembly's files."""
    manifest = json.loads((synthesized.outdir / "manifest.json").read_text())
    artifact = manifest["artifacts"]["ConversionWatch"]
    metadata = dict(artifact.get("metadata", {}))
    if "additionalMetadataFile" in artifact:
        metadata.update(json.loads((synthesized.outdir / artifact["additionalMetadataFile"]).read_text()))
    return metadata


def _acknowledgments(synthesized) -> list[tuple[str, str, str]]:
    """(construct path, finding id, reason) of every acknowledgment in the assembly."""
    return [
        (path, finding, reason)
        for path, entries in _stack_metadata(synthesized).items()
        for entry in entries
        if entry["type"] == ACKNOWLEDGED
        for finding, reason in entry["data"].items()
    ]


def test_aws_solutions_reports_no_unacknowledged_finding(synthesized):
    [plugin] = [p for p in _report(synthesized)["pluginReports"] if p["pluginName"] == "AwsSolutions"]

    assert plugin["conclusion"] == "success"
    assert plugin["violations"] == []


def test_every_suppressed_finding_has_its_reason(synthesized):
    [plugin] = [p for p in _report(synthesized)["pluginReports"] if p["pluginName"] == "AwsSolutions"]

    assert plugin["suppressedViolations"], "expected the acknowledged IAM5/L1 findings"
    for finding in plugin["suppressedViolations"]:
        assert len(finding["reason"].strip()) >= 30, finding


def test_every_acknowledgment_is_narrow_and_has_a_reason(synthesized):
    acknowledgments = _acknowledgments(synthesized)

    assert acknowledgments
    for path, finding, reason in acknowledgments:
        assert finding.startswith("AwsSolutions::AwsSolutions-"), (path, finding)
        assert len(reason.strip()) >= 30, (path, finding, reason)
        if "IAM5" in finding:
            # IAM5 only with the one resource it is about, never the whole rule.
            assert "[Resource::" in finding, (path, finding)
    # Nothing is acknowledged at the app or stack level.
    assert all(path.count("/") >= 3 for path, _, _ in acknowledgments), acknowledgments


def test_watcher_acknowledgments_name_only_unavoidable_wildcards(synthesized):
    watcher = [(p, f, r) for p, f, r in _acknowledgments(synthesized) if p.startswith("/ConversionWatch/Watcher/")]
    findings = {f for _, f, _ in watcher}

    assert findings <= {"AwsSolutions::AwsSolutions-L1", "AwsSolutions::AwsSolutions-IAM5[Resource::*]"} | {
        f for f in findings if f.startswith("AwsSolutions::AwsSolutions-IAM5[Resource::<") and f.endswith(".Arn>:*]")
    } | {  # DescribeExecution on the watcher's own executions (registry holder checks)
        f for f in findings
        if f.startswith("AwsSolutions::AwsSolutions-IAM5[Resource::arn:") and f.endswith(".Name>:*]")
    }
    poll_role = [r for p, f, r in watcher if p.endswith("PollFunctionRole") and "IAM5" in f]
    assert poll_role and "no resource-level permissions" in poll_role[0]


def test_an_unacknowledged_finding_makes_synthesis_fail(tmp_path):
    app = cdk.App(outdir=str(tmp_path))
    stack = cdk.Stack(app, "NagProbe")
    sqs.Queue(stack, "PlainQueue")  # no DLQ, no SSL enforcement: AwsSolutions-SQS3/SQS4
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))

    with pytest.raises(Exception, match="SQS"):
        app.synth()
