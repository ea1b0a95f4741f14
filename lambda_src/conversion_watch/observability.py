"""Powertools singletons; service name and namespace come from the environment
(``POWERTOOLS_SERVICE_NAME``, ``POWERTOOLS_METRICS_NAMESPACE``)."""

from aws_lambda_powertools import Logger, Metrics, Tracer

logger = Logger()
# Patch only botocore, the one library we call; patch_all would also import and
# wrap libraries the functions never use.
tracer = Tracer(patch_modules=("botocore",))
metrics = Metrics()
