"""What the room enters, as evidence for the announced entropy sources.

Entropy files (``--entropy``, ``--drand-file``, a path typed at the ceremony) are read and
checked for shape here; each value the room gives (dice, lottery numbers, a drand round) becomes
the evidence of :mod:`randcheck.core.draw.entropy` and is checked against its announced source
before the ceremony goes on, so that a mistyped value is asked again, never drawn with.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from randcheck.core.canonical import canonical, parse
from randcheck.core.draw import drand, entropy
from randcheck.errors import InputError, VerificationError
from randcheck.services.audit import format_time
from randcheck.services.draws import PRACTICE_NONCE, DrawPlan, sources_for

# --- entropy files ------------------------------------------------------------------------


def read_entropy_file(path: Path) -> dict[str, Any]:
    """An entropy file (``--entropy``): ``{"dice": {...}, "lottery": {...}, "drand": ...}``,
    checked for shape; ``InputError`` naming the file otherwise."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError("ceremony.entropy_missing_file", file=str(path)) from exc
    try:
        doc = parse(raw.removeprefix(b"\xef\xbb\xbf"))  # depth-limited, no floats, no dupes
    except InputError as exc:
        raise InputError(
            "ceremony.entropy_unreadable",
            file=str(path),
            reason_key=exc.code,
            reason_params=dict(exc.params),
        ) from exc
    if not isinstance(doc, dict) or not set(doc) <= {"dice", "lottery", "drand"}:
        raise InputError("ceremony.entropy_shape", file=str(path))
    for key in ("dice", "lottery"):
        part = doc.get(key, {})
        if not isinstance(part, dict) or not all(
            isinstance(v, list) and all(type(x) is int for x in v) for v in part.values()
        ):
            raise InputError("ceremony.entropy_field", file=str(path), field=key)
    return doc


def read_drand_file(path: Path) -> str:
    """The text of a drand round file (``--drand-file``, or a path typed at the ceremony)."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
        raise InputError("ceremony.entropy_missing_file", file=str(path)) from exc
    except UnicodeDecodeError as exc:
        raise InputError("ceremony.entropy_unreadable", file=str(path), reason=str(exc)) from exc


# --- evidence -----------------------------------------------------------------------------


def dice_evidence(
    source: Mapping[str, Any], values: Sequence[int], index: int = 0
) -> dict[str, Any]:
    """Evidence for one dice source (``index`` in the announcement); ``InputError`` on a bad
    roll."""
    ev = entropy.dice_evidence(str(source["witness"]), _values(values, f"dice:{source['witness']}"))
    _check_one(source, ev, index)
    return ev


def lottery_evidence(
    source: Mapping[str, Any], numbers: Sequence[int], index: int = 0
) -> dict[str, Any]:
    name, period = str(source["name"]), str(source["period"])
    ev = entropy.lottery_evidence(name, period, _values(numbers, f"lottery:{name}"))
    _check_one(source, ev, index)
    return ev


def _values(values: Any, source: str) -> list[Any]:
    """A list of numbers from an entropy file or prompt (anything else: ``InputError``)."""
    if not isinstance(values, list | tuple):
        raise InputError("draw.entropy_bad", source=source)
    return list(values)


def drand_evidence(
    source: Mapping[str, Any],
    beacon_json: str,
    drawn_at: str,
    announced_at: str,
    round_: int | None = None,
) -> dict[str, Any]:
    """Parse and verify a pasted drand round against the announced chain and round (under
    v2 the round the commitment fixed, ``round_``)."""
    round_no, sig, prev = drand.parse_beacon(beacon_json)
    want = source.get("round", round_)
    if round_no != want:
        # v2 (its drand source has a margin and no announced round): the commitment fixed it
        code = "draw.drand_wrong_round_v2" if "margin" in source else "draw.drand_wrong_round"
        raise VerificationError(code, got=round_no, want=want)
    ev = entropy.drand_evidence(str(source["chain_hash"]), round_no, sig, prev)
    entropy.check_evidence(source, ev, 0, announced_at, drawn_at, verify_bls=True)
    return ev


def _check_one(source: Mapping[str, Any], ev: Mapping[str, Any], index: int) -> None:
    try:
        entropy.check_evidence(
            source, ev, index, "0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z", False
        )
    except VerificationError as exc:
        # name the source as the file and the screen do (its 1-based number and its name)
        label = source.get("witness") or f"{source.get('name')} {source.get('period')}"
        params = {**exc.params, "index": index + 1}
        raise InputError(
            "draw.bad_evidence", source=str(label), reason_key=exc.code, reason_params=params
        ) from exc


def nonce_evidence(plan: DrawPlan, practice: bool = False) -> dict[str, Any]:
    return entropy.nonce_evidence(PRACTICE_NONCE if practice else plan.nonce)


def drand_round_time(source: Mapping[str, Any], round_: int | None = None) -> str:
    chain = drand.chain_by_hash(str(source["chain_hash"]))
    round_no = int(source.get("round", round_ or 0))
    return format_time(datetime.fromtimestamp(drand.round_time(chain, round_no), UTC))


def committed_from_file(
    plan: DrawPlan, doc: Mapping[str, Any], practice: bool = False
) -> list[dict[str, Any] | None]:
    """The values a v2 commitment fixes, from an entropy file: dice and lottery evidence,
    None for the nonce and drand sources (docs/SPEC-v2.md §2)."""
    full = evidence_from_file(plan, doc, "", practice, committed_only=True)
    return [e if e.get("type") in ("dice", "lottery") else None for e in full]


def evidence_from_file(
    plan: DrawPlan,
    doc: Mapping[str, Any],
    drawn_at: str,
    practice: bool = False,
    rounds: Mapping[int, int] | None = None,
    committed_only: bool = False,
) -> list[dict[str, Any]]:
    """Evidence for every announced source from an entropy file (non-interactive draws)::

    {"dice": {"<witness>": [values...]}, "lottery": {"<name>": [numbers...]},
     "drand": <the round's JSON object or text>}

    Under v2 ``rounds`` (source index -> round) are the rounds the commitment fixed;
    ``committed_only`` leaves the drand sources out (as ``{"type": "drand"}`` placeholders).
    """
    if not isinstance(doc, Mapping):
        raise InputError("draw.entropy_bad", source="(file)")
    dice = doc.get("dice", {})
    lottery = doc.get("lottery", {})
    for name, part in (("dice", dice), ("lottery", lottery)):
        if not isinstance(part, Mapping):
            raise InputError("draw.entropy_bad", source=name)
    out: list[dict[str, Any]] = []
    for i, src in enumerate(sources_for(plan, practice)):
        kind = src["type"]
        if kind == "nonce":
            out.append(nonce_evidence(plan, practice))
        elif kind == "dice":
            if src["witness"] not in dice:
                raise InputError("draw.entropy_missing", source=f"dice:{src['witness']}")
            out.append(dice_evidence(src, dice[src["witness"]], i))
        elif kind == "lottery":
            if src["name"] not in lottery:
                raise InputError("draw.entropy_missing", source=f"lottery:{src['name']}")
            out.append(lottery_evidence(src, lottery[src["name"]], i))
        elif committed_only:
            out.append({"type": "drand"})
        else:
            beacon = doc.get("drand")
            if beacon is None:
                raise InputError("draw.entropy_missing", source="drand")
            text = beacon if isinstance(beacon, str) else canonical(beacon).decode("utf-8")
            want = None if rounds is None else rounds.get(i)
            out.append(drand_evidence(src, text, drawn_at, plan.announced_at, want))
    return out
