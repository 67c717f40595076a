"""The one message catalog: every user-facing string, in Chinese and English.

Messages live in ``randcheck/messages/<area>.py`` (one dict per area, so that areas can grow
independently) and are merged here.  Placeholders use ``str.format`` names.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import randcheck.messages as _messages_pkg

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"


def _load() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(_messages_pkg.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"randcheck.messages.{info.name}")
        area: dict[str, dict[str, str]] = module.MESSAGES
        for key, texts in area.items():
            if key in merged:
                raise RuntimeError(f"message key {key!r} defined twice (in {info.name})")
            merged[key] = texts
    return merged


MESSAGES: dict[str, dict[str, str]] = _load()


def normalise_lang(lang: str | None) -> str:
    """Map user input (``zh``, ``zh_CN.UTF-8``, ``en``, ``EN``) to a catalog language."""
    if not lang:
        return DEFAULT_LANG
    low = lang.strip().lower()
    for candidate in LANGS:
        if low == candidate or low.startswith(candidate + "_") or low.startswith(candidate + "-"):
            return candidate
    return DEFAULT_LANG


def render(key: str, lang: str, /, **params: Any) -> str:
    """The message ``key`` in ``lang`` with ``params`` filled in.

    An unknown key renders as the key itself plus its parameters, so that a missing
    translation never hides an error; ``tests/test_catalog.py`` keeps that from happening.
    A parameter pair ``<name>_key`` / ``<name>_params`` is rendered first, as ``{<name>}``.
    """
    for name in [k[: -len("_key")] for k in params if k.endswith("_key")]:
        # a nested message: ``<name>_key`` (a catalog key) rendered with ``<name>_params``
        inner = params.pop(f"{name}_key")
        inner_params = params.pop(f"{name}_params", {}) or {}
        params[name] = render(str(inner), lang, **inner_params)
    texts = MESSAGES.get(key)
    if texts is None:
        extra = " ".join(f"{k}={v}" for k, v in sorted(params.items()))
        return f"{key} {extra}".strip()
    template = texts.get(lang) or texts["en"]
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template
