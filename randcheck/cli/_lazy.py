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

import importlib.machinery
import importlib.util
import sys
from types import ModuleType

_SPECS: dict[str, importlib.machinery.ModuleSpec] = {}  # the specs of modules made lazy here


def lazy(name: str) -> ModuleType:
    """``name`` as a module whose code runs on first use (at once if already imported)."""
    module = sys.modules.get(name)
    if module is not None:
        return module
    parent_name = name.rpartition(".")[0]
    parent_spec = _SPECS.get(parent_name)
    if parent_spec is not None and parent_spec.submodule_search_locations is not None:
        # the parent is itself still lazy: find_spec would read its __path__ and load it
        spec = importlib.machinery.PathFinder.find_spec(
            name, list(parent_spec.submodule_search_locations)
        )
    else:
        spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:  # pragma: no cover - a packaging error
        raise ModuleNotFoundError(name, name=name)
    _SPECS[name] = spec
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent in sys.modules:
        # ModuleType.__setattr__: setting an attribute does not load a lazy parent
        object.__setattr__(sys.modules[parent], child, module)
    return module
