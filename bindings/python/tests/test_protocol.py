"""The protocol engine embedded in a Python host: account-driven User Enrollment end to end.

The host here is what a Python server around the engine does (a dict as the store, the key
index, the effects); the device's signatures, the identity provider's ID token and the SCEP
server's certificate are made with `cryptography`, an independent implementation.
"""

import base64
import datetime
import hashlib
import json
import plistlib
import urllib.parse

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID

import enrollkit

from conftest import fixture

BASE = "https://enroll.example.com"
ISSUER = "https://login.example.com"
TOPIC = "com.apple.mgmt.External.9a8b7c6d"
NOW = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def at(seconds: int) -> str:
    return (NOW + datetime.timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def ca(name: str):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - datetime.timedelta(days=1))
        .not_valid_after(NOW + datetime.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .sign(key, hashes.SHA256())
    )
    return key, cert


def leaf(issuer, common_name: str):
    issuer_key, issuer_cert = issuer
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
        .issuer_name(issuer_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - datetime.timedelta(days=1))
        .not_valid_after(NOW + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, False, True, False, False, False, False, False, False), critical=True
        )
        .sign(issuer_key, hashes.SHA256())
    )
    return key, cert


def pem(cert) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def cms(body: bytes, identity, detached: bool) -> bytes:
    key, cert = identity
    options = [pkcs7.PKCS7Options.Binary]
    if detached:
        options.append(pkcs7.PKCS7Options.DetachedSignature)
    return (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(body)
        .add_signer(cert, key, hashes.SHA256())
        .sign(serialization.Encoding.DER, options)
    )


class Idp:
    """The identity provider's side of the code flow: PKCE checked, an ES256 ID token."""

    def __init__(self):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.grants = {}

    def jwks(self) -> dict:
        n = self.key.public_key().public_numbers()
        return {
            "keys": [
                {
                    "kty": "EC", "crv": "P-256", "kid": "py-1", "alg": "ES256", "use": "sig",
                    "x": b64url(n.x.to_bytes(32, "big")), "y": b64url(n.y.to_bytes(32, "big")),
                }
            ]
        }

    def authorize(self, url: str, subject: str, email: str) -> str:
        q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
        assert q["response_type"] == "code" and q["code_challenge_method"] == "S256"
        code = "code-" + q["state"][:8]
        self.grants[code] = (q, subject, email)
        return q["redirect_uri"] + "?" + urllib.parse.urlencode({"code": code, "state": q["state"]})

    def token(self, request: dict) -> bytes:
        form = dict(urllib.parse.parse_qsl(request["body"].decode()))
        q, subject, email = self.grants.pop(form["code"])
        challenge = b64url(hashlib.sha256(form["code_verifier"].encode()).digest())
        assert challenge == q["code_challenge"], "the engine's PKCE verifier matches its challenge"
        now = int(NOW.timestamp())
        claims = {"iss": ISSUER, "sub": subject, "aud": q["client_id"], "iat": now, "exp": now + 300,
                  "nonce": q["nonce"], "email": email, "amr": ["pwd", "otp"]}
        header = {"alg": "ES256", "kid": "py-1", "typ": "JWT"}
        signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
        r, s = decode_dss_signature(self.key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
        token = signing_input + "." + b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))
        return json.dumps({"access_token": "x", "token_type": "Bearer", "id_token": token}).encode()


