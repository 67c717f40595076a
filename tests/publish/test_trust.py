"""Which keys `randcheck verify` trusts as the operator's when no --trusted-keys is given."""

from __future__ import annotations

from pathlib import Path

from randcheck.cli._context import AppContext
from randcheck.cli.verify import trusted_keys
from randcheck.core import signing
from randcheck.services import keys
from randcheck.services.audit import AuditLog
from randcheck.store.db import open_engine
from randcheck.workspace import init_workspace


def _pem(seed: int) -> tuple[str, str]:
    key = signing.private_from_seed(bytes([seed]) * 32)
    pub = signing.public_raw(key)
    from cryptography.hazmat.primitives import serialization

    pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return pem.decode(), signing.key_id(pub)


def test_witnesses_and_revoked_keys_never_stand_in_for_the_office(
    ws_root: Path, db_url: str
) -> None:
    ws, _ = init_workspace(ws_root, "测试局", "320500")
    engine = open_engine(db_url)
    audit = AuditLog(ws, engine)
    own = keys.init_key(ws, audit, "t", b"trust-test-passphrase")
    other_office, other_id = _pem(1)
    witness, witness_id = _pem(2)
    gone, gone_id = _pem(3)
    keys.trust_key(ws, audit, "t", other_office, "o.pem", "neighbour", role="office")
    keys.trust_key(ws, audit, "t", witness, "w.pem", "zhang", role="witness")
    keys.trust_key(ws, audit, "t", gone, "g.pem", "old", role="office")
    keys.revoke_key(ws, audit, "t", gone_id[:12], "key lost")
    app = AppContext(ws, db_url, "en", "t", False)
    trusted = trusted_keys(app, None)
    assert set(trusted) == {own.key_id, other_id}
    assert witness_id not in trusted and gone_id not in trusted
    # revoking our own key removes it too
    keys.revoke_key(ws, audit, "t", own.key_id[:12], "rotated")
    assert set(trusted_keys(app, None)) == {other_id}
    engine.dispose()
