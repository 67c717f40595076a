"""Known-answer vectors for randcheck/results/v1 (docs/RESULTS-SPEC.md §6).

    python -m tests.vectors.generate_results          # rewrite results-v1.json and RESULTS-SPEC §6
    python -m tests.vectors.generate_results --check  # exit 1 if anything drifted

The documents answer the draw of ``draw.json`` (docs/SPEC.md §13.5): same task, record, items
and targets after its two addenda, and the same signing key, ``Ed25519 private key from seed
bytes(32)`` (32 zero bytes; never use it for real).  Every other input is fixed here: a small
vocabulary, the entries, the times, the entity names and the deadlines (20 working days on the
shipped calendar).
"""

from __future__ import annotations

import hashlib
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from randcheck.bundle import results as rbundle
from randcheck.bundle import table as tbl
from randcheck.core import results as rdoc
from randcheck.core import signing
from randcheck.core.canonical import canonical
from randcheck.core.draw.envelope import open_envelope, seal, sign, wrap
from randcheck.core.draw.spec import tag
from randcheck.core.vocabulary import Vocabulary, shipped
from randcheck.core.workdays import Calendar
from tests.vectors.generate import json_file, splice, write_or_check

HERE = Path(__file__).resolve().parent
SPEC_MD = HERE.parent.parent / "docs" / "RESULTS-SPEC.md"
OUT = "results-v1.json"

KEY_SEED = bytes(32)
TOOL = "randcheck 0.1.0"
DAYS = 20  # working days to publish (the default period)
ISSUED = ("2023-10-20T02:00:00Z", "2023-12-05T02:00:00Z")
REASON = "复核后更正检查结果"

VOCABULARY: dict[str, Any] = {
    "id": "randcheck/result-vocabulary/test/v1",
    "title": "测试用检查结果用语",
    "terms": [
        {"code": "1", "text": "未发现问题", "parent": None, "exclusive": True, "aliases": []},
        {"code": "A", "text": "发现问题待后续处理", "parent": None, "exclusive": False,
         "aliases": []},
        {"code": "3", "text": "违反食品药品管理相关规定", "parent": "A", "exclusive": False,
         "aliases": []},
        {"code": "E", "text": "发现问题经责令已改正", "parent": None, "exclusive": False,
         "aliases": ["已责令改正"]},
        {"code": "9", "text": "注销", "parent": None, "exclusive": True,
         "aliases": ["已办理营业执照注销"]},
    ],
}  # fmt: skip

#: (target, item, completed_on, terms) of document 1; document 2 corrects the fourth and adds
#: one result that is first published after its deadline
DOC1 = [
    ("91330100MA00821377", "SC-002", "2023-10-10", ["未发现问题"]),
    ("91330100MA00821377", "SC-001", "2023-10-10", ["违反食品药品管理相关规定", "发现问题经责令已改正"]),
    ("91330100MA0064274N", "SC-001", "2023-10-09", ["未发现问题"]),
    ("91330100MA0007919Y", "SC-002", "2023-10-12", ["发现问题待后续处理"]),
]  # fmt: skip
DOC2 = [
    ("91330100MA0007919Y", "SC-002", "2023-10-12", ["违反食品药品管理相关规定"], 1),
    ("91330100MA0019707J", "SC-001", "2023-10-30", ["注销"], None),
]
NAMES = {
    "91330100MA00821377": "杭州测试甲食品有限公司",
    "91330100MA0064274N": "+杭州测试乙食品有限公司",  # shows the inert-cell rule
    "91330100MA0007919Y": "杭州测试丙食品有限公司",
    "91330100MA0019707J": "杭州测试丁食品有限公司",
}

#: result cells (lists of terms) and whether a document may hold them, with the vocabulary above
TERM_CASES: list[tuple[list[str], bool, str]] = [
    (["违反食品药品管理相关规定", "发现问题经责令已改正"], True, "texts in vocabulary order"),
    (["发现问题经责令已改正", "违反食品药品管理相关规定"], False, "not in vocabulary order"),
    (["1"], False, "a code, not the text"),
    (["已责令改正"], False, "an alias, not the text"),
    (["未发现问题", "注销"], False, "two exclusive terms"),
    (["注销", "发现问题经责令已改正"], False, "an exclusive term with another"),
    (["发现问题待后续处理", "违反食品药品管理相关规定"], False, "a term with its ancestor"),
    (["未发现问题", "未发现问题"], False, "a term twice"),
    (["未发现 问题"], False, "not the exact text"),
]


def draw_vector() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((HERE / "draw.json").read_text(encoding="utf-8"))
    return data


def _deadline(cal: Calendar, completed_on: str) -> str | None:
    due = cal.deadline(date.fromisoformat(completed_on), DAYS).due
    return None if due is None else due.isoformat()


def build() -> dict[str, Any]:
    """The results vector, as a JSON-ready dict."""
    d = draw_vector()
    key = signing.private_from_seed(KEY_SEED)
    pub = signing.public_raw(key)
    ann = json.loads(d["announcement"])["signed"]
    rec = json.loads(d["record"])["signed"]
    adds = [json.loads(a)["signed"] for a in d["addenda"]]
    vocab = Vocabulary.from_document(VOCABULARY)
    assert canonical(vocab.document()) == canonical(VOCABULARY)
    cal = Calendar.shipped()

    def entry(target: str, item: str, done: str, terms: list[str], corr: Any) -> rdoc.Entry:
        return rdoc.Entry(target, item, done, tuple(terms), _deadline(cal, done), corr)

    bodies = [
        rdoc.build(
            task=rec["task_id"], authority="杭州市测试市场监督管理局", record=d["record_digest"],
            addenda=len(adds), seq=1, previous=None, issued_at=ISSUED[0], vocabulary=vocab,
            entries=[entry(*e, None) for e in DOC1], tool=TOOL,
        )
    ]  # fmt: skip
    docs: list[dict[str, Any]] = []
    for n in (1, 2):
        if n == 2:
            bodies.append(
                rdoc.build(
                    task=rec["task_id"], authority="杭州市测试市场监督管理局",
                    record=d["record_digest"], addenda=len(adds), seq=2,
                    previous=docs[0]["digest"], issued_at=ISSUED[1], vocabulary=vocab,
                    entries=[
                        entry(t, i, c, terms, None if r is None else {"replaces": r,
                                                                       "reason": REASON})
                        for t, i, c, terms, r in DOC2
                    ],
                    tool=TOOL,
                )
            )  # fmt: skip
        body = bodies[n - 1]
        raw = seal(body)
        keyid, sig = sign("results", raw, key)
        env = wrap(raw, [(keyid, sig)])
        opened = open_envelope(env, "results")
        _head, entries = rdoc.parse(body)
        docs.append(
            {
                "body": raw.decode("utf-8"),
                "digest": opened.digest,
                "signature": sig,
                "envelope": env.decode("utf-8"),
                "log_payload": {
                    "task": body["task"],
                    "record": body["record"],
                    "results": opened.digest,
                    "seq": body["seq"],
                    "count": len(entries),
                    "corrections": sum(1 for e in entries if e.correction is not None),
                    "vocabulary": vocab.id,
                },
            }
        )
    targets_after = rbundle.targets_after(rec, adds)
    published, problem = rdoc.check_chain(
        [(x["digest"], b) for x, b in zip(docs, bodies, strict=True)],
        task=rec["task_id"],
        record=d["record_digest"],
        drawn_at=rec["drawn_at"],
        targets_after=targets_after,
        items={i["code"] for i in ann["task"]["items"]},
        vocabularies={vocab.digest: vocab},
    )
    assert problem is None, problem
    order = [r["code"] for r in tbl.result_rows([s["id"] for s in ann["strata"]], rec, adds)]
    rows = rbundle.table(
        rec["task_id"],
        order,
        [i["code"] for i in ann["task"]["items"]],
        published,
        NAMES,
        rbundle.corrections(bodies),
    )
    csv = rbundle.to_csv(rows)
    term_cases = []
    for terms, ok, why in TERM_CASES:
        words, problems = vocab.parse_terms("|".join(terms))
        assert (not problems and words == terms) is ok, (terms, words, problems)
        term_cases.append({"terms": terms, "valid": ok, "why": why})
    ship = shipped()
    return {
        "signing_key_seed": KEY_SEED.hex(),
        "public_key": pub.hex(),
        "key_id": signing.key_id(pub),
        "draw": "draw.json",
        "task": rec["task_id"],
        "record_digest": d["record_digest"],
        "drawn_at": rec["drawn_at"],
        "items": [i["code"] for i in ann["task"]["items"]],
        "targets_after": [sorted(s) for s in targets_after],
        "tags": {n: tag(n).hex() for n in ("document", "signature")},
        "vocabulary": {
            "document": canonical(VOCABULARY).decode("utf-8"),
            "digest": vocab.digest,
            "file": rbundle.vocabulary_file(vocab.digest),
            "term_cases": term_cases,
        },
        "shipped_vocabulary": {"id": ship.id, "digest": ship.digest},
        "period_days": DAYS,
        "documents": docs,
        "late": [list(k) for k in published.late],
        "names": NAMES,
        "table": {
            "rows": rows,
            "csv_hex": csv.hex(),
            "csv_sha256": hashlib.sha256(csv).hexdigest(),
        },
    }


