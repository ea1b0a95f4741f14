"""Process-wide test settings: no real AWS, quiet Powertools."""

import os

os.environ.update(
    {
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_SERVICE_NAME": "conversion-watch",
        "POWERTOOLS_METRICS_NAMESPACE": "ConversionWatch",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
    }
)


import pytest

from localrun.lambda_context import FakeLambdaContext


@pytest.fixture
def lambda_context() -> FakeLambdaContext:
    """The fields Powertools reads (Powertools' own fake-context test pattern)."""
    return FakeLambdaContext()
