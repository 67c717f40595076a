"""``commitment.*`` and the v2 ``log.order``: the order of the randomness of a
randcheck/draw/v2 bundle (docs/SPEC-v2.md §8), and what it rests on, in words.

Reported only for v2 records: a v1 bundle gets none of these checks.  The commitment envelope
(``commitment.json``), its timestamp token (``commitment.tsr``) and the witnesses' public keys
(``keys/witnesses/<key id>.pub``) are read here, within small fixed bounds; each witness key is
used only for the key id the signed announcement declares, so a key in the bundle is never
trusted for being there.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping, Sequence
from fractions import Fraction
from typing import Any

from randcheck.bundle import layout
from randcheck.bundle import results as rbundle
from randcheck.core import note, signing
from randcheck.core.canonical import parse
from randcheck.core.checks import Check
from randcheck.core.chinatime import beijing_time
from randcheck.core.draw import commitment as com
from randcheck.core.draw.envelope import Envelope, open_envelope
from randcheck.core.draw.spec import SPEC_V2_ID
from randcheck.errors import RandcheckError
from randcheck.services import keys as keys_svc
from randcheck.services.verify.documents import Documents
from randcheck.services.verify.log import Log
from randcheck.services.verify.reading import KIB, BundleFiles

COMMITMENT_CAP = 256 * KIB
TOKEN_CAP = 64 * KIB
KEY_CAP = 4 * KIB
#: the signature checks among them (unverified without a trusted operator key)
SIGNER_CHECKS = frozenset({"commitment.signature"})


def is_v2(docs: Documents) -> bool:
    return docs.ann is not None and docs.ann.spec == SPEC_V2_ID


def _witness_keys(found: BundleFiles, docs: Documents) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    if docs.ann is None or docs.ann.ordering is None:
        return out
    for w in docs.ann.ordering.witnesses:
        raw = found.load(layout.witness_key_file(w.keyid), KEY_CAP)
        if raw is None:
            continue
        try:
            public, _name = keys_svc.parse_public_text(raw.decode("utf-8"), w.keyid)
        except (RandcheckError, UnicodeDecodeError):
            continue
        if signing.key_id(public) == w.keyid:
            out[w.keyid] = public
    return out


#: the name a randcheck log signs its checkpoints under: ``randcheck/<region>/<key id, 16 hex>``
_LOG_NAME = re.compile(r"^randcheck/[0-9]{6}/([0-9a-f]{16})$")


def office_signers(found: BundleFiles, docs: Documents) -> dict[str, str]:
    """Every key that signs one of the office's documents in the bundle, as key id -> the file
    (SPEC-v2 §8): the first signature (the office's, SPEC §2) of the announcement, the record,
    the addenda and the inspection results documents, ``SHA256SUMS.sig`` and the log
    checkpoint (a checkpoint names its key by the first 16 hex digits of its id: a declared
    witness key with that prefix counts as its signer).  A witness's co-signature after the
    office's (a record MAY carry them) is not the office's.  Read without checking a signature:
    a key that even claims to sign for the office is no witness."""
    out: dict[str, str] = {}

    def add(env: Envelope | None, path: str) -> None:
        if env is not None and env.signatures:
            out.setdefault(env.signatures[0][0], path)

    add(docs.ann_env, layout.ANNOUNCEMENT)
    add(docs.rec_env, layout.RECORD)
    addenda = sorted(p for p in found if layout.is_addendum_file(p))
    for env, path in zip(docs.add_envs, addenda, strict=False):
        add(env, path)
    for path in sorted(found):
        if rbundle.doc_seq(path) is None:
            continue
        try:
            add(open_envelope(found[path]), path)
        except RandcheckError:
            continue
    sums_sig = found.get(layout.SUMS_SIG)
    if sums_sig is not None:
        try:
            doc = parse(sums_sig.rstrip(b"\n"))
            if isinstance(doc, dict) and isinstance(doc.get("keyid"), str):
                out.setdefault(doc["keyid"], layout.SUMS_SIG)
        except RandcheckError:
            pass
    prefixes = _checkpoint_signers(found.get(layout.CHECKPOINT))
    if docs.ann is not None and docs.ann.ordering is not None:
        for w in docs.ann.ordering.witnesses:
            if w.keyid[:16] in prefixes:
                out.setdefault(w.keyid, layout.CHECKPOINT)
    return out


def _checkpoint_signers(raw: bytes | None) -> set[str]:
    """The 16-hex key id prefixes of the randcheck log names that sign a checkpoint, or that
    it names as its origin."""
    if raw is None:
        return set()
    try:
        parsed = note.parse(raw.decode("utf-8"))
    except (RandcheckError, UnicodeDecodeError):
        return set()
    names = [sig.name for sig in parsed.signatures] + parsed.text.split("\n", 1)[:1]
    return {m.group(1) for m in map(_LOG_NAME.match, names) if m}


def checks(
    found: BundleFiles,
    docs: Documents,
    keys: Mapping[str, bytes],
    trusted_tsa: Sequence[bytes],
    trusted_witnesses: Collection[str] = (),
) -> list[Check]:
    """The ``commitment.*`` checks (none for a v1 bundle), ``commitment.anchor`` saying in
    words what the ordering rests on.  ``trusted_witnesses``: key ids of the witness keys the
    reader trusts (``--trusted-keys`` or the workspace's trusted witness keys)."""
    if not is_v2(docs) or docs.ann is None or docs.ann_env is None:
        return []
    raw = found.load(layout.COMMITMENT, COMMITMENT_CAP)
    token = found.load(layout.COMMITMENT_TOKEN, TOKEN_CAP)
    rec = docs.rec_env.doc if docs.rec_env is not None else {}
    res = com.check_ordering(
        docs.ann_env, docs.ann, rec, raw, token,
        operator_keys=keys, witness_keys=_witness_keys(found, docs), trusted_tsa=trusted_tsa,
        trusted_witnesses=trusted_witnesses, office_signers=office_signers(found, docs),
    )  # fmt: skip
    out = []
    for c in res.checks:
        if c.name == "commitment.envelope" and raw is None:
            c = found.absent(c.name, layout.COMMITMENT)
        if c.name == "commitment.anchor" and c.ok:
            c = anchor_words(res, rec)
        out.append(c)
    return out


def committed_at(found: BundleFiles, docs: Documents) -> str | None:
    """The ``committed_at`` of a v2 bundle's commitment (``commitment.json``), unchecked (the
    ``commitment.*`` checks say whether it holds); None for v1 or when unreadable."""
    raw = found.get(layout.COMMITMENT)
    if not is_v2(docs) or raw is None:
        return None
    try:
        value = open_envelope(raw, com.KIND).doc.get("committed_at")
    except RandcheckError:
        return None
    return value if isinstance(value, str) else None


def anchor_words(res: com.OrderingResult, rec: Mapping[str, Any]) -> Check:
    """``commitment.anchor`` in words: "时间戳机构 X 于 T 证明" / "见证人 A、B 当场联署…确认承诺
    时间" / "仅凭本单位时钟".  Passed when it rests on a timestamp or on witnesses whose keys the
    reader trusts and nothing the announcement declared is missing; a warning (exit 0) for the
    office's clock only, or when a declared timestamp or every declared witness's co-signature
    is missing; unverified when it would rest on witnesses none of whose keys the reader trusts
    (their word on the time is then only the office's).  Declared witnesses who did not
    co-sign, and co-signers whose keys are not trusted, are named (SPEC-v2 §8)."""
    rounds = [e.get("round") for e in rec.get("entropy", []) if isinstance(e, Mapping)
              and e.get("type") == "drand"]  # fmt: skip
    params: dict[str, Any] = {"round": rounds[0] if rounds else "-"}
    name = "commitment.anchor"
    absent = res.absent if res.witnesses else []  # nobody co-signed: "无一联署" says it
    tail_key = (
        "verify.ordering_tail"
        + ("_unconfirmed" if res.unconfirmed else "")
        + ("_absent" if absent else "")
    )
    tail = {"tail_key": tail_key,
            "tail_params": {"round": params["round"], "unconfirmed": "、".join(res.unconfirmed),
                            "absent": "、".join(absent)}}  # fmt: skip
    names = "、".join(res.confirmed)
    if res.token is not None:
        params.update(tsa=res.token.tsa_name, time=_when_up(res.token.latest_exact), **tail)
        if names:
            return Check.passed(name, "verify.ordering_tsa_witnesses", **params, names=names)
        if com.ANCHOR_WITNESSES in res.missing:
            return Check.warning(name, "verify.ordering_tsa_no_witness", **params)
        return Check.passed(name, "verify.ordering_tsa", **params)
    params["time"] = "-" if res.committed_at is None else _when_up(res.committed_at)
    if names:
        params.update(tail)
        if com.ANCHOR_TSA in res.missing:
            return Check.warning(name, "verify.ordering_witnesses_no_tsa", **params, names=names)
        return Check.passed(name, "verify.ordering_witnesses", **params, names=names)
    if res.witnesses:  # co-signed, but by no key the reader trusts
        code = "verify.ordering_witnesses_unconfirmed" + ("_absent" if absent else "")
        return Check.not_verified(name, code, **params, names="、".join(res.unconfirmed),
                                  absent="、".join(absent))  # fmt: skip
    if res.missing == [com.ANCHOR_TSA]:
        return Check.warning(name, "verify.ordering_clock_no_tsa", **params)
    if res.missing == [com.ANCHOR_WITNESSES]:
        return Check.warning(name, "verify.ordering_clock_no_witness", **params)
    if res.missing:
        return Check.warning(name, "verify.ordering_clock_no_anchor", **params)
    return Check.warning(name, "verify.ordering_clock", **params)


def _when_up(unix: Fraction) -> str:
    """北京时间, to the second, rounded UP: the time shown is an upper bound ("no later than"),
    so a fraction of a second is never cut off it."""
    return beijing_time(math.ceil(unix))


def order(base: Check, lg: Log, docs: Documents) -> Check:
    """``log.order`` for v2: v1's rules, then announcement < committed < revealed < record.

    The log's times are the office's clock, so the commitment's order against the round rests
    on the anchor (``commitment.round``), not on when it was logged: a relayed timestamp may
    come back after the round it fixes was published, and that is not a fault."""
    if not is_v2(docs) or not base.ok or docs.rec_env is None:
        return base
    digest = docs.rec_env.doc.get("commitment")
    committed = lg.seqs.get("commitment")
    record = lg.seqs.get("record")
    announced = lg.seqs.get("announcement")
    if not isinstance(digest, str) or committed is None or record is None or announced is None:
        return Check.skipped("log.order")
    revealed = lg.payload(record).get("revealed")
    steps = [announced, committed, *([revealed] if isinstance(revealed, int) else []), record]
    if steps != sorted(set(steps)):
        return Check.failed("log.order", "verify.order_commitment", committed=committed,
                            record=record)  # fmt: skip
    if isinstance(revealed, int) and lg.payload(revealed).get("commitment") != digest:
        return Check.failed("log.order", "verify.order_commitment", committed=committed,
                            record=record)  # fmt: skip
    return base
