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


from collections.abc import Iterator

import pytest

from localrun.lambda_context import FakeLambdaContext
from localrun.moto_patches.engine import one_model_loader


@pytest.fixture(scope="session", autouse=True)
def _one_model_loader() -> Iterator[None]:
    """Every boto3 client of the session reads botocore's service models from one loader's cache,
    instead of parsing them again for each new session (``aws_clients.reset()``, each run, each test)."""
    with one_model_loader():
        yield


@pytest.fixture
def lambda_context() -> FakeLambdaContext:
    """The fields Powertools reads (Powertools' own fake-context test pattern)."""
    return FakeLambdaContext()


# The longest files first: `make test` runs `pytest -n auto --dist loadfile` (a file's tests share its
# module fixtures, so each file runs on one worker), and a long file dealt out last would leave the
# other worker idle at the end. The fleet soak is the longest, then the packaging test (minutes of
# pip installs, mostly waiting on disk and pip's cache), then the other files with slow-marked tests.
LONGEST_FIRST = ("tests/reliability/test_fleet_soak.py", "tests/packaging/test_install.py")


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    slow_files = {item.nodeid.split("::")[0] for item in items if item.get_closest_marker("slow")}

    def rank(item: pytest.Item) -> int:
        path = item.nodeid.split("::")[0]
        return LONGEST_FIRST.index(path) if path in LONGEST_FIRST else len(LONGEST_FIRST) + (path not in slow_files)

    items.sort(key=rank)
