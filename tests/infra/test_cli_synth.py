"""``cdk synth`` through the pinned CLI, as ``make synth`` runs it, with no AWS
credentials and every network route closed (proxies that refuse)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.infra.conftest import ROOT, STACK_NAME

CLOSED = "http://127.0.0.1:9"


def test_cli_synth_needs_no_credentials_nor_network(synthesized, tmp_path):
    env = {
        # cdk.json runs `python3 app.py`: the venv first, as an activated venv would be.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(tmp_path / "home"),
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
        "CDK_DISABLE_VERSION_CHECK": "true",
        "HTTP_PROXY": CLOSED,
        "HTTPS_PROXY": CLOSED,
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    outdir = tmp_path / "cdk.out"
    cli = ROOT / "node_modules" / ".bin" / "cdk"
    assert cli.exists(), "the CDK CLI is missing: run `make setup` (npm ci)"

    result = subprocess.run(
        [str(cli), "synth", "--quiet", "--no-notices", "-o", str(outdir)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    template = json.loads((outdir / f"{STACK_NAME}.template.json").read_text())
    # The in-process synthesis the other infra tests use is the same stack.
    cli_resources = set(template["Resources"]) - {"CDKMetadata"}  # the CLI's version reporting
    assert cli_resources == set(synthesized.template_json["Resources"]) - {"CDKMetadata"}
    cli_state_machine = template["Resources"][synthesized.state_machine_id]["Properties"]
    assert cli_state_machine == synthesized.template_json["Resources"][synthesized.state_machine_id]["Properties"]
