"""``format``, ``files`` and ``files.signature``: what the bundle holds, and who vouches for it."""

from __future__ import annotations

from collections.abc import Mapping

from randcheck.bundle import layout
from randcheck.core import signing
from randcheck.core.canonical import parse
from randcheck.core.checks import Check
from randcheck.errors import InputError, RandcheckError
from randcheck.services.verify.reading import BundleFiles


def format_check(files: BundleFiles) -> tuple[str, Check]:
    """The bundle format (``bundle.json``; none: v1) and the ``format`` check.  An unreadable
    format document is checked by the strictest rules, those of the newest format."""
    if layout.FORMAT_FILE in files.oversize:
        return layout.FORMAT, files.absent("format", layout.FORMAT_FILE)
    try:
        fmt = layout.read_format(files.get(layout.FORMAT_FILE))
    except RandcheckError as exc:
        return layout.FORMAT, Check.from_error("format", exc)
    return fmt, Check.passed("format", "verify.format_ok", format=fmt)


def files_check(files: BundleFiles) -> Check:
    """Every file listed in SHA256SUMS is present with that hash, and nothing else is there.

    A listed file that :func:`reading.read` did not read is not a file of the layout
    (``verify.file_foreign``): so are ``verify.html`` and ``verify.js`` in formats v1–v3,
    which read only from v4 on (``layout.has_verifier``)."""
    raw = files.get(layout.SUMS)
    if raw is None:
        return files.absent("files", layout.SUMS)
    try:
        listed = layout.parse_sums(raw)
    except InputError as exc:
        return Check.from_error("files", exc)
    for path in sorted(listed):
        if path not in files.present:
            return Check.failed("files", "verify.file_missing", file=path)
        digest = files.sha256(path)
        if digest is None:  # a symlink, a file over its bound, or no file of a bundle
            if path in files.oversize:
                return files.absent("files", path)
            return Check.failed("files", "verify.file_foreign", file=path)
        if digest != listed[path]:
            return Check.failed("files", "verify.file_changed", file=path)
    extra = sorted(
        p for p in files.present if p not in listed and p not in (layout.SUMS, layout.SUMS_SIG)
    )
    if extra:
        return Check.failed("files", "verify.file_unlisted", file=extra[0], count=len(extra))
    return Check.passed("files", "verify.files_ok", count=len(listed))


def sums_signature(files: BundleFiles, keys: Mapping[str, bytes]) -> Check:
    """``SHA256SUMS.sig`` verifies under a trusted key."""
    raw = files.get(layout.SUMS_SIG)
    sums = files.get(layout.SUMS)
    if raw is None or sums is None:
        return files.absent("files.signature", layout.SUMS_SIG if raw is None else layout.SUMS)
    try:
        doc = parse(raw.rstrip(b"\n"))
        if not isinstance(doc, dict) or set(doc) != {"keyid", "sig"}:
            raise InputError("verify.sums_sig_malformed")
        keyid, sig = str(doc["keyid"]), bytes.fromhex(str(doc["sig"]))
    except (RandcheckError, ValueError):
        return Check.failed("files.signature", "verify.sums_sig_malformed")
    public = keys.get(keyid)
    if public is None:
        return Check.failed("files.signature", "verify.sums_untrusted", key_id=keyid[:16])
    try:
        signing.verify(public, layout.sums_signing_input(sums), sig)
    except RandcheckError:
        return Check.failed("files.signature", "verify.sums_sig_bad", key_id=keyid[:16])
    return Check.passed("files.signature", "verify.sums_sig_ok", key_id=keyid[:16])
