"""Benchmark: what one passphrase guess costs against an office key file.

A guess against a version 1 key file (``docs/keys.md``) is one scrypt derivation with the
parameters stored in the file plus one AES-256-GCM tag check; this times exactly that, through
``randcheck.services.keyfile.decode_private_key`` with a wrong passphrase, for the parameters
randcheck writes (and, for comparison, against the old encrypted PKCS8 PEM form, whose PBKDF2
is fixed at 2,048 iterations).  It prints figures and asserts nothing.

    python bench/bench_kdf.py               # 10 guesses per form
    python bench/bench_kdf.py --guesses 30
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

from cryptography.hazmat.primitives import serialization

from randcheck.core import signing
from randcheck.errors import CannotRunError
from randcheck.io import keyfile

RIGHT = b"bench kdf passphrase"
WRONG = b"bench kdf wrong guess"


def _per_guess(data: bytes, guesses: int) -> list[float]:
    times = []
    for _ in range(guesses):
        start = time.perf_counter()
        try:
            keyfile.decode_private_key(data, WRONG, "bench")
        except CannotRunError as exc:
            if exc.code != "keys.bad_passphrase":  # a guess, not a damaged file
                raise
        else:
            raise SystemExit("the wrong passphrase opened the key")
        times.append(time.perf_counter() - start)
    return times


def _report(label: str, times: list[float], extra: str = "") -> None:
    med = statistics.median(times)
    print(
        f"{label:<34} median {med:.5f} s/guess  min {min(times):.5f}  max {max(times):.5f}"
        f"  ({len(times)} guesses; 100 guesses ~ {100 * med:.3f} s){extra}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guesses", type=int, default=10)
    args = parser.parse_args()
    private = signing.generate()
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")

    v1 = keyfile.encode_private_key(private, RIGHT)
    start = time.perf_counter()
    keyfile.decode_private_key(v1, RIGHT, "bench")
    unlock = time.perf_counter() - start
    memory = 128 * keyfile.SCRYPT_R * (1 << keyfile.SCRYPT_LOG_N) // (1 << 20)
    _report(
        f"v1 scrypt N=2^{keyfile.SCRYPT_LOG_N} r={keyfile.SCRYPT_R} p={keyfile.SCRYPT_P}",
        _per_guess(v1, args.guesses),
        f"; {memory} MiB; one right unlock {unlock:.4f} s",
    )

    pkcs8 = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(RIGHT),
    )
    _report("old PKCS8 PEM (PBKDF2, 2,048 it.)", _per_guess(pkcs8, max(args.guesses, 100)))


if __name__ == "__main__":
    main()
