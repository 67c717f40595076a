"""Offline drand verification against real League of Entropy rounds (anchors.md §4).

The three real rounds come from noislabs/drand-verify and mcdcam/python-drand-verify, and
were cross-checked with drand-verify 0.2.1.  Every test runs twice: with blst (pyblst, the
default) and with the pure-Python py_ecc (``RANDCHECK_NO_NATIVE=1``); both must give the same
answers.  Each py_ecc verification costs a few tenths of a second, so the suite runs few
pairing checks; every other rejection must happen before any curve arithmetic, which
``no_curve`` enforces.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from py_ecc.bls.g2_primitives import G1_to_pubkey, G2_to_signature
from py_ecc.optimized_bls12_381.optimized_curve import G1, G2

from randcheck.catalog import MESSAGES
from randcheck.core.draw import drand
from randcheck.core.draw.drand import (
    CHAINS,
    DrandChain,
    chain_by_hash,
    parse_beacon,
    round_at,
    round_time,
    verify_round,
)
from randcheck.errors import NotFoundError, RandcheckError, VerificationError

MAINNET = CHAINS["mainnet"]
QUICKNET = CHAINS["quicknet"]

M72785_PREV = (
    "a609e19a03c2fcc559e8dae14900aaefe517cb55c840f6e69bc8e4f66c8d18e8a609685d9917efbfb0c37f058c2de88f"
    "13d297c7e19e0ab24813079efe57a182554ff054c7638153f9b26a60e7111f71a0ff63d9571704905d3ca6df0b031747"
)
M72785_SIG = (
    "82f5d3d2de4db19d40a6980e8aa37842a0e55d1df06bd68bddc8d60002e8e959eb9cfa368b3c1b77d18f02a54fe047b8"
    "0f0989315f83b12a74fd8679c4f12aae86eaf6ab5690b34f1fddd50ee3cc6f6cdf59e95526d5a5d82aaa84fa6f181e42"
)
M72785_RAND = "8b676484b5fb1f37f9ec5c413d7d29883504e5b669f604a1ce68b3388e9ae3d9"
M1337_PREV = (
    "80d95247ddf1bb3acf5738497a5f10406be283144603f63d714bb1a44ff6b93285ae2697fffeb50c68862bd9fbecd4b2"
    "04b1798d2686b4ac5d573615031d9d67e6168bde9a7adf1161430a498ca701a25c216aee3e38ffd5290369034fa050a2"
)
M1337_SIG = (
    "945b08dcb30e24da281ccf14a646f0630ceec515af5c5895e18cc1b19edd65d156b71c776a369af3487f1bc6af106250"
    "0b059e01095cc0eedce91713977d7735cac675554edfa0d0481bb991ed93d333d08286192c05bf6b65d20f23a37fc7bb"
)
M1337_RAND = "2660664f8d4bc401194d80d81da20a1e79480f65b8e2d205aecbd143b5bfb0d3"
Q657413_SIG = "b713718a38ae728dfd477991af2822e08d2f305e47718cef9f7848ce4050e7be41076862b98fad56e91a6b85b89cd97b"
Q657413_RAND = "fc1873a13f3545aeade8401532ef5519920652eee6b0d2b19ca12643b87b3587"


def flip(hex_value: str, index: int) -> str:
    raw = bytearray(bytes.fromhex(hex_value))
    raw[index] ^= 0x01
    return raw.hex()


def check_code(excinfo: Any, code: str) -> None:
    assert excinfo.value.code == code
    assert code in MESSAGES


@pytest.fixture(autouse=True, params=["blst", "py_ecc"])
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run each test with blst and with py_ecc (the pure-Python reference)."""
    if request.param == "py_ecc":
        monkeypatch.setattr(drand, "_blst", None)
    elif drand._pyblst is None:
        pytest.fail("pyblst is a dependency of randcheck and must be installed")
    else:
        monkeypatch.setattr(drand, "_blst", drand._pyblst)
    assert drand.backend() == request.param
    return str(request.param)


@pytest.fixture
def no_curve(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Make any curve arithmetic fail the test: rejections must come from input validation."""

    def forbidden(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("curve arithmetic reached for invalid input")

    monkeypatch.setattr(drand, "_verify_blst", forbidden)

    for name in ("_g1_point", "_g2_point", "_g1_key", "_g2_key", "pairing", "hash_to_G1"):
        monkeypatch.setattr(drand, name, forbidden)
    monkeypatch.setattr(drand.G2Basic, "Verify", forbidden)
    yield


# --- real rounds, verified offline ------------------------------------------------------------

V1_72785 = json.dumps(
    {
        "round": 72785,
        "randomness": M72785_RAND,
        "signature": M72785_SIG,
        "previous_signature": M72785_PREV,
    }
)
V1_1337 = json.dumps(
    {
        "round": 1337,
        "randomness": M1337_RAND,
        "signature": M1337_SIG,
        "previous_signature": M1337_PREV,
    }
)
V2_657413 = json.dumps({"round": 657413, "signature": Q657413_SIG})


@pytest.mark.parametrize(
    ("chain_hash", "text", "expected"),
    [
        (MAINNET.chain_hash, V1_72785, M72785_RAND),
        (MAINNET.chain_hash, V1_1337, M1337_RAND),
        (QUICKNET.chain_hash, V2_657413, Q657413_RAND),
    ],
    ids=["mainnet-72785", "mainnet-1337", "quicknet-657413"],
)
def test_real_round_verifies_offline(chain_hash: str, text: str, expected: str) -> None:
    chain = chain_by_hash(chain_hash)
    round, signature, previous = parse_beacon(text)
    randomness = verify_round(chain, round, signature, previous)
    assert randomness.hex() == expected
    assert randomness == hashlib.sha256(bytes.fromhex(signature)).digest()


@pytest.mark.parametrize(
    ("chain", "round", "signature", "previous"),
    [
        (MAINNET, 72786, M72785_SIG, M72785_PREV),  # wrong round number
        (MAINNET, 321, M72785_SIG, M72785_PREV),  # wrong round number
        (MAINNET, 72785, M72785_SIG, M1337_PREV),  # broken chain link: another round's previous
        (QUICKNET, 657414, Q657413_SIG, None),  # wrong round number
    ],
    ids=[
        "mainnet-next-round",
        "mainnet-round-321",
        "mainnet-wrong-previous",
        "quicknet-next-round",
    ],
)
def test_real_round_rejected_under_wrong_message(
    chain: DrandChain, round: int, signature: str, previous: str | None
) -> None:
    with pytest.raises(VerificationError) as excinfo:
        verify_round(chain, round, signature, previous)
    check_code(excinfo, "drand.bad_signature")
    assert excinfo.value.params["round"] == round


def test_real_round_rejected_under_another_valid_key() -> None:
    """A well-formed key that is not the chain's (the group generators) rejects the real data."""
    other_g1 = G1_to_pubkey(G1).hex()
    other_g2 = G2_to_signature(G2).hex()
    fake_mainnet = dataclasses.replace(MAINNET, name="fake-mainnet", public_key=other_g1)
    fake_quicknet = dataclasses.replace(QUICKNET, name="fake-quicknet", public_key=other_g2)
    with pytest.raises(VerificationError) as excinfo:
        verify_round(fake_mainnet, 72785, M72785_SIG, M72785_PREV)
    check_code(excinfo, "drand.bad_signature")
    assert excinfo.value.params["chain"] == "fake-mainnet"
    with pytest.raises(VerificationError) as excinfo:
        verify_round(fake_quicknet, 657413, Q657413_SIG)
    check_code(excinfo, "drand.bad_signature")


@pytest.mark.parametrize("index", [0, 1, 20, 47])
def test_flipped_public_key_byte_is_rejected(index: int) -> None:
    """A flipped key byte leaves no valid subgroup point (decoding/subgroup checks, no pairing)."""
    bad_m = dataclasses.replace(MAINNET, public_key=flip(MAINNET.public_key, index))
    bad_q = dataclasses.replace(QUICKNET, public_key=flip(QUICKNET.public_key, index))
    with pytest.raises(VerificationError) as excinfo:
        verify_round(bad_m, 72785, M72785_SIG, M72785_PREV)
    check_code(excinfo, "drand.bad_public_key")
    with pytest.raises(VerificationError) as excinfo:
        verify_round(bad_q, 657413, Q657413_SIG)
    check_code(excinfo, "drand.bad_public_key")


@pytest.mark.parametrize("index", [0, 1, 20, 47])
def test_flipped_signature_byte_is_rejected(index: int) -> None:
    with pytest.raises(VerificationError) as excinfo:
        verify_round(MAINNET, 72785, flip(M72785_SIG, index), M72785_PREV)
    check_code(excinfo, "drand.signature_not_point")
    with pytest.raises(VerificationError) as excinfo:
        verify_round(QUICKNET, 657413, flip(Q657413_SIG, index))
    check_code(excinfo, "drand.signature_not_point")


def _g1_off_subgroup() -> str:
    """A compressed point on the G1 curve (y² = x³ + 4) that is not in the order-r subgroup."""
    from py_ecc.fields import optimized_bls12_381_FQ as FQ
    from py_ecc.optimized_bls12_381.optimized_curve import curve_order, is_inf, multiply

    p = FQ.field_modulus
    x = 1
    while True:
        y2 = (x**3 + 4) % p
        y = pow(y2, (p + 1) // 4, p)
        if y * y % p == y2:
            point = (FQ(x), FQ(y), FQ(1))
            if not is_inf(multiply(point, curve_order)):
                return bytes(G1_to_pubkey(point)).hex()
        x += 1


def test_curve_points_outside_the_subgroup_are_rejected() -> None:
    """On the curve is not enough: a small-subgroup point must fail as signature and as key."""
    bad = _g1_off_subgroup()
    with pytest.raises(VerificationError) as excinfo:
        verify_round(QUICKNET, 657413, bad)
    check_code(excinfo, "drand.signature_not_point")
    with pytest.raises(VerificationError) as excinfo:
        verify_round(dataclasses.replace(MAINNET, public_key=bad), 72785, M72785_SIG, M72785_PREV)
    check_code(excinfo, "drand.bad_public_key")


def test_points_at_infinity_are_rejected() -> None:
    """The identity is a subgroup element: it must be refused explicitly, as key and signature."""
    inf_g1 = "c0" + "00" * 47
    inf_g2 = "c0" + "00" * 95
    with pytest.raises(VerificationError) as excinfo:
        verify_round(
            dataclasses.replace(MAINNET, public_key=inf_g1), 72785, M72785_SIG, M72785_PREV
        )
    check_code(excinfo, "drand.bad_public_key")
    with pytest.raises(VerificationError) as excinfo:
        verify_round(dataclasses.replace(QUICKNET, public_key=inf_g2), 657413, Q657413_SIG)
    check_code(excinfo, "drand.bad_public_key")
    with pytest.raises(VerificationError) as excinfo:
        verify_round(MAINNET, 72785, inf_g2, M72785_PREV)
    check_code(excinfo, "drand.signature_not_point")
    with pytest.raises(VerificationError) as excinfo:
        verify_round(QUICKNET, 657413, inf_g1)
    check_code(excinfo, "drand.signature_not_point")


# --- input validation, before any curve arithmetic --------------------------------------------


@pytest.mark.usefixtures("no_curve")
def test_wrong_chain_is_caught_by_lengths() -> None:
    """Mainnet data against quicknet (and back): the scheme's lengths refuse it at once."""
    with pytest.raises(VerificationError) as excinfo:
        verify_round(QUICKNET, 72785, M72785_SIG, M72785_PREV)
    check_code(excinfo, "drand.bad_length")
    assert excinfo.value.params == {
        "field": "signature",
        "expected": 48,
        "actual": 96,
        "scheme": "bls-unchained-g1-rfc9380",
    }
    with pytest.raises(VerificationError) as excinfo:
        verify_round(MAINNET, 657413, Q657413_SIG, M72785_PREV)
    check_code(excinfo, "drand.bad_length")
    # Mainnet's scheme with quicknet's (G2, 96-byte) key.
    mixed = dataclasses.replace(MAINNET, public_key=QUICKNET.public_key)
    with pytest.raises(VerificationError) as excinfo:
        verify_round(mixed, 72785, M72785_SIG, M72785_PREV)
    check_code(excinfo, "drand.bad_length")
    assert excinfo.value.params["field"] == "public_key"


@pytest.mark.usefixtures("no_curve")
@pytest.mark.parametrize(
    "bad",
    [
        M72785_SIG.upper(),
        M72785_SIG[:-1],  # odd length
        "0x" + M72785_SIG[2:],
        M72785_SIG[:-2] + "zz",
        M72785_SIG[:-2] + " 2",
        " " + M72785_SIG[1:],
        M72785_SIG[:-2] + "٤٢",  # non-ASCII digits
        12,
        bytes.fromhex(M72785_SIG),
    ],
)
def test_bad_hex_is_refused(bad: Any) -> None:
    """Only lowercase hex is accepted, so one round has exactly one textual form."""
    for call in (
        lambda: verify_round(MAINNET, 72785, bad, M72785_PREV),
        lambda: verify_round(MAINNET, 72785, M72785_SIG, bad),
        lambda: verify_round(QUICKNET, 657413, bad),
        lambda: verify_round(
            dataclasses.replace(MAINNET, public_key=bad), 72785, M72785_SIG, M72785_PREV
        ),
    ):
        with pytest.raises(VerificationError) as excinfo:
            call()
        check_code(excinfo, "drand.bad_hex")


@pytest.mark.usefixtures("no_curve")
@pytest.mark.parametrize("length", [0, 32, 47, 49, 95, 97, 192])
def test_wrong_lengths_are_refused(length: int) -> None:
    value = "ab" * length
    for call in (
        lambda: verify_round(MAINNET, 72785, value, M72785_PREV),
        lambda: verify_round(MAINNET, 72785, M72785_SIG, value),
        lambda: verify_round(QUICKNET, 657413, value),
        lambda: verify_round(dataclasses.replace(QUICKNET, public_key=value), 657413, Q657413_SIG),
    ):
        with pytest.raises(VerificationError) as excinfo:
            call()
        check_code(excinfo, "drand.bad_length")
        assert excinfo.value.params["actual"] == length


@pytest.mark.usefixtures("no_curve")
@pytest.mark.parametrize("bad_round", [0, -1, 2**64, True, False, 1.0, "72785", None])
def test_bad_round_is_refused(bad_round: Any) -> None:
    with pytest.raises(VerificationError) as excinfo:
        verify_round(MAINNET, bad_round, M72785_SIG, M72785_PREV)
    check_code(excinfo, "drand.bad_round")
    with pytest.raises(VerificationError) as excinfo:
        round_time(MAINNET, bad_round)
    check_code(excinfo, "drand.bad_round")


@pytest.mark.usefixtures("no_curve")
def test_previous_signature_presence_follows_the_scheme() -> None:
    with pytest.raises(VerificationError) as excinfo:
        verify_round(MAINNET, 72785, M72785_SIG)
    check_code(excinfo, "drand.missing_previous")
    with pytest.raises(VerificationError) as excinfo:
        verify_round(QUICKNET, 657413, Q657413_SIG, M72785_PREV)
    check_code(excinfo, "drand.unexpected_previous")


@pytest.mark.usefixtures("no_curve")
def test_unknown_scheme_is_refused() -> None:
    legacy = dataclasses.replace(QUICKNET, scheme="bls-unchained-on-g1")
    with pytest.raises(VerificationError) as excinfo:
        verify_round(legacy, 657413, Q657413_SIG)
    check_code(excinfo, "drand.unsupported_scheme")


# --- chains -----------------------------------------------------------------------------------


def test_pinned_chains() -> None:
    assert sorted(CHAINS) == ["mainnet", "quicknet"]
    assert QUICKNET.scheme == "bls-unchained-g1-rfc9380"
    assert (QUICKNET.period, QUICKNET.genesis_time) == (3, 1692803367)
    assert MAINNET.scheme == "pedersen-bls-chained"
    assert (MAINNET.period, MAINNET.genesis_time) == (30, 1595431050)
    for name, chain in CHAINS.items():
        assert chain.name == name
        assert chain_by_hash(chain.chain_hash) is chain
    with pytest.raises(dataclasses.FrozenInstanceError):
        MAINNET.period = 3  # type: ignore[misc]


@pytest.mark.parametrize(
    "bad_hash", ["", MAINNET.chain_hash.upper(), MAINNET.chain_hash[:-1] + "f", "default"]
)
def test_unknown_chain_hash(bad_hash: str) -> None:
    with pytest.raises(NotFoundError) as excinfo:
        chain_by_hash(bad_hash)
    check_code(excinfo, "drand.unknown_chain")
    assert excinfo.value.params["chain_hash"] == bad_hash
    assert isinstance(excinfo.value, RandcheckError)


# --- time -------------------------------------------------------------------------------------


def test_round_time_known_values() -> None:
    assert round_time(QUICKNET, 1) == 1692803367
    assert round_time(QUICKNET, 657413) == 1692803367 + 657412 * 3
    assert round_time(MAINNET, 72785) == 1595431050 + 72784 * 30
    assert round_at(MAINNET, 1595431050) == 1
    assert round_at(MAINNET, 1595431051) == 2
    assert round_at(MAINNET, 1595431050 + 30) == 2
    assert round_at(MAINNET, 1595431050 + 31) == 3
    assert round_at(MAINNET, 0) == 1


@pytest.mark.parametrize("bad_time", [1.5, "1700000000", None, True])
def test_round_at_refuses_non_integers(bad_time: Any) -> None:
    with pytest.raises(VerificationError) as excinfo:
        round_at(QUICKNET, bad_time)
    check_code(excinfo, "drand.bad_time")


chains = st.sampled_from([MAINNET, QUICKNET])


@given(chains, st.integers(min_value=1, max_value=2**40))
def test_round_at_inverts_round_time(chain: DrandChain, r: int) -> None:
    assert round_at(chain, round_time(chain, r)) == r
    assert round_at(chain, round_time(chain, r) + 1) == r + 1
    assert round_time(chain, r + 1) - round_time(chain, r) == chain.period


@given(chains, st.integers(min_value=-(2**40), max_value=2**42))
def test_round_at_is_the_first_round_not_before(chain: DrandChain, t: int) -> None:
    r = round_at(chain, t)
    assert r >= 1
    assert round_time(chain, r) >= t
    if r > 1:
        assert round_time(chain, r - 1) < t
    assert round_at(chain, t + 1) >= r


# --- beacon JSON ------------------------------------------------------------------------------


def test_parse_v1_and_v2() -> None:
    assert parse_beacon(V1_72785) == (72785, M72785_SIG, M72785_PREV)
    assert parse_beacon(V2_657413) == (657413, Q657413_SIG, None)
    v1_quicknet = json.dumps(
        {"round": 657413, "randomness": Q657413_RAND, "signature": Q657413_SIG}
    )
    assert parse_beacon(v1_quicknet) == (657413, Q657413_SIG, None)
    # Whitespace and key order are irrelevant.
    pretty = json.dumps(json.loads(V1_1337), indent=2, sort_keys=True)
    assert parse_beacon(pretty) == (1337, M1337_SIG, M1337_PREV)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "drand.bad_json"),
        ("{", "drand.bad_json"),
        ("[]", "drand.bad_json"),
        ('"round"', "drand.bad_json"),
        ("null", "drand.bad_json"),
        ('{"round": 1, "round": 2, "signature": "ab"}', "drand.bad_json"),
        ('{"round": 72785.0, "signature": "ab"}', "drand.bad_json"),
        ('{"round": 1e3, "signature": "ab"}', "drand.bad_json"),
        ('{"round": NaN, "signature": "ab"}', "drand.bad_json"),
        ('{"round": "72785", "signature": "ab"}', "drand.bad_field_type"),
        ('{"round": true, "signature": "ab"}', "drand.bad_field_type"),
        ('{"round": 0, "signature": "ab"}', "drand.bad_round"),
        ('{"round": -5, "signature": "ab"}', "drand.bad_round"),
        ('{"round": 18446744073709551616, "signature": "ab"}', "drand.bad_round"),
        ('{"signature": "ab"}', "drand.missing_field"),
        ('{"round": 5}', "drand.missing_field"),
        ('{"round": 5, "signature": "ab", "beacon_id": "quicknet"}', "drand.unknown_field"),
        ('{"round": 5, "signature": 171}', "drand.bad_field_type"),
        ('{"round": 5, "signature": null}', "drand.bad_field_type"),
        ('{"round": 5, "signature": "AB"}', "drand.bad_hex"),
        ('{"round": 5, "signature": "abc"}', "drand.bad_hex"),
        ('{"round": 5, "signature": ""}', "drand.bad_hex"),
        ('{"round": 5, "signature": "ab", "previous_signature": null}', "drand.bad_field_type"),
        ('{"round": 5, "signature": "ab", "previous_signature": ""}', "drand.bad_hex"),
        ('{"round": 5, "signature": "ab", "randomness": "00"}', "drand.randomness_mismatch"),
        ('{"round": 5, "signature": "ab", "randomness": "0g"}', "drand.bad_hex"),
    ],
)
def test_parse_rejects_malformed(text: str, code: str) -> None:
    with pytest.raises(VerificationError) as excinfo:
        parse_beacon(text)
    check_code(excinfo, code)


def test_parse_rejects_randomness_of_another_signature() -> None:
    doctored = json.loads(V1_72785)
    doctored["randomness"] = M1337_RAND
    with pytest.raises(VerificationError) as excinfo:
        parse_beacon(json.dumps(doctored))
    check_code(excinfo, "drand.randomness_mismatch")


def test_parse_rejects_non_text() -> None:
    with pytest.raises(VerificationError) as excinfo:
        parse_beacon(V2_657413.encode())  # type: ignore[arg-type]
    check_code(excinfo, "drand.bad_json")


hex_bytes = st.binary(min_size=1, max_size=96)


@given(
    st.integers(min_value=1, max_value=2**64 - 1),
    hex_bytes,
    st.one_of(st.none(), hex_bytes),
    st.booleans(),
)
def test_parse_round_trips(
    round: int, sig: bytes, prev: bytes | None, with_randomness: bool
) -> None:
    obj: dict[str, Any] = {"round": round, "signature": sig.hex()}
    if prev is not None:
        obj["previous_signature"] = prev.hex()
    if with_randomness:
        obj["randomness"] = hashlib.sha256(sig).hexdigest()
    assert parse_beacon(json.dumps(obj)) == (round, sig.hex(), None if prev is None else prev.hex())


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["round", "signature", "previous_signature", "randomness", "x"]),
            inner,
            max_size=4,
        )
    ),
    max_leaves=8,
)


@given(st.one_of(st.text(max_size=40), json_values.map(json.dumps)))
def test_parse_fails_only_with_catalog_errors(text: str) -> None:
    try:
        parse_beacon(text)
    except VerificationError as exc:
        assert exc.code in MESSAGES
