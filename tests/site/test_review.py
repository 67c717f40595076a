"""The review findings of issue #10 on the site's data, build and output, each as a test
that fails without its fix."""

from __future__ import annotations

import csv
import io
import re

from tests.site.world import World


def test_results_table_is_in_the_bundles_publish_order(world: World) -> None:
    """The page's results table is the bundle's table: publish order (SPEC §14.1), not code
    order (the world's two published targets are drawn in the other order of their codes)."""
    world.publish_results()
    bundle = world.publish_bundle()
    world.build()
    text = (bundle / "inspection-results.csv").read_text("utf-8-sig")
    bundle_order = [r[2] for r in list(csv.reader(io.StringIO(text)))[1:]]
    assert len(bundle_order) == 2 and bundle_order != sorted(bundle_order)
    page = (world.out / "tasks/T26/index.html").read_text("utf-8")
    section = page.split("检查结果</h2>")[1]
    assert re.findall(r"91320505MA[0-9A-Z]{8}", section)[:2] == bundle_order
