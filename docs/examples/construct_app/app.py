#!/usr/bin/env python3
"""A CDK app of your own that adds the watcher to its stack (see README.md, "Use it as a construct")."""

import aws_cdk as cdk
from stacks.migration_stack import MigrationStack

app = cdk.App()
MigrationStack(app, "Migration")
app.synth()
