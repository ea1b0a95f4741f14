"""The CLI shares the watcher's own rules (task id formats, execution names,
the idempotent start) by importing them from the Lambda asset folder of the
checkout it is installed from (``make setup`` installs it editable)."""

from __future__ import annotations

import sys
from pathlib import Path

LAMBDA_SRC = Path(__file__).resolve().parents[1] / "lambda_src"


def ensure_importable() -> None:
    if not (LAMBDA_SRC / "conversion_watch").is_dir():
        raise ImportError(f"convwatch needs the project checkout: {LAMBDA_SRC} not found")
    if str(LAMBDA_SRC) not in sys.path:
        sys.path.append(str(LAMBDA_SRC))
