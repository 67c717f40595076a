"""The results document (docs/RESULTS-SPEC.md): strict parsing, the chain rules with each of
their problem codes, the order of entries, and the known-answer vectors of §6 (recomputed
from the code, and once more from the spec's formulas with hashlib and cryptography only)."""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import json
import unicodedata
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from hypothesis import given
from hypothesis import strategies as st

from randcheck.bundle import results as rbundle
from randcheck.bundle import table as tbl
from randcheck.core import results as rdoc
from randcheck.core import signing
from randcheck.core.canonical import canonical, parse
from randcheck.core.draw.envelope import open_envelope, seal, sign, verify, wrap
from randcheck.core.draw.spec import digest
from randcheck.core.vocabulary import Vocabulary, shipped
from randcheck.core.workdays import Calendar
from randcheck.errors import InputError
from tests.core.draw.helpers import vector
from tests.vectors import generate_results as gen

VOCAB = Vocabulary.from_document(gen.VOCABULARY)
TASK = "T-1"
RECORD = "ab" * 32
DRAWN_AT = "2023-09-15T11:05:00Z"  # Beijing 2023-09-15 19:05
ISSUED = "2023-10-20T02:00:00Z"
ISSUED_2 = "2023-11-02T02:00:00Z"
#: targets after 0 and after 1 addendum: OLD was replaced by NEW
TARGETS = [{"T1", "T2", "OLD"}, {"T1", "T2", "NEW"}]
ITEMS = {"I1", "I2"}
OK = ("未发现问题",)
FOUND = ("违反食品药品管理相关规定",)


def entry(
    target: str = "T1",
    item: str = "I1",
    done: str = "2023-10-10",
    terms: tuple[str, ...] = OK,
    deadline: str | None = "2023-11-07",
    correction: dict[str, Any] | None = None,
) -> rdoc.Entry:
    return rdoc.Entry(target, item, done, terms, deadline, correction)


def body(
    entries: list[rdoc.Entry] | None = None,
    *,
    seq: int = 1,
    previous: str | None = None,
    issued_at: str = ISSUED,
    addenda: int = 1,
    task: str = TASK,
    record: str = RECORD,
    vocabulary: Vocabulary = VOCAB,
) -> dict[str, Any]:
    return rdoc.build(
        task=task,
        authority="测试局",
        record=record,
        addenda=addenda,
        seq=seq,
        previous=previous,
        issued_at=issued_at,
        vocabulary=vocabulary,
        entries=entries if entries is not None else [entry()],
        tool="randcheck test",
    )


def did(doc: dict[str, Any]) -> str:
    """The document's digest (of its canonical bytes, whatever its spec and kind say)."""
    return digest("results", canonical(doc))


def chain(
    *docs: dict[str, Any], drawn_at: str = DRAWN_AT, **over: Any
) -> tuple[rdoc.Published, rdoc.Problem | None]:
    args: dict[str, Any] = {
        "task": TASK,
        "record": RECORD,
        "drawn_at": drawn_at,
        "targets_after": TARGETS,
        "items": ITEMS,
        "vocabularies": {VOCAB.digest: VOCAB},
    }
    args.update(over)
    return rdoc.check_chain([(did(d), d) for d in docs], **args)


def two(first: list[rdoc.Entry], second: list[rdoc.Entry], **over: Any) -> list[dict[str, Any]]:
    """Document 1 with ``first``, document 2 (chained to it) with ``second``."""
    d1 = body(first)
    d2 = body(second, seq=2, previous=did(d1), **{"issued_at": ISSUED_2, **over})
    return [d1, d2]


# -- parse(): every malformed shape is refused ----------------------------------------------


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(d: dict[str, Any]) -> None:
        *keys, last = path.split(".")
        target: Any = d
        for k in keys:
            target = target[int(k)] if k.isdigit() else target[k]
        target[int(last) if last.isdigit() else last] = value

    return edit


def _drop(path: str) -> Callable[[dict[str, Any]], None]:
    def edit(d: dict[str, Any]) -> None:
        *keys, last = path.split(".")
        target: Any = d
        for k in keys:
            target = target[int(k)] if k.isdigit() else target[k]
        del target[last]

    return edit


