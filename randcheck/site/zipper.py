"""A deterministic zip of a bundle folder: the same files give the same bytes.

Entries are sorted by their UTF-8 path, stamped 1980-01-01 00:00:00 (the earliest time a zip
can hold), with mode 0644 and the same "made by" system, deflated at a fixed level (6, zlib's
default: a bundle's zip is within 0.2 % of level 9's size in less than half the time); no
extra fields, no comment.  Each path sits under the folder's name, so unzipping gives the folder.

The compressed bytes come from the zlib Python links against: the same machine and zlib build
give byte-identical zips, but another zlib (zlib-ng, say, or a release that changes its
matcher) may deflate the same files to other bytes.  The files inside are the same either way;
only the zip's own SHA-256 in the site's ``SHA256SUMS`` differs (README, docs/SITE.md).
Deflate is kept: storing uncompressed would make the zip as large as the bundle.

:func:`deterministic_zip` is the reference, made with :mod:`zipfile`; the site is built with
:func:`fast_zip`, which writes the same bytes (a test proves it) but deflates each distinct
large file once for all the zips of a build: every bundle carries the same ``verify.js``
(three quarters of a megabyte), and deflating it 200 times was half the zips' time.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Mapping, MutableMapping

EPOCH = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644
LEVEL = 6


def deterministic_zip(folder: str, files: Mapping[str, bytes]) -> bytes:
    """The zip of ``files`` ({relative path: bytes}) under ``folder/``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=LEVEL) as zf:
        for rel in sorted(files, key=lambda p: p.encode("utf-8")):
            info = zipfile.ZipInfo(f"{folder}/{rel}", date_time=EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix: the mode below is read by unzip
            info.external_attr = FILE_MODE << 16
            zf.writestr(info, files[rel], compress_type=zipfile.ZIP_DEFLATED, compresslevel=LEVEL)
    return buf.getvalue()


#: :mod:`zipfile`'s records, as it writes them for a seekable file without ZIP64
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
_VERSION = 20  # zipfile's DEFAULT_VERSION: what deflate needs
_UNIX = 3
_DOS_DATE = (EPOCH[0] - 1980) << 9 | EPOCH[1] << 5 | EPOCH[2]
_DOS_TIME = EPOCH[3] << 11 | EPOCH[4] << 5 | EPOCH[5] // 2
_UTF8_NAME = 0x800
#: beyond this many bytes in all, :mod:`zipfile` may add ZIP64 records: left to it
_SMALL = (1 << 31) // 2
#: beyond this many files, :mod:`zipfile` writes ZIP64 records: left to it
_MAX_ENTRIES = 0xFFFF
#: files at least this large are deflated once a build (by content) and reused
SHARED_MIN = 64 * 1024

#: {file bytes: (CRC-32, deflated bytes), or None when seen once}, shared by the zips of a build
Deflated = MutableMapping[bytes, tuple[int, bytes] | None]


def _deflate(data: bytes) -> tuple[int, bytes]:
    """CRC-32 and raw deflate at :data:`LEVEL`, as :mod:`zipfile` compresses a member."""
    packer = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    return zlib.crc32(data), packer.compress(data) + packer.flush()


def fast_zip(folder: str, files: Mapping[str, bytes], shared: Deflated | None = None) -> bytes:
    """The bytes of :func:`deterministic_zip` for the same arguments, written here rather than
    by :mod:`zipfile`; a file of at least :data:`SHARED_MIN` bytes met a second time is deflated
    once more and kept, keyed by its content, in ``shared`` (one dict for all the zips of a
    build; a content key cannot go stale, and deflate gives the same bytes for the same input),
    so only the files several bundles share are held twice in memory."""
    if len(files) > _MAX_ENTRIES or sum(len(data) for data in files.values()) >= _SMALL:
        return deterministic_zip(folder, files)
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for rel in sorted(files, key=lambda p: p.encode("utf-8")):
        data = files[rel]
        got = None
        if shared is not None and len(data) >= SHARED_MIN:
            if data in shared:  # the second time: kept for the next ones
                got = shared[data] = shared[data] or _deflate(data)
            else:  # the first time: only noted (most large files are in one bundle)
                shared[data] = None
        crc, packed = got or _deflate(data)
        name = f"{folder}/{rel}"
        try:
            raw, flags = name.encode("ascii"), 0
        except UnicodeEncodeError:
            raw, flags = name.encode("utf-8"), _UTF8_NAME
        head = (_VERSION, 0, flags, zipfile.ZIP_DEFLATED, _DOS_TIME, _DOS_DATE, crc)
        sizes = (len(packed), len(data), len(raw))
        out += [_LOCAL.pack(b"PK\x03\x04", *head, *sizes, 0), raw, packed]
        central += [
            _CENTRAL.pack(b"PK\x01\x02", _VERSION, _UNIX, *head, *sizes, 0, 0, 0, 0,
                          FILE_MODE << 16, offset),
            raw,
        ]  # fmt: skip
        offset += _LOCAL.size + len(raw) + len(packed)
    directory = b"".join(central)
    count = len(files)
    end = _END.pack(b"PK\x05\x06", 0, 0, count, count, len(directory), offset, 0)
    return b"".join(out) + directory + end
