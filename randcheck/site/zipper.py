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
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping

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
