"""Every template and data file ships in the wheel: ``package-data`` in pyproject.toml names
it (``templates/*`` does not reach ``templates/site/``: an installed randcheck could not
build the site)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "randcheck"


def test_package_data_names_every_template_and_data_file() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["randcheck"]
    shipped = {p for pattern in patterns for p in PACKAGE.glob(pattern) if p.is_file()}
    needed = {
        p
        for folder in ("templates", "data")
        for p in (PACKAGE / folder).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert needed, "no template or data file found"
    assert sorted(str(p.relative_to(PACKAGE)) for p in needed - shipped) == []
