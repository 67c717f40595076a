"""What the ceremony asks at the terminal: a line, a pause, a yes/no, numbers entered twice,
and a drand round pasted (possibly over several lines) or read from a file."""

from __future__ import annotations

import json
from collections.abc import Callable

import typer

from randcheck.cli._screen import parse_ints
from randcheck.errors import EXIT_NO, RandcheckError

MAX_JSON_LINES = 60  # a pasted drand round spread over more lines than this is refused


class Declined(RandcheckError):
    """The operator answered "no" at a confirmation (exit 1)."""

    exit_code = EXIT_NO


def ask(text: str, hide: bool = False) -> str:
    """One line (empty allowed); ``hide`` for values a witness keeps secret until the reveal."""
    value: str = typer.prompt(text, hide_input=hide, err=True, default="", show_default=False)
    return value


def pause(text: str) -> None:
    typer.prompt(text, default="", show_default=False, err=True, prompt_suffix=" ")


def confirm(text: str) -> None:
    """Yes (the default) goes on; no raises :class:`Declined`."""
    if not typer.confirm(text, default=True, err=True):
        raise Declined("ceremony.declined")


def enter_twice(
    first: Callable[[], str],
    again: Callable[[], str],
    why_not: Callable[[list[int]], str | None],
    problem: Callable[[str], None],
    not_numbers: str,
    mismatch: str,
) -> list[int]:
    """Numbers typed once, checked (``why_not`` returns what is wrong, or None), then typed
    again and compared: asks until both entries are good and the same."""
    while True:
        values = parse_ints(first())
        if values is None:
            problem(not_numbers)
            continue
        why = why_not(values)
        if why is not None:
            problem(why)
            continue
        if parse_ints(again()) != values:
            problem(mismatch)
            continue
        return values


def read_json(first: str) -> str:
    """A pasted JSON object (``first`` is its first line); a pretty-printed one may span
    several lines, read until it parses (at most :data:`MAX_JSON_LINES`)."""
    text = first
    lines = 1
    while text.strip().startswith("{") and lines < MAX_JSON_LINES:
        try:
            json.loads(text)
            break
        except RecursionError:  # nested too deeply: let the beacon parser say so
            break
        except ValueError:
            more: str = typer.prompt("", prompt_suffix="", default="", show_default=False, err=True)
            text += "\n" + more
            lines += 1
    return text
