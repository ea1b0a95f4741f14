"""Lambda entry points: thin, they parse, call plain logic and record telemetry."""
