"""``fast_zip`` (the build's) writes exactly the bytes of ``deterministic_zip`` (the
reference, made with :mod:`zipfile`), whether or not large files are shared between zips."""

from __future__ import annotations

import io
import zipfile

from hypothesis import given, settings
from hypothesis import strategies as st

from randcheck.site import zipper

NAMES = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/\x00"),
    min_size=1,
    max_size=12,
)
PATHS = st.lists(NAMES, min_size=1, max_size=3).map("/".join)
DATA = st.one_of(st.binary(max_size=300), st.text(max_size=200).map(str.encode))


@settings(max_examples=60, deadline=None)
@given(files=st.dictionaries(PATHS, DATA, max_size=8), folder=st.sampled_from(["T1", "任务-2"]))
def test_fast_zip_equals_the_reference(files: dict[str, bytes], folder: str) -> None:
    assert zipper.fast_zip(folder, files) == zipper.deterministic_zip(folder, files)
    assert zipper.fast_zip(folder, files, {}) == zipper.deterministic_zip(folder, files)


def test_large_files_shared_between_zips_give_the_reference_bytes() -> None:
    big = bytes(range(256)) * 400  # past SHARED_MIN
    assert len(big) >= zipper.SHARED_MIN
    other = b"population\n" * 10_000
    shared: zipper.Deflated = {}
    bundles = [
        {"verify.js": big, "population/A.txt": other, "index.html": b"<p>1</p>"},
        {"verify.js": big, "population/A.txt": other + b"x", "名单.csv": b""},
        {"verify.js": bytes(big), "index.html": b"<p>3</p>"},  # equal bytes, another object
    ]
    for n, files in enumerate(bundles):
        fast = zipper.fast_zip(f"T{n}", files, shared)
        assert fast == zipper.deterministic_zip(f"T{n}", files)
        with zipfile.ZipFile(io.BytesIO(fast)) as zf:
            assert zf.testzip() is None
            assert {i.filename: zf.read(i) for i in zf.infolist()} == {
                f"T{n}/{k}": v for k, v in files.items()
            }
    kept = {len(k): v is not None for k, v in shared.items()}
    assert kept == {len(big): True, len(other): False, len(other) + 1: False}


def test_an_empty_bundle_zips_like_the_reference() -> None:
    assert zipper.fast_zip("T", {}, {}) == zipper.deterministic_zip("T", {})


def test_more_files_than_a_zip_without_zip64_holds_zip_like_the_reference() -> None:
    """Past 65,535 entries zipfile adds ZIP64 records: the fast writer leaves those to it."""
    files = {f"f{i:05d}.txt": b"" for i in range(0x10000)}
    got = zipper.fast_zip("t", files)
    assert got == zipper.deterministic_zip("t", files)
    assert len(zipfile.ZipFile(io.BytesIO(got)).namelist()) == 0x10000
