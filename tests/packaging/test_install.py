"""What a user does, in ONE fresh venv (no system site-packages; packages come
from PyPI through pip's cache), in this order:

1. build the wheel (``python -m build --wheel``) from a copy of the source tree;
2. ``pip install <wheel>`` (its declared dependencies, pinned to requirements.txt's
   versions by a constraints file) and ``cdk synth`` a small app of another project
   -- its own ``stacks/`` package, ``ConversionWatcher`` with its own bus;
3. ``pip uninstall`` the wheel, ``pip install -r requirements.txt`` -- the whole of
   what this project says ``cdk synth`` needs -- and ``cdk synth`` this project.

Slow (pip installs): the two steps share the venv. The construct app is
``docs/examples/construct_app``, the one the docs show.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import venv
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import conversion_watch
from tests.infra.conftest import ROOT, STACK_NAME

DOCS_APP = ROOT / "docs" / "examples" / "construct_app"
CONSTRUCT_APP = DOCS_APP
CDK = ROOT / "node_modules" / ".bin" / "cdk"
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "node_modules", "cdk.out", "build", "dist", "reports", "*.egg-info", "__pycache__", ".*_cache"
)
DISTRIBUTION = "conversion-watch"
TIMEOUT = 900
pytestmark = pytest.mark.slow  # minutes of pip installs and two CLI synths: make test runs it, make test-fast not


@dataclass(frozen=True)
class FreshVenv:
    path: Path
    env: dict[str, str]

    @property
    def python(self) -> str:
        return str(self.path / "bin" / "python")

    def run(self, *argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(list(argv), cwd=cwd, env=self.env, capture_output=True, text=True,
                                timeout=TIMEOUT, check=False)
        assert result.returncode == 0, f"{argv}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        return result

    def pip(self, *argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        return self.run(self.python, "-m", "pip", "--disable-pip-version-check", "--no-input", *argv, cwd=cwd)

    def cdk_synth(self, app_dir: Path, outdir: Path) -> dict[str, Any]:
        """``cdk synth`` with this venv first on PATH (cdk.json runs ``python3 app.py``); stack name -> template."""
        self.run(str(CDK), "synth", "--quiet", "--no-notices", "-o", str(outdir), cwd=app_dir)
        manifest = json.loads((outdir / "manifest.json").read_text())
        return {
            name: json.loads((outdir / artifact["properties"]["templateFile"]).read_text())
            for name, artifact in manifest["artifacts"].items()
            if artifact["type"] == "aws:cloudformation:stack"
        }


def _path_without_project_venv() -> str:
    project_venv = str(ROOT / ".venv")
    return os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if not p.startswith(project_venv))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("clone") / "conversion-watch"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)  # no build/ left in the checkout
    outdir = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(outdir), str(source)],
                   capture_output=True, text=True, timeout=TIMEOUT, check=True)
    [built] = outdir.glob("*.whl")
    return built


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory: pytest.TempPathFactory) -> FreshVenv:
    path = tmp_path_factory.mktemp("venv") / "fresh"
    venv.EnvBuilder(with_pip=True, system_site_packages=False).create(path)
    env = {key: value for key, value in os.environ.items() if key not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}}
    env.update({
        "PATH": f"{path / 'bin'}{os.pathsep}{_path_without_project_venv()}",
        "VIRTUAL_ENV": str(path),
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
        "CDK_DISABLE_VERSION_CHECK": "true",
    })
    return FreshVenv(path, env)


def _pins() -> list[str]:
    """requirements.txt's version pins, as constraints (a constraints file takes no ``-e``)."""
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return [line.split("#")[0].strip() for line in lines if "==" in line.split("#")[0]]


@pytest.fixture(scope="module")
def wheel_installed(wheel: Path, fresh_venv: FreshVenv, tmp_path_factory: pytest.TempPathFactory) -> FreshVenv:
    constraints = tmp_path_factory.mktemp("pins") / "constraints.txt"
    constraints.write_text("\n".join(_pins()) + "\n")
    fresh_venv.pip("install", "--quiet", "--no-compile", "-c", str(constraints), str(wheel), cwd=wheel.parent)
    fresh_venv.pip("check", cwd=wheel.parent)
    return fresh_venv


# -- the wheel itself ------------------------------------------------------------------------------


