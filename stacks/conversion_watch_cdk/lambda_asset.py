"""The one Lambda asset every function runs from: the installed ``conversion_watch``
runtime package (its handlers included), found relative to the package itself --
so the construct works from a checkout and from an installed wheel alike.

The asset is staged by CDK's local bundling (a copy, no Docker): the source of
the copy is the package folder, whose parent may be a whole ``site-packages``.
"""

from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path
from typing import Any

import jsii
from aws_cdk import AssetHashType, BundlingOptions, DockerImage, ILocalBundling
from aws_cdk import aws_lambda as lambda_

import conversion_watch

RUNTIME_PACKAGE = Path(conversion_watch.__file__).resolve().parent
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo")


@jsii.implements(ILocalBundling)
class _CopyRuntimePackage:
    def try_bundle(self, output_dir: str, *, image: Any = None, **_options: Any) -> bool:
        shutil.copytree(RUNTIME_PACKAGE, Path(output_dir) / RUNTIME_PACKAGE.name, ignore=IGNORED, dirs_exist_ok=True)
        return True


@cache
def _bundling() -> BundlingOptions:
    # ``image`` is required by the API but never used: local bundling always succeeds.
    return BundlingOptions(image=DockerImage.from_registry("local-bundling-only"), local=_CopyRuntimePackage())


def lambda_code() -> lambda_.Code:
    """Handlers are ``conversion_watch.handlers.<module>.handler``."""
    return lambda_.Code.from_asset(
        str(RUNTIME_PACKAGE),
        asset_hash_type=AssetHashType.OUTPUT,
        bundling=_bundling(),
        exclude=["**/__pycache__", "*.pyc"],
    )
