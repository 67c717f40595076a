"""``randcheck verify``: check a publication bundle (docs/SPEC.md §14) with no trust in the office.

Every finding is a named :class:`~randcheck.core.checks.Check`.  The protocol checks come from
the core replay (``announcement.*``, ``record.*``, ``population.*``, ``roster``, ``entropy``,
``seed``, ``selection.*``, ``teams``, ``addendum.*``); the modules of this package add the
bundle's own, one module per part of the bundle:

* :mod:`.reading` lists the folder and reads each file only within the bound the signed
  documents allow;
* :mod:`.documents`: envelopes, population files, roster, addenda, ``--entity``;
* :mod:`.log`: ``log.*``, ``reveal`` and ``chain``;
* :mod:`.complete`: ``log.complete`` and ``log.consistency`` (the log tail, format v3);
* :mod:`.tables`: ``results`` and ``results.xlsx``; :mod:`.page`: ``page``;
* :mod:`.results`: ``inspection.*``, the signed inspection results (RESULTS-SPEC §5);
* :mod:`.files`: ``format``, ``files`` and ``files.signature``.

Trust: the key in ``keys/operator.pub`` is never trusted because it is in the bundle (whoever
could change the bundle could change the key).  The caller hands in the trusted keys
(``--trusted-keys FILE`` or the workspace's own and trusted keys).  With none, every check runs
against the bundle's own key instead, so that the content is still checked in full; the checks
that only a trusted key can settle (``trust`` and the signature checks, :data:`SIGNER_CHECKS`)
are then reported *unverified* instead of passed, and the report's status is ``unverified``:
the content is consistent, whose signature it bears is not confirmed.  A check that fails even
under the bundle's own key fails.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from randcheck.bundle import layout
from randcheck.core import signing
from randcheck.core.checks import Check, Report
from randcheck.core.draw.replay import replay
from randcheck.errors import RandcheckError
from randcheck.services import keys as keys_svc
from randcheck.services.attempts import COMMITTED
from randcheck.services.verify import (
    complete,
    documents,
    files,
    log,
    ordering,
    page,
    reading,
    results,
    tables,
)
from randcheck.services.verify.complete import Held
from randcheck.services.verify.reading import BundleFiles, bundle_root

__all__ = ["BundleReport", "Held", "bundle_root", "verify_bundle"]


@dataclass(frozen=True)
class BundleReport(Report):
    """The checks of one bundle, and what the bundle said it was."""

    path: Path = Path()
    fmt: str = layout.FORMAT
    task_id: str | None = None
    record_digest: str | None = None
    code: str | None = None
    trusted: tuple[str, ...] = ()
    entity: dict[str, Any] | None = None
    log_seqs: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            **super().to_json(),
            "path": str(self.path),
            "format": self.fmt,
            "task_id": self.task_id,
            "record_digest": self.record_digest,
            "verification_code": self.code,
            "trusted_keys": list(self.trusted),
            "log_seqs": dict(sorted(self.log_seqs.items())),
            "entity": self.entity,
        }


#: the checks whose outcome depends on whose key signed (``addendum.<n>`` by prefix): each
#: verifies a signature.  The checks after them (log proofs, order, reveal, chain) are hash
#: arithmetic against the documents those signatures cover.
SIGNER_CHECKS = frozenset({"announcement.signature", "record.signature", "log.checkpoint",
                           "log.consistency", "inspection.documents",
                           "files.signature"})  # fmt: skip
#: signer checks that passed without a signature being involved (nothing to confirm)
_NOTHING_SIGNED = frozenset({"verify.results_none", "verify.consistency_none"})


def is_signer_check(name: str) -> bool:
    return name in SIGNER_CHECKS or name in ordering.SIGNER_CHECKS or name.startswith("addendum.")


def own_key(found: BundleFiles) -> dict[str, bytes]:
    """The bundle's own ``keys/operator.pub`` as {key id: raw}; empty when absent or unreadable."""
    raw = found.get(layout.OPERATOR_KEY)
    if raw is None:
        return {}
    try:
        public, _name = keys_svc.parse_public_text(raw.decode("utf-8"), layout.OPERATOR_KEY)
    except (RandcheckError, UnicodeDecodeError):
        return {}
    return {signing.key_id(public): public}


def _unconfirmed(checks: list[Check], own: Mapping[str, bytes]) -> list[Check]:
    """Without a trusted key: ``trust`` and every signer check that passed under the bundle's
    own key become unverified; failures stay failures."""
    if not own:
        return [Check.not_verified("trust", "verify.no_trusted_keys"), *checks[1:]]
    key_id = next(iter(own))[:16]
    out = [Check.not_verified("trust", "verify.untrusted_own_key", key_id=key_id)]
    for c in checks[1:]:
        # no results documents: no signature was involved, the check simply passed
        if c.ok and is_signer_check(c.name) and c.code not in _NOTHING_SIGNED:
            c = Check.not_verified(c.name, "verify.own_key_only", key_id=key_id)
        out.append(c)
    return out


