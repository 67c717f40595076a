"""What every command gets: workspace, database URL, language and actor."""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from randcheck.catalog import render
from randcheck.workspace import Workspace

if TYPE_CHECKING:  # the database layer is imported by the first command that needs it
    from sqlalchemy.engine import Engine


@dataclass
class AppContext:
    """Global options, resolved once in the root callback."""

    workspace: Workspace
    db_url_option: str | None
    lang: str
    actor: str
    verbose: bool
    _engine: Engine | None = field(default=None, repr=False)

    @property
    def db_url(self) -> str:
        return self.db_url_option or self.workspace.default_db_url()

    def t(self, key: str, /, **params: Any) -> str:
        """Catalog text in this run's language."""
        return render(key, self.lang, **params)

    def engine(self) -> Engine:
        """The migrated engine; the workspace must be initialised."""
        if self._engine is None:
            from randcheck.store.db import open_engine

            self.workspace.require()
            self._engine = open_engine(self.db_url)
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def default_actor() -> str:
    try:
        return getpass.getuser()
    except Exception:  # getuser raises various errors when no user name exists
        return "unknown"


def get(ctx: typer.Context) -> AppContext:
    """The AppContext of the running command."""
    obj = ctx.find_root().obj
    if not isinstance(obj, AppContext):  # only when a sub-app is run on its own
        obj = AppContext(Workspace(Path.cwd()), None, "zh", default_actor(), False)
        ctx.find_root().obj = obj
    return obj
