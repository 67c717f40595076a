"""What the ceremony's screen is made of: times as the room reads them, hex in blocks, the big
verification code, a QR code, the countdown panel, and checks of typed numbers."""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timezone
from typing import Any

from rich.align import Align
from rich.console import Console, RenderableType
from rich.live import Live
from rich.panel import Panel
from rich.text import Text

from randcheck.catalog import render
from randcheck.core.chinatime import CHINA

BEIJING = timezone(CHINA)


def ceremony_console(stderr: bool = False) -> Console:
    """The ceremony's console: like the CLI's (stdout, or stderr under ``--json``), but it
    wraps every line at the terminal's width, in panels and tables too, instead of leaving long
    lines to the terminal (which cuts panel text): the projector laptop has 80×24."""
    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def human_time(utc_text: str, lang: str) -> str:
    """A record time (UTC) as the room reads it: Beijing time first, UTC in brackets."""
    when = datetime.strptime(utc_text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    local = when.astimezone(BEIJING)
    return render("ceremony.time", lang, local=f"{local:%Y-%m-%d %H:%M:%S}", utc=f"{when:%H:%M:%S}")


def group_hex(value: str, size: int = 8) -> str:
    """Hex in blocks, easier to read aloud and compare."""
    return " ".join(value[i : i + size] for i in range(0, len(value), size))


def check_values(
    values: Sequence[int], count: int, lo: int, hi: int
) -> tuple[str, dict[str, Any]] | None:
    """Why ``values`` are not ``count`` numbers in ``lo..hi`` (a catalog key and params)."""
    if len(values) != count:
        return "ceremony.wrong_count", {"want": count, "got": len(values)}
    for n, v in enumerate(values, 1):
        if not lo <= v <= hi:
            return "ceremony.out_of_range", {"n": n, "value": v, "min": lo, "max": hi}
    return None


def parse_ints(text: str) -> list[int] | None:
    """Space- (or comma-) separated decimal integers, or None if anything else is there."""
    parts = [p for p in re.split(r"[\s,，、]+", text.strip()) if p]
    if not parts or not all(p.isascii() and p.isdigit() for p in parts):
        return None
    return [int(p) for p in parts]


# A 3x5 block font for the verification code, so it can be read from the back of the room.
_GLYPHS: dict[str, tuple[str, ...]] = {
    "0": ("███", "█ █", "█ █", "█ █", "███"),
    "1": (" █ ", "██ ", " █ ", " █ ", "███"),
    "2": ("███", "  █", "███", "█  ", "███"),
    "3": ("███", "  █", "███", "  █", "███"),
    "4": ("█ █", "█ █", "███", "  █", "  █"),
    "5": ("███", "█  ", "███", "  █", "███"),
    "6": ("███", "█  ", "███", "█ █", "███"),
    "7": ("███", "  █", "  █", "  █", "  █"),
    "8": ("███", "█ █", "███", "█ █", "███"),
    "9": ("███", "█ █", "███", "  █", "███"),
    "A": ("███", "█ █", "███", "█ █", "█ █"),
    "B": ("██ ", "█ █", "██ ", "█ █", "██ "),
    "C": ("███", "█  ", "█  ", "█  ", "███"),
    "D": ("██ ", "█ █", "█ █", "█ █", "██ "),
    "E": ("███", "█  ", "███", "█  ", "███"),
    "F": ("███", "█  ", "███", "█  ", "█  "),
    "-": ("   ", "   ", "███", "   ", "   "),
}


def big_text(code: str) -> str:
    """``code`` (hex digits and dashes) in the block font, two columns of space apart."""
    rows = ["  ".join(_GLYPHS[ch][r] for ch in code.upper()) for r in range(5)]
    return "\n".join(rows)


def qr_code(data: str) -> Text:
    """``data`` as a QR code (segno: ISO/IEC 18004) drawn with half blocks, two modules per
    character cell, dark on light whatever the terminal's colours.  The smallest symbol (error
    level L, raised by segno when it fits) and a 2-module quiet zone, not the standard 4, so a
    drand URL (version 5) fits beside its text at 80×24: 41 columns, 21 lines.  The white
    background around it is wider still, and phone cameras read it."""
    import segno  # only the drand step draws one

    rows = [list(r) for r in segno.make(data, error="l", micro=False).matrix_iter(border=2)]
    if len(rows) % 2:
        rows.append([False] * len(rows[0]))
    glyph = {(True, True): "█", (True, False): "▀", (False, True): "▄", (False, False): " "}
    lines = [
        "".join(glyph[bool(a), bool(b)] for a, b in zip(top, bottom, strict=True))
        for top, bottom in zip(rows[::2], rows[1::2], strict=True)
    ]
    return Text("\n".join(lines), style="black on white", no_wrap=True, overflow="crop")


def countdown(con: Console, due: datetime, label: Callable[[str], str], tick: float = 0.5) -> None:
    """A live panel counting down (hh:mm:ss, rounded up) until ``due``; returns at once if
    ``due`` has passed.  Ctrl-C interrupts it like any other step."""

    def panel() -> RenderableType:
        left = max(0, math.ceil((due - datetime.now(UTC)).total_seconds()))
        clock = f"{left // 3600:02d}:{left % 3600 // 60:02d}:{left % 60:02d}"
        return Panel(Align.center(Text(label(clock), style="bold")), border_style="magenta")

    if datetime.now(UTC) >= due:
        return
    with Live(panel(), console=con, refresh_per_second=4, transient=False) as live:
        while datetime.now(UTC) < due:
            time.sleep(tick)
            live.update(panel())
