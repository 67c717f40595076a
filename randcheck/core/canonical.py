"""RFC 8785 canonical JSON for everything that is hashed or signed; floats are refused."""

from __future__ import annotations

import json
from typing import Any

import rfc8785

from randcheck.errors import InputError


def _check(value: Any, path: str) -> None:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return
    if isinstance(value, int):
        if abs(value) > 2**53 - 1:  # I-JSON: beyond this, other languages lose precision
            raise InputError("canonical.int_range", path=path)
        return
    if isinstance(value, float):
        raise InputError("canonical.float", path=path)
    if isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(k, str):
                raise InputError("canonical.key", path=path)
            _check(v, f"{path}.{k}")
        return
    if isinstance(value, list | tuple):
        for i, v in enumerate(value):
            _check(v, f"{path}[{i}]")
        return
    raise InputError("canonical.type", path=path, type=type(value).__name__)


def canonical(value: Any) -> bytes:
    """RFC 8785 bytes of ``value``; raises ``InputError`` on floats, big ints or non-JSON types."""
    _check(value, "$")
    out: bytes = rfc8785.dumps(value)
    return out


def parse(data: bytes) -> Any:
    """Parse JSON bytes, refusing floats and duplicate keys (so the bytes mean one thing)."""

    def no_dupes(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for k, v in pairs:
            if k in result:
                raise InputError("canonical.duplicate_key", key=k)
            result[k] = v
        return result

    def no_float(text: str) -> Any:
        raise InputError("canonical.float", path=text)

    try:
        return json.loads(data.decode("utf-8"), object_pairs_hook=no_dupes, parse_float=no_float)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError("canonical.bad_json", reason=str(exc)) from exc


def is_canonical(data: bytes) -> bool:
    """Whether ``data`` is exactly the canonical form of what it encodes."""
    try:
        return canonical(parse(data)) == data
    except InputError:
        return False