def _extra(path: str) -> Callable[[dict[str, Any]], None]:
    def edit(d: dict[str, Any]) -> None:
        target: Any = d
        for k in filter(None, path.split(".")):
            target = target[int(k)] if k.isdigit() else target[k]
        target["extra"] = 1

    return edit


def _swap(d: dict[str, Any]) -> None:
    d["results"].reverse()


def _dupe(d: dict[str, Any]) -> None:
    d["results"].append(copy.deepcopy(d["results"][-1]))


MALFORMED: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("missing key", _drop("tool"), "results.bad_fields"),
    ("extra key", _extra(""), "results.bad_fields"),
    ("wrong spec", _set("spec", "randcheck/draw/v1"), "results.bad_fields"),
    ("wrong kind", _set("kind", "record"), "results.bad_fields"),
    ("empty tool", _set("tool", ""), "proto.bad_text"),
    ("task not NFC", _set("task", "e\u0301"), "proto.bad_text"),
    ("authority not text", _set("authority", 5), "proto.bad_text"),
    ("record upper hex", _set("record", "AB" * 32), "proto.bad_hex"),
    ("record short", _set("record", "ab" * 31), "proto.bad_hex"),
    ("addenda negative", _set("addenda", -1), "proto.bad_int"),
    ("addenda bool", _set("addenda", True), "proto.bad_int"),
    ("addenda text", _set("addenda", "1"), "proto.bad_int"),
    ("seq zero", _set("seq", 0), "proto.bad_int"),
    ("seq 1 with previous", _set("previous", "cd" * 32), "results.bad_fields"),
    ("issued_at with space", _set("issued_at", "2023-10-20 02:00:00Z"), "proto.bad_time"),
    ("issued_at no such day", _set("issued_at", "2023-02-30T02:00:00Z"), "proto.bad_time"),
    ("issued_at full-width digit", _set("issued_at", "２023-10-20T02:00:00Z"), "proto.bad_time"),
    ("vocabulary not object", _set("vocabulary", "x"), "results.bad_fields"),
    ("vocabulary no digest", _drop("vocabulary.digest"), "results.bad_fields"),
    ("vocabulary extra key", _extra("vocabulary"), "results.bad_fields"),
    ("vocabulary empty id", _set("vocabulary.id", ""), "proto.bad_text"),
    ("vocabulary bad digest", _set("vocabulary.digest", "x" * 64), "proto.bad_hex"),
    ("results not a list", _set("results", {}), "results.bad_fields"),
    ("results empty", _set("results", []), "results.bad_fields"),
    ("entry not an object", _set("results.0", ["T1"]), "results.bad_fields"),
    ("entry missing key", _drop("results.0.deadline"), "results.bad_fields"),
    ("entry extra key", _extra("results.0"), "results.bad_fields"),
    ("empty target", _set("results.0.target", ""), "proto.bad_text"),
    ("item not text", _set("results.0.item", 1), "proto.bad_text"),
    ("completed_on slashes", _set("results.0.completed_on", "2023/10/10"), "proto.bad_date"),
    ("completed_on no such day", _set("results.0.completed_on", "2023-02-29"), "proto.bad_date"),
    ("completed_on null", _set("results.0.completed_on", None), "proto.bad_date"),
    ("deadline bad", _set("results.0.deadline", "2023-11"), "proto.bad_date"),
    ("terms empty", _set("results.0.terms", []), "results.bad_fields"),
    ("terms a string", _set("results.0.terms", "未发现问题"), "results.bad_fields"),
    ("term not text", _set("results.0.terms", [1]), "proto.bad_text"),
    ("term empty", _set("results.0.terms", [""]), "proto.bad_text"),
    ("correction empty", _set("results.0.correction", {}), "results.bad_fields"),
    ("correction text", _set("results.0.correction", "更正"), "results.bad_fields"),
    ("correction extra key", _set("results.0.correction", {"replaces": 1, "reason": "x",
                                                            "by": "y"}), "results.bad_fields"),
    ("replaces zero", _set("results.0.correction", {"replaces": 0, "reason": "x"}),
     "proto.bad_int"),
    ("reason empty", _set("results.0.correction", {"replaces": 1, "reason": ""}),
     "proto.bad_text"),
    ("entries out of order", _swap, "results.bad_order"),
    ("entry twice", _dupe, "results.bad_order"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("edit", "code"), [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED]
)
def test_parse_rejects_each_malformed_shape(
    edit: Callable[[dict[str, Any]], None], code: str
) -> None:
    doc = body([entry("T1", "I1"), entry("T2", "I1")])
    rdoc.parse(doc)  # the unedited body parses
    edit(doc)
    with pytest.raises(InputError) as exc:
        rdoc.parse(doc)
    assert exc.value.code == code
    # check_chain reports the same problem, for the document it is in
    _, problem = chain(doc)
    assert problem is not None and problem.code == code and problem.params["seq"] == 1


