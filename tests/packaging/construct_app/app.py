#!/usr/bin/env python3
"""A CDK app with its own ``stacks`` package, using the installed construct library."""

import aws_cdk as cdk
from stacks.watch_stack import WatchStack

app = cdk.App()
WatchStack(app, "AcmeWatch")
app.synth()
