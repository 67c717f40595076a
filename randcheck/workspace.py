"""The workspace: folders, ``randcheck.toml`` and the default database URL."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from randcheck.errors import CannotRunError, NotFoundError, UsageError
from randcheck.io.atomic import atomic_write, make_private_dir

CONFIG_NAME = "randcheck.toml"
FOLDERS = ("db", "audit_logs", "keys", "publish")
_REGION = re.compile(r"^[0-9]{6}$")

# Modes of what randcheck creates, whatever the umask (an existing folder is never loosened).
ROOT_MODE = 0o750  # the workspace folder itself, when ``init`` creates it
DEFAULT_KEY = "office"  # the office key's name (keys/office.key)
KEYS_MODE = 0o700  # private keys (also tightened when the folder already exists)
DB_MODE = 0o750  # db/ (and the parent of any SQLite file randcheck creates)
AUDIT_MODE = 0o750  # audit_logs/
PUBLISH_MODE = 0o755  # publish/: meant to be published
FILE_MODE = 0o640  # the SQLite database (and the audit log file) when randcheck creates them
FOLDER_MODES = {"db": DB_MODE, "audit_logs": AUDIT_MODE, "keys": KEYS_MODE, "publish": PUBLISH_MODE}


@dataclass(frozen=True)
class Workspace:
    """Paths of one workspace rooted at ``root``."""

    root: Path

    @property
    def db_dir(self) -> Path:
        return self.root / "db"

    @property
    def audit_dir(self) -> Path:
        return self.root / "audit_logs"

    @property
    def keys_dir(self) -> Path:
        return self.root / "keys"

    @property
    def publish_dir(self) -> Path:
        return self.root / "publish"

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    def default_db_url(self) -> str:
        return f"sqlite:///{(self.db_dir / 'randcheck.sqlite').resolve()}"

    def is_initialised(self) -> bool:
        return self.config_path.is_file()

    def require(self) -> Workspace:
        """Return self, or raise ``NotFoundError`` if ``randcheck init`` was never run here."""
        if not self.is_initialised():
            raise NotFoundError("workspace.not_initialised", path=str(self.root))
        return self

    def config(self) -> dict[str, Any]:
        """The parsed ``randcheck.toml``."""
        try:
            with self.config_path.open("rb") as fh:
                return tomllib.load(fh)
        except FileNotFoundError as exc:
            raise NotFoundError("workspace.not_initialised", path=str(self.root)) from exc
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise CannotRunError(
                "workspace.bad_config", path=str(self.config_path), reason=str(exc)
            ) from exc

    def bureau(self) -> dict[str, str]:
        """The ``[bureau]`` table: ``name`` and ``region_code``."""
        section = self.config().get("bureau", {})
        return {
            "name": str(section.get("name", "")),
            "region_code": str(section.get("region_code", "")),
        }


def init_workspace(root: Path, bureau: str, region_code: str) -> tuple[Workspace, bool]:
    """Lay out the workspace folders and config; idempotent.

    Returns the workspace and whether the config file was created now (an existing config is
    never overwritten).
    """
    if not _REGION.match(region_code):
        raise UsageError("init.bad_region", value=region_code)
    ws = Workspace(root.resolve())
    make_private_dir(ws.root, ROOT_MODE)
    for name in FOLDERS:
        make_private_dir(ws.root / name, FOLDER_MODES[name])
    ws.keys_dir.chmod(KEYS_MODE)
    if ws.config_path.exists():
        return ws, False
    config = {
        "bureau": {"name": bureau, "region_code": region_code},
        "defaults": {"lang": "zh", "reserve": 10, "team_size": 2},
    }
    atomic_write(ws.config_path, tomli_w.dumps(config).encode("utf-8"))
    return ws, True