def test_parse_refuses_a_later_document_without_previous_and_a_non_object() -> None:
    doc = body(seq=2, previous="cd" * 32)
    rdoc.parse(doc)
    doc["previous"] = None
    with pytest.raises(InputError) as exc:
        rdoc.parse(doc)
    assert exc.value.code == "proto.bad_hex"
    with pytest.raises(InputError) as exc:
        rdoc.parse([doc])  # type: ignore[arg-type]
    assert exc.value.code == "results.bad_fields"


def test_build_refuses_nothing_to_publish_and_what_parse_refuses() -> None:
    with pytest.raises(InputError) as exc:
        body([])
    assert exc.value.code == "results.nothing_to_publish"
    with pytest.raises(InputError) as exc:
        body([entry(), entry()])  # the same target x item twice
    assert exc.value.code == "results.bad_order"


def test_parse_returns_the_entries() -> None:
    corr = {"replaces": 1, "reason": "复核"}
    head, entries = rdoc.parse(body([entry("T2", "I2", correction=corr), entry()]))
    assert head["seq"] == 1 and head["vocabulary"] == {"id": VOCAB.id, "digest": VOCAB.digest}
    assert [e.key for e in entries] == [("T1", "I1"), ("T2", "I2")]
    assert entries[1].correction == corr and entries[0].to_json()["terms"] == list(OK)


# -- check_chain(): each problem code ---------------------------------------------------------


def test_a_valid_chain_publishes_current_first_and_late() -> None:
    d1, d2 = two(
        [entry("T1", "I1"), entry("T2", "I1", deadline="2023-10-19")],
        [
            entry("T1", "I1", terms=FOUND, correction={"replaces": 1, "reason": "复核"}),
            entry("NEW", "I2", done="2023-10-01", deadline="2023-10-31"),  # late
            entry("T2", "I2", deadline=None),  # no deadline stated: never late
        ],
    )
    published, problem = chain(d1, d2)
    assert problem is None
    assert published.current[("T1", "I1")].terms == FOUND
    assert published.first_on == {
        ("T1", "I1"): "2023-10-20",
        ("T2", "I1"): "2023-10-20",  # its deadline 2023-10-19 passed: late
        ("NEW", "I2"): "2023-11-02",
        ("T2", "I2"): "2023-11-02",
    }
    assert published.last_seq[("T1", "I1")] == 2 and published.last_seq[("T2", "I1")] == 1
    assert published.late == [("T2", "I1"), ("NEW", "I2")]  # a correction is never late


def test_a_result_for_a_target_replaced_later_is_checked_against_its_addenda() -> None:
    assert chain(body([entry("OLD")], addenda=0))[1] is None
    assert chain(body([entry("NEW")], addenda=1))[1] is None


