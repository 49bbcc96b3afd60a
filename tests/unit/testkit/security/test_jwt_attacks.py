"""The JWT attack suite: each forged token is accepted by the toy verifier that has the matching flaw (so the check
fails), and all are refused by the toy without flaws."""

from __future__ import annotations

import jwt
import pytest
from support.vulnerable_app import AUDIENCE, ISSUER, SECRET

from sentia_testkit.security import JwtTarget, attack_tokens, bearer_sender, check_jwt_attacks
from sentia_testkit.security.jwt_attacks import WEAK_SECRETS, check_weak_secrets_refused, with_bad_signature

pytestmark = pytest.mark.anyio

FLAW_TO_ATTACKS = {
    "alg-none": {"alg none", "alg None", "alg NONE"},
    "key-confusion": {"key confusion"},
    "no-exp": {"expired"},
    "no-nbf": {"nbf in the future"},
    "exp-optional": {"missing exp"},
    "no-iss": {"wrong iss"},
    "no-aud": {"wrong aud"},
    "kid-path": {"kid path traversal"},
    "kid-sql": {"kid SQL injection"},
    "jwk": {"embedded jwk"},
}


@pytest.fixture
def rs_target(rsa_pems) -> JwtTarget:
    private, public = rsa_pems
    return JwtTarget(ISSUER, AUDIENCE, private_key_pem=private, public_key_pem=public)


def accepted(report) -> set[str]:
    return {finding.target for finding in report.findings}


@pytest.mark.parametrize("flaw", sorted(FLAW_TO_ATTACKS))
async def test_each_flaw_lets_exactly_its_attacks_through(toy_http, rs_target, flaw):
    async with toy_http(flaws={flaw}) as client:
        report = await check_jwt_attacks(bearer_sender(client, "GET", "/whoami"), rs_target)
    assert accepted(report) == FLAW_TO_ATTACKS[flaw]
    assert all(
        finding.title.endswith("token accepted") and finding.severity == "critical" for finding in report.findings
    )
    assert report.probes == 1 + 13


async def test_a_verifier_that_skips_signatures_accepts_every_signed_forgery(toy_http, rs_target):
    async with toy_http(flaws={"no-signature"}) as client:
        report = await check_jwt_attacks(bearer_sender(client, "GET", "/whoami"), rs_target)
    assert accepted(report) == {
        "bad signature",
        "key confusion",
        "kid path traversal",
        "kid SQL injection",
        "embedded jwk",
    }


async def test_the_secure_toy_refuses_every_attack(toy_http, rs_target):
    async with toy_http(flaws=()) as client:
        report = await check_jwt_attacks(bearer_sender(client, "GET", "/whoami"), rs_target)
    assert report.ok and report.probes == 14
    report.raise_for_findings()


async def test_an_hs256_target_has_no_key_confusion_attack_and_passes_on_the_secure_toy(toy_http):
    target = JwtTarget(ISSUER, AUDIENCE, secret=SECRET)
    assert "key confusion" not in {attack.name for attack in attack_tokens(target)}
    async with toy_http(flaws=()) as client:
        report = await check_jwt_attacks(bearer_sender(client, "GET", "/whoami"), target, skip={"embedded jwk"})
    assert report.ok and report.probes == 12


async def test_a_refused_legitimate_token_fails_closed(toy_http, rsa_pems):
    wrong = JwtTarget(ISSUER, "not-the-toy", private_key_pem=rsa_pems[0], public_key_pem=rsa_pems[1])
    async with toy_http(flaws=()) as client:
        report = await check_jwt_attacks(bearer_sender(client, "GET", "/whoami"), wrong)
    [finding] = report.findings
    assert finding.title == "a legitimate token is refused, so refusals prove nothing"
    assert report.probes == 1


def test_the_forged_tokens_say_what_they_claim(rs_target, rsa_pems):
    tokens = {attack.name: attack.token for attack in attack_tokens(rs_target, now=1_800_000_000)}
    assert jwt.get_unverified_header(tokens["alg NONE"])["alg"] == "NONE"
    assert jwt.get_unverified_header(tokens["kid path traversal"])["kid"].endswith("/dev/null")
    assert "UNION SELECT" in jwt.get_unverified_header(tokens["kid SQL injection"])["kid"]
    assert "exp" not in jwt.decode(tokens["missing exp"], options={"verify_signature": False})
    expired = jwt.decode(tokens["expired"], options={"verify_signature": False})
    assert expired["exp"] == 1_800_000_000 - 3600
    legit = rs_target.sign(rs_target.legitimate_claims())
    assert jwt.decode(legit, rsa_pems[1], algorithms=["RS256"], audience=AUDIENCE, issuer=ISSUER)["sub"]
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(with_bad_signature(legit), rsa_pems[1], algorithms=["RS256"], audience=AUDIENCE)


def test_a_target_needs_a_signing_key():
    with pytest.raises(ValueError, match="needs a way to sign legitimate tokens"):
        JwtTarget(ISSUER, AUDIENCE)


def test_weak_secrets_must_be_refused_at_start_up():
    def strict(secret: str) -> None:
        if len(secret) < 32 or len(set(secret)) < 10:
            raise ValueError("too weak")

    assert check_weak_secrets_refused(strict).ok
    lax = check_weak_secrets_refused(lambda secret: None)
    assert [finding.target for finding in lax.findings] == [repr(secret) for secret in WEAK_SECRETS]
    assert lax.findings[0].title == "weak HMAC secret accepted at start-up"
    assert lax.probes == len(WEAK_SECRETS)
