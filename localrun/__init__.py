"""Run the synthesized Conversion Watch state machine locally, with no AWS account."""

import sys
from pathlib import Path

# The handlers and their plain logic live in the Lambda asset folder; the local
# run imports them from there, exactly as the function's Handler names them.
LAMBDA_SRC = Path(__file__).resolve().parents[1] / "lambda_src"
if str(LAMBDA_SRC) not in sys.path:
    sys.path.append(str(LAMBDA_SRC))