class Host:
    """A store, a key index and the effects, as a server around the engine keeps them."""

    def __init__(self, engine):
        self.engine = engine
        self.enrollments = {}
        self.index = {}
        self.effects = []

    @staticmethod
    def key(effect_key: dict) -> str:
        return f"{effect_key['kind']}:{effect_key['digest']}"

    def apply(self, reply):
        if reply.enrollment_json:
            e = json.loads(reply.enrollment_json)
            self.enrollments[e["id"]] = reply.enrollment_json
        for effect in reply.effects:
            if effect["effect"] == "index":
                self.index[self.key(effect["key"])] = effect["enrollment"]
            elif effect["effect"] == "unindex":
                self.index.pop(self.key(effect["key"]), None)
            self.effects.append(effect)
        return reply

    def send(self, method, url, headers=(), body=b"", now=None):
        route = self.engine.route(method, url, list(headers), body)
        found = None
        if route["lookup"] == "enrollment":
            found = self.enrollments.get(route["lookup_value"])
        elif route["lookup"] == "key":
            eid = self.index.get(route["lookup_value"])
            found = self.enrollments.get(eid) if eid else None
        return self.apply(self.engine.handle(method, url, list(headers), body, found, now or at(0))), found


@pytest.fixture()
def world():
    identity_ca, attestation_ca = ca("Device Identity CA"), ca("Attestation CA")
    settings = {
        "base_url": BASE + "/",
        "profile": {
            "identifier": "com.example.enroll", "organization": "Example Corp", "topic": TOPIC,
            "mdm_base_url": BASE + "/mdm",
            "identity": {"kind": "scep", "url": BASE + "/scep"},
        },
        "portal": {"ownership": "personal"},
        "oidc": {
            "issuer": ISSUER, "client_id": "enrollkit-py",
            "authorization_endpoint": ISSUER + "/authorize", "token_endpoint": ISSUER + "/token",
            "redirect_uri": BASE + "/oidc/callback",
        },
        "account_driven": {"domains": ["example.com"]},
        "secret_key": "python-host-secret-key-0123456789abcdef",
    }
    engine = enrollkit.ProtocolEngine(
        settings, fixture("signer-p256.key"), fixture("signer-p256.pem"),
        pem(identity_ca[1]), pem(attestation_ca[1]),
    )
    return engine, identity_ca, leaf(attestation_ca, "simulated iPhone")


