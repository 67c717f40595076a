"""``randcheck draw``: the live ceremony and substitutions.

:mod:`.commands` (the typer commands, thin), :mod:`.flow` (the ceremony's stages and what it
logs), :mod:`.screens` (what it shows), :mod:`.prompts` (what it asks).
"""

from __future__ import annotations

import typer

from randcheck.cli.draw.commands import draw_app


def register(app: typer.Typer) -> None:
    app.add_typer(draw_app, name="draw")
