"""CloudFormation's side of the wire, for the local double: what a custom resource's properties look like when
CloudFormation hands them over, the checks of a custom-resource response and of a wait condition signal against
their documented fields, and the HTTP server that stands in for the presigned S3 URLs."""

from __future__ import annotations

import http.server
import json
from typing import Any

MAX_RESPONSE_BYTES = 4096  # "The total size of the response body can't exceed 4096 bytes."
MAX_PHYSICAL_ID_BYTES = 1024


def strings(value: Any) -> Any:
    """CloudFormation passes custom resource properties with every scalar turned into a string."""
    if isinstance(value, dict):
        return {k: strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [strings(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def response_problems(request: dict[str, Any], body: dict[str, Any]) -> str:
    """The documented response fields (crpg-ref-responses): what CloudFormation would refuse."""
    problems = []
    if body.get("Status") not in ("SUCCESS", "FAILED"):
        problems.append(f"Status {body.get('Status')!r} is not SUCCESS or FAILED")
    if body.get("Status") == "FAILED" and not body.get("Reason"):
        problems.append("a FAILED response needs a Reason")
    physical = body.get("PhysicalResourceId")
    if not isinstance(physical, str) or not physical or len(physical.encode()) > MAX_PHYSICAL_ID_BYTES:
        problems.append("PhysicalResourceId must be a non-empty string of at most 1 KB")
    if request["RequestType"] == "Delete" and physical != request.get("PhysicalResourceId"):
        problems.append("a Delete must answer with the PhysicalResourceId it was given")
    for key in ("StackId", "RequestId", "LogicalResourceId"):
        if body.get(key) != request[key]:
            problems.append(f"{key} {body.get(key)!r} does not echo the request's")
    if "NoEcho" in body and not isinstance(body["NoEcho"], bool):
        problems.append("NoEcho must be a boolean")
    data = body.get("Data", {})
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        problems.append("Data must be an object of strings (Fn::GetAtt reads them)")
    unknown = set(body) - {"Status", "Reason", "PhysicalResourceId", "StackId", "RequestId", "LogicalResourceId",
                           "NoEcho", "Data"}
    if unknown:
        problems.append(f"unknown fields {sorted(unknown)}")
    return "; ".join(problems)


def signal_problems(body: Any) -> str:
    """A wait condition signal: Status SUCCESS | FAILURE, a UniqueId, Data and Reason strings."""
    if not isinstance(body, dict):
        return "not a JSON object"
    problems = []
    if body.get("Status") not in ("SUCCESS", "FAILURE"):
        problems.append(f"Status {body.get('Status')!r} is not SUCCESS or FAILURE")
    if not isinstance(body.get("UniqueId"), str) or not body["UniqueId"]:
        problems.append("UniqueId must be a non-empty string")
    for key in ("Data", "Reason"):
        if key in body and not isinstance(body[key], str):
            problems.append(f"{key} must be a string")
    return "; ".join(problems)


def handler_class(player: Any) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_PUT(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path.startswith("/response/"):
                player.responded(self.path, raw, self.headers.get("Content-Type"))
            elif self.path.startswith("/handle/"):
                try:
                    body = json.loads(raw)
                except json.JSONDecodeError:
                    body = raw.decode("utf-8", "replace")
                player.signalled(self.path, body if isinstance(body, dict) else {"unparsed": body})
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler
