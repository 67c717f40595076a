"""The inspection-result vocabulary (检查结果用语): the words a result row may use.

No official nationwide vocabulary is public, so randcheck ships the Zhejiang "综合抽查" list
(``randcheck/data/result_vocabulary.json``) as a versioned document, and an office may add
its own terms (:meth:`Vocabulary.extend`, :func:`load_extension`); an extended vocabulary gets
its own id, ``<base id>+<first 12 hex of the extension's digest>``, so that a published result
always names exactly the word list it was checked against (:attr:`Vocabulary.digest`).

Each term has a code (``1``, ``A``, ``10``), a text, aliases, an optional parent and an
``exclusive`` flag.  A result cell holds one or more terms (:meth:`Vocabulary.parse_terms`);
an exclusive term must stand alone, and a cell may not hold a term together with one of its
ancestors (the more specific term already says it).  Words are compared after NFKC
normalisation with all spaces (and invisible characters) taken out, so full-width and ASCII
brackets, full-width letters and digits, and stray spaces do not matter.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from randcheck.core.canonical import canonical, json_nesting_ok
from randcheck.core.canonical import parse as parse_json
from randcheck.core.text import BIDI, INVISIBLE, problem
from randcheck.errors import CannotRunError, InputError, NotFoundError

#: where the shipped vocabulary lives inside the package (also its ``file`` in errors)
SHIPPED_FILE = "randcheck/data/result_vocabulary.json"
#: an office's extension file may be at most this large (a few hundred terms fit easily)
MAX_EXTENSION_BYTES = 1 << 20
#: how many closest texts an unknown term's hint names
HINTS = 3

_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,15}$")
#: what separates terms in a cell: 、 , ; | in their ASCII, full-width, small and half-width
#: forms, and every line break
_SEPARATORS = "、,，;；|｜﹐﹑﹔︐︑︔､"
_SPLIT = re.compile("[" + re.escape(_SEPARATORS) + "\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_DROP = dict.fromkeys(map(ord, BIDI | INVISIBLE))
_DOC_KEYS = {"id", "title", "source", "terms"}
_TERM_KEYS = {"code", "text", "parent", "exclusive", "aliases"}


def normalise(word: str) -> str:
    """``word`` as compared: NFKC, without whitespace, bidirectional or invisible characters."""
    return "".join(unicodedata.normalize("NFKC", word.translate(_DROP)).split())


@dataclass(frozen=True)
class Term:
    code: str
    text: str
    parent: str | None
    exclusive: bool
    aliases: tuple[str, ...]

    def document(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "text": self.text,
            "parent": self.parent,
            "exclusive": self.exclusive,
            "aliases": list(self.aliases),
        }


class _Bad(Exception):
    """A malformed vocabulary; turned into ``results.bad_vocabulary`` with the file named."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _fields(allowed: set[str], keys: set[Any], optional: frozenset[str] = frozenset()) -> str:
    """Why an object's ``keys`` are not ``allowed``: what is missing, what is unexpected."""
    missing = sorted(allowed - optional - keys)
    extra = sorted(map(repr, keys - allowed))
    return "; ".join(
        ([f"missing {', '.join(missing)}"] if missing else [])
        + ([f"unexpected {', '.join(extra)}"] if extra else [])
    )


def _word(value: Any, where: str) -> str:
    """A code, text or alias: a string that is a usable, separator-free word."""
    if not isinstance(value, str):
        raise _Bad(f"{where}: expected a string")
    if problem(value) is not None:
        raise _Bad(f"{where}: holds a control, bidirectional or invisible character")
    if not normalise(value):
        raise _Bad(f"{where}: empty")
    if _SPLIT.search(value) or _SPLIT.search(normalise(value)):
        raise _Bad(f"{where}: holds a line break or a term separator ({_SEPARATORS})")
    return value


def _term(value: Any, where: str) -> Term:
    if not isinstance(value, Mapping):
        raise _Bad(f"{where}: expected an object")
    keys = set(value)
    if keys != _TERM_KEYS:
        raise _Bad(f"{where}: {_fields(_TERM_KEYS, keys)}")
    code = _word(value["code"], f"{where}.code")
    if not _CODE.match(code):
        raise _Bad(f"{where}.code: {code!r} is not 1-16 ASCII letters, digits, '.', '_' or '-'")
    parent = value["parent"]
    if parent is not None and not isinstance(parent, str):
        raise _Bad(f"{where}.parent: expected a code or null")
    exclusive = value["exclusive"]
    if not isinstance(exclusive, bool):
        raise _Bad(f"{where}.exclusive: expected true or false")
    aliases = value["aliases"]
    if not isinstance(aliases, list):
        raise _Bad(f"{where}.aliases: expected a list")
    return Term(
        code=code,
        text=_word(value["text"], f"{where}.text"),
        parent=parent,
        exclusive=exclusive,
        aliases=tuple(_word(a, f"{where}.aliases[{i}]") for i, a in enumerate(aliases)),
    )


def _terms(value: Any, where: str) -> tuple[Term, ...]:
    if not isinstance(value, list):
        raise _Bad(f"{where}: expected a list")
    if not value:
        raise _Bad(f"{where}: no terms")
    return tuple(_term(t, f"{where}[{i}]") for i, t in enumerate(value))