def test_account_driven_enrollment_through_the_engine(world):
    engine, identity_ca, device = world
    host, idp = Host(engine), Idp()
    wk, _ = host.send("GET", "https://example.com/.well-known/com.apple.remotemanagement?user-identifier=dana%40example.com&model-family=iPhone")
    assert wk.status == 200
    base_url = json.loads(wk.body)["Servers"][0]["BaseURL"]

    request = plistlib.dumps({"LANGUAGE": "en-US", "PRODUCT": "iPhone17,1", "VERSION": "22B83", "OS_VERSION": "18.1"})
    signed = cms(request, device, detached=False)
    ctype = [("content-type", "application/pkcs7-signature")]
    first, _ = host.send("POST", base_url, ctype, signed)
    assert first.status == 401
    challenge = first.header("www-authenticate")
    assert challenge.startswith('Bearer method="apple-as-web", url="')
    auth_url = challenge.split('url="')[1].rstrip('"')

    start, _ = host.send("GET", auth_url + "?user-identifier=dana%40example.com&platform=ios&os=18.1", now=at(5))
    assert start.status == 302
    callback_url = idp.authorize(start.header("location"), "sub-dana", "dana@example.com")
    exchange, enrollment = host.send("GET", callback_url, now=at(20))
    assert exchange.kind == "exchange_code"
    token_body = idp.token(exchange.token_request)
    verified = engine.verify_sign_in(enrollment, callback_url, 200, token_body, idp.jwks(), at(21))
    done = host.apply(engine.complete_sign_in(enrollment, verified, None, at(21)))
    assert done.status == 308
    location = done.header("location")
    assert location.startswith("apple-remotemanagement-user-login://authentication-results?access-token=")
    assert any(e["effect"] == "create_user" and e["key"]["subject"] == "sub-dana" for e in done.effects)
    token = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)["access-token"][0]

    bearer = ctype + [("authorization", f"Bearer {token}")]
    served, _ = host.send("POST", base_url, bearer, signed, now=at(30))
    assert served.status == 200, served.body
    assert served.header("content-type") == "application/x-apple-aspen-config"
    verification = enrollkit.verify(served.body, [fixture("ca.pem")])
    assert verification.verdict == "Verified"
    profile = enrollkit.Profile.read(served.body)
    assert profile.mdm.topic == TOPIC
    findings = enrollkit.lint_profile(served.body, platform="ios", os_version="18.1", enrollment="user", manual_install=True)
    assert not [f for f in findings if f.is_error], findings
    replay, _ = host.send("POST", base_url, bearer, signed, now=at(31))
    assert (replay.status, replay.refused_code) == (401, "PROT013")

    # The SCEP server redeems the challenge once, then issues the identity.
    content = plistlib.loads(enrollkit.Profile.read(served.body).to_xml())["PayloadContent"]
    scep = next(p for p in content if p["PayloadType"] == "com.apple.security.scep")["PayloadContent"]
    digest = base64.b64encode(hashlib.sha256(scep["Challenge"].encode()).digest()).decode()
    eid = host.index[f"identity_challenge:{digest}"]
    host.enrollments[eid] = engine.redeem_identity_challenge(host.enrollments[eid], scep["Challenge"], at(40))
    with pytest.raises(enrollkit.ProtocolError) as again:
        engine.redeem_identity_challenge(host.enrollments[eid], scep["Challenge"], at(41))
    assert again.value.code == "PROT012"
    identity = leaf(identity_ca, f"enrollment {eid}")

    enrollment_id = "5B8C2F0E-1D3A-4E6B-9C7D-8E9F0A1B2C3D"
    checkin_url = f"{BASE}/mdm/checkin/{eid}"
    for message in [
        {"MessageType": "Authenticate", "Topic": TOPIC, "EnrollmentID": enrollment_id},
        {"MessageType": "TokenUpdate", "Topic": TOPIC, "EnrollmentID": enrollment_id,
         "Token": b"\x01\x02", "PushMagic": "magic"},
    ]:
        body = plistlib.dumps(message)
        signature = base64.b64encode(cms(body, identity, detached=True)).decode()
        headers = [("content-type", "application/x-apple-aspen-mdm-checkin"), ("mdm-signature", signature),
                   ("authorization", f"Bearer {token}")]
        tampered, _ = host.send("PUT", checkin_url, headers, body.replace(b"TokenUpdate", b"TokenUpdata").replace(b"Authenticate", b"Authenticata"), now=at(50))
        assert (tampered.status, tampered.refused_code) == (403, "PROT007")
        reply, _ = host.send("PUT", checkin_url, headers, body, now=at(50))
        assert reply.status == 200, reply.body
    assert engine.portal_view(host.enrollments[eid], at(60))["state"] == "enrolled"
    assert any(e["effect"] == "record_enrollment" for e in host.effects)


def test_checkins_and_signatures_from_python(world):
    body = plistlib.dumps({"MessageType": "CheckOut", "Topic": TOPIC, "UDID": "U-1", "Extra": 3})
    info = enrollkit.parse_checkin(body)
    assert (info.message_type, info.device_kind, info.device_id) == ("CheckOut", "udid", "U-1")
    assert info.fields["Extra"] == 3
    with pytest.raises(enrollkit.ProtocolError) as bad:
        enrollkit.parse_checkin(b"<plist><dict><key>MessageType</key><string>Hi</string></dict></plist>")
    assert (bad.value.code, bad.value.area) == ("PROT003", "protocol")

    _, identity_ca, _ = world
    identity = leaf(identity_ca, "device")
    signature = base64.b64encode(cms(body, identity, detached=True)).decode()
    assert "CN=device" in enrollkit.verify_mdm_signature(body, signature, pem(identity_ca[1]))
    with pytest.raises(enrollkit.ProtocolError) as tampered:
        enrollkit.verify_mdm_signature(body + b" ", signature, pem(identity_ca[1]))
    assert tampered.value.code == "PROT007"
