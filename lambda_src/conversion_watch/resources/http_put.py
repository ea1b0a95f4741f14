"""PUT a JSON body to a presigned S3 URL, as CloudFormation's custom-resource response and a wait
condition signal both require.

The body goes with an empty ``Content-Type``: the URL is signed without one, so any other value
would not match the signature (what AWS's own ``cfn-response`` module sends).
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any

TIMEOUT_SECONDS = 10
MAX_RESPONSE_BYTES = 4096  # CloudFormation: "The total size of the response body can't exceed 4096 bytes."


def put_json(url: str, body: dict[str, Any]) -> int:
    data = json.dumps(body, separators=(",", ":")).encode()
    request = urllib.request.Request(url, data=data, method="PUT",
                                     headers={"Content-Type": "", "Content-Length": str(len(data))})
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
        return int(response.status)


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
