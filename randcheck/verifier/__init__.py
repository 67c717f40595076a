"""The browser verifier: ``randcheck verify`` in JavaScript, for readers who will not install
Python (docs/VERIFIER.md).

The JavaScript lives in ``js/`` as plain scripts, one namespace per file (``js/merkle.js``
defines ``const Merkle = (() => { … })();``), each a port of the Python module of the same
part of docs/SPEC.md.  :func:`script` joins them, in the order of :data:`SOURCES`, after the
vendored ``noble.js`` (``vendor/README.md``) and the messages the page shows (taken from the
one message catalog), inside one function scope, and exposes ``globalThis.RandcheckVerifier``.
Nothing is built or downloaded by a user: the joined text is deterministic per version, so
the standalone page's SHA-256 can be printed in the README and compared by anyone.
"""

from __future__ import annotations

import hashlib
import json
import re
from importlib import resources

from randcheck import __version__

#: the script files, in the order they are joined; each defines the namespace named after it
#: (``bytes.js`` → ``Bytes``).  A namespace may use one defined later only inside functions.
SOURCES: tuple[str, ...] = (
    "bytes.js",  # hex, UTF-8, base64, byte comparison
    "hash.js",  # SHA-256 (WebCrypto and noble), HMAC, HKDF, Ed25519
    "checks.js",  # the named check, the report, RcError, progress
    "json.js",  # strict JSON reading, RFC 8785 (JCS) writing and the canonical check
    "spec.js",  # SPEC §1–§2: encodings, tags, length prefixes
    "envelope.js",  # SPEC §2: signed envelopes
    "model.js",  # the roster and the records' shapes (core/draw/model.py)
    "announce.js",  # SPEC §4–§5: announcement rules
    "commit.js",  # SPEC §3: population files and roots
    "drand.js",  # SPEC §6.1: drand rounds, BLS12-381
    "entropy.js",  # SPEC §6.1: dice, lottery and drand evidence
    "seed.js",  # SPEC §6.2: seed and stage keys
    "select.js",  # SPEC §5, §6.3: tickets and selection
    "pairing.js",  # SPEC §7: teams
    "record.js",  # SPEC §8: the record's parts
    "addenda.js",  # SPEC §10: substitution addenda
    "replay.js",  # SPEC §9, §11: replay and the per-entity answer
    "merkle.js",  # RFC 6962 trees, inclusion proofs, the log tail's roots (SPEC §14.6, §15.2)
    "note.js",  # C2SP signed notes, checkpoints, tlog-proof files (SPEC §15.3, §15.4)
    "keys.js",  # public keys: the key file of `keys export`, C2SP verifier keys, raw base64
    "zip.js",  # reading zip files (a dropped bundle .zip, results.xlsx)
    "reading.js",  # SPEC §14.3: the bundle's files within their bounds (Reading.sources: Sources)
    "sources.js",  # where the files come from: a picked folder, a dropped .zip, http(s)
    "uscc.js",  # unified social credit codes: normalising and checking (core/uscc.py)
    "documents.js",  # the bundle's documents, population files, --entity
    "log.js",  # log.checkpoint, log.<doc>, log.order, reveal, chain
    "complete.js",  # log.complete, log.consistency (SPEC §14.6)
    "commitment.js",  # SPEC-v2: the entropy commitment
    "der.js",  # a strict DER reader and the ASN.1 time types' calendar (for x509.js, tsa.js)
    "x509.js",  # X.509 certificates, their keys and signatures (WebCrypto), for tsa.js
    "tsa.js",  # SPEC-v2: RFC 3161 timestamp tokens (TimeStampResp, CMS, TSTInfo, the trust rule)
    "ordering.js",  # SPEC-v2 §8: commitment.* and the order checks
    "csv.js",  # Python's csv module (excel dialect): writing and reading results.csv's rows
    "xlsx.js",  # a workbook read as openpyxl reads it (table.py from_xlsx)
    "tables.js",  # SPEC §14.1: results.csv, results.xlsx
    "page.js",  # SPEC §14.4 `page`
    "inspection.js",  # RESULTS-SPEC §5: inspection.*
    "files.js",  # format, files, files.signature
    "verify.js",  # the checks in order (services/verify/__init__.py)
    "uitext.js",  # the page's words: str.format over the catalog, check and entity wording
    "ui.js",  # the page: picking a bundle, keys, progress, the report, --entity
)

#: message keys the page shows, by prefix (the catalog's own keys, never copies of them)
CATALOG_PREFIXES: tuple[str, ...] = (
    "verify.",
    "proto.",
    "drand.",
    "canonical.",
    "webverify.",
    "results.",
    "note.",
    "log.",
    "tsa.",
    "uscc.",
    "commitment.",
    "publish.excl.",  # exclusion reasons, named in the per-entity answer
    "signature.",
    "keys.",  # a pasted or picked key that is not an Ed25519 public key
    "merkle.",
    "checkpoint.",
    "proof.",  # an envelope's signature that does not verify
    "io.",  # "cannot read" and the like, when a file of the bundle cannot be read
)


def namespace(source: str) -> str:
    """``select.js`` → ``Select``."""
    stem = source.removesuffix(".js")
    return stem[:1].upper() + stem[1:]


def _read(*parts: str) -> str:
    return resources.files(__name__).joinpath(*parts).read_text(encoding="utf-8")


def catalog() -> dict[str, dict[str, str]]:
    """The messages the page shows (both languages), sorted by key."""
    from randcheck.catalog import MESSAGES

    return {k: MESSAGES[k] for k in sorted(MESSAGES) if k.startswith(CATALOG_PREFIXES)}


def script() -> str:
    """The whole verifier as one script (``verify.js`` of a bundle): deterministic per version."""
    names = [namespace(s) for s in SOURCES]
    parts = [
        f"/* randcheck {__version__} browser verifier (docs/VERIFIER.md). Vendored: noble.js, "
        "MIT licence (c) 2022 Paul Miller; see randcheck/verifier/vendor/README.md. */\n",
        "(function () {\n\"use strict\";\n",
        _read("vendor", "noble.js"),
        "\nconst VERSION = " + json.dumps(__version__) + ";\n",
        "const CATALOG = "
        + json.dumps(catalog(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        + ";\n",
    ]
    for source in SOURCES:
        parts.append(f"\n/* ---- {source} ---- */\n")
        parts.append(_read("js", source))
    parts.append(
        "\nglobalThis.RandcheckVerifier = { version: VERSION, verify: Verify.verify, "
        "sources: Reading.sources, internals: { " + ", ".join(names) + " } };\n"
        "if (typeof document !== \"undefined\") { Ui.boot(); }\n})();\n"
    )
    return "".join(parts)


def page(standalone: bool = False) -> str:
    """``verify.html``: with ``standalone`` the script is inlined (``randcheck verifier-page``),
    else the page loads ``verify.js`` beside it (a bundle's copy)."""
    text = _read("page.html")
    if standalone:
        # inside <script>, "</script" (any case) would end the element and "<!--" could start
        # the HTML parser's script-data escape state; both occur only in string literals of
        # the script, where "\\/" and "\\!" mean "/" and "!"
        body = re.sub(r"</(script)", r"<\\/\1", script(), flags=re.IGNORECASE)
        body = body.replace("<!--", "<\\!--")
        tag = "<script>\n" + body + "</script>"
    else:
        tag = '<script src="verify.js"></script>'
    return text.replace("<!--SCRIPT-->", tag)


def page_sha256() -> str:
    """SHA-256 (hex) of the standalone page, as the README prints it."""
    return hashlib.sha256(page(standalone=True).encode("utf-8")).hexdigest()
