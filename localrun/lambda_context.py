"""A Lambda context for calling handlers outside Lambda (the local engine,
tests, benchmarks): the attributes Powertools' ``inject_lambda_context`` and
``LambdaContext`` read."""

from __future__ import annotations

from dataclasses import dataclass

LOCAL_FUNCTION = "conversion-watch-local"


@dataclass
class FakeLambdaContext:
    function_name: str = LOCAL_FUNCTION
    invoked_function_arn: str = f"arn:aws:lambda:us-east-1:123456789012:function:{LOCAL_FUNCTION}"
    memory_limit_in_mb: int = 256
    function_version: str = "$LATEST"
    aws_request_id: str = "0a1b2c3d-0000-4000-8000-000000000000"
    log_group_name: str = f"/aws/lambda/{LOCAL_FUNCTION}"
    log_stream_name: str = "local"
    timeout_millis: int = 30_000

    def get_remaining_time_in_millis(self) -> int:
        return self.timeout_millis
