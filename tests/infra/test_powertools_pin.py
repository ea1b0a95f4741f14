"""What is tested is what is deployed: the Powertools the tests install is the
version whose public layer the functions get (its own SSM parameter, not ``latest``)."""

from __future__ import annotations

import re
from importlib.metadata import version

from conversion_watch import contract
from tests.infra.conftest import ROOT


def _pin(requirements: str, package: str) -> str:
    pattern = rf"^{re.escape(package)}(\[[^\]]*\])?==(?P<version>\S+)"
    [found] = [m["version"] for line in requirements.splitlines() if (m := re.match(pattern, line.strip()))]
    return found


def test_requirements_dev_pins_the_contract_s_powertools_version():
    requirements = (ROOT / "requirements-dev.txt").read_text()

    assert _pin(requirements, "aws-lambda-powertools") == contract.POWERTOOLS_VERSION
    assert version("aws-lambda-powertools") == contract.POWERTOOLS_VERSION  # the venv the tests ran in


def test_the_layer_parameter_names_that_version_and_python_not_latest():
    assert contract.POWERTOOLS_LAYER_PARAMETER.format(arch="arm64") == (
        f"/aws/service/powertools/python/arm64/{contract.PYTHON_RUNTIME}/{contract.POWERTOOLS_VERSION}"
    )


def test_the_template_s_only_powertools_parameter_defaults_to_that_version(synthesized):
    defaults = [
        parameter["Default"] for parameter in synthesized.template_json["Parameters"].values()
        if str(parameter.get("Default", "")).startswith("/aws/service/powertools/")
    ]

    assert defaults == [f"/aws/service/powertools/python/arm64/python3.13/{contract.POWERTOOLS_VERSION}"]
    assert not any(d.endswith("/latest") for d in defaults)
