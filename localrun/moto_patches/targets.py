"""The moto objects the local run routes through (see the package docstring)."""

from __future__ import annotations

from typing import Any


def lambda_simple_backend() -> Any:
    """``lambda:invoke`` without Docker lands in ``LambdaSimpleBackend.invoke`` (replaced by localrun.lambdas)."""
    from moto.awslambda_simple.models import LambdaSimpleBackend

    return LambdaSimpleBackend


def botocore_stubber() -> Any:
    """moto's one ``before-send`` handler: every botocore request passes its ``process_request``."""
    from moto.core.models import botocore_stubber as stubber

    return stubber


def events_backend() -> Any:
    """``EventsBackend.put_events``: where the fault tap decides per entry."""
    from moto.events.models import EventsBackend

    return EventsBackend