@dataclass(frozen=True)
class _Index:
    by_key: dict[str, Term]  # normalised code, text or alias -> term
    order: dict[str, int]  # code -> position
    ancestors: dict[str, tuple[str, ...]]  # code -> parent, grandparent, ...


def _index(terms: tuple[Term, ...]) -> _Index:
    """Check what the shape cannot: unique words, known parents, no cycles."""
    if not terms:
        raise _Bad("terms: no terms")
    by_key: dict[str, Term] = {}
    owner: dict[str, str] = {}
    order: dict[str, int] = {}
    for i, t in enumerate(terms):
        if t.code in order:
            raise _Bad(f"terms[{i}].code: {t.code!r} is used twice")
        order[t.code] = i
        for what, word in [("code", t.code), ("text", t.text)] + [
            (f"aliases[{j}]", a) for j, a in enumerate(t.aliases)
        ]:
            key = normalise(word)
            if key in by_key:
                raise _Bad(
                    f"terms[{i}].{what}: {word!r} is the same word as {owner[key]}"
                    " (compared without width differences and spaces)"
                )
            by_key[key], owner[key] = t, f"terms[{i}] ({t.code})"
    parents = {t.code: t.parent for t in terms}
    ancestors: dict[str, tuple[str, ...]] = {}
    for i, t in enumerate(terms):
        if t.parent is not None and t.parent not in parents:
            raise _Bad(f"terms[{i}].parent: no term has the code {t.parent!r}")
        chain: list[str] = []
        p = t.parent
        while p is not None:
            if p == t.code or p in chain:
                loop = " -> ".join([t.code, *chain, p])
                raise _Bad(f"terms[{i}].parent: parents form a cycle ({loop})")
            chain.append(p)
            p = parents[p]
        ancestors[t.code] = tuple(chain)
    return _Index(by_key, order, ancestors)


