"""Run the synthesized Conversion Watch state machine locally, with no AWS account."""
