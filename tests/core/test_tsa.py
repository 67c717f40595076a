"""RFC 3161 tokens: request, response and the offline check, against the test TSA."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone

import pytest
from asn1crypto import cms, tsp
from cryptography.hazmat.primitives.serialization import Encoding
from hypothesis import given, settings
from hypothesis import strategies as st

from randcheck.catalog import MESSAGES, render
from randcheck.core import tsa
from randcheck.core.tsa import TimestampError, Token
from randcheck.errors import VerificationError
from tests.tsa_fixture import FAULTS, POLICY, TestTSA

DIGEST = hashlib.sha256(b"randcheck/draw/v2 entropy commitment").digest()
OTHER = hashlib.sha256(b"another document").digest()
GEN_TIME = datetime(2026, 11, 30, 12, 0, 0, 123456, tzinfo=UTC)


@pytest.fixture(scope="module")
def ec_tsa() -> TestTSA:
    return TestTSA()


def _code(exc: pytest.ExceptionInfo[TimestampError]) -> str:
    code = exc.value.code
    assert code in MESSAGES, code  # every refusal has catalog text
    assert render(code, "en", **exc.value.params) != code
    return code


# ---------------------------------------------------------------- round trips


@pytest.mark.parametrize("key_type", ["ec", "rsa", "rsa-pss", "ed25519"])
def test_round_trip_request_response_verify(key_type: str) -> None:
    authority = TestTSA(key_type=key_type, name=f"TSA {key_type}")  # type: ignore[arg-type]
    request = tsa.make_request(DIGEST, nonce=424242)
    response = authority.respond(request, GEN_TIME)
    token_der = tsa.parse_response(response)
    token = tsa.verify_token(token_der, DIGEST, [authority.ca_cert_der])
    assert token.gen_time == GEN_TIME
    assert token.gen_time.tzinfo is not None and token.gen_time.utcoffset() == timedelta(0)
    assert token.imprint == DIGEST
    assert token.nonce == 424242
    assert token.policy == POLICY
    assert token.tsa_name == f"TSA {key_type}, randcheck tests"
    assert token.signer_cert == authority.cert_der
    assert token.signer_fingerprint == hashlib.sha256(authority.cert_der).hexdigest()
    assert token.serial == 1
    assert tsa.is_trusted(token, [authority.ca_cert_der])
    # the whole response verifies too, and reads the same
    assert tsa.verify_token(response, DIGEST, [authority.ca_cert_der]) == token
    assert tsa.read_token(response) == tsa.read_token(token_der) == token


def test_request_is_rfc3161_v1_sha256_with_cert_req() -> None:
    req = tsp.TimeStampReq.load(tsa.make_request(DIGEST, nonce=7), strict=True)
    assert req["version"].native == "v1"
    assert req["message_imprint"]["hash_algorithm"]["algorithm"].dotted == tsa.OID_SHA256
    assert req["message_imprint"]["hashed_message"].native == DIGEST
    assert req["cert_req"].native is True
    assert req["nonce"].native == 7
    no_nonce = tsp.TimeStampReq.load(tsa.make_request(DIGEST))
    assert no_nonce["nonce"].native is None


@pytest.mark.parametrize("digest", [b"", b"\x00" * 31, b"\x00" * 33, b"\x00" * 64])
def test_request_refuses_a_digest_that_is_not_32_bytes(digest: bytes) -> None:
    with pytest.raises(TimestampError) as exc:
        tsa.make_request(digest)
    assert _code(exc) == "tsa.bad_digest"
    assert exc.value.params == {"length": len(digest)}


def test_request_refuses_a_negative_nonce() -> None:
    with pytest.raises(TimestampError) as exc:
        tsa.make_request(DIGEST, nonce=-1)
    assert _code(exc) == "tsa.bad_nonce"


def test_error_is_a_verification_error_with_code_and_params() -> None:
    with pytest.raises(VerificationError) as exc:
        tsa.verify_token(b"\x30\x00", DIGEST)
    assert isinstance(exc.value, TimestampError)
    assert exc.value.exit_code == 1
    assert isinstance(exc.value.params, dict)


def test_fractional_seconds_accuracy_and_no_nonce_are_kept(ec_tsa: TestTSA) -> None:
    token = tsa.read_token(
        ec_tsa.stamp(DIGEST, GEN_TIME, accuracy=timedelta(seconds=1, milliseconds=250))
    )
    assert token.gen_time.microsecond == 123456
    assert token.accuracy == timedelta(seconds=1, milliseconds=250)
    assert token.latest_time == GEN_TIME + timedelta(seconds=1, milliseconds=250)
    assert token.nonce is None
    whole = tsa.read_token(ec_tsa.stamp(DIGEST, GEN_TIME.replace(microsecond=0)))
    assert whole.gen_time == GEN_TIME.replace(microsecond=0)
    assert whole.accuracy is None and whole.latest_time == whole.gen_time


def test_gen_time_is_utc_whatever_time_zone_it_was_made_in(ec_tsa: TestTSA) -> None:
    beijing = GEN_TIME.astimezone(timezone(timedelta(hours=8)))
    assert beijing.hour == 20
    token = tsa.read_token(ec_tsa.stamp(DIGEST, beijing))
    assert token.gen_time == GEN_TIME and token.gen_time.tzinfo == UTC


@pytest.mark.parametrize(
    ("options", "note"),
    [
        ({"sid": "ski"}, "signer named by subjectKeyIdentifier"),
        ({"ess": "v1"}, "ESSCertID (SHA-1) with issuerSerial"),
        ({"ess": "none"}, "no signing-certificate attribute"),
        ({"digest_algorithm": "sha384"}, "SignerInfo digest SHA-384"),
        ({"digest_algorithm": "sha512"}, "SignerInfo digest SHA-512"),
    ],
)
def test_accepted_variants(ec_tsa: TestTSA, options: dict[str, str], note: str) -> None:
    token = tsa.verify_token(
        ec_tsa.stamp(DIGEST, GEN_TIME, **options),  # type: ignore[arg-type]
        DIGEST,
        [ec_tsa.ca_cert_der],
    )
    assert token.imprint == DIGEST, note


# ---------------------------------------------------------------- refusals


FAULT_CODES = {
    "signature": "tsa.bad_signature",
    "message_digest": "tsa.attr_message_digest",
    "content_type_attr": "tsa.attr_content_type",
    "no_content_type_attr": "tsa.attr_content_type",
    "econtent_type": "tsa.wrong_econtent_type",
    "not_signed_data": "tsa.not_signed_data",
    "no_signed_attrs": "tsa.no_signed_attrs",
    "version": "tsa.version",
    "imprint_algorithm": "tsa.imprint_algorithm",
    "ess": "tsa.ess_mismatch",
    "ess_v1": "tsa.ess_mismatch",
    "two_signers": "tsa.signer_count",
    "no_signer_infos": "tsa.signer_count",
    "garbage_after": "tsa.malformed",
}


def test_every_fault_has_an_expected_refusal() -> None:
    assert sorted(FAULT_CODES) == sorted(FAULTS)


@pytest.mark.parametrize("fault", sorted(FAULT_CODES))
def test_bad_token_is_refused_naming_the_step(ec_tsa: TestTSA, fault: str) -> None:
    good = ec_tsa.stamp(DIGEST, GEN_TIME)
    tsa.verify_token(good, DIGEST, [ec_tsa.ca_cert_der])  # the same token unbroken passes
    with pytest.raises(TimestampError) as exc:
        tsa.verify_token(ec_tsa.stamp(DIGEST, GEN_TIME, fault=fault), DIGEST, [ec_tsa.ca_cert_der])
    assert _code(exc) == FAULT_CODES[fault]


@pytest.mark.parametrize("key_type", ["rsa", "rsa-pss", "ed25519"])
def test_bad_signature_is_refused_for_every_key_type(key_type: str) -> None:
    authority = TestTSA(key_type=key_type)  # type: ignore[arg-type]
    with pytest.raises(TimestampError) as exc:
        tsa.verify_token(authority.stamp(DIGEST, GEN_TIME, fault="signature"), DIGEST)
    assert _code(exc) == "tsa.bad_signature"


def test_sha1_signer_digest_is_refused(ec_tsa: TestTSA) -> None:
    with pytest.raises(TimestampError) as exc:
        tsa.verify_token(ec_tsa.stamp(DIGEST, GEN_TIME, digest_algorithm="sha1"), DIGEST)
    assert _code(exc) == "tsa.digest_algorithm"
    assert exc.value.params["algorithm"] == "sha1"


def test_wrong_imprint_is_refused(ec_tsa: TestTSA) -> None:
    with pytest.raises(TimestampError) as exc:
        tsa.verify_token(ec_tsa.stamp(OTHER, GEN_TIME), DIGEST, [ec_tsa.ca_cert_der])
    assert _code(exc) == "tsa.imprint_mismatch"
    assert exc.value.params == {"expected": DIGEST.hex(), "actual": OTHER.hex()}


@pytest.mark.parametrize(
    ("eku", "code"),
    [
        ("none", "tsa.eku_missing"),
        ("other", "tsa.eku_missing"),
        ("noncritical", "tsa.eku_not_critical"),
        ("extra", "tsa.eku_not_only"),
    ],
)
def test_certificate_without_a_proper_time_stamping_eku_is_refused(eku: str, code: str) -> None:
    authority = TestTSA(eku=eku)  # type: ignore[arg-type]
    with pytest.raises(TimestampError) as exc:
        tsa.verify_token(authority.stamp(DIGEST, GEN_TIME), DIGEST, [authority.ca_cert_der])
    assert _code(exc) == code


@pytest.mark.parametrize(
    ("not_before", "not_after"),
    [
        (datetime(2020, 1, 1, tzinfo=UTC), datetime(2026, 11, 30, 12, tzinfo=UTC)),  # expired
        (datetime(2026, 11, 30, 12, 0, 1, tzinfo=UTC), datetime(2030, 1, 1, tzinfo=UTC)),
    ],
)
def test_certificate_not_valid_at_gen_time_is_refused(
    not_before: datetime, not_after: datetime
) -> None:
    authority = TestTSA(not_before=not_before, not_after=not_after)
    with pytest.raises(TimestampError) as exc:
        tsa.verify_token(authority.stamp(DIGEST, GEN_TIME), DIGEST, [authority.ca_cert_der])
    assert _code(exc) == "tsa.cert_not_valid"
    assert exc.value.params["gen_time"] == "2026-11-30T12:00:00.123456Z"


def test_certificate_valid_exactly_at_its_bounds_is_accepted() -> None:
    whole = GEN_TIME.replace(microsecond=0)  # certificate times have whole seconds
    authority = TestTSA(not_before=whole, not_after=whole)
    token = tsa.verify_token(authority.stamp(DIGEST, whole), DIGEST, [authority.ca_cert_der])
    assert token.gen_time == whole


# ---------------------------------------------------------------- trust


def test_untrusted_ca_is_refused_but_the_token_itself_checks(ec_tsa: TestTSA) -> None:
    stranger = TestTSA(name="Stranger TSA")
    token_der = ec_tsa.stamp(DIGEST, GEN_TIME)
    with pytest.raises(TimestampError) as exc:
        tsa.verify_token(token_der, DIGEST, [stranger.ca_cert_der])
    assert _code(exc) == "tsa.untrusted"
    assert exc.value.params["fingerprint"] == hashlib.sha256(ec_tsa.cert_der).hexdigest()
    token = tsa.verify_token(token_der, DIGEST)  # no trusted certificates: checked, not trusted
    assert not tsa.is_trusted(token, [])
    assert not tsa.is_trusted(token, [stranger.ca_cert_der])
    assert tsa.is_trusted(token, [stranger.ca_cert_der, ec_tsa.ca_cert_der])
    assert tsa.is_trusted(token, [ec_tsa.cert_der])  # the signer certificate itself


def test_a_ca_that_merely_shares_the_issuer_name_is_not_trusted() -> None:
    real = TestTSA(name="Same Name")
    impostor = TestTSA(name="Same Name")  # same subject and issuer names, other keys
    token_der = real.stamp(DIGEST, GEN_TIME)
    with pytest.raises(TimestampError) as exc:
        tsa.verify_token(token_der, DIGEST, [impostor.ca_cert_der])
    assert _code(exc) == "tsa.untrusted"


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_chain_through_intermediates_in_the_token(depth: int) -> None:
    authority = TestTSA(intermediates=depth, key_type="rsa" if depth == 2 else "ec")
    token_der = authority.stamp(DIGEST, GEN_TIME)
    token = tsa.verify_token(token_der, DIGEST, [authority.ca_cert_der])
    assert tsa.is_trusted(token, [authority.ca_cert_der])
    # trusting an intermediate works as well
    top = authority.chain[-1].public_bytes(Encoding.DER)  # the one the root issued
    assert tsa.is_trusted(token, [top])


def test_chain_longer_than_four_token_certificates_is_refused() -> None:
    authority = TestTSA(intermediates=4)  # signer + 4 intermediates: 5 certificates
    with pytest.raises(TimestampError) as exc:
        tsa.verify_token(authority.stamp(DIGEST, GEN_TIME), DIGEST, [authority.ca_cert_der])
    assert _code(exc) == "tsa.untrusted"


def test_a_token_stuffed_with_certificates_is_bounded() -> None:
    """Only the first MAX_POOL certificates of a token are looked at for a chain."""
    authority = TestTSA(intermediates=1)
    junk = [TestTSA(name=f"Junk {i}").ca_cert for i in range(tsa.MAX_POOL)]
    real_chain = authority.chain
    authority.chain = [*junk[:10], *real_chain]
    token = tsa.verify_token(authority.stamp(DIGEST, GEN_TIME), DIGEST, [authority.ca_cert_der])
    assert len(token.certificates) == 12
    authority.chain = [*junk, *real_chain]  # the intermediate is certificate MAX_POOL + 2
    with pytest.raises(TimestampError) as exc:
        tsa.verify_token(authority.stamp(DIGEST, GEN_TIME), DIGEST, [authority.ca_cert_der])
    assert _code(exc) == "tsa.untrusted"


def test_intermediate_missing_from_the_token_is_refused() -> None:
    authority = TestTSA(intermediates=1)
    authority.chain = []  # the token carries the signer only
    with pytest.raises(TimestampError) as exc:
        tsa.verify_token(authority.stamp(DIGEST, GEN_TIME), DIGEST, [authority.ca_cert_der])
    assert _code(exc) == "tsa.untrusted"


def test_token_without_certificates_needs_the_signer_among_the_trusted(ec_tsa: TestTSA) -> None:
    bare = ec_tsa.stamp(DIGEST, GEN_TIME, include_certs=False)
    read = tsa.read_token(bare)
    assert read.signer_cert == b"" and read.signer_fingerprint == "" and read.tsa_name == ""
    token = tsa.verify_token(bare, DIGEST, [ec_tsa.cert_der])
    assert token.signer_cert == ec_tsa.cert_der and token.tsa_name == "Test TSA, randcheck tests"
    for trusted in ([], [ec_tsa.ca_cert_der]):
        with pytest.raises(TimestampError) as exc:
            tsa.verify_token(bare, DIGEST, trusted)
        assert _code(exc) == "tsa.signer_cert_missing"
    assert not tsa.is_trusted(read, [ec_tsa.cert_der])  # nothing to check without a certificate


def test_unreadable_trusted_certificate_is_refused(ec_tsa: TestTSA) -> None:
    with pytest.raises(TimestampError) as exc:
        tsa.verify_token(ec_tsa.stamp(DIGEST, GEN_TIME), DIGEST, [b"not a certificate"])
    assert _code(exc) == "tsa.bad_certificates"
    token = tsa.read_token(ec_tsa.stamp(DIGEST, GEN_TIME))
    assert not tsa.is_trusted(token, [b"not a certificate"])


# ---------------------------------------------------------------- responses and input


def test_refused_response_carries_the_tsa_status_text(ec_tsa: TestTSA) -> None:
    response = ec_tsa.respond(tsa.make_request(DIGEST), GEN_TIME, refuse="service closed")
    with pytest.raises(TimestampError) as exc:
        tsa.parse_response(response)
    assert _code(exc) == "tsa.refused"
    assert exc.value.params == {
        "status": "rejection",
        "text": "service closed",
        "fail_info": "bad_request",
    }
    with pytest.raises(TimestampError) as exc:
        tsa.read_token(response)  # read_token on a whole response refuses it the same way
    assert exc.value.code == "tsa.refused"


def test_tsa_texts_are_shown_without_control_characters() -> None:
    authority = TestTSA(name="Evil\x1b[2J TSA")
    response = authority.respond(tsa.make_request(DIGEST), GEN_TIME, refuse="no\x1b[31m\nway")
    with pytest.raises(TimestampError) as exc:
        tsa.parse_response(response)
    assert exc.value.params["text"] == "no [31m way"
    token = tsa.read_token(authority.stamp(DIGEST, GEN_TIME))
    assert token.tsa_name == "Evil [2J TSA, randcheck tests"


def test_granted_with_mods_is_accepted(ec_tsa: TestTSA) -> None:
    token_der = ec_tsa.stamp(DIGEST, GEN_TIME)
    response = tsa.TimeStampResp(
        {
            "status": {"status": "granted_with_mods", "status_string": ["policy changed"]},
            "time_stamp_token": cms.ContentInfo.load(token_der),
        }
    ).dump()
    assert tsa.parse_response(response) == token_der


def test_granted_response_without_a_token_is_malformed() -> None:
    response = tsa.TimeStampResp({"status": {"status": "granted"}}).dump()
    with pytest.raises(TimestampError) as exc:
        tsa.parse_response(response)
    assert _code(exc) == "tsa.malformed"


@pytest.mark.parametrize(
    "data",
    [b"", b"\x00", b"\x30\x00", b"\x30\x03\x02\x01\x00", b"hello world", b"\x30\x80\x00\x00"],
)
def test_garbage_is_malformed_not_a_traceback(data: bytes) -> None:
    for call in (tsa.read_token, lambda d: tsa.verify_token(d, DIGEST), tsa.parse_response):
        with pytest.raises(TimestampError) as exc:
            call(data)
        assert _code(exc) in ("tsa.malformed", "tsa.not_signed_data")


@settings(max_examples=60)
@given(position=st.integers(min_value=0), bit=st.integers(min_value=0, max_value=7))
def test_a_flipped_bit_is_refused_or_changes_nothing_that_matters(position: int, bit: int) -> None:
    """Every bit of a token is either checked (signature, digest, certificate) or harmless:
    verify never raises anything but TimestampError, and what it accepts says the same."""
    token_der = _FLIP_TSA.stamp(DIGEST, GEN_TIME, nonce=5)
    good = tsa.verify_token(token_der, DIGEST, [_FLIP_TSA.ca_cert_der])
    i = position % len(token_der)
    flipped = token_der[:i] + bytes([token_der[i] ^ (1 << bit)]) + token_der[i + 1 :]
    try:
        got = tsa.verify_token(flipped, DIGEST, [_FLIP_TSA.ca_cert_der])
    except TimestampError as exc:
        assert exc.code in MESSAGES
        return
    assert (got.gen_time, got.imprint, got.serial, got.nonce, got.signer_cert, got.policy) == (
        good.gen_time, good.imprint, good.serial, good.nonce, good.signer_cert, good.policy,
    )  # fmt: skip


_FLIP_TSA = TestTSA(name="Flip TSA")


# ---------------------------------------------------------------- certificates and the Check


def test_load_certificates_pem_bundle_der_and_garbage(ec_tsa: TestTSA) -> None:
    bundle = ec_tsa.cert_pem + b"\n" + ec_tsa.ca_cert_pem
    assert tsa.load_certificates(bundle) == [ec_tsa.cert_der, ec_tsa.ca_cert_der]
    assert tsa.load_certificates(ec_tsa.ca_cert_der) == [ec_tsa.ca_cert_der]
    for bad in (b"", b"garbage", b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"):
        with pytest.raises(TimestampError) as exc:
            tsa.load_certificates(bad)
        assert _code(exc) == "tsa.bad_certificates"


def test_check_reports_anchored_unverified_or_failed(ec_tsa: TestTSA) -> None:
    token_der = ec_tsa.stamp(DIGEST, GEN_TIME)
    anchored, token = tsa.check(token_der, DIGEST, [ec_tsa.ca_cert_der])
    assert isinstance(token, Token)
    assert (anchored.name, anchored.status, anchored.code) == ("timestamp", "ok", "tsa.anchored")
    assert anchored.params["time"] == "2026-11-30T12:00:00.123456Z"
    assert render(anchored.code, "zh", **anchored.params).startswith(
        "时间戳机构 Test TSA, randcheck tests 于 2026-11-30T12:00:00.123456Z 证明"
    )
    unverified, token = tsa.check(token_der, DIGEST)
    assert token is not None
    assert (unverified.status, unverified.code) == ("unverified", "tsa.unverified_tsa")
    failed, token = tsa.check(token_der, OTHER, [ec_tsa.ca_cert_der])
    assert token is None
    assert (failed.status, failed.code) == ("fail", "tsa.imprint_mismatch")


# ---------------------------------------------------------------- the fixture itself


@pytest.mark.parametrize("key_type", ["ec", "ed25519"])
def test_seeded_test_tsa_is_byte_stable(key_type: str) -> None:
    """Vectors (tests/vectors/generate.py --check) need the same token bytes on every run."""
    one = TestTSA(key_type=key_type, seed=b"vector seed", intermediates=1)  # type: ignore[arg-type]
    two = TestTSA(key_type=key_type, seed=b"vector seed", intermediates=1)  # type: ignore[arg-type]
    assert (one.ca_cert_der, one.cert_der) == (two.ca_cert_der, two.cert_der)
    token = one.stamp(DIGEST, GEN_TIME, nonce=1)
    assert token == two.stamp(DIGEST, GEN_TIME, nonce=1)
    assert tsa.verify_token(token, DIGEST, [one.ca_cert_der]).serial == 1
    other = TestTSA(key_type=key_type, seed=b"another seed")  # type: ignore[arg-type]
    assert other.cert_der != one.cert_der


def test_seed_is_refused_for_rsa() -> None:
    with pytest.raises(ValueError, match="seed"):
        TestTSA(key_type="rsa", seed=b"x")
