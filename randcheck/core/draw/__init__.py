"""The randcheck/draw/v1 protocol (docs/SPEC.md)."""
