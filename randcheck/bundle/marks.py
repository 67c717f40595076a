"""The words index.html shows where ``verify``'s ``page`` check reads them (SPEC §14.1).

Protocol constants, not catalog entries: :mod:`randcheck.bundle.pages` renders them and
:mod:`randcheck.services.verify.page` rebuilds them from the signed documents and compares,
so a translator's edit can never make an earlier bundle fail.  Everything else on the page is
display text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from randcheck.bundle import table

TARGET_COUNT = "{n} 户"  # data-f="target-count": the number of current targets
REPLACED = "已由第 {seq} 号补充记录替换"  # data-f="replaced": a drawn code an addendum replaced
REPLACEMENT = "替补"  # data-f="replacement": a current target an addendum brought in
NO_BATCH = "—"  # data-f="batch" of a target without a batch (a replacement), U+2014
MEMBER = "{name}（{badge}）"  # one team member: name, badge number in full-width brackets
NO_NAME = "（未登记姓名）"  # the name of a team member inspectors.json gives no name
EXPERT = "专家"  # after an expert member
LIST_SEPARATOR = "、"  # between team members (U+3001)
ATTR_SEPARATOR = table.SEPARATOR  # between badge numbers in data-badges, as in results.csv


def member(name: str, badge: str, expert: bool) -> str:
    """One member of a current team as data-f="members" shows it."""
    return MEMBER.format(name=name or NO_NAME, badge=badge) + (EXPERT if expert else "")


def team_text(badges: Sequence[str], experts: Sequence[bool], names: Mapping[str, str]) -> str:
    """data-f="members" of a team row: each member, in staffing order."""
    return LIST_SEPARATOR.join(
        member(names.get(b, ""), b, e) for b, e in zip(badges, experts, strict=True)
    )


def addendum_team_text(badges: Sequence[str], names: Mapping[str, str]) -> str:
    """data-f="team" of an addendum row: each member of the new team, the badge number
    standing for a name inspectors.json does not give."""
    return LIST_SEPARATOR.join(MEMBER.format(name=names.get(b) or b, badge=b) for b in badges)
