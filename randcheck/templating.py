"""The one jinja2 environment setting every page randcheck renders uses (the bundle's pages
and the public site's): templates from ``randcheck/templates``, autoescape, strict undefined,
and the ``v`` filter (text made visible); each caller adds its own filters.

jinja2 is imported by the first page rendered, not by every command.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from randcheck.core.text import visible

if TYPE_CHECKING:
    import jinja2


def environment(filters: Mapping[str, Callable[..., Any]]) -> jinja2.Environment:
    """A new environment with the shared settings and ``filters`` added."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("randcheck", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["v"] = lambda value: visible(str(value))
    env.filters.update(filters)
    return env