CASES: list[tuple[str, Callable[[], list[dict[str, Any]]], str, dict[str, Any]]] = [
    ("unknown target", lambda: [body([entry("T9")])], "results.not_a_target",
     {"seq": 1, "target": "T9", "item": "I1"}),
    ("target replaced by the addenda it names", lambda: [body([entry("OLD")], addenda=1)],
     "results.not_a_target", {"seq": 1, "target": "OLD"}),
    ("target of a later addendum", lambda: [body([entry("NEW")], addenda=0)],
     "results.not_a_target", {"seq": 1, "target": "NEW"}),
    ("not an item", lambda: [body([entry(item="I9")])], "results.not_an_item",
     {"seq": 1, "item": "I9"}),
    ("term by code", lambda: [body([entry(terms=("1",))])], "results.bad_terms",
     {"seq": 1, "terms": "1"}),
    ("terms out of vocabulary order",
     lambda: [body([entry(terms=("发现问题经责令已改正", "违反食品药品管理相关规定"))])],
     "results.bad_terms", {"terms": "发现问题经责令已改正、违反食品药品管理相关规定"}),
    ("exclusive term with another", lambda: [body([entry(terms=("未发现问题", "注销"))])],
     "results.bad_terms", {}),
    ("term with its ancestor",
     lambda: [body([entry(terms=("发现问题待后续处理", "违反食品药品管理相关规定"))])],
     "results.bad_terms", {}),
    ("term twice", lambda: [body([entry(terms=("未发现问题", "未发现问题"))])],
     "results.bad_terms", {}),
    ("term by alias", lambda: [body([entry(terms=("已责令改正",))])], "results.bad_terms", {}),
    ("date before the draw", lambda: [body([entry(done="2023-09-14")])], "results.date_out_of_range",
     {"seq": 1, "date": "2023-09-14"}),
    ("date after the issue", lambda: [body([entry(done="2023-10-21")])], "results.date_out_of_range",
     {"date": "2023-10-21"}),
    ("silent change", lambda: two([entry()], [entry(terms=FOUND)]), "results.silent_change",
     {"seq": 2, "target": "T1", "item": "I1", "first": 1}),
    ("silent repeat", lambda: two([entry()], [entry()]), "results.silent_change",
     {"seq": 2, "first": 1}),
    ("correction of the wrong document",
     lambda: two([entry()], [entry(correction={"replaces": 2, "reason": "x"})]),
     "results.silent_change", {"seq": 2, "first": 1}),
    ("correction of nothing",
     lambda: [body([entry(correction={"replaces": 1, "reason": "x"})])],
     "results.correction_of_nothing", {"seq": 1, "target": "T1"}),
    ("first document numbered 2", lambda: [body(seq=2, previous="cd" * 32)],
     "results.chain_broken", {"seq": 1}),
    ("second document numbered 1", lambda: [body(), body([entry("T2")], issued_at=ISSUED_2)],
     "results.chain_broken", {"seq": 2}),
    ("previous is not the digest of the one before",
     lambda: [body(), body([entry("T2")], seq=2, previous="cd" * 32, issued_at=ISSUED_2)],
     "results.chain_broken", {"seq": 2}),
    ("another record", lambda: [body(record="cd" * 32)], "results.wrong_record", {"seq": 1}),
    ("another task", lambda: [body(task="T-2")], "results.wrong_record", {"seq": 1}),
    ("more addenda than there are", lambda: [body(addenda=2)], "results.unknown_addenda",
     {"seq": 1, "n": 2}),
    ("vocabulary not in the bundle", lambda: [body(vocabulary=shipped())],
     "results.wrong_vocabulary", {"seq": 1, "id": shipped().id}),
    ("vocabulary id not its own",
     lambda: [_renamed(body())], "results.wrong_vocabulary", {"seq": 1, "id": "other/v1"}),
    ("issued before the draw", lambda: [body(issued_at="2023-09-15T11:04:59Z",
                                            entries=[entry(done="2023-09-15")])],
     "results.time_backwards", {"seq": 1}),
    ("issued before the previous one",
     lambda: two([entry()], [entry("T2", done="2023-10-10")], issued_at="2023-10-20T01:59:59Z"),
     "results.time_backwards", {"seq": 2}),
]  # fmt: skip


def _renamed(doc: dict[str, Any]) -> dict[str, Any]:
    doc["vocabulary"]["id"] = "other/v1"
    return doc


