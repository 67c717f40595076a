"""Seed and stage keys (SPEC §6.2): HKDF-SHA-256 over the length-prefixed evidence."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from randcheck.core.draw import entropy
from randcheck.core.draw.spec import hkdf_expand, hkdf_extract, lp, tag, u32


def ikm(sources: Sequence[Mapping[str, Any]], evidence: Sequence[Mapping[str, Any]]) -> bytes:
    """``u32(k) || lp(E_1) || ... || lp(E_k)``."""
    parts = [lp(entropy.encode(e, s)) for s, e in zip(sources, evidence, strict=True)]
    return u32(len(parts)) + b"".join(parts)


def derive_seed(announcement_digest: str, ikm_bytes: bytes) -> bytes:
    """``HKDF-Expand(HKDF-Extract(A, IKM), tag("seed"), 32)``."""
    prk = hkdf_extract(bytes.fromhex(announcement_digest), ikm_bytes)
    return hkdf_expand(prk, tag("seed"), 32)


def ticket_key(seed: bytes, stratum: str) -> bytes:
    """``K_s``: 64 bytes, one SHA-256 block."""
    return hkdf_expand(seed, tag("ticket") + lp(stratum), 64)


def pairing_key(seed: bytes) -> bytes:
    """``K_p``: 64 bytes."""
    return hkdf_expand(seed, tag("pairing"), 64)
