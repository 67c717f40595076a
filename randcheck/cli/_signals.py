"""Signals during the ceremony: a closed terminal (SIGHUP) or SIGTERM ends it like Ctrl-C,
and a transaction that is committing is never cut in the middle.

Windows has no SIGHUP: closing the console window (and Ctrl-Break) arrives as SIGBREAK, which
plays SIGHUP's part there (the C runtime maps CTRL_CLOSE_EVENT to SIGBREAK; Windows then
gives the process a few seconds before it ends it, enough to log the abort)."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class Terminated(Exception):
    """The terminal was closed (SIGHUP) or the process asked to stop (SIGTERM): the ceremony
    ends as an interrupted one (its abort is logged).  Safety does not rest on this: a reveal
    is durable before it is shown, so even SIGKILL cannot re-roll quietly."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def reason(self) -> str:
        if self.signum == _HANGUP:
            return "sighup"  # the terminal (Windows: the console window) was closed
        return {signal.SIGTERM: "sigterm"}.get(signal.Signals(self.signum), "signal")


if sys.platform == "win32":
    _HANGUP = signal.SIGBREAK
else:
    _HANGUP = signal.SIGHUP
_STOP_SIGNALS = (signal.SIGINT, _HANGUP, signal.SIGTERM)


def _raise_terminated(signum: int, _frame: Any) -> None:
    raise Terminated(signum)


@contextmanager
def on_hangup() -> Iterator[None]:
    """SIGHUP (Windows: SIGBREAK) and SIGTERM raise :class:`Terminated` in the ceremony
    (Ctrl-C already raises KeyboardInterrupt), so that the abort is logged and the screen
    says what happened."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = {s: signal.signal(s, _raise_terminated) for s in (_HANGUP, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)


@contextmanager
def defer_signals(stop_after: bool = False) -> Iterator[list[int]]:
    """Hold Ctrl-C, SIGHUP and SIGTERM while a transaction commits: it then either committed
    or never started, and the screen says which.  (SIGKILL cannot be held; the database's
    transaction is what makes that case safe.)  With ``stop_after``, a held signal ends the
    ceremony once the transaction is done; without, the caller says it was ignored."""
    hits: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield hits
        return
    old = {s: signal.signal(s, lambda signum, frame: hits.append(signum)) for s in _STOP_SIGNALS}
    try:
        yield hits
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)
        if stop_after and hits:
            if hits[0] == signal.SIGINT:
                raise KeyboardInterrupt
            raise Terminated(hits[0])
