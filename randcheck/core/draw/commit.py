"""Population and roster commitments (SPEC §3, §7.1): chunked RFC 6962 roots, inclusion proofs."""

from __future__ import annotations

import hashlib
import itertools
import operator
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from randcheck.core import merkle
from randcheck.core.canonical import canonical
from randcheck.core.draw.codes import Codes
from randcheck.core.draw.spec import CHUNK, CODE_BYTES, check_code, check_hex32, tag
from randcheck.errors import InputError, VerificationError

_CHUNK_TAG = tag("population-chunk")


def canonical_codes(codes: Iterable[str | bytes], stratum: str = "") -> Codes:
    """The codes sorted and checked (unique, well-formed); raises ``InputError`` otherwise.

    Pass :class:`Codes` (made here, by :func:`parse_population_file` or
    ``Codes.from_unsorted``) to ``announce``, ``draw`` and ``replay``: they run over the
    population file bytes, in C when the extension is built.
    """
    return Codes.from_unsorted(codes, stratum)


def check_sorted_codes(codes: Sequence[bytes], stratum: str = "") -> None:
    """Raise ``InputError`` unless ``codes`` are valid codes in strictly ascending byte order."""
    if isinstance(codes, Codes):
        return  # checked when made, and immutable
    if not codes:
        return
    if not all(map(operator.lt, codes, itertools.islice(codes, 1, None))):
        for i in range(1, len(codes)):
            if not codes[i - 1] < codes[i]:
                code = "proto.duplicate_code" if codes[i - 1] == codes[i] else "proto.unsorted"
                raise InputError(code, stratum=stratum, value=codes[i].decode("ascii", "replace"))
    # One C-level pass over all codes: every byte visible ASCII, lengths 1..64.
    blob = b"\n".join(codes)
    if blob.translate(None, CODE_BYTES) != b"\n" * (len(codes) - 1) or not codes[0]:
        for c in codes:
            check_code(c, f"population[{stratum}]")
    if max(map(len, codes)) > 64:
        for c in codes:
            check_code(c, f"population[{stratum}]")


def population_file(codes: Sequence[bytes]) -> bytes:
    """The published population file: sorted codes, each followed by a newline."""
    if isinstance(codes, Codes):
        return codes.blob
    return b"\n".join(codes) + b"\n" if codes else b""


def parse_population_file(data: bytes, stratum: str = "") -> Codes:
    """The codes of a population file, checked sorted, unique and well-formed."""
    if data and not data.endswith(b"\n"):
        raise InputError("proto.population_newline", stratum=stratum)
    return Codes(data, stratum)


def chunk_leaf(chunk: Sequence[bytes]) -> bytes:
    """The leaf data of one chunk: ``tag("population-chunk") || lines``."""
    return _CHUNK_TAG + b"\n".join(chunk) + b"\n"


def chunk_hashes(codes: Sequence[bytes]) -> list[bytes]:
    """RFC 6962 leaf hashes of the chunks of sorted ``codes``."""
    if isinstance(codes, Codes):
        return codes.chunk_hashes()
    sha = hashlib.sha256
    return [
        sha(b"\x00" + chunk_leaf(codes[i : i + CHUNK])).digest()
        for i in range(0, len(codes), CHUNK)
    ]


def population_root(codes: Sequence[bytes]) -> str:
    """The stratum's Merkle root (hex) over chunk leaves; ``codes`` must be sorted and unique."""
    return merkle.root_from_hashes(chunk_hashes(codes)).hex()


def inclusion_proof(codes: Sequence[bytes], stratum: str, code: str) -> dict[str, Any]:
    """Proof that ``code`` is in the stratum: its chunk and the RFC 6962 audit path."""
    raw = check_code(code)
    import bisect

    pos = bisect.bisect_left(codes, raw)
    if pos >= len(codes) or codes[pos] != raw:
        raise InputError("proto.not_in_population", entity=code, stratum=stratum)
    index = pos // CHUNK
    hashes = chunk_hashes(codes)
    path = merkle.inclusion_proof(index, hashes)
    return {
        "stratum": stratum,
        "count": len(codes),
        "chunk_index": index,
        "chunk": [c.decode("ascii") for c in codes[index * CHUNK : (index + 1) * CHUNK]],
        "path": [p.hex() for p in path],
    }


def verify_inclusion(proof: Mapping[str, Any], code: str, count: int, root: str) -> None:
    """Check an inclusion proof against an announced ``(count, root)``; raises on failure."""
    chunk = [check_code(c, "chunk") for c in proof["chunk"]]
    index = proof["chunk_index"]
    if proof["count"] != count:
        raise VerificationError("proto.proof_count", count=proof["count"], expected=count)
    n_chunks = (count + CHUNK - 1) // CHUNK
    if type(index) is not int or not 0 <= index < n_chunks:
        raise VerificationError("proto.proof_chunk", index=index)
    expected_len = CHUNK if index < n_chunks - 1 else count - CHUNK * (n_chunks - 1)
    if len(chunk) != expected_len:
        raise VerificationError("proto.proof_chunk", index=index)
    if not all(map(operator.lt, chunk, chunk[1:])) or check_code(code) not in chunk:
        raise VerificationError("proto.proof_chunk", index=index)
    leaf = hashlib.sha256(b"\x00" + chunk_leaf(chunk)).digest()
    path = [bytes.fromhex(p) for p in proof["path"]]
    merkle.verify_inclusion(index, n_chunks, leaf, path, check_hex32(root, "root"))


def roster_digest(roster_doc: Mapping[str, Any]) -> str:
    """``H(tag("roster") || JCS(roster document))`` in hex."""
    return roster_digest_of(canonical(dict(roster_doc)))


def roster_digest_of(canonical_roster: bytes) -> str:
    """:func:`roster_digest` of the document whose JCS bytes are ``canonical_roster``
    (``Roster.canonical()``: made once, not again from millions of pairs)."""
    h = hashlib.sha256(tag("roster"))
    h.update(canonical_roster)
    return h.hexdigest()
