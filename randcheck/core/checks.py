"""Named checks: the one type through which every check randcheck runs reports its outcome.

A :class:`Check` is one finding with a stable ``name`` (the names are listed in
docs/SPEC.md §14 and the README), whether it passed, and a catalog ``code`` with ``params``
that say why in words.  Its ``status`` is one of three: ``ok`` (passed; ``warn`` when it passed
but deserves a look), ``fail``, or ``unverified``: the check could not be settled for want of
something only the user can supply (``verify`` without a trusted key: the signatures are
consistent with the folder's own key, but whose key that is stays unconfirmed).  An unverified
check is not ``ok``, so a report holding one is never ``ok`` either: code that only asks ``ok``
stays on the safe side.  A :class:`Report` is an ordered tuple of checks; the replay, the
bundle verifier, ``log verify`` and the task feasibility check all return one (or a subclass
that adds what they found besides the checks).  ``Report.ok`` and ``Report.first_failure``
are the only ways to ask whether it passed: a report has no truth value, so ``if report:``
cannot silently mean something else.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from randcheck.errors import RandcheckError

OK = "proto.check_ok"
SKIPPED = "proto.check_skipped"


@dataclass(frozen=True)
class Check:
    """One named check: passed or failed, with a catalog code and parameters for the reason.

    ``warn`` marks a check that passed but deserves a look (a feasibility warning); it never
    makes a report fail.  ``unverified`` marks a check that neither passed nor failed (see the
    module's docstring); ``ok`` is then False.
    """

    name: str
    ok: bool
    code: str = OK
    params: Mapping[str, Any] = field(default_factory=dict)
    warn: bool = False
    unverified: bool = False

    @classmethod
    def passed(cls, name: str, code: str = OK, /, **params: Any) -> Check:
        return cls(name, True, code, params)

    @classmethod
    def warning(cls, name: str, code: str, /, **params: Any) -> Check:
        return cls(name, True, code, params, warn=True)

    @classmethod
    def failed(cls, name: str, code: str, /, **params: Any) -> Check:
        return cls(name, False, code, params)

    @classmethod
    def not_verified(cls, name: str, code: str, /, **params: Any) -> Check:
        """Neither passed nor failed: it needs something the user did not give (a trusted key)."""
        return cls(name, False, code, params, unverified=True)

    @classmethod
    def skipped(cls, name: str) -> Check:
        """A check that could not run because an earlier one failed: counts as failed."""
        return cls(name, False, SKIPPED, {})

    @classmethod
    def from_error(cls, name: str, exc: RandcheckError) -> Check:
        return cls(name, False, exc.code, dict(exc.params))

    @property
    def status(self) -> str:
        """``ok``, ``warn``, ``unverified`` or ``fail``."""
        if self.unverified:
            return "unverified"
        return "fail" if not self.ok else ("warn" if self.warn else "ok")

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok, "status": self.status, "code": self.code,
                "params": dict(self.params)}  # fmt: skip


@dataclass(frozen=True)
class Report:
    """Checks in the order they ran.  ``ok`` when there is at least one and every one passed;
    ``failures`` are the checks that failed (not the unverified ones, listed in ``unverified``)."""

    checks: tuple[Check, ...]

    def __iter__(self) -> Iterator[Check]:
        return iter(self.checks)

    def __len__(self) -> int:
        return len(self.checks)

    def __bool__(self) -> bool:
        raise TypeError("a Report has no truth value: ask report.ok")

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    @property
    def failures(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if not c.ok and not c.unverified)

    @property
    def first_failure(self) -> Check | None:
        return next((c for c in self.checks if not c.ok and not c.unverified), None)

    @property
    def unverified(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.unverified)

    @property
    def status(self) -> str:
        """``ok`` (every check passed), ``unverified`` (none failed, some could not be settled)
        or ``fail`` (one failed, or there are no checks at all)."""
        if self.ok:
            return "ok"
        return "unverified" if self.checks and not self.failures else "fail"

    def to_json(self) -> dict[str, Any]:
        first = self.first_failure
        return {
            "ok": self.ok,
            "status": self.status,
            "checks": [c.to_json() for c in self.checks],
            "first_failure": None if first is None else first.name,
        }