@dataclass(frozen=True)
class Vocabulary:
    id: str  # version id; an office extension yields "<base id>+<12 hex of its digest>"
    title: str
    terms: tuple[Term, ...]
    source: str | None = None
    _ix: _Index = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            ix = _index(self.terms)
        except _Bad as exc:
            raise InputError("results.bad_vocabulary", file="", reason=exc.reason) from None
        object.__setattr__(self, "_ix", ix)

    def document(self) -> dict[str, Any]:
        """The JSON document that is published (and hashed for :attr:`digest`)."""
        doc: dict[str, Any] = {"id": self.id, "title": self.title}
        if self.source is not None:
            doc["source"] = self.source
        doc["terms"] = [t.document() for t in self.terms]
        return doc

    @property
    def digest(self) -> str:
        """Hex SHA-256 of the RFC 8785 canonical bytes of :meth:`document`."""
        return hashlib.sha256(canonical(self.document())).hexdigest()

    def lookup(self, word: str) -> Term | None:
        """The term whose code, text or alias is ``word`` (compared as :func:`normalise` does)."""
        return self._ix.by_key.get(normalise(word))

    def ancestors(self, code: str) -> tuple[str, ...]:
        """The codes above ``code``: its parent, the parent's parent, and so on."""
        return self._ix.ancestors[code]

    def _hint(self, key: str) -> str:
        """Up to :data:`HINTS` texts closest to the normalised ``key`` (by code, text or alias)."""
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(key)
        scored: list[tuple[float, int, str]] = []
        for i, t in enumerate(self.terms):
            best = 0.0
            for word in (t.text, *t.aliases):
                matcher.set_seq1(normalise(word))
                best = max(best, matcher.ratio())
            scored.append((-best, i, t.text))
        return "、".join(text for _, _, text in sorted(scored)[:HINTS])

    def parse_terms(self, cell: str) -> tuple[list[str], list[tuple[str, str, dict[str, Any]]]]:
        """Split a cell on 、,，;；| or line breaks; return (the canonical term TEXTS in vocabulary
        order, problems), each problem being (word, catalog code, params):

        * ``results.unknown_term`` {term, hint}: a word that is no code, text or alias; the hint
          names up to three closest texts (difflib), joined by 、;
        * ``results.exclusive_term`` {term}: an exclusive term with any other known term;
        * ``results.term_with_parent`` {term, parent}: a term together with one of its
          ancestors; the word is the ancestor as written (the redundant one);
        * ``results.no_terms`` {}: nothing but separators and spaces (word ``""``).

        A term written twice (or by code and by text) counts once.  The output does not
        depend on the order of the words in the cell: problems come unknown words first (by
        word), then exclusive terms, then term/ancestor pairs (in vocabulary order), and a
        term written several ways is named by the least of its spellings.
        """
        found: dict[str, set[str]] = {}  # code -> spellings
        unknown: dict[str, set[str]] = {}  # normalised word -> spellings
        for piece in _SPLIT.split(cell):
            key = normalise(piece)
            if not key:
                continue
            word = piece.strip()
            term = self._ix.by_key.get(key)
            if term is None:
                unknown.setdefault(key, set()).add(word)
            else:
                found.setdefault(term.code, set()).add(word)
        if not found and not unknown:
            return [], [("", "results.no_terms", {})]
        order = self._ix.order
        codes = sorted(found, key=order.__getitem__)
        problems: list[tuple[str, str, dict[str, Any]]] = []
        for key in sorted(unknown, key=lambda k: min(unknown[k])):
            word = min(unknown[key])
            problems.append((word, "results.unknown_term", {"term": word, "hint": self._hint(key)}))
        text = {t.code: t.text for t in self.terms}
        if len(codes) > 1:
            problems.extend(
                (min(found[c]), "results.exclusive_term", {"term": text[c]})
                for c in codes
                if self.terms[order[c]].exclusive
            )
        present = set(codes)
        problems.extend(
            (min(found[a]), "results.term_with_parent", {"term": text[c], "parent": text[a]})
            for c in codes
            for a in sorted(present.intersection(self._ix.ancestors[c]), key=order.__getitem__)
        )
        return [text[c] for c in codes], problems

    def extend(self, extension: Mapping[str, Any], *, file: str = "") -> Vocabulary:
        """This vocabulary plus an office's terms, ``{"terms": [...]}`` shaped like the
        shipped ones (appended in their order).  A new code, text or alias that is an existing
        word (compared as :func:`normalise` does) raises ``results.vocabulary_clash``; any other
        fault (shape, duplicates within the extension, an unknown parent, which may be an
        existing or a new term) ``results.bad_vocabulary``.  The result's id is
        ``<this id>+<first 12 hex of the extension's digest>``."""
        try:
            if not isinstance(extension, Mapping):
                raise _Bad("expected an object")
            if set(extension) != {"terms"}:
                extra = sorted(map(str, set(extension) - {"terms"}))
                raise _Bad(f"unexpected {', '.join(extra)}" if extra else "missing terms")
            new = _terms(extension["terms"], "terms")
        except _Bad as exc:
            raise InputError("results.bad_vocabulary", file=file, reason=exc.reason) from None
        for t in new:
            for word in (t.code, t.text, *t.aliases):
                if normalise(word) in self._ix.by_key:
                    raise InputError("results.vocabulary_clash", term=word, file=file)
        terms = self.terms + new
        try:
            _index(terms)
        except _Bad as exc:
            raise InputError("results.bad_vocabulary", file=file, reason=exc.reason) from None
        ext_digest = hashlib.sha256(canonical({"terms": [t.document() for t in new]})).hexdigest()
        return Vocabulary(
            id=f"{self.id}+{ext_digest[:12]}", title=self.title, terms=terms, source=self.source
        )

    @classmethod
    def from_document(cls, doc: Mapping[str, Any], *, file: str = "") -> Vocabulary:
        """The vocabulary a document describes, checked strictly: ``results.bad_vocabulary``
        on a missing, unexpected or mistyped field, a word used twice, an unknown parent or a
        cycle of parents."""
        try:
            if not isinstance(doc, Mapping):
                raise _Bad("expected an object")
            keys = set(doc)
            if not {"id", "title", "terms"} <= keys <= _DOC_KEYS:
                raise _Bad(_fields(_DOC_KEYS, keys, optional=frozenset({"source"})))
            for name in ("id", "title"):
                value = doc[name]
                if not isinstance(value, str) or not value.strip() or problem(value):
                    raise _Bad(f"{name}: expected a non-empty single-line string")
            source = doc.get("source")
            if source is not None and (not isinstance(source, str) or problem(source)):
                raise _Bad("source: expected a single-line string")
            terms = _terms(doc["terms"], "terms")
            _index(terms)
        except _Bad as exc:
            raise InputError("results.bad_vocabulary", file=file, reason=exc.reason) from None
        return cls(id=doc["id"], title=doc["title"], terms=terms, source=source)


@cache
def shipped() -> Vocabulary:
    """The vocabulary shipped with randcheck (``randcheck/data/result_vocabulary.json``)."""
    data = resources.files("randcheck").joinpath("data/result_vocabulary.json").read_bytes()
    return Vocabulary.from_document(parse_json(data), file=SHIPPED_FILE)


def load_extension(path: Path) -> Vocabulary:
    """:func:`shipped` extended with the office's terms in the JSON file ``path``."""
    name = path.name
    try:
        with path.open("rb") as f:
            data = f.read(MAX_EXTENSION_BYTES + 1)
    except FileNotFoundError as exc:
        raise NotFoundError("io.file_missing", path=str(path)) from exc
    except OSError as exc:
        raise CannotRunError("io.cannot_read", path=str(path), reason=exc.strerror or "") from exc
    if len(data) > MAX_EXTENSION_BYTES:
        raise InputError(
            "results.bad_vocabulary", file=name, reason=f"larger than {MAX_EXTENSION_BYTES} bytes"
        )
    if not json_nesting_ok(data, 8):
        raise InputError("results.bad_vocabulary", file=name, reason="nested too deep")
    try:
        doc = parse_json(data)
    except InputError as exc:
        raise InputError("results.bad_vocabulary", file=name, reason=str(exc)) from exc
    return shipped().extend(doc, file=name)
