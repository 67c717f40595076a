"""The 检查结果公示 part of a bundle (docs/RESULTS-SPEC.md §5): ``inspection.documents``,
``inspection.log``, ``inspection.table`` and ``inspection.timely``.

A bundle without ``results/`` has no results yet: the four checks then pass saying so.  The
documents are checked with the same :func:`randcheck.core.results.check_chain` that
``publish`` runs before it writes them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from randcheck.bundle import layout
from randcheck.bundle import results as rbundle
from randcheck.bundle import table as tbl
from randcheck.core import results as rdoc
from randcheck.core.canonical import canonical, parse
from randcheck.core.checks import Check
from randcheck.core.draw import envelope
from randcheck.core.draw.announce import Announcement
from randcheck.core.draw.envelope import Envelope
from randcheck.core.text import visible
from randcheck.core.vocabulary import Vocabulary
from randcheck.errors import RandcheckError
from randcheck.services.verify import page
from randcheck.services.verify.log import Log
from randcheck.services.verify.reading import XLSX_EXPANSION, BundleFiles, xlsx_within

NAMES = ("inspection.documents", "inspection.log", "inspection.table", "inspection.timely")


def _vocabularies(files: BundleFiles) -> dict[str, Vocabulary] | Check:
    out: dict[str, Vocabulary] = {}
    for path in sorted(p for p in files if rbundle.is_vocabulary_file(p)):
        try:
            vocab = Vocabulary.from_document(parse(files[path]))
        except RandcheckError as exc:
            return Check.failed("inspection.documents", exc.code, **{**exc.params, "file": path})
        # the file is the canonical document itself, so its digest is the SHA-256 of its bytes
        if (
            rbundle.vocabulary_file(vocab.digest) != path
            or canonical(vocab.document()) != files[path]
        ):
            return Check.failed("inspection.documents", "verify.results_vocabulary_name", file=path)
        out[vocab.digest] = vocab
    return out


def checks(
    files: BundleFiles,
    keys: Mapping[str, bytes],
    ann: Announcement | None,
    rec_env: Envelope | None,
    add_envs: Sequence[Envelope | None],
    lg: Log,
    names: Mapping[str, str],
) -> list[Check]:
    """The four ``inspection.*`` checks, in order."""
    seqs = sorted(s for s in (rbundle.doc_seq(p) for p in files.present) if s is not None)
    if not seqs:
        none = [Check.passed(n, "verify.results_none") for n in NAMES]
        for path in (rbundle.TABLE_CSV, rbundle.TABLE_XLSX):
            if path in files.present:
                none[2] = Check.failed(
                    "inspection.table", "verify.results_table_unsigned", file=path
                )
        return none
    failed = [Check.skipped(n) for n in NAMES[1:]]
    if seqs != list(range(1, len(seqs) + 1)):
        first = next(i for i, s in enumerate(seqs, start=1) if s != i)
        return [Check.failed(NAMES[0], "results.chain_broken", seq=first), *failed]
    if ann is None or rec_env is None or any(a is None for a in add_envs):
        return [Check.skipped(NAMES[0]), *failed]
    bodies: list[tuple[str, dict[str, Any]]] = []
    for seq in seqs:
        path = rbundle.doc_file(seq)
        if path not in files:
            return [files.absent(NAMES[0], path), *failed]
        try:
            env = envelope.open_envelope(files[path], rdoc.KIND)
            envelope.verify(env, keys)
        except RandcheckError as exc:
            return [Check.failed(NAMES[0], exc.code, **{**exc.params, "seq": seq}), *failed]
        bodies.append((env.digest, env.doc))
    vocabularies = _vocabularies(files)
    if isinstance(vocabularies, Check):
        return [vocabularies, *failed]
    rec = rec_env.doc
    adds = [a.doc for a in add_envs if a is not None]
    published, problem = rdoc.check_chain(
        bodies,
        task=ann.task.id,
        record=rec_env.digest,
        drawn_at=str(rec["drawn_at"]),
        targets_after=rbundle.targets_after(rec, adds),
        items={i.code for i in ann.task.items},
        vocabularies=vocabularies,
    )
    if problem is not None:
        return [Check.failed(NAMES[0], problem.code, **problem.params), *failed]
    out = [
        Check.passed(
            NAMES[0],
            "verify.results_documents_ok",
            documents=len(bodies),
            results=len(published.current),
        )
    ]
    out.append(_log(lg, bodies))
    out.append(_table(files, ann, rec, adds, published, bodies, names))
    out.append(_timely(published))
    return out


def _log(lg: Log, bodies: Sequence[tuple[str, Mapping[str, Any]]]) -> Check:
    for n, (digest, _body) in enumerate(bodies, start=1):
        found = lg.check(f"log.results.{n}", digest)  # log_seqs: "results.<n>"
        if not found.ok:
            return Check.failed("inspection.log", found.code, **{**found.params, "seq": n})
    return Check.passed("inspection.log", "verify.results_logged", documents=len(bodies))


def _table(
    files: BundleFiles,
    ann: Announcement,
    rec: Mapping[str, Any],
    adds: Sequence[Mapping[str, Any]],
    published: rdoc.Published,
    bodies: Sequence[tuple[str, Mapping[str, Any]]],
    names: Mapping[str, str],
) -> Check:
    order = [r["code"] for r in tbl.result_rows([p.id for p in ann.strata], rec, adds)]
    csv_raw = files.get(rbundle.TABLE_CSV)
    if csv_raw is None:
        return files.absent("inspection.table", rbundle.TABLE_CSV)
    rows = tbl.from_csv(csv_raw)
    if rows is None or not rows or rows[0] != rbundle.HEADER:
        return Check.failed(
            "inspection.table", "verify.results_table_header", file=rbundle.TABLE_CSV
        )
    # names come from the table itself (the record holds codes only), everything else from
    # the signed documents: rebuild the table with them and compare byte for byte
    # (a code results.csv lists must show the same name here: one name per code in the bundle)
    shown = {tbl.raw(r[2]): tbl.raw(r[3]) for r in rows[1:] if len(r) > 3}
    want = rbundle.table(
        ann.task.id,
        order,
        [i.code for i in ann.task.items],
        published,
        {**shown, **names},
        rbundle.corrections([b for _d, b in bodies]),
    )
    if rbundle.to_csv(want) != csv_raw:
        got = [[tbl.raw(c) for c in r] for r in rows]
        row = next((i for i, (a, b) in enumerate(zip(got, want, strict=False)) if a != b), None)
        return Check.failed(
            "inspection.table",
            "verify.results_table_differs",
            file=rbundle.TABLE_CSV,
            row=(row if row is not None else min(len(got), len(want))) + 1,
        )
    xlsx = files.get(rbundle.TABLE_XLSX)
    if xlsx is None:
        return files.absent("inspection.table", rbundle.TABLE_XLSX)
    bound = XLSX_EXPANSION * (len(csv_raw) + 64 * 1024)
    if not xlsx_within(xlsx, bound):
        return Check.failed(
            "inspection.table", "verify.xlsx_bomb", file=rbundle.TABLE_XLSX, limit=bound
        )
    cells = tbl.from_xlsx(xlsx, rbundle.SHEET)
    if isinstance(cells, str):
        return Check.failed("inspection.table", cells, file=rbundle.TABLE_XLSX, sheet=rbundle.SHEET)
    if [[tbl.raw(c) for c in r] for r in cells] != _trimmed(want):
        return Check.failed(
            "inspection.table", "verify.results_table_differs", file=rbundle.TABLE_XLSX, row=0
        )
    shown_rows = page.table_cells(files, rbundle.PAGE_TABLE)
    if shown_rows is not None and shown_rows != [[visible(c) for c in r] for r in want[1:]]:
        return Check.failed(
            "inspection.table", "verify.results_table_differs", file=layout.INDEX, row=0
        )
    return Check.passed("inspection.table", "verify.results_table_ok", rows=len(want) - 1)


def _trimmed(rows: Sequence[Sequence[str]]) -> list[list[str]]:
    out = []
    for r in rows:
        row = list(r)
        while row and row[-1] == "":
            row.pop()
        out.append(row)
    return out


def _timely(published: rdoc.Published) -> Check:
    """Information, never a failure: first publications after the deadline the office stated."""
    if published.late:
        target, item = published.late[0]
        return Check.warning(
            "inspection.timely",
            "verify.results_late",
            count=len(published.late),
            target=target,
            item=item,
        )
    return Check.passed("inspection.timely", "verify.results_timely", count=len(published.first_on))
