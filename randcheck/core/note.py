"""C2SP signed notes (Ed25519), tlog-checkpoint bodies and tlog-proof bundles; pure code.

* Signed note (c2sp.org/signed-note, golang.org/x/mod/sumdb/note): UTF-8 text ending in
  ``\\n``, a blank line, then signature lines ``— <name> <base64(key id (4) || signature)>``.
  The Ed25519 key id is ``SHA-256(name || 0x0A || 0x01 || public key)[:4]``.  Verifiers ignore
  signatures by unknown keys and reject a note that no known key verifies.
* Checkpoint (c2sp.org/tlog-checkpoint v1.0.0): origin line, decimal tree size, base64 RFC 6962
  root hash, then optional extension lines.
* Proof bundle (c2sp.org/tlog-proof@v1): ``c2sp.org/tlog-proof@v1``, optional ``extra <b64>``,
  ``index N``, one base64 hash per line, a blank line, then the signed checkpoint verbatim.

randcheck's log origin (and signing key name) is ``randcheck/<region code>/<first 16 hex digits
of the signing key's SHA-256 SPKI key id>``: it names the office and binds the log to its key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from randcheck.core import signing
from randcheck.errors import SignatureError, VerificationError

ALG_ED25519 = 0x01
SIG_PREFIX = "— "  # U+2014 EM DASH, space
PROOF_HEADER = "c2sp.org/tlog-proof@v1"
MAX_SIGNATURES = 100
_NAME = re.compile(r"^[^\s+]+$")


# -- keys ------------------------------------------------------------------------------


def check_name(name: str) -> None:
    """A note key name: non-empty, no spaces, no ``+`` (raises ``VerificationError``)."""
    if not _NAME.match(name) or not name.isprintable():
        raise VerificationError("note.bad_name", name=name)


def key_hash(name: str, public: bytes) -> bytes:
    """The 4-byte Ed25519 note key id: SHA-256(name || 0x0A || 0x01 || public)[:4]."""
    check_name(name)
    return hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([ALG_ED25519]) + public).digest()[:4]


def vkey(name: str, public: bytes) -> str:
    """The verifier key string ``<name>+<hex key id>+<base64(0x01 || public)>``."""
    return f"{name}+{key_hash(name, public).hex()}+{_b64(bytes([ALG_ED25519]) + public)}"


def parse_vkey(text: str) -> tuple[str, bytes]:
    """``(name, public key)`` from a verifier key string; the key id must match."""
    parts = text.strip().split("+", 2)
    if len(parts) != 3:
        raise VerificationError("note.bad_vkey")
    name, hexid, b64 = parts
    raw = _unb64(b64, "note.bad_vkey")
    if len(raw) != 33 or raw[0] != ALG_ED25519:
        raise VerificationError("note.bad_vkey")
    public = raw[1:]
    if key_hash(name, public).hex() != hexid.lower():
        raise VerificationError("note.bad_vkey")
    return name, public


def parse_skey(text: str) -> tuple[str, bytes]:
    """``(name, 32-byte seed)`` from a golang note signer key ``PRIVATE+KEY+name+hash+b64``."""
    parts = text.strip().split("+", 4)
    if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
        raise VerificationError("note.bad_skey")
    name, hexid, b64 = parts[2:]
    raw = _unb64(b64, "note.bad_skey")
    if len(raw) != 33 or raw[0] != ALG_ED25519:
        raise VerificationError("note.bad_skey")
    seed = raw[1:]
    public = signing.public_raw(signing.private_from_seed(seed))
    if key_hash(name, public).hex() != hexid.lower():
        raise VerificationError("note.bad_skey")
    return name, seed


# -- signed notes ----------------------------------------------------------------------


def _check_text(text: str) -> None:
    if not text.endswith("\n") or "\n\n" in text or text.startswith("\n"):
        raise VerificationError("note.bad_text")
    if any(not (ch.isprintable() or ch == "\n") for ch in text):
        raise VerificationError("note.bad_text")


def signature_line(text: str, name: str, key: Ed25519PrivateKey) -> str:
    """One note signature line for ``text`` (with its final newline)."""
    _check_text(text)
    kid = key_hash(name, signing.public_raw(key))
    sig = signing.sign(key, text.encode("utf-8"))
    return f"{SIG_PREFIX}{name} {_b64(kid + sig)}\n"


def sign(text: str, name: str, key: Ed25519PrivateKey) -> str:
    """The signed note: ``text``, a blank line, one signature line."""
    return text + "\n" + signature_line(text, name, key)


@dataclass(frozen=True)
class Signature:
    name: str
    key_hash: bytes
    signature: bytes


@dataclass(frozen=True)
class Note:
    text: str
    signatures: tuple[Signature, ...]


def parse(note: str) -> Note:
    """Split a signed note into its text and signature lines (nothing is verified yet)."""
    if not note.endswith("\n"):
        raise VerificationError("note.malformed")
    split = note.rfind("\n\n")
    if split < 0:
        raise VerificationError("note.malformed")
    text, sig_block = note[: split + 1], note[split + 2 :]
    _check_text(text)
    sigs: list[Signature] = []
    for line in sig_block.splitlines():
        if not line.startswith(SIG_PREFIX):
            raise VerificationError("note.malformed")
        fields = line[len(SIG_PREFIX) :].split(" ")
        if len(fields) != 2:
            raise VerificationError("note.malformed")
        name, b64 = fields
        check_name(name)
        raw = _unb64(b64, "note.malformed")
        if len(raw) < 5:
            raise VerificationError("note.malformed")
        sigs.append(Signature(name, raw[:4], raw[4:]))
    if not sigs or len(sigs) > MAX_SIGNATURES:
        raise VerificationError("note.malformed")
    return Note(text, tuple(sigs))


def open_note(note: str, known: Mapping[str, bytes]) -> tuple[str, list[str]]:
    """Verify a signed note against ``known`` {name: Ed25519 public key}.

    Returns the text and the names whose signatures verified.  Signatures by unknown keys are
    ignored; a signature by a known key that does not verify raises ``SignatureError``; no
    verified signature at all raises ``SignatureError`` (``note.no_known_signature``).
    """
    parsed = parse(note)
    data = parsed.text.encode("utf-8")
    verified: list[str] = []
    for sig in parsed.signatures:
        public = known.get(sig.name)
        if public is None or key_hash(sig.name, public) != sig.key_hash:
            continue
        signing.verify(public, data, sig.signature)
        if sig.name not in verified:
            verified.append(sig.name)
    if not verified:
        raise SignatureError("note.no_known_signature")
    return parsed.text, verified


# -- checkpoints -----------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def body(self) -> str:
        """The checkpoint text (the part that is signed)."""
        if not self.origin or "\n" in self.origin or self.size < 0 or len(self.root) != 32:
            raise VerificationError("checkpoint.malformed")
        lines = [self.origin, str(self.size), _b64(self.root), *self.extensions]
        return "".join(line + "\n" for line in lines)


def parse_checkpoint(text: str) -> Checkpoint:
    """A checkpoint body (the note text), strictly: decimal size without leading zeros."""
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "":
        raise VerificationError("checkpoint.malformed")
    origin, size_s, root_s, *ext = lines[:-1]
    if not origin or not re.fullmatch(r"0|[1-9][0-9]{0,18}", size_s):
        raise VerificationError("checkpoint.malformed")
    root = _unb64(root_s, "checkpoint.malformed")
    if len(root) != 32 or any(not e for e in ext):
        raise VerificationError("checkpoint.malformed")
    return Checkpoint(origin, int(size_s), root, tuple(ext))


def origin_for(region_code: str, key_id_hex: str) -> str:
    """randcheck's documented origin (also the note key name) for a log signing key."""
    return f"randcheck/{region_code}/{key_id_hex[:16]}"