@pytest.mark.parametrize(
    ("make", "code", "params"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_check_chain_reports_each_problem(
    make: Callable[[], list[dict[str, Any]]], code: str, params: dict[str, Any]
) -> None:
    _published, problem = chain(*make())
    assert problem is not None
    assert problem.code == code
    assert params.items() <= problem.params.items()


def test_dates_are_beijing_dates() -> None:
    # drawn at 16:30Z = 00:30 the next day in Beijing: the UTC date is before the draw
    late_draw = "2023-09-15T16:30:00Z"
    assert rdoc.china_date(late_draw) == "2023-09-16"
    _, problem = chain(body([entry(done="2023-09-15")]), drawn_at=late_draw)
    assert problem is not None and problem.code == "results.date_out_of_range"
    assert chain(body([entry(done="2023-09-16")]), drawn_at=late_draw)[1] is None
    # issued at 16:00Z = midnight in Beijing: that day's results may be in it
    issued = "2023-10-20T16:00:00Z"
    assert chain(body([entry(done="2023-10-21")], issued_at=issued))[1] is None
    _, problem = chain(body([entry(done="2023-10-21")], issued_at="2023-10-20T15:59:59Z"))
    assert problem is not None and problem.code == "results.date_out_of_range"


def test_equal_times_are_allowed_and_the_first_problem_stops_the_chain() -> None:
    d1 = body(issued_at=DRAWN_AT, entries=[entry(done="2023-09-15")])
    d2 = body([entry("T2", done="2023-09-15")], seq=2, previous=did(d1), issued_at=DRAWN_AT)
    assert chain(d1, d2)[1] is None
    d3 = body([entry("T9", done="2023-09-15")], seq=3, previous=did(d2), issued_at=DRAWN_AT)
    d4 = body([entry("T1", "I2", done="2023-09-15")], seq=4, previous=did(d3), issued_at=DRAWN_AT)
    published, problem = chain(d1, d2, d3, d4)
    assert problem is not None and problem.code == "results.not_a_target"
    assert problem.params["seq"] == 3
    assert set(published.current) == {("T1", "I1"), ("T2", "I1")}  # up to the problem


def test_a_document_may_change_its_vocabulary() -> None:
    d1, d2 = two(
        [entry()],
        [entry(terms=("违反食品药品管理相关规定",), correction={"replaces": 1, "reason": "x"})],
        vocabulary=shipped(),
    )
    both = {VOCAB.digest: VOCAB, shipped().digest: shipped()}
    assert chain(d1, d2, vocabularies=both)[1] is None
    _, problem = chain(d1, d2)
    assert problem is not None and problem.code == "results.wrong_vocabulary"


# -- build(): the order of entries ------------------------------------------------------------

_TEXT = st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=6).filter(
    lambda s: unicodedata.is_normalized("NFC", s)
)


@given(
    keys=st.lists(st.tuples(_TEXT, _TEXT), min_size=1, max_size=12, unique=True),
    data=st.data(),
)
def test_build_order_does_not_depend_on_input_order(
    keys: list[tuple[str, str]], data: st.DataObject
) -> None:
    entries = [entry(t, i) for t, i in keys]
    shuffled = data.draw(st.permutations(entries))
    one, other = body(entries), body(list(shuffled))
    assert one == other and seal(one) == seal(other)
    got = [(r["target"].encode(), r["item"].encode()) for r in one["results"]]
    assert got == sorted(got)


def test_order_is_utf8_bytes_not_utf16_nor_locale() -> None:
    # U+FF61 < U+1F600 in UTF-8 and code points; in UTF-16 the surrogate D83D comes first
    doc = body([entry("\U0001f600"), entry("\uff61"), entry("Z"), entry("a"), entry("张")])
    assert [r["target"] for r in doc["results"]] == ["Z", "a", "张", "\uff61", "\U0001f600"]


# -- the vectors (RESULTS-SPEC §6) ------------------------------------------------------------

V = vector(gen.OUT)


def test_generator_check_mode_reports_no_drift() -> None:
    assert gen.main(["--check"]) == 0


def test_generator_check_mode_catches_drift(monkeypatch: pytest.MonkeyPatch) -> None:
    real = gen.render

    def drifted(v: dict[str, Any]) -> dict[Any, bytes]:
        files = real(v)
        for path in files:
            files[path] += b" "
        return files

    monkeypatch.setattr(gen, "render", drifted)
    assert gen.main(["--check"]) == 1


def test_vector_vocabulary_digest_and_file() -> None:
    v = V["vocabulary"]
    raw = v["document"].encode("utf-8")
    assert raw == canonical(gen.VOCABULARY) == canonical(parse(raw))
    vocab = Vocabulary.from_document(parse(raw))
    assert vocab.digest == v["digest"] == hashlib.sha256(raw).hexdigest()
    assert canonical(vocab.document()) == raw
    assert (
        v["file"]
        == f"results/vocabulary-{v['digest']}.json"
        == rbundle.vocabulary_file(vocab.digest)
    )
    assert V["shipped_vocabulary"] == {"id": shipped().id, "digest": shipped().digest}


def _spec_terms_ok(doc: dict[str, Any], terms: list[str]) -> bool:
    """RESULTS-SPEC §3 "Terms of a result", written from the text alone."""
    index = {t["text"]: i for i, t in enumerate(doc["terms"])}
    by_code = {t["code"]: t for t in doc["terms"]}
    if not terms or any(t not in index for t in terms):
        return False
    pos = [index[t] for t in terms]
    if pos != sorted(set(pos)):
        return False
    if len(terms) > 1 and any(doc["terms"][p]["exclusive"] for p in pos):
        return False
    for p in pos:
        parent = doc["terms"][p]["parent"]
        while parent is not None:
            if by_code[parent]["text"] in terms:
                return False
            parent = by_code[parent]["parent"]
    return True


@pytest.mark.parametrize("case", V["vocabulary"]["term_cases"], ids=lambda c: c["why"])
def test_vector_term_cases(case: dict[str, Any]) -> None:
    terms = case["terms"]
    assert _spec_terms_ok(gen.VOCABULARY, terms) is case["valid"]
    words, problems = VOCAB.parse_terms("|".join(terms))
    assert (not problems and words == terms) is case["valid"]
    _, problem = chain(body([entry(terms=tuple(terms))]))
    assert (problem is None) is case["valid"]
    if not case["valid"]:
        assert problem is not None and problem.code == "results.bad_terms"


def _lp(b: bytes) -> bytes:
    return len(b).to_bytes(4, "big") + b


def test_vector_documents_recomputed_by_the_code() -> None:
    rebuilt = gen.build()
    key = signing.private_from_seed(bytes.fromhex(V["signing_key_seed"]))
    assert signing.public_raw(key).hex() == V["public_key"]
    assert signing.key_id(signing.public_raw(key)) == V["key_id"]
    keys = {V["key_id"]: bytes.fromhex(V["public_key"])}
    for doc, again in zip(V["documents"], rebuilt["documents"], strict=True):
        assert doc == again
        raw = doc["body"].encode("utf-8")
        assert seal(json.loads(raw)) == raw  # canonical
        assert digest("results", raw) == doc["digest"]
        assert sign("results", raw, key) == (V["key_id"], doc["signature"])
        assert wrap(raw, [(V["key_id"], doc["signature"])]) == doc["envelope"].encode()
        env = open_envelope(doc["envelope"].encode(), "results")
        assert env.digest == doc["digest"] and verify(env, keys) == [V["key_id"]]
        head, entries = rdoc.parse(env.doc)
        assert doc["log_payload"] == {
            "task": head["task"],
            "record": head["record"],
            "results": doc["digest"],
            "seq": head["seq"],
            "count": len(entries),
            "corrections": sum(e.correction is not None for e in entries),
            "vocabulary": head["vocabulary"]["id"],
        }
    assert rebuilt == V


def test_vector_documents_recomputed_from_the_spec_alone() -> None:
    """SPEC §2 with kind "results", with hashlib and cryptography only."""
    tags = {n: _lp(f"randcheck/draw/v1/{n}".encode()) for n in ("document", "signature")}
    assert {n: t.hex() for n, t in tags.items()} == V["tags"]
    public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(V["public_key"]))
    spki = bytes.fromhex("302a300506032b6570032100") + bytes.fromhex(V["public_key"])
    assert hashlib.sha256(spki).hexdigest() == V["key_id"]
    previous = None
    for n, doc in enumerate(V["documents"], start=1):
        env = doc["envelope"].encode("utf-8")
        i = env.rfind(b',"signatures":[')
        raw = env[10:i]
        assert raw == doc["body"].encode("utf-8")
        data = tags["document"] + _lp(b"results") + _lp(raw)
        assert hashlib.sha256(data).hexdigest() == doc["digest"]
        public.verify(
            bytes.fromhex(doc["signature"]), tags["signature"] + _lp(b"results") + _lp(raw)
        )
        b = json.loads(raw)
        assert b["spec"] == "randcheck/results/v1" and b["kind"] == "results"
        assert b["seq"] == n and b["previous"] == previous
        assert b["record"] == V["record_digest"] and b["task"] == V["task"]
        assert b["vocabulary"]["digest"] == V["vocabulary"]["digest"]
        keys = [(r["target"].encode(), r["item"].encode()) for r in b["results"]]
        assert keys == sorted(set(keys))
        previous = doc["digest"]


