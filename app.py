#!/usr/bin/env python3
"""CDK app: one environment-agnostic stack, checked by cdk-nag's AwsSolutions pack."""

import sys

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

from conversion_watch_cdk import ConversionWatchStack
from conversion_watch_cdk.settings import ContextError


def build_app(app: cdk.App | None = None) -> cdk.App:
    app = app or cdk.App()
    ConversionWatchStack(
        app,
        "ConversionWatch",
        description="Conversion Watch: EventBridge events for EC2 VM import and License Manager conversion tasks",
    )
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return app


if __name__ == "__main__":
    try:
        build_app().synth()
    except ContextError as error:  # a bad -c / cdk.json value: one line naming the key, no traceback
        sys.exit(f"error: {error}")
