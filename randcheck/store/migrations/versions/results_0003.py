"""results: an index of the history by date (``inspection_history_day``) for the announce.

An announcement reads, from a history of millions of rows, the rows of this year (the annual
cap's inspections, the items drawn this year) and those after the recent-days limit
(``services.results.history.inputs``).  ``inspection_history_entity`` (results_0002) starts
with the entity, so each of those reads scanned the whole index, and the items' read the
whole table (no index holds ``item_code``).  This index starts with the date and covers
them: (inspected_on, entity_code, department, ref, is_random, item_code) -- a range search
each, read in index order (the year's inspections grouped without a sort, the recent rows in
date order).  The cost is a second index to maintain on ``history import`` (about 60 bytes
per row).
"""

from alembic import op

revision = "results_0003"
down_revision = "results_0002"
branch_labels = None
depends_on = None

COLUMNS = ["inspected_on", "entity_code", "department", "ref", "is_random", "item_code"]


def upgrade() -> None:
    op.create_index("inspection_history_day", "inspection_history", COLUMNS)


def downgrade() -> None:
    op.drop_index("inspection_history_day", table_name="inspection_history")
