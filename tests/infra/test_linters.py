"""Third-party validators on what ``cdk synth`` produces: cfn-lint on the
template, statelint and npm asl-validator on the resolved state machine
definition. Each is also shown a broken input, so a silent tool cannot pass."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.infra.conftest import ROOT

BIN = Path(sys.executable).parent
ASL_VALIDATOR = ROOT / "node_modules" / ".bin" / "asl-validator"


def _run(*command: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(c) for c in command], capture_output=True, text=True, timeout=300, check=False)


def cfn_lint(template: Path) -> subprocess.CompletedProcess[str]:
    # W3005 (redundant DependsOn) is noise in CDK output.
    return _run(BIN / "cfn-lint", "--format", "parseable", "--ignore-checks", "W3005", "--", template)


def statelint(definition: Path) -> subprocess.CompletedProcess[str]:
    # FLOAT: CDK writes BackoffRate as a number statelint wants written as a float.
    return _run(BIN / "statelint", "--ignore=FLOAT", definition)


def asl_validator(definition: Path) -> subprocess.CompletedProcess[str]:
    assert ASL_VALIDATOR.exists(), "npm asl-validator is missing: run `make setup` (npm ci)"
    return _run(ASL_VALIDATOR, "--json-path", definition)


def _broken(definition: dict, tmp_path: Path) -> Path:
    broken = json.loads(json.dumps(definition))
    broken["States"]["Wait Before Next Poll"]["Next"] = "No Such State"
    path = tmp_path / "broken.asl.json"
    path.write_text(json.dumps(broken))
    return path


def test_cfn_lint_finds_no_errors(synthesized):
    result = cfn_lint(synthesized.template_path)

    errors = [line for line in result.stdout.splitlines() if ":E" in line]
    assert not errors, result.stdout
    assert result.returncode & 2 == 0, result.stdout + result.stderr  # bit 2: errors


def test_cfn_lint_reports_a_broken_template(synthesized, tmp_path):
    template = json.loads(synthesized.template_path.read_text())
    resource = template["Resources"][synthesized.state_machine_id]
    resource["Properties"]["StateMachineType"] = "SOMETIMES"
    path = tmp_path / "broken.template.json"
    path.write_text(json.dumps(template))

    assert cfn_lint(path).returncode & 2


def test_statelint_accepts_the_definition(definition_file):
    result = statelint(definition_file)

    assert result.returncode == 0, result.stdout + result.stderr


def test_statelint_rejects_a_broken_definition(definition, tmp_path):
    assert statelint(_broken(definition, tmp_path)).returncode != 0


def test_asl_validator_accepts_the_definition(definition_file):
    result = asl_validator(definition_file)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "is valid" in result.stdout


def test_asl_validator_rejects_a_broken_definition(definition, tmp_path):
    assert asl_validator(_broken(definition, tmp_path)).returncode != 0


def test_the_resolved_definition_keeps_no_unresolved_tokens(definition_file):
    text = definition_file.read_text()

    assert "${Token[" not in text
    assert '"Ref"' not in text and "Fn::" not in text


@pytest.mark.parametrize("tool", ["cfn-lint", "statelint"])
def test_python_linters_are_installed(tool):
    assert (BIN / tool).exists(), f"{tool} is missing: run `make setup`"
