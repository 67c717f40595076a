"""The results document (docs/RESULTS-SPEC.md, ``randcheck/results/v1``): built and checked here.

A results document publishes, signed, the inspection results of one task's official record
that are final so far.  Documents of a task are numbered from 1 and chained by ``previous``;
a later document carries results entered since, and *corrections* of results an earlier
document published (each naming the document it corrects and why).  The office that signs
the record signs its results; the same envelope, digest and signature rules as the draw
documents apply (SPEC §2), with kind ``results``.

Everything here is pure: the service layer and the bundle verifier both call
:func:`check_chain`, so there is one statement of what a valid chain of results is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from randcheck.core.chinatime import CHINA
from randcheck.core.draw.announce import TOOL
from randcheck.core.draw.spec import (
    RESULTS_SPEC_ID,
    check_date,
    check_hex32,
    check_int,
    check_text,
    check_time,
)
from randcheck.core.vocabulary import Vocabulary
from randcheck.errors import InputError

KIND = "results"
FIELDS = (
    "spec", "kind", "tool", "task", "authority", "record", "addenda", "seq", "previous",
    "issued_at", "vocabulary", "results",
)  # fmt: skip
ENTRY_FIELDS = ("target", "item", "completed_on", "terms", "deadline", "correction")


@dataclass(frozen=True)
class Entry:
    """One target × item result as a results document publishes it."""

    target: str
    item: str
    completed_on: str
    terms: tuple[str, ...]
    deadline: str | None
    correction: Mapping[str, Any] | None = None  # {"replaces": seq, "reason": text}

    def to_json(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "item": self.item,
            "completed_on": self.completed_on,
            "terms": list(self.terms),
            "deadline": self.deadline,
            "correction": None if self.correction is None else dict(self.correction),
        }

    @property
    def key(self) -> tuple[str, str]:
        return (self.target, self.item)


def sort_key(key: tuple[str, str]) -> tuple[bytes, bytes]:
    """Entries are ordered by the UTF-8 bytes of (target, item): no locale, no collation."""
    return (key[0].encode("utf-8"), key[1].encode("utf-8"))


def build(
    *,
    task: str,
    authority: str,
    record: str,
    addenda: int,
    seq: int,
    previous: str | None,
    issued_at: str,
    vocabulary: Vocabulary,
    entries: Sequence[Entry],
    tool: str = TOOL,
) -> dict[str, Any]:
    """The body of a results document (entries sorted; raises ``InputError`` when empty)."""
    if not entries:
        raise InputError("results.nothing_to_publish", task=task)
    rows = sorted(entries, key=lambda e: sort_key(e.key))
    body = {
        "spec": RESULTS_SPEC_ID,
        "kind": KIND,
        "tool": tool,
        "task": task,
        "authority": authority,
        "record": record,
        "addenda": addenda,
        "seq": seq,
        "previous": previous,
        "issued_at": issued_at,
        "vocabulary": {"id": vocabulary.id, "digest": vocabulary.digest},
        "results": [e.to_json() for e in rows],
    }
    parse(body)  # what the office signs must pass the verifier's own parser
    return body


def _keys(value: Any, expected: Sequence[str], where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict) or set(value) != set(expected):
        raise InputError("results.bad_fields", where=where)
    return value


def parse(doc: Mapping[str, Any]) -> tuple[dict[str, Any], list[Entry]]:
    """Strictly parse a results body; returns (its header fields, its entries)."""
    d = _keys(doc, FIELDS, "results")
    if d["spec"] != RESULTS_SPEC_ID or d["kind"] != KIND:
        raise InputError("results.bad_fields", where="spec/kind")
    check_text(d["tool"], "tool")
    check_text(d["task"], "task")
    check_text(d["authority"], "authority")
    check_hex32(d["record"], "record")
    check_int(d["addenda"], "addenda", 0)
    check_int(d["seq"], "seq", 1)
    if d["seq"] == 1:
        if d["previous"] is not None:
            raise InputError("results.bad_fields", where="previous")
    else:
        check_hex32(d["previous"], "previous")
    check_time(d["issued_at"], "issued_at")
    voc = _keys(d["vocabulary"], ("id", "digest"), "vocabulary")
    check_text(voc["id"], "vocabulary.id")
    check_hex32(voc["digest"], "vocabulary.digest")
    if not isinstance(d["results"], list) or not d["results"]:
        raise InputError("results.bad_fields", where="results")
    entries: list[Entry] = []
    for i, raw in enumerate(d["results"]):
        where = f"results[{i}]"
        r = _keys(raw, ENTRY_FIELDS, where)
        check_text(r["target"], f"{where}.target")
        check_text(r["item"], f"{where}.item")
        check_date(r["completed_on"], f"{where}.completed_on")
        if r["deadline"] is not None:
            check_date(r["deadline"], f"{where}.deadline")
        terms = r["terms"]
        if not isinstance(terms, list) or not terms:
            raise InputError("results.bad_fields", where=f"{where}.terms")
        for t in terms:
            check_text(t, f"{where}.terms")
        corr = r["correction"]
        if corr is not None:
            c = _keys(corr, ("replaces", "reason"), f"{where}.correction")
            check_int(c["replaces"], f"{where}.correction.replaces", 1)
            check_text(c["reason"], f"{where}.correction.reason")
        entries.append(
            Entry(r["target"], r["item"], r["completed_on"], tuple(terms), r["deadline"], corr)
        )
    keys = [e.key for e in entries]
    if keys != sorted(keys, key=sort_key) or len(set(keys)) != len(keys):
        raise InputError("results.bad_order")
    return dict(d), entries


def china_date(utc_text: str) -> str:
    """The Beijing date of a ``YYYY-MM-DDTHH:MM:SSZ`` time."""
    return (datetime.strptime(utc_text, "%Y-%m-%dT%H:%M:%SZ") + CHINA).date().isoformat()


# -- the chain ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """What is wrong with a chain of results documents, as a catalog code and parameters."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Published:
    """What a valid chain publishes: the current result of each target × item."""

    current: dict[tuple[str, str], Entry] = field(default_factory=dict)
    first_on: dict[tuple[str, str], str] = field(default_factory=dict)  # first publication
    last_seq: dict[tuple[str, str], int] = field(default_factory=dict)
    late: list[tuple[str, str]] = field(default_factory=list)  # first published after deadline