def _trust(keys: Mapping[str, bytes]) -> Check:
    if not keys:
        return Check.failed("trust", "verify.no_trusted_keys")
    return Check.passed(
        "trust", "verify.trust_ok", count=len(keys), keys=", ".join(k[:16] for k in sorted(keys))
    )


def verify_bundle(
    path: Path,
    keys: Mapping[str, bytes],
    *,
    entity: str | None = None,
    verify_bls: bool = True,
    trusted_tsa: Sequence[bytes] = (),
    checkpoints: Sequence[Held] = (),
    trusted_witnesses: Collection[str] = (),
) -> BundleReport:
    """Verify the bundle at ``path`` against the trusted office ``keys`` {key id: raw};
    ``checkpoints``: the office's checkpoints the reader already holds (``log.consistency``);
    ``trusted_witnesses``: key ids of the witness keys the reader trusts (v2, never office
    keys: ``--witness-keys`` or the workspace's trusted witness keys).

    Raises ``NotFoundError``/``CannotRunError`` only when it cannot run (missing path, not a
    bundle, unreadable); every finding is a check in the report.
    """
    root = bundle_root(path)
    found = BundleFiles(root)
    found.load(layout.ANNOUNCEMENT, reading.FIXED[layout.ANNOUNCEMENT])
    reading.read(found, documents.soft_body(found.get(layout.ANNOUNCEMENT)))
    fmt, format_check = files.format_check(found)
    own = {} if keys else own_key(found)
    trusted, keys = keys, keys or own
    checks: list[Check] = [_trust(keys), format_check]
    docs = documents.documents(found)
    population, overrides = documents.population(found, docs.ann)
    for name, path_ in (("announcement.envelope", layout.ANNOUNCEMENT),
                        ("record.envelope", layout.RECORD)):  # fmt: skip
        if path_ not in found:
            overrides[name] = found.absent(name, path_)
    replayed = replay(
        docs.ann_raw, docs.rec_raw, population, docs.roster, keys, docs.add_raw,
        verify_bls=verify_bls,
    )  # fmt: skip
    checks.extend(overrides.get(c.name, c) for c in replayed)
    # v2 records only; trusted_witnesses: key ids of the witness keys the reader trusts
    checks.extend(ordering.checks(found, docs, keys, trusted_tsa, trusted_witnesses))

    lg = log.Log(found, keys)
    checks.append(lg.cp_check)
    checks.append(lg.check("log.announcement", docs.ann_env.digest if docs.ann_env else None))
    checks.append(lg.check("log.record", docs.rec_env.digest if docs.rec_env else None))
    for i, a in enumerate(docs.add_envs, start=1):
        checks.append(lg.check(f"log.addendum.{i}", a.digest if a else None))
    if ordering.is_v2(docs) and docs.rec_env is not None:
        # SPEC-v2 §8: the draw.committed entry of this task naming C, never another kind
        checks.append(lg.check("log.commitment", docs.rec_env.doc.get("commitment"),
                               kind=COMMITTED, task=docs.rec_env.doc.get("task_id")))  # fmt: skip
    checks.append(ordering.order(log.order_check(lg, docs.ann, len(docs.add_envs)), lg, docs))
    rec = docs.rec_env.doc if docs.rec_env else None
    checks.append(log.reveal_check(rec, lg))
    checks.append(log.chain_check(rec, lg, fmt, ordering.committed_at(found, docs)))
    what = complete.subject(
        found,
        docs.ann.task.id if docs.ann else None,
        docs.rec_env.digest if docs.rec_env else None,
        [a.digest if a else None for a in docs.add_envs],
    )
    checks.extend(complete.checks(found, fmt, lg, what, keys, checkpoints))
    exp = tables.expected(found, docs.ann, rec, docs.add_envs, fmt)
    checks.append(tables.results_check(found, exp, fmt))
    checks.append(tables.xlsx_check(found))
    names = tables.csv_names(found, fmt)
    checks.append(page.page_check(found, exp, docs.rec_env, docs.add_envs, names))
    checks.extend(results.checks(found, keys, docs.ann, docs.rec_env, docs.add_envs, lg, names))
    checks.append(files.files_check(found))
    checks.append(files.sums_signature(found, keys))
    if not trusted:
        checks = _unconfirmed(checks, own)

    return BundleReport(
        checks=tuple(checks),
        path=root,
        fmt=fmt,
        task_id=docs.ann.task.id if docs.ann else None,
        record_digest=docs.rec_env.digest if docs.rec_env else None,
        code=layout.short_code(docs.rec_env.digest) if docs.rec_env else None,
        trusted=tuple(sorted(trusted)),
        entity=None if entity is None else documents.entity(entity, docs, population),
        log_seqs=dict(lg.seqs),
    )
