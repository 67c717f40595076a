"""RFC 8785 canonical JSON for everything that is hashed or signed; floats are refused.

For the values randcheck signs (strings, integers within ±(2^53 − 1), booleans, null, lists
and objects) RFC 8785 output is exactly what the standard library's C JSON encoder writes with
sorted keys, no whitespace and no ASCII escaping, with one exception: RFC 8785 sorts keys by
UTF-16 code units and Python by code points, which differ only when keys hold characters above
U+D7FF. :func:`canonical` takes that fast path when every key is below U+D800 and every string
encodes as UTF-8 (no lone surrogates), else the ``rfc8785`` package. tests/core/
test_canonical.py checks both give the same bytes.
"""

from __future__ import annotations

import itertools
import json
import re
from itertools import accumulate
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


_LIMIT = 2**53 - 1
_MAX_DEPTH = 200  # deeper than any document randcheck signs; beyond it, the checked path
_ENCODE = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, sort_keys=True, separators=(",", ":")
).encode


def _fast_ok(value: Any) -> bool:
    """Whether ``value`` passes :func:`_check` and all its keys sort alike in UTF-16 and code
    points (no key character above U+D7FF). Iterative and path-free: the common case."""
    stack = [(value, 0)]
    pop, push = stack.pop, stack.append
    while stack:
        v, depth = pop()
        if depth > _MAX_DEPTH:  # e.g. a list that contains itself: let _check refuse it
            return False
        t = type(v)
        if t is str or t is bool or v is None:
            continue
        if t is int:
            if -_LIMIT <= v <= _LIMIT:
                continue
            return False
        if t is dict:
            for k, item in v.items():
                if type(k) is not str or (k and max(k) > "\ud7ff"):
                    return False
                push((item, depth + 1))
            continue
        if t is list or t is tuple:
            # a list of texts, or of lists of texts (a roster's millions of pairs): checked
            # by type in C, not one stack step per item
            kinds = set(map(type, v))
            if kinds <= {str}:
                continue
            if kinds == {list} and depth + 2 <= _MAX_DEPTH:
                if set(map(type, itertools.chain.from_iterable(v))) <= {str}:
                    continue
            stack.extend([(item, depth + 1) for item in v])
            continue
        return False
    return True


def canonical(value: Any) -> bytes:
    """RFC 8785 bytes of ``value``; raises ``InputError`` on floats, big ints or non-JSON types."""
    if _fast_ok(value):
        try:
            return _ENCODE(value).encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: let rfc8785 decide
            pass
    _check(value, "$")
    out: bytes = rfc8785.dumps(value)
    return out


#: nesting allowed in any JSON randcheck reads; its own documents are at most 8 levels deep
MAX_PARSE_DEPTH = 64


def depth_ok(value: Any, limit: int) -> bool:
    """Whether ``value`` (parsed JSON or TOML) nests lists and objects at most ``limit`` deep.

    Iterative, so a deep value cannot exhaust the stack here.
    """
    stack = [(value, 1)]
    while stack:
        v, depth = stack.pop()
        if isinstance(v, dict):
            v = list(v.values())
        elif not isinstance(v, list):
            continue
        if depth > limit:
            return False
        stack.extend((item, depth + 1) for item in v if isinstance(item, dict | list))
    return True


#: every byte but the four brackets and the quote (deleted to leave a JSON text's skeleton)
_NOT_SKELETON = bytes(b for b in range(256) if b not in b'"[]{}')
#: one or more JSON strings in a skeleton (a string there is its two quotes, and any brackets
#: it held); adjacent strings are one match, so a row of keys and values costs one
_SKELETON_STRINGS = re.compile(rb'(?:"[^"]*")+')
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def json_nesting_ok(data: str | bytes, limit: int) -> bool:
    """Whether the JSON text ``data`` (``bytes`` must be UTF-8) nests arrays and objects at most
    ``limit`` deep, found from its brackets outside strings *before* it is parsed.

    A recursive parser (the standard library's C one) is then never handed input deeper than
    ``limit``, whatever the interpreter's recursion limit: deep input is refused cleanly
    instead of exhausting the C stack.  For text that is not valid JSON the answer is about the
    text up to its first error, which is as far as a parser gets.  Cost: two ``count`` calls
    when ``data`` holds at most ``limit`` opening brackets; otherwise a few passes in C (about
    0.3 s for a 70 MB registry file, whose parse takes 0.9 s).
    """
    if isinstance(data, str):
        if data.count("[") + data.count("{") <= limit:
            return True
        raw = data.encode("utf-8", "surrogatepass")
    else:
        if data.count(b"[") + data.count(b"{") <= limit:
            return True
        raw = data
    if b"\\" in raw:  # escapes first: an escaped backslash, then an escaped quote, go
        raw = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    skeleton = _SKELETON_STRINGS.sub(b"", raw.translate(None, _NOT_SKELETON))
    return max(accumulate(map(_STEP.__getitem__, skeleton)), default=0) <= limit


def parse(data: bytes, max_depth: int = MAX_PARSE_DEPTH) -> Any:
    """Parse JSON bytes, refusing floats and duplicate keys (so the bytes mean one thing) and
    nesting deeper than ``max_depth`` (``canonical.too_deep``)."""

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
        value = json.loads(data.decode("utf-8"), object_pairs_hook=no_dupes, parse_float=no_float)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError("canonical.bad_json", reason=str(exc)) from exc
    except RecursionError:  # deeper than the interpreter's limit (which randcheck keeps low)
        raise InputError("canonical.too_deep", limit=max_depth) from None
    if not depth_ok(value, max_depth):
        raise InputError("canonical.too_deep", limit=max_depth)
    return value


def is_canonical(data: bytes) -> bool:
    """Whether ``data`` is exactly the canonical form of what it encodes."""
    try:
        return canonical(parse(data)) == data
    except InputError:
        return False
