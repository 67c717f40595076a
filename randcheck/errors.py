"""Errors: one base class with a catalog code, parameters and an exit code.

Core and service code raise these and never exit; ``randcheck.cli._errors`` alone turns them
into catalog text and an exit code.  Every ``code`` is a key of the message catalog
(``randcheck.catalog``), and ``params`` fill its placeholders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

EXIT_OK = 0
EXIT_NO = 1  # a check said no: verification failed, bad input rows
EXIT_USAGE = 2  # bad command line (Click's default)
EXIT_CANNOT_RUN = 3  # missing database, file or key; I/O error


@dataclass(frozen=True)
class RowError:
    """One bad value in an input file: where it is and why it is wrong."""

    file: str
    row: int  # 1-based data row as a user sees it (header is row 1 in CSV/XLSX)
    column: str
    value: str
    code: str  # catalog key of the reason
    params: dict[str, Any] = field(default_factory=dict)


class RandcheckError(Exception):
    """Base error.  ``code`` is a catalog key; ``params`` fill its placeholders."""

    exit_code: ClassVar[int] = EXIT_CANNOT_RUN

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def __str__(self) -> str:  # English fallback for logs and tracebacks
        from randcheck.catalog import render

        return render(self.code, "en", **self.params)


class UsageError(RandcheckError):
    """The command line itself is wrong (exit 2)."""

    exit_code = EXIT_USAGE


class InputError(RandcheckError):
    """Bad input data (exit 1); ``rows`` lists every bad value found."""

    exit_code = EXIT_NO

    def __init__(self, code: str, rows: list[RowError] | None = None, **params: Any) -> None:
        super().__init__(code, **params)
        self.rows = rows or []


class NotFoundError(RandcheckError):
    """A named thing (workspace, record, key, entity) does not exist (exit 3)."""

    exit_code = EXIT_CANNOT_RUN


class CannotRunError(RandcheckError):
    """The operation could not run: I/O, database, missing key (exit 3)."""

    exit_code = EXIT_CANNOT_RUN


class VerificationError(RandcheckError):
    """A check answered no (exit 1)."""

    exit_code = EXIT_NO


class SignatureError(VerificationError):
    """A signature did not verify."""


class ChainError(VerificationError):
    """A log or record chain is broken."""


class ReplayMismatchError(VerificationError):
    """Recomputing a draw gave a different result from the record."""


class ConflictError(RandcheckError):
    """The request conflicts with the workspace's state (e.g. a second official draw) (exit 1)."""

    exit_code = EXIT_NO
