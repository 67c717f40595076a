"""Modules a command group needs only when one of its commands runs.

A group module (``cli/task.py`` …) is imported for ``randcheck task --help`` too, and its
services pull in SQLAlchemy, cryptography and the publisher: most of a second before any help
is printed.  ``lazy("randcheck.services.tasks")`` returns the module object at once and runs
its code on the first attribute access (``importlib.util.LazyLoader``), so help costs only
typer.  Under ``TYPE_CHECKING`` the modules are imported normally, so mypy sees real types::

    if TYPE_CHECKING:
        from randcheck.services import tasks as svc
    else:
        svc = lazy("randcheck.services.tasks")
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy(name: str) -> ModuleType:
    """``name`` as a module whose code runs on first use (at once if already imported)."""
    module = sys.modules.get(name)
    if module is not None:
        return module
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:  # pragma: no cover - a packaging error
        raise ModuleNotFoundError(name, name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)
    return module