def test_vector_deadlines_follow_the_working_day_calendar() -> None:
    from datetime import date

    cal = Calendar.shipped()
    for doc in V["documents"]:
        for r in json.loads(doc["body"])["results"]:
            due = cal.deadline(date.fromisoformat(r["completed_on"]), V["period_days"]).due
            assert due is not None and r["deadline"] == due.isoformat()


def test_vector_chain_and_table() -> None:
    bodies = [(d["digest"], json.loads(d["body"])) for d in V["documents"]]
    vocab = Vocabulary.from_document(parse(V["vocabulary"]["document"].encode()))
    published, problem = rdoc.check_chain(
        bodies,
        task=V["task"],
        record=V["record_digest"],
        drawn_at=V["drawn_at"],
        targets_after=[set(t) for t in V["targets_after"]],
        items=set(V["items"]),
        vocabularies={vocab.digest: vocab},
    )
    assert problem is None
    assert [list(k) for k in published.late] == V["late"]
    # the targets after the addenda are those of the draw vector's record and addenda
    d = vector("draw.json")
    rec = json.loads(d["record"])["signed"]
    adds = [json.loads(a)["signed"] for a in d["addenda"]]
    assert [sorted(s) for s in rbundle.targets_after(rec, adds)] == V["targets_after"]
    ann = json.loads(d["announcement"])["signed"]
    order = [r["code"] for r in tbl.result_rows([s["id"] for s in ann["strata"]], rec, adds)]
    rows = rbundle.table(
        V["task"],
        order,
        V["items"],
        published,
        V["names"],
        rbundle.corrections([b for _d, b in bodies]),
    )
    assert rows == V["table"]["rows"]
    raw = bytes.fromhex(V["table"]["csv_hex"])
    assert rbundle.to_csv(rows) == raw
    assert hashlib.sha256(raw).hexdigest() == V["table"]["csv_sha256"]


