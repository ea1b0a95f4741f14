"""docs/examples/imported_image_app: synthesized as `cdk synth` runs it (its own process, cdk-nag on),
then cfn-lint on the template; the instance's AMI is the import's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "docs" / "examples" / "imported_image_app"
CFN_LINT = Path(sys.executable).parent / "cfn-lint"


def test_the_example_app_synthesizes_cdk_nag_and_cfn_lint_clean(tmp_path):
    env = {**os.environ, "CDK_OUTDIR": str(tmp_path)}
    subprocess.run([sys.executable, "app.py"], cwd=APP, env=env, check=True, capture_output=True)

    report = json.loads((tmp_path / "validation-report.json").read_text())
    assert [p["conclusion"] for p in report["pluginReports"]] == ["success"]
    template_path = tmp_path / "ImportedImage.template.json"
    lint = subprocess.run([str(CFN_LINT), "--format", "parseable", "--ignore-checks", "W3005", "--",
                           str(template_path)], capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    resources = json.loads(template_path.read_text())["Resources"]
    [instance] = [r for r in resources.values() if r["Type"] == "AWS::EC2::Instance"]
    [result_id] = [i for i, r in resources.items() if r["Type"] == "Custom::ConversionTaskResult"]
    assert instance["Properties"]["ImageId"] == {"Fn::GetAtt": [result_id, "ImageId"]}