# -- proof bundles ---------------------------------------------------------------------


@dataclass(frozen=True)
class ProofBundle:
    index: int
    hashes: tuple[bytes, ...]
    checkpoint: str  # the signed checkpoint note, verbatim
    extra: bytes | None = None

    def format(self) -> str:
        lines = [PROOF_HEADER]
        if self.extra is not None:
            lines.append(f"extra {_b64(self.extra)}")
        lines.append(f"index {self.index}")
        lines.extend(_b64(h) for h in self.hashes)
        return "\n".join(lines) + "\n\n" + self.checkpoint


def parse_proof(text: str) -> ProofBundle:
    """Parse a c2sp.org/tlog-proof@v1 bundle (signatures are checked separately)."""
    head, sep, checkpoint = text.partition("\n\n")
    if not sep:
        raise VerificationError("proof.malformed")
    lines = head.split("\n")
    if lines[0] != PROOF_HEADER:
        raise VerificationError("proof.malformed")
    pos = 1
    extra: bytes | None = None
    if pos < len(lines) and lines[pos].startswith("extra "):
        extra = _unb64(lines[pos][6:], "proof.malformed")
        pos += 1
    if pos >= len(lines) or not re.fullmatch(r"index (0|[1-9][0-9]{0,18})", lines[pos]):
        raise VerificationError("proof.malformed")
    index = int(lines[pos][6:])
    hashes = tuple(_unb64(h, "proof.malformed") for h in lines[pos + 1 :])
    if any(len(h) != 32 for h in hashes) or len(hashes) > 64:
        raise VerificationError("proof.malformed")
    return ProofBundle(index, hashes, checkpoint, extra)


# -- helpers ---------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str, code: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
        raise VerificationError(code) from exc


def hashes_b64(hashes: Sequence[bytes]) -> list[str]:
    return [_b64(h) for h in hashes]
