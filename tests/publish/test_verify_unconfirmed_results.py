"""``randcheck verify`` without a trusted key on a bundle with signed inspection results: the
results documents' signatures are unverified like the others (a module of its own, because the
results cycle publishes into the module's workspace)."""

from __future__ import annotations

from randcheck.services import verify as svc
from tests.publish.test_results_bundle import Cycle, cycle  # noqa: F401  (a fixture)


def test_signed_results_documents_are_unconfirmed_too(
    cycle: Cycle,  # noqa: F811
) -> None:
    report = svc.verify_bundle(cycle.one, {})
    checks = {c.name: c for c in report.checks}
    assert report.status == "unverified", report.first_failure
    assert checks["inspection.documents"].status == "unverified"
    assert checks["inspection.documents"].code == "verify.own_key_only"
    assert checks["inspection.log"].ok and checks["inspection.table"].ok
