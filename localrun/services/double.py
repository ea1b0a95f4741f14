"""``ConversionTaskDouble``: EC2's task describes (``DescribeConversionTasks`` and the VM
Import/Export image, snapshot and export describes, ``ec2_operations.OPERATIONS``) and License
Manager's conversion-task reads, answered from a scenario timeline inside moto.

moto routes every botocore request through one ``BotocoreStubber``
(``moto.core.models.botocore_stubber``, a ``before-send`` handler; its
``process_request`` also serves moto's ``responses`` hook). ``install()`` wraps
that method: our operations get wire-format answers, every other request goes
on to moto untouched.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from moto.core.utils import get_equivalent_url_in_aws_domain

from localrun.services import (
    ec2_operations,
    ec2_wire,
    event_history,
    license_service,
    license_wire,
    vmie_write_operations,
)
from localrun.services.faults import EC2, LICENSE_MANAGER, FaultInjector, FaultPlan, ServiceFault, TokenBuckets
from localrun.services.scenario import parse_tasks
from localrun.services.shapes import ResponseShapeError, validate_error, validate_output

Response = tuple[int, dict[str, str], str]

_HOST = re.compile(r"^(ec2|license-manager|cloudtrail)(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$")
_LICENSE_OPERATIONS = {
    "GetLicenseConversionTask": license_service.get_license_conversion_task,
    "ListLicenseConversionTasks": license_service.list_license_conversion_tasks,
}


class DoubleInstallError(RuntimeError):
    """``install()`` needs an active ``mock_aws`` and no other installed double."""


class ConversionTaskDouble:
    """Thread-safe: moto runs executions (and so the handlers' SDK calls) in worker threads."""

    def __init__(
        self,
        *,
        tasks: Any,
        epoch: datetime,
        now: Callable[[], datetime],
        faults: Any = None,
    ) -> None:
        if epoch.tzinfo is None:
            raise ValueError("epoch must be timezone-aware (UTC)")
        self.tasks = parse_tasks(tasks)
        self.epoch = epoch
        self._now = now
        self.faults = FaultPlan.parse(faults)
        self._injector = FaultInjector(self.faults)
        self._buckets = TokenBuckets(self.faults, self.seconds_since_epoch)
        self._lock = threading.Lock()
        self.calls: Counter[str] = Counter()  # "ec2:DescribeConversionTasks" -> requests received
        self.faults_injected: Counter[str] = Counter()  # "ec2:DescribeConversionTasks:RequestLimitExceeded" -> n
        self.shape_errors: list[ResponseShapeError] = []
        # CloudTrail's event history: the run's API calls, for LookupEvents (event_history).
        self.history = event_history.EventHistory()
        # Deployments' start / cancel / cleanup calls (localrun.cloudformation).
        self.writes = vmie_write_operations.ResourceWrites(self.tasks, self.seconds_since_epoch)

    def seconds_since_epoch(self) -> float:
        return (self._now() - self.epoch).total_seconds()

    @contextmanager
    def install(self) -> Iterator[ConversionTaskDouble]:
        from localrun.moto_patches import targets

        botocore_stubber = targets.botocore_stubber()
        if not botocore_stubber.enabled:
            raise DoubleInstallError("start moto's mock_aws before installing the conversion-task double")
        with _INSTALL_LOCK:
            if getattr(botocore_stubber.process_request, "__conversion_task_double__", None) is not None:
                raise DoubleInstallError("another ConversionTaskDouble is installed; nest none")
            original = botocore_stubber.process_request
            patched_before = "process_request" in vars(botocore_stubber)

            def process_request(request: Any) -> Any:
                answer = self.handle(request)
                return answer if answer is not None else original(request)

            process_request.__conversion_task_double__ = self  # type: ignore[attr-defined]
            botocore_stubber.process_request = process_request  # type: ignore[method-assign]
        try:
            yield self
        finally:
            with _INSTALL_LOCK:
                if patched_before:
                    botocore_stubber.process_request = original  # type: ignore[method-assign]
                else:
                    del botocore_stubber.process_request  # back to the class's own method

    def handle(self, request: Any) -> Response | None:
        """Answer a botocore request meant for us; ``None`` lets moto have it."""
        url, _ = get_equivalent_url_in_aws_domain(request.url)
        host = _HOST.match(url.hostname or "")
        if not host:
            return None
        service, region = host.group(1), host.group(2)
        body = _text(request.body)
        if service == EC2:
            params = ec2_wire.parse_form(body)
            action = params.get("Action", [""])[0]
            if action not in ec2_operations.OPERATIONS:
                return vmie_write_operations.answer_ec2(self, action, params)
            return self._ec2(action, params, region)
        if service == "cloudtrail":
            return self._cloudtrail(request.headers.get("X-Amz-Target"), body)
        operation = license_wire.operation(request.headers.get("X-Amz-Target"))
        if operation in vmie_write_operations.LICENSE_OPERATIONS:
            return vmie_write_operations.answer_license(self, operation, body)
        if operation not in _LICENSE_OPERATIONS:
            return None  # moto has no License Manager: it answers "not yet implemented"
        return self._license(operation, body, region)

    def _ec2(self, operation: str, params: dict[str, list[str]], region: str) -> Response:
        request_id = str(uuid.uuid4())
        try:
            self._count_and_inject(EC2, operation)
            if ec2_wire.bool_param(params, "DryRun"):
                raise ServiceFault("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412)
            result = ec2_operations.OPERATIONS[operation](
                self.tasks, params, seconds=self.seconds_since_epoch(), epoch=self.epoch, region=region
            )
        except ServiceFault as fault:
            return fault.status, ec2_wire.HEADERS, ec2_wire.error_xml(fault.code, fault.message, request_id)
        self._validate(EC2, operation, result)
        return 200, ec2_wire.HEADERS, ec2_wire.response_xml(operation, result, request_id)

    def _license(self, operation: str, body: str, region: str) -> Response:
        request_id = str(uuid.uuid4())
        try:
            self._count_and_inject(LICENSE_MANAGER, operation)
            try:
                request = license_wire.parse_body(body)
            except ValueError as error:
                raise ServiceFault("InvalidParameterValueException", f"Malformed request body: {error}", 400) from None
            result = _LICENSE_OPERATIONS[operation](
                self.tasks, request=request, seconds=self.seconds_since_epoch(), epoch=self.epoch, region=region
            )
        except ServiceFault as fault:
            self._validate_error(LICENSE_MANAGER, operation, fault.code)
            return fault.status, license_wire.headers(request_id), license_wire.error_json(fault.code, fault.message)
        self._validate(LICENSE_MANAGER, operation, result)
        return 200, license_wire.headers(request_id), license_wire.response_json(result)

    def _cloudtrail(self, target: Any, body: str) -> Response | None:
        """``LookupEvents`` over the run's recorded calls; any other CloudTrail call goes to moto."""
        if isinstance(target, bytes):
            target = target.decode("ascii", "replace")
        if target != event_history.TARGET_PREFIX + event_history.OPERATION:
            return None
        request_id = str(uuid.uuid4())
        with self._lock:
            self.calls[f"cloudtrail:{event_history.OPERATION}"] += 1
        try:
            result = self.history.lookup_events(license_wire.parse_body(body), seconds=self.seconds_since_epoch(),
                                                epoch=self.epoch)
        except ServiceFault as fault:
            self._validate_error("cloudtrail", event_history.OPERATION, fault.code)
            return fault.status, license_wire.headers(request_id), license_wire.error_json(fault.code, fault.message)
        self._validate("cloudtrail", event_history.OPERATION, result)
        return 200, license_wire.headers(request_id), license_wire.response_json(result)

    def _count_and_inject(self, service: str, operation: str) -> None:
        name = f"{service}:{operation}"
        fault = self._buckets.take(service, operation) or self._injector.draw(service)
        with self._lock:
            self.calls[name] += 1
            if fault is not None:
                self.faults_injected[f"{name}:{fault.code}"] += 1
        if fault is not None:
            raise fault

    def _validate(self, service: str, operation: str, result: dict[str, Any]) -> None:
        try:
            validate_output(service, operation, result)
        except ResponseShapeError as error:
            self._record(error)
            raise

    def _validate_error(self, service: str, operation: str, code: str) -> None:
        try:
            validate_error(service, operation, code)
        except ResponseShapeError as error:
            self._record(error)
            raise

    def _record(self, error: ResponseShapeError) -> None:
        with self._lock:
            self.shape_errors.append(error)


_INSTALL_LOCK = threading.Lock()


def _text(body: Any) -> str:
    if body is None:
        return ""
    if hasattr(body, "read"):
        position = body.tell() if hasattr(body, "tell") else None
        data = body.read()
        if position is not None:
            body.seek(position)  # leave the stream as we found it for moto
        body = data
    return body.decode("utf-8") if isinstance(body, bytes) else str(body)
