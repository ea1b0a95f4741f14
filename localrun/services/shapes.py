"""Check a response against botocore's own model of the operation's output.

botocore's ``Stubber`` checks types and required members but not enum values;
this walk checks both, plus unknown members, length/range limits and patterns,
so the double cannot answer anything the real service could not.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from typing import Any

import botocore.session
from botocore.model import OperationModel, ServiceModel, Shape


class ResponseShapeError(Exception):
    """The double built a response its service's model does not allow (a bug in the double)."""


@cache
def service_model(service: str) -> ServiceModel:
    return botocore.session.get_session().get_service_model(service)


def operation_model(service: str, operation: str) -> OperationModel:
    return service_model(service).operation_model(operation)


def enum_values(service: str, shape_name: str) -> tuple[str, ...]:
    """An enum as the model defines it (e.g. EC2 ``ConversionTaskState``)."""
    return tuple(service_model(service).shape_for(shape_name).enum)


def validate_output(service: str, operation: str, response: dict[str, Any]) -> None:
    """Raise :class:`ResponseShapeError` unless ``response`` fits the operation's output shape."""
    shape = operation_model(service, operation).output_shape
    problems: list[str] = []
    if shape is not None:
        _check(shape, response, operation, problems)
    elif response:
        problems.append(f"{operation}: the model has no output, got {sorted(response)}")
    if problems:
        raise ResponseShapeError(f"{service}:{operation} response breaks the model: " + "; ".join(problems))


def validate_error(service: str, operation: str, code: str) -> None:
    """A JSON-protocol error must be one the operation's model lists (EC2 models list none)."""
    modeled = {s.name for s in operation_model(service, operation).error_shapes}
    if modeled and code not in modeled:
        raise ResponseShapeError(f"{service}:{operation} cannot return {code!r}; its model lists {sorted(modeled)}")


def _check(shape: Shape, value: Any, path: str, problems: list[str]) -> None:
    kind = shape.type_name
    checker = _CHECKERS.get(kind)
    if checker is None:
        problems.append(f"{path}: no check for shape type {kind!r}")
        return
    checker(shape, value, path, problems)


def _structure(shape: Any, value: Any, path: str, problems: list[str]) -> None:
    if not isinstance(value, dict):
        problems.append(f"{path}: expected a structure ({shape.name}), got {type(value).__name__}")
        return
    for name in value.keys() - shape.members.keys():
        problems.append(f"{path}.{name}: not a member of {shape.name}")
    for name in shape.required_members:
        if name not in value:
            problems.append(f"{path}.{name}: required by {shape.name} but missing")
    for name, member_value in value.items():
        if name in shape.members:
            _check(shape.members[name], member_value, f"{path}.{name}", problems)


def _list(shape: Any, value: Any, path: str, problems: list[str]) -> None:
    if not isinstance(value, list):
        problems.append(f"{path}: expected a list ({shape.name}), got {type(value).__name__}")
        return
    _limits(shape, len(value), path, "items", problems)
    for index, item in enumerate(value):
        _check(shape.member, item, f"{path}[{index}]", problems)


def _map(shape: Any, value: Any, path: str, problems: list[str]) -> None:
    if not isinstance(value, dict):
        problems.append(f"{path}: expected a map ({shape.name}), got {type(value).__name__}")
        return
    for key, item in value.items():
        _check(shape.key, key, f"{path}<key>", problems)
        _check(shape.value, item, f"{path}[{key!r}]", problems)


def _string(shape: Shape, value: Any, path: str, problems: list[str]) -> None:
    if not isinstance(value, str):
        problems.append(f"{path}: expected a string ({shape.name}), got {type(value).__name__}")
        return
    enum = shape.enum  # type: ignore[attr-defined]
    if enum and value not in enum:
        problems.append(f"{path}: {value!r} is not one of {shape.name} {list(enum)}")
    _limits(shape, len(value), path, "characters", problems)
    pattern = shape.metadata.get("pattern")
    if pattern and not _matches(pattern, value):
        problems.append(f"{path}: {value!r} does not match {shape.name} pattern {pattern!r}")


def _integer(shape: Shape, value: Any, path: str, problems: list[str]) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        problems.append(f"{path}: expected an integer ({shape.name}), got {type(value).__name__}")
        return
    _limits(shape, value, path, "", problems)


def _number(shape: Shape, value: Any, path: str, problems: list[str]) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.append(f"{path}: expected a number ({shape.name}), got {type(value).__name__}")


def _boolean(shape: Shape, value: Any, path: str, problems: list[str]) -> None:
    if not isinstance(value, bool):
        problems.append(f"{path}: expected a boolean ({shape.name}), got {type(value).__name__}")


def _timestamp(shape: Shape, value: Any, path: str, problems: list[str]) -> None:
    if not isinstance(value, datetime) or value.tzinfo is None:
        problems.append(f"{path}: expected a timezone-aware datetime ({shape.name}), got {value!r}")


def _blob(shape: Shape, value: Any, path: str, problems: list[str]) -> None:
    if not isinstance(value, bytes):
        problems.append(f"{path}: expected bytes ({shape.name}), got {type(value).__name__}")


def _limits(shape: Shape, size: int, path: str, unit: str, problems: list[str]) -> None:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    label = f" {unit}" if unit else ""
    if low is not None and size < low:
        problems.append(f"{path}: {size}{label} is below {shape.name}'s minimum {low}")
    if high is not None and size > high:
        problems.append(f"{path}: {size}{label} is above {shape.name}'s maximum {high}")


@cache
def _compiled(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:
        return None  # a Java-only construct: the other checks still apply


def _matches(pattern: str, value: str) -> bool:
    compiled = _compiled(pattern)
    return compiled is None or compiled.search(value) is not None


_CHECKERS = {
    "structure": _structure,
    "list": _list,
    "map": _map,
    "string": _string,
    "integer": _integer,
    "long": _integer,
    "float": _number,
    "double": _number,
    "boolean": _boolean,
    "timestamp": _timestamp,
    "blob": _blob,
}
