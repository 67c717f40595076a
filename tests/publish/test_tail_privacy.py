"""The log tail is published verbatim: publish names the entries that may hold personal data."""

from __future__ import annotations

from randcheck.core.canonical import canonical
from randcheck.services.publish import private_entries


def _line(seq: int, kind: str, payload: dict[str, object]) -> bytes:
    entry = {"seq": seq, "kind": kind, "actor": "a", "time": "2026-01-01T00:00:00Z",
             "payload": payload}  # fmt: skip
    return canonical(entry) + b"\n"


def test_free_text_and_conflict_declarations_are_named() -> None:
    tail = b"".join([
        _line(5, "draw.record", {"task": "T", "record": "ab" * 32}),
        _line(6, "conflicts.edit", {"registry": "conflicts", "key": "ZF001/9132",
                                    "changes": {"relation": ["", "近亲属持股"]}, "state": {}}),
        _line(7, "conflicts.edit", {"registry": "conflicts", "key": "ZF001/9132",
                                    "changes": {"active": ["是", "否"]}, "state": {}}),
        _line(8, "inspectors.deactivate", {"registry": "inspectors", "key": "ZF002",
                                           "reason": "调离", "state": {}}),
        _line(9, "keys.revoke", {"name": "old", "key_id": "00", "role": "office",
                                 "reason": ""}),
        _line(10, "entities.edit", {"registry": "entities", "key": "9132",
                                    "changes": {"risk_class": ["<redacted>", "<redacted>"]}}),
    ])  # fmt: skip
    assert private_entries(tail) == [
        (6, "conflicts.edit", ("changes.relation",)),
        (8, "inspectors.deactivate", ("reason",)),
    ]


def test_redacted_declarations_are_not_named() -> None:
    tail = _line(6, "conflicts.edit", {"registry": "conflicts", "key": "ZF001/9132",
                                       "changes": {"relation": ["<redacted>", "<redacted>"]},
                                       "state": {}})  # fmt: skip
    assert private_entries(tail) == []
