"""Byte-level primitives of randcheck/draw/v1 (docs/SPEC.md §1): tags, fields, HKDF, digests."""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata

from randcheck.errors import InputError

SPEC_ID = "randcheck/draw/v1"
#: randcheck/draw/v2 (docs/SPEC-v2.md): v1 plus a signed entropy commitment that fixes the
#: drand round.  Every domain tag keeps the v1 prefix: v2 adds a document kind, not a tag.
SPEC_V2_ID = "randcheck/draw/v2"
DRAW_SPECS = (SPEC_ID, SPEC_V2_ID)
CHUNK = 1024
TAG_PREFIX = SPEC_ID + "/"
KINDS = ("announcement", "record", "addendum")
#: the results document (docs/RESULTS-SPEC.md) has its own spec id and shares the envelope,
#: digest and signature rules of §2, domain-separated by its kind
RESULTS_SPEC_ID = "randcheck/results/v1"
#: every signed document kind and the spec ids its body may carry (an addendum is the same
#: v1 document under a v1 or a v2 record; a commitment exists only in v2)
DOCUMENT_SPECS: dict[str, tuple[str, ...]] = {
    "announcement": DRAW_SPECS,
    "record": DRAW_SPECS,
    "addendum": (SPEC_ID,),
    "commitment": (SPEC_V2_ID,),
    "results": (RESULTS_SPEC_ID,),
}
ALL_SPECS = frozenset(s for specs in DOCUMENT_SPECS.values() for s in specs)


def spec_allowed(kind: object, spec: object) -> bool:
    """Whether a body of ``kind`` may carry ``spec`` (both as found in the body)."""
    return isinstance(kind, str) and spec in DOCUMENT_SPECS.get(kind, ())


_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")  # ASCII digits only
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_HEX32 = re.compile(r"[0-9a-f]{64}")
#: Visible ASCII: the code alphabet (SPEC §1).
CODE_BYTES = bytes(range(0x21, 0x7F))


def u32(n: int) -> bytes:
    return n.to_bytes(4, "big")


def u64(n: int) -> bytes:
    return n.to_bytes(8, "big")


def lp(data: bytes | str) -> bytes:
    """A length-prefixed field: ``u32(len) || bytes`` (strings as UTF-8)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return u32(len(raw)) + raw


def tag(name: str) -> bytes:
    """The domain tag ``lp("randcheck/draw/v1/" + name)``."""
    return lp(TAG_PREFIX + name)


def hkdf_extract(salt: bytes, ikm: bytes) -> bytes:
    return hmac.new(salt, ikm, hashlib.sha256).digest()


def hkdf_expand(prk: bytes, info: bytes, length: int) -> bytes:
    """RFC 5869 §2.3 with SHA-256."""
    out = b""
    block = b""
    counter = 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        out += block
        counter += 1
    return out[:length]


def digest(kind: str, body: bytes) -> str:
    """``H(tag("document") || lp(kind) || lp(body))`` in hex: the id of a signed document."""
    return hashlib.sha256(tag("document") + lp(kind) + lp(body)).hexdigest()


def signing_input(kind: str, body: bytes) -> bytes:
    """The bytes an Ed25519 signature covers: ``tag("signature") || lp(kind) || lp(body)``."""
    return tag("signature") + lp(kind) + lp(body)


def check_code(code: str | bytes, field: str = "code") -> bytes:
    """A code as bytes; raises ``InputError`` unless it is 1–64 bytes of visible ASCII."""
    raw = code.encode("utf-8") if isinstance(code, str) else code
    if not 1 <= len(raw) <= 64 or raw.translate(None, CODE_BYTES):
        raise InputError("proto.bad_code", field=field, value=repr(code)[:80])
    return raw


def check_id(value: object, field: str) -> str:
    """A stratum or inspector id: 1–64 bytes of visible ASCII."""
    if not isinstance(value, str):
        raise InputError("proto.bad_id", field=field, value=repr(value)[:80])
    check_code(value.encode("utf-8"), field)
    return value


def check_text(value: object, field: str) -> str:
    """A non-empty NFC string (no normalisation is done for the caller: it is refused)."""
    if not isinstance(value, str) or not value or not unicodedata.is_normalized("NFC", value):
        raise InputError("proto.bad_text", field=field, value=repr(value)[:80])
    return value


def check_time(value: object, field: str) -> str:
    """A UTC time ``YYYY-MM-DDTHH:MM:SSZ``."""
    if not isinstance(value, str) or not _TIME.fullmatch(value):
        raise InputError("proto.bad_time", field=field, value=repr(value)[:80])
    unix_time(value)
    return value


def check_date(value: object, field: str) -> str:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise InputError("proto.bad_date", field=field, value=repr(value)[:80])
    import datetime as _dt

    try:
        _dt.date.fromisoformat(value)
    except ValueError as exc:
        raise InputError("proto.bad_date", field=field, value=value) from exc
    return value


def check_hex32(value: object, field: str) -> bytes:
    if not isinstance(value, str) or not _HEX32.fullmatch(value):
        raise InputError("proto.bad_hex", field=field, value=repr(value)[:80])
    return bytes.fromhex(value)


def check_int(value: object, field: str, lo: int, hi: int = 2**53 - 1) -> int:
    if type(value) is not int or not lo <= value <= hi:
        raise InputError("proto.bad_int", field=field, value=repr(value)[:80], lo=lo, hi=hi)
    return value


def check_bool(value: object, field: str) -> bool:
    if type(value) is not bool:
        raise InputError("proto.bad_bool", field=field, value=repr(value)[:80])
    return value


def unix_time(value: str) -> int:
    """Seconds since the epoch of a ``YYYY-MM-DDTHH:MM:SSZ`` string (no clock, no time zone)."""
    import calendar
    import datetime as _dt

    try:
        parsed = _dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError as exc:
        raise InputError("proto.bad_time", field="time", value=value) from exc
    return calendar.timegm(parsed.timetuple())