def test_the_wheel_holds_the_three_packages_the_cli_and_the_declared_dependencies(wheel: Path):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        dist_info = f"conversion_watch-{conversion_watch.__version__}.dist-info"
        metadata = archive.read(f"{dist_info}/METADATA").decode()
        entry_points = archive.read(f"{dist_info}/entry_points.txt").decode()

    assert {name.split("/")[0] for name in names} == {"conversion_watch", "conversion_watch_cdk", "convwatch",
                                                      dist_info}
    assert {"conversion_watch/handlers/poll_task.py", "conversion_watch/contract.py",
            "conversion_watch_cdk/__init__.py", "conversion_watch_cdk/lambda_asset.py",
            "convwatch/cli.py"} <= names
    assert re.search(r"^convwatch = convwatch\.cli:main$", entry_points, re.MULTILINE)
    assert f"\nVersion: {conversion_watch.__version__}\n" in metadata
    required = {re.split(r"[<>=!~; \[]", line.removeprefix("Requires-Dist: "))[0]
                for line in metadata.splitlines() if line.startswith("Requires-Dist: ")}
    assert required == {"aws-cdk-lib", "constructs", "pydantic", "boto3"}
    if (ROOT / "LICENSE").exists():
        assert f"{dist_info}/licenses/LICENSE" in names
        assert "License-Expression: Apache-2.0" in metadata


# -- another app, from the installed wheel ------------------------------------------------------


def test_another_app_with_its_own_stacks_package_synthesizes_with_the_installed_construct(
    wheel_installed: FreshVenv, tmp_path: Path
):
    app_dir = tmp_path / "app"
    shutil.copytree(CONSTRUCT_APP, app_dir, ignore=shutil.ignore_patterns("cdk.out", "__pycache__"))
    where = wheel_installed.run(wheel_installed.python, "-c",
                                "import conversion_watch_cdk, stacks; print(conversion_watch_cdk.__file__);"
                                "print(stacks.__file__)", cwd=app_dir).stdout.split()
    assert where[0].startswith(str(wheel_installed.path / "lib"))  # the installed library, not this checkout
    assert where[1] == str(app_dir / "stacks" / "__init__.py")  # the app's own stacks package

    outdir = tmp_path / "cdk.out"
    [template] = wheel_installed.cdk_synth(app_dir, outdir).values()

    resources = template["Resources"]
    [machine] = [r for r in resources.values() if r["Type"] == "AWS::StepFunctions::StateMachine"]
    [(bus_id, bus)] = [(k, r) for k, r in resources.items() if r["Type"] == "AWS::Events::EventBus"]
    assert "/Watcher/" not in bus["Metadata"]["aws:cdk:path"]  # the app's bus, not one of the watcher's
    assert bus_id in json.dumps(machine["Properties"]["DefinitionString"])  # events go to that bus
    handlers = {r["Properties"]["Handler"] for r in resources.values() if r["Type"] == "AWS::Lambda::Function"}
    assert "conversion_watch.handlers.poll_task.handler" in handlers

    [asset] = [d for d in outdir.glob("asset.*") if (d / "conversion_watch" / "handlers" / "poll_task.py").is_file()]
    assert sorted(p.name for p in asset.iterdir()) == ["conversion_watch"]  # the runtime package, nothing else


def test_the_installed_convwatch_script_runs(wheel_installed: FreshVenv, tmp_path: Path):
    result = wheel_installed.run(str(wheel_installed.path / "bin" / "convwatch"), "--help", cwd=tmp_path)

    assert result.stdout.startswith("usage: convwatch")
    assert "exit codes:" in result.stdout


# -- this project, from requirements.txt alone --------------------------------------------------


@pytest.fixture(scope="module")
def requirements_installed(wheel_installed: FreshVenv) -> FreshVenv:
    """The same venv, the wheel removed: requirements.txt must bring the project (``-e .``) and cdk-nag."""
    wheel_installed.pip("uninstall", "--yes", "--quiet", DISTRIBUTION, cwd=ROOT)
    wheel_installed.pip("install", "--quiet", "--no-compile", "-r", "requirements.txt", cwd=ROOT)
    wheel_installed.pip("check", cwd=ROOT)
    return wheel_installed


def test_cdk_synth_runs_from_a_venv_with_only_requirements_txt(requirements_installed: FreshVenv, tmp_path: Path):
    installed = json.loads(requirements_installed.pip("list", "--format", "json", "--editable", cwd=ROOT).stdout)
    assert [package["name"] for package in installed] == [DISTRIBUTION]  # this checkout, editable

    outdir = tmp_path / "cdk.out"
    templates = requirements_installed.cdk_synth(ROOT, outdir)

    resource_types = {r["Type"] for r in templates[STACK_NAME]["Resources"].values()}
    assert {"AWS::StepFunctions::StateMachine", "AWS::Lambda::Function", "AWS::DynamoDB::Table"} <= resource_types
    report = json.loads((outdir / "validation-report.json").read_text())
    assert [(p["pluginName"], p["conclusion"]) for p in report["pluginReports"]] == [("AwsSolutions", "success")]
