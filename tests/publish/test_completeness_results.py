"""``log.complete`` and the results documents: every ``results.published`` entry logged for
the record before the checkpoint must have its document in the bundle."""

from __future__ import annotations

import shutil
from pathlib import Path

from randcheck.bundle import results as rbundle
from randcheck.services import verify as svc
from tests.publish.test_results_bundle import Cycle, cycle
from tests.publish.test_verify_content import resign

__all__ = ["cycle"]  # the module's fixture: the results cycle, run once here


def test_bundles_with_results_are_complete(cycle: Cycle, office_key: dict[str, bytes]) -> None:
    for path in (cycle.none, cycle.one, cycle.two):
        check = {c.name: c for c in svc.verify_bundle(path, office_key).checks}["log.complete"]
        assert check.ok and check.code == "verify.complete_ok", (path, check)


def test_a_dropped_results_document_is_refused(
    cycle: Cycle, office_key: dict[str, bytes], tmp_path: Path
) -> None:
    b = tmp_path / "b"
    shutil.copytree(cycle.two, b)
    (b / rbundle.doc_file(2)).unlink()
    resign(b, cycle.drawn)
    check = {c.name: c for c in svc.verify_bundle(b, office_key).checks}["log.complete"]
    assert not check.ok and check.code == "verify.complete_results_missing"
    assert check.params["number"] == "2"
