"""Registration status vocabulary: raw 登记状态 text as exported, mapped to canonical words.

Registration systems write the same status many ways: the national enterprise credit system
exports "存续（在营、开业、在册）", others "在业", "开业" or "在营"; a revoked business is
"吊销，未注销" or "吊销未注销".  The registry keeps the raw text exactly as imported; task
filters and exclusions compare :func:`normalise` of it with the canonical words below, so
``statuses = ["存续"]`` matches every spelling of an operating business.

The vocabulary (documented in docs/tasks.md):

========  =========================================================================
存续      存续, 在业, 在营, 开业, 在册, 正常, 存续（在营、开业、在册）
吊销      吊销, 已吊销, 吊销，未注销, 吊销未注销, 吊销后未注销
注销      注销, 已注销, 吊销，已注销, 吊销后注销, 注销企业
迁出      迁出, 已迁出
撤销      撤销, 已撤销, 撤销登记
停业      停业, 已停业
歇业      歇业（市场主体登记管理条例 第三十条）
清算      清算, 清算中, 正在清算
========  =========================================================================

Rules, in order (pure string work, no locale): remove all white space; full-width brackets
and punctuation become their ASCII forms; an exact alias wins; else the text before a bracket
("存续(在营、开业、在册)" → "存续") is looked up; else a text starting with 吊销 is 注销 when it
says 已注销 and 吊销 otherwise.  Anything else is its own value (the cleaned raw text), so an
unknown status is never taken for 存续.  In task files, ``statuses`` accepts the canonical
words and every alias (an alias is stored as its canonical word).
"""

from __future__ import annotations

from collections.abc import Iterable

OPERATING = "存续"
VOCABULARY: tuple[str, ...] = ("存续", "吊销", "注销", "迁出", "撤销", "停业", "歇业", "清算")

_ALIASES: dict[str, tuple[str, ...]] = {
    "存续": ("在业", "在营", "开业", "在册", "正常", "存续(在营,开业,在册)"),
    "吊销": ("已吊销", "吊销,未注销", "吊销未注销", "吊销后未注销", "吊销,未注销企业"),
    "注销": ("已注销", "吊销,已注销", "吊销已注销", "吊销后注销", "注销企业"),
    "迁出": ("已迁出",),
    "撤销": ("已撤销", "撤销登记"),
    "停业": ("已停业",),
    "歇业": (),
    "清算": ("清算中", "正在清算"),
}
ALIASES: dict[str, str] = {
    **{a: canon for canon, aliases in _ALIASES.items() for a in aliases},
    **{canon: canon for canon in VOCABULARY},
}
_ASCII = str.maketrans(
    {"（": "(", "）": ")", "【": "(", "】": ")", "，": ",", "、": ",", "；": ",", ";": ","}
)


def _clean(raw: str) -> str:
    return "".join(raw.split()).translate(_ASCII)


def normalise(raw: str | None) -> str:
    """The canonical word for a raw status (module doc), or the cleaned raw text."""
    if raw is None:
        return ""
    text = _clean(raw)
    found = ALIASES.get(text)
    if found is not None:
        return found
    # "存续(在营,开业,在册)": a word followed by a bracket that only repeats that word's
    # aliases.  A bracket saying anything else ("开业(已吊销)", "存续(注销)") is not trusted.
    head, bracket, rest = text.partition("(")
    found = ALIASES.get(head)
    if found is not None and bracket and rest.endswith(")"):
        inner = [part for part in rest[:-1].split(",") if part]
        if all(ALIASES.get(part) == found for part in inner):
            return found
    if text.startswith("吊销"):
        return "注销" if "已注销" in text else "吊销"
    return text


def known(value: str) -> bool:
    """Whether ``value`` (from a task file) names a word of the vocabulary or an alias."""
    return _clean(value) in ALIASES


class Allowed(dict[str | None, bool]):
    """``allowed[raw]``: whether a raw status normalises into ``allowed``.  A dict filled on
    first sight of each raw value (``__missing__``), so a pool of millions of rows pays one
    plain dict lookup per row."""

    def __init__(self, allowed: Iterable[str]) -> None:
        super().__init__()
        self.allowed = frozenset(normalise(a) for a in allowed)

    def __missing__(self, raw: str | None) -> bool:
        found = self[raw] = normalise(raw) in self.allowed
        return found
