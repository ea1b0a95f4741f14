"""What the deployed stack costs a month while no task runs, read from the synthesized template.

    make synth && python docs/examples/idle_cost.py [cdk.out/ConversionWatch.template.json]

Every always-on resource of the template is listed, priced or marked free while idle.
Prices: us-east-1 list prices (URLs below), before free tiers; check your region's pages.
"""

from __future__ import annotations

import json
import sys
import textwrap
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ALARM = 0.10  # per standard-resolution alarm metric-month: https://aws.amazon.com/cloudwatch/pricing/
DASHBOARD = 3.00  # per dashboard-month (first 3 per account free): https://aws.amazon.com/cloudwatch/pricing/
CUSTOM_METRIC = 0.30  # per metric-month, first 10,000 metrics: https://aws.amazon.com/cloudwatch/pricing/
LOG_INGEST_GB = 0.50  # per GB ingested (standard class): https://aws.amazon.com/cloudwatch/pricing/
LAMBDA_REQUEST = 0.20 / 1_000_000  # https://aws.amazon.com/lambda/pricing/
LAMBDA_ARM_GB_SECOND = 0.0000133334  # arm64: https://aws.amazon.com/lambda/pricing/
XRAY_TRACE = 5.00 / 1_000_000  # per trace recorded: https://aws.amazon.com/xray/pricing/
KMS_KEY = 1.00  # per customer managed key-month (notifications only): https://aws.amazon.com/kms/pricing/
# Assumptions for one sweep (not measured on AWS): a cold start each time, 1 s billed,
# 2 KB of log lines, one trace, and the 3 EMF metrics handlers/sweep_tasks.py emits.
SWEEP_BILLED_SECONDS = 1.0
SWEEP_LOG_BYTES = 2_048
SWEEP_METRICS = 3
MINUTES_PER_MONTH = 30 * 24 * 60

FREE_WHILE_IDLE = {  # type -> why it costs nothing while no task runs
    "AWS::StepFunctions::StateMachine": "billed per state transition",
    "AWS::Lambda::Function": "billed per invocation (the sweeper's are priced above)",
    "AWS::Events::EventBus": "billed per event published",
    "AWS::Events::Archive": "billed per GB archived and GB-month stored",
    "AWS::EventSchemas::Registry": "free (schema discovery is off)",
    "AWS::EventSchemas::Schema": "free (schema discovery is off)",
    "AWS::DynamoDB::Table": "on-demand: billed per request and GB-month (25 GB free)",
    "AWS::Logs::LogGroup": "billed per GB ingested and stored",
    "AWS::SQS::Queue": "billed per request",
    "AWS::SNS::Topic": "billed per notification",
}
NO_CHARGE = "no charge for the resource itself"  # IAM, rules, permissions, queue policies


def resources(template: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return dict(template["Resources"])


def schedules(found: dict[str, dict[str, Any]]) -> list[tuple[int, dict[str, Any]]]:
    """(runs a month, target function) of every rate(N minutes) rule."""
    runs = []
    for rule in found.values():
        expression = rule.get("Properties", {}).get("ScheduleExpression", "")
        if rule["Type"] == "AWS::Events::Rule" and expression.startswith("rate("):
            amount, unit = expression[5:-1].split()
            minutes = int(amount) * {"minute": 1, "minutes": 1, "hour": 60, "hours": 60}[unit]
            target = rule["Properties"]["Targets"][0]["Arn"]["Fn::GetAtt"][0]
            runs.append((MINUTES_PER_MONTH // minutes, found[target]))
    return runs


def rows(template: Mapping[str, Any]) -> list[tuple[str, str, float]]:
    found = resources(template)
    count = Counter(r["Type"] for r in found.values())
    lines = [
        ("CloudWatch alarms", f"{count['AWS::CloudWatch::Alarm']}", count["AWS::CloudWatch::Alarm"] * ALARM),
        ("CloudWatch dashboard", f"{count['AWS::CloudWatch::Dashboard']}",
         count["AWS::CloudWatch::Dashboard"] * DASHBOARD),
    ]
    if count["AWS::KMS::Key"]:
        lines.append(("KMS key (notifications topic)", f"{count['AWS::KMS::Key']}", count["AWS::KMS::Key"] * KMS_KEY))
    for runs, function in schedules(found):
        gb = function["Properties"]["MemorySize"] / 1024
        traced = function["Properties"].get("TracingConfig", {}).get("Mode") == "Active"
        lines += [
            ("sweeper Lambda requests + duration", f"{runs} runs",
             runs * (LAMBDA_REQUEST + gb * SWEEP_BILLED_SECONDS * LAMBDA_ARM_GB_SECOND)),
            ("sweeper custom metrics (EMF)", f"{SWEEP_METRICS}", SWEEP_METRICS * CUSTOM_METRIC),
            ("sweeper log ingestion", f"{runs * SWEEP_LOG_BYTES // 1_000_000} MB",
             runs * SWEEP_LOG_BYTES / 1e9 * LOG_INGEST_GB),
            ("sweeper X-Ray traces", f"{runs if traced else 0}", (runs if traced else 0) * XRAY_TRACE),
        ]
    return lines


def report(template: Mapping[str, Any]) -> str:
    priced = rows(template)
    out = [f"{'always-on cost':38} {'count':>9} {'$/month':>8}"]
    out += [f"{name:38} {amount:>9} {dollars:8.2f}" for name, amount, dollars in priced]
    out.append(f"{'total while idle (before free tiers)':38} {'':>9} {sum(d for _, _, d in priced):8.2f}")
    count = Counter(r["Type"] for r in resources(template).values())
    priced_types = {"AWS::CloudWatch::Alarm", "AWS::CloudWatch::Dashboard", "AWS::KMS::Key"}
    free: dict[str, list[str]] = {}  # why -> "n Type" (AWS::CDK::Metadata creates nothing in the account)
    for kind, n in sorted(count.items()):
        if kind not in priced_types and not kind.startswith("AWS::CDK::"):
            free.setdefault(FREE_WHILE_IDLE.get(kind, NO_CHARGE), []).append(f"{n} {kind.removeprefix('AWS::')}")
    out.append("free while idle:")
    for why, kinds in free.items():
        out += textwrap.wrap(f"{why}: {', '.join(kinds)}", width=96, initial_indent="  ", subsequent_indent="    ")
    return "\n".join(out)


def main(argv: list[str]) -> None:
    path = Path(argv[1] if len(argv) > 1 else "cdk.out/ConversionWatch.template.json")
    print(report(json.loads(path.read_text())))


if __name__ == "__main__":
    main(sys.argv)