def check_chain(
    docs: Sequence[tuple[str, Mapping[str, Any]]],
    *,
    task: str,
    record: str,
    drawn_at: str,
    targets_after: Sequence[set[str]],
    items: set[str],
    vocabularies: Mapping[str, Vocabulary],
) -> tuple[Published, Problem | None]:
    """Check the results documents ``docs`` (digest, body) of one task, in seq order.

    ``targets_after[n]`` is the set of current targets once the record's first ``n`` addenda
    apply; ``vocabularies`` maps a vocabulary digest to the vocabulary (a document names the
    one it uses by id and digest).  Returns what was published up to the first problem, and
    that problem (or None).
    """
    out = Published()
    previous: str | None = None
    last_time = drawn_at
    drawn_on = china_date(drawn_at)
    for n, (digest, body) in enumerate(docs, start=1):
        try:
            head, entries = parse(body)
        except InputError as exc:
            return out, Problem(exc.code, {"seq": n, **exc.params})
        if head["seq"] != n or head["previous"] != previous:
            return out, Problem("results.chain_broken", {"seq": n})
        if head["task"] != task or head["record"] != record:
            return out, Problem("results.wrong_record", {"seq": n})
        if head["addenda"] >= len(targets_after):
            return out, Problem("results.unknown_addenda", {"seq": n, "n": head["addenda"]})
        vocabulary = vocabularies.get(head["vocabulary"]["digest"])
        if vocabulary is None or vocabulary.id != head["vocabulary"]["id"]:
            return out, Problem(
                "results.wrong_vocabulary", {"seq": n, "id": head["vocabulary"]["id"]}
            )
        if head["issued_at"] < last_time:
            return out, Problem("results.time_backwards", {"seq": n})
        last_time = head["issued_at"]
        issued_on = china_date(head["issued_at"])
        targets = targets_after[head["addenda"]]
        for e in entries:
            where = {"seq": n, "target": e.target, "item": e.item}
            if e.target not in targets:
                return out, Problem("results.not_a_target", where)
            if e.item not in items:
                return out, Problem("results.not_an_item", where)
            words, problems = vocabulary.parse_terms("|".join(e.terms))
            if problems or tuple(words) != e.terms:
                return out, Problem("results.bad_terms", {**where, "terms": "、".join(e.terms)})
            if not drawn_on <= e.completed_on <= issued_on:
                return out, Problem("results.date_out_of_range", {**where, "date": e.completed_on})
            before = out.last_seq.get(e.key)
            if before is None and e.correction is not None:
                return out, Problem("results.correction_of_nothing", where)
            if before is not None and (e.correction is None or e.correction["replaces"] != before):
                return out, Problem("results.silent_change", {**where, "first": before})
            out.current[e.key] = e
            out.last_seq[e.key] = n
            if before is None:
                out.first_on[e.key] = issued_on
                if e.deadline is not None and issued_on > e.deadline:
                    out.late.append(e.key)
        previous = digest
    return out, None