def test_vector_table_bytes_from_the_spec_alone() -> None:
    """RESULTS-SPEC §5.2: header, published dates, notes, 、, inert cells, BOM, CRLF."""
    raw = bytes.fromhex(V["table"]["csv_hex"])
    assert raw.startswith(b"\xef\xbb\xbf") and raw.endswith(b"\r\n")
    assert raw.count(b"\r\n") == len(V["table"]["rows"]) and b"\n" not in raw.replace(b"\r\n", b"")
    rows = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline="")))
    assert rows[0] == ["序号", "任务编号", "统一社会信用代码/注册号", "名称", "抽查事项",
                       "检查完成日期", "检查结果", "公示日期", "备注"]  # fmt: skip
    docs = [json.loads(d["body"]) for d in V["documents"]]
    current: dict[tuple[str, str], dict[str, Any]] = {}
    first: dict[tuple[str, str], str] = {}
    note: dict[tuple[str, str], str] = {}
    for b in docs:
        for r in b["results"]:
            k = (r["target"], r["item"])
            current[k] = r
            first.setdefault(k, rdoc.china_date(b["issued_at"]))
            if r["correction"] is not None:
                note[k] = f"第 {b['seq']} 号公示更正：{r['correction']['reason']}"
    assert len(rows) - 1 == len(current)
    for n, row in enumerate(rows[1:], start=1):
        code = row[2]
        k = (code, row[4])
        name = V["names"][code]
        shown = "'" + name if name[:1] in "=+-@\t\r'" else name
        assert row == [str(n), V["task"], code, shown, row[4], current[k]["completed_on"],
                       "、".join(current[k]["terms"]), first[k], note.get(k, "")]  # fmt: skip
    assert "第 2 号公示更正：复核后更正检查结果" in rows[3]