def spec_section(v: dict[str, Any]) -> str:
    docs = v["documents"]
    lines = [
        "### 6.1 Keys, tags and the draw (`tests/vectors/results-v1.json`)",
        "",
        f"The documents answer the draw of SPEC §13.5 (`tests/vectors/draw.json`): task"
        f" `{v['task']}`, record `{v['record_digest']}`, drawn at `{v['drawn_at']}`, items"
        f" {', '.join('`' + i + '`' for i in v['items'])}, two addenda. Signing key: Ed25519"
        f" from the 32-byte seed `00…00`; public key `{v['public_key']}`, key id"
        f" `{v['key_id']}`.",
        "",
        *[f'* `tag("{n}")` = `{h}`' for n, h in v["tags"].items()],
        "",
        "### 6.2 Vocabulary",
        "",
        "Document (its canonical bytes, UTF-8):",
        "",
        "```",
        v["vocabulary"]["document"],
        "```",
        "",
        f"* digest `{v['vocabulary']['digest']}`, file `{v['vocabulary']['file']}`",
        f"* the shipped vocabulary `{v['shipped_vocabulary']['id']}` has digest"
        f" `{v['shipped_vocabulary']['digest']}`",
        "",
        "| terms | valid | why |",
        "|---|---|---|",
        *[
            f"| {'、'.join(c['terms'])} | {'yes' if c['valid'] else 'no'} | {c['why']} |"
            for c in v["vocabulary"]["term_cases"]
        ],
        "",
        "### 6.3 Two documents with a correction",
        "",
    ]
    for n, doc in enumerate(docs, start=1):
        lines += [
            f"Document {n} body (canonical bytes, UTF-8):",
            "",
            "```",
            doc["body"],
            "```",
            "",
            f"* digest `{doc['digest']}`",
            f"* signature `{doc['signature']}`",
            "",
        ]
    lines += [
        "Late (first published after the stated deadline): "
        + ", ".join(f"`{t}` / `{i}`" for t, i in v["late"]),
        "",
        "### 6.4 inspection-results.csv",
        "",
        f"SHA-256 `{v['table']['csv_sha256']}`; the bytes are `table.csv_hex` in the JSON file."
        " Rows (cells as written, `|` separating them):",
        "",
        "```",
        *["|".join(tbl.inert(c) for c in row) for row in v["table"]["rows"]],
        "```",
    ]
    return "\n".join(lines)


def render(vector: dict[str, Any]) -> dict[Path, bytes]:
    return {HERE / OUT: json_file(vector), SPEC_MD: splice(SPEC_MD, spec_section(vector))}


def main(argv: list[str]) -> int:
    return write_or_check(render(build()), argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
