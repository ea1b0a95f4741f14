"""The local run's moto patches are fenced: written for one moto version, refused on another."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from localrun import moto_patches
from localrun.engine import run_scenario

ROOT = Path(__file__).resolve().parents[2]
ANY_WATCH = {"at": 0, "input": {"taskType": "ec2-conversion", "taskId": "import-i-ffvko9js"}}


def test_the_tested_moto_version_is_the_one_requirements_dev_pins() -> None:
    pin = re.search(r"^moto\[[^\]]*\]==(\S+)$", (ROOT / "requirements-dev.txt").read_text(), re.MULTILINE)
    assert pin, "requirements-dev.txt pins no moto version"
    assert pin.group(1) == moto_patches.TESTED_MOTO_VERSION


def test_a_different_moto_version_stops_the_run_with_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(moto_patches, "version", lambda name: "9.9.9")
    with pytest.raises(moto_patches.MotoVersionError, match=r"patches moto 5\.2\.5's internals.*moto 9\.9\.9"):
        run_scenario({"tasks": [], "watches": [ANY_WATCH]})


def test_no_module_outside_the_fence_imports_moto_internals() -> None:
    """Neither the local run nor the tests, benchmarks and tools: a test that needs a moto object
    asks ``localrun.moto_patches.targets`` for it."""
    allowed = {"from moto import mock_aws", "from moto.core import DEFAULT_ACCOUNT_ID",
               "from moto.core.utils import get_equivalent_url_in_aws_domain"}
    outside = [
        f"{path.relative_to(ROOT)}: {line.strip()}"
        for folder in ("localrun", "tests", "bench", "tools", "convwatch")
        for path in (ROOT / folder).rglob("*.py") if "moto_patches" not in path.parts
        for line in path.read_text().splitlines()
        if re.match(r"\s*(from moto\b|import moto\b)", line) and line.strip() not in allowed
    ]
    assert not outside, outside
