"""Write the events' JSON Schemas (the ones the stack deploys to the Schema
Registry) to ``docs/schemas/``, for subscribers who read the repository.

    python -m tools.export_schemas
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from conversion_watch.event_contract import DETAIL_TYPES, definition_name, event_schema

SCHEMAS_DIR = Path(__file__).resolve().parents[1] / "docs" / "schemas"


def schema_files() -> dict[Path, str]:
    """File -> content, for the default event source."""
    return {
        SCHEMAS_DIR / f"{definition_name(detail_type)}.json": json.dumps(event_schema(detail_type), indent=2) + "\n"
        for detail_type in DETAIL_TYPES
    }


def main() -> int:
    SCHEMAS_DIR.mkdir(parents=True, exist_ok=True)
    for path, content in schema_files().items():
        path.write_text(content)
        print(f"wrote {path.relative_to(SCHEMAS_DIR.parents[1])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
