"""Signing: identities, sign, verify with verdict, encrypt/decrypt; OpenSSL and Python
`cryptography` as the independent oracles."""

import concurrent.futures
import datetime
import subprocess

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs7

import enrollkit
from conftest import FIXTURES, VERIFY_TIME, fixture


def openssl_verify(tmp_path, der: bytes) -> bytes:
    path = tmp_path / "signed.der"
    path.write_bytes(der)
    out = subprocess.run(
        ["openssl", "cms", "-verify", "-inform", "DER", "-in", str(path), "-binary", "-noverify"],
        capture_output=True, check=True,
    )
    return out.stdout


def test_sign_and_verify(tmp_path, enrollment_profile, p256_identity, ca_pem):
    xml = enrollment_profile.to_xml()
    signer = enrollkit.Signer(p256_identity)
    der = signer.sign(xml, signing_time=VERIFY_TIME)
    # OpenSSL agrees the signature is good and the content is ours.
    assert openssl_verify(tmp_path, der) == xml
    v = enrollkit.TrustStore([ca_pem]).verify(der, time=VERIFY_TIME)
    assert v.verdict == "Verified" and v.verified
    assert v.content == xml
    assert v.signer_chain[0] == p256_identity.certificate_chain[0]
    # A signed profile reads back, with its container.
    loaded = enrollkit.Profile.read(der)
    assert loaded.identifier == "com.example.enroll"
    assert loaded.signed_container == der
    # datetime works as a time too.
    when = datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc)
    assert enrollkit.verify(der, [ca_pem], time=when).verified


def test_deterministic_signing(p256_identity):
    signer = enrollkit.Signer(p256_identity, deterministic=True, digest="sha384")
    a = signer.sign(b"<plist/>", signing_time=VERIFY_TIME)
    assert a == signer.sign(b"<plist/>", signing_time=VERIFY_TIME)
    assert a == enrollkit.sign(b"<plist/>", p256_identity, digest="sha384",
                               deterministic=True, signing_time=VERIFY_TIME)


def test_pkcs12_identity(tmp_path, ca_pem):
    identity = enrollkit.Identity.from_pkcs12(fixture("signer-rsa.p12"), "secret")
    assert identity.key_algorithm == "rsa-2048"
    assert identity.subject == "CN=enrollkit RSA signer,O=enrollkit test"
    der = enrollkit.sign(b"payload", identity, signing_time=VERIFY_TIME)
    assert openssl_verify(tmp_path, der) == b"payload"
    assert enrollkit.verify(der, [ca_pem], time=VERIFY_TIME).verdict == "Verified"
    with pytest.raises(enrollkit.SigningError) as info:
        enrollkit.Identity.from_pkcs12(fixture("signer-rsa.p12"), "wrong")
    assert info.value.code == "CMS009"


def test_der_identity():
    key_der = serialization.load_pem_private_key(fixture("signer-p256.key"), None).private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    identity = enrollkit.Identity.from_der(key_der, fixture("signer-p256.der"))
    assert identity.key_algorithm == "ec-p256"


def test_verify_verdicts(p256_identity, ca_pem, enrollment_profile):
    xml = enrollment_profile.to_xml()
    der = enrollkit.sign(xml, p256_identity, signing_time=VERIFY_TIME)
    # Untrusted: no anchors, or an unrelated one.
    untrusted = enrollkit.verify(der, [fixture("other.pem")], time=VERIFY_TIME)
    assert untrusted.verdict == "NotVerified" and untrusted.reason_code
    # Tampered: flip one content byte.
    i = der.index(b"com.example.enroll")
    tampered = der[:i] + b"C" + der[i + 1:]
    bad = enrollkit.verify(tampered, [ca_pem], time=VERIFY_TIME)
    assert bad.verdict == "Invalid" and bad.reason_message
    assert enrollkit.verify(xml, [ca_pem]).verdict == "Unsigned"
    assert enrollkit.verify(b"\x30\x03garbage", [ca_pem]).verdict == "Invalid"


def test_encrypt_decrypt(tmp_path):
    secret = b"<plist><dict/></plist>"
    enveloped = enrollkit.encrypt(secret, fixture("signer-rsa.pem"))
    assert enrollkit.decrypt(enveloped, fixture("signer-rsa.key")) == secret
    # OpenSSL decrypts what we encrypted.
    (tmp_path / "env.der").write_bytes(enveloped)
    out = subprocess.run(
        ["openssl", "cms", "-decrypt", "-inform", "DER", "-binary", "-in", str(tmp_path / "env.der"),
         "-inkey", str(FIXTURES / "signer-rsa.key")],
        capture_output=True, check=True,
    )
    assert out.stdout == secret
    with pytest.raises(enrollkit.SigningError) as info:
        enrollkit.decrypt(enveloped, fixture("other.key"))
    assert info.value.code in ("CMS014", "CMS010", "CMS006")


def test_external_signer(p256_identity, ca_pem):
    key = serialization.load_pem_private_key(fixture("signer-p256.key"), None)
    cert = x509.load_pem_x509_certificate(fixture("signer-p256.pem"))
    calls = []

    class KmsSigner:
        def certificate_chain(self):
            return [cert.public_bytes(serialization.Encoding.DER)]

        def sign(self, message, algorithm):
            calls.append(algorithm)
            return key.sign(message, ec.ECDSA(hashes.SHA256()))

    identity = enrollkit.Identity.external(KmsSigner())
    der = enrollkit.sign(b"external", identity, signing_time=VERIFY_TIME)
    assert calls == ["ecdsa-sha256"]
    assert enrollkit.verify(der, [ca_pem], time=VERIFY_TIME).verified

    class Broken(KmsSigner):
        def sign(self, message, algorithm):
            raise RuntimeError("HSM offline")

    with pytest.raises(enrollkit.SigningError) as info:
        enrollkit.sign(b"x", enrollkit.Identity.external(Broken()))
    assert "HSM offline" in str(info.value)


def test_sign_from_8_threads(p256_identity, ca_pem):
    signer = enrollkit.Signer(p256_identity)
    store = enrollkit.TrustStore([ca_pem])

    def work(i):
        content = f"<plist><string>{i}</string></plist>".encode()
        results = []
        for _ in range(25):
            der = signer.sign(content, signing_time=VERIFY_TIME)
            results.append(store.verify(der, time=VERIFY_TIME))
        return content, results

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(work, range(8)))
    assert len(outcomes) == 8
    for content, results in outcomes:
        assert all(v.verified and v.content == content for v in results)


def test_cryptography_loads_our_signature(p256_identity, enrollment_profile):
    der = enrollkit.sign(enrollment_profile.to_xml(), p256_identity, signing_time=VERIFY_TIME)
    certs = pkcs7.load_der_pkcs7_certificates(der)
    ours = x509.load_pem_x509_certificate(fixture("signer-p256.pem"))
    assert ours in certs


def test_cryptography_signature_verifies_here(enrollment_profile, ca_pem):
    key = serialization.load_pem_private_key(fixture("signer-rsa.key"), None)
    cert = x509.load_pem_x509_certificate(fixture("signer-rsa.pem"))
    xml = enrollment_profile.to_xml()
    der = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(xml)
        .add_signer(cert, key, hashes.SHA256())
        .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary])
    )
    v = enrollkit.verify(der, [ca_pem], time=VERIFY_TIME)
    assert v.verdict == "Verified", v.reason_message
    assert v.content == xml
    assert enrollkit.Profile.read(der).identifier == "com.example.enroll"


def test_signing_errors():
    with pytest.raises(enrollkit.SigningError) as info:
        enrollkit.Identity.from_pem(b"not a key", fixture("signer-p256.pem"))
    assert info.value.code == "CMS006"
    assert info.value.remediation
    with pytest.raises(enrollkit.SigningError) as info:
        enrollkit.Identity.from_pem(fixture("signer-rsa.key"), fixture("signer-p256.pem"))
    assert info.value.code == "CMS008"
    with pytest.raises(enrollkit.InvalidArgumentError):
        enrollkit.Signer(enrollkit.Identity.from_pem(fixture("signer-p256.key"), fixture("signer-p256.pem")), digest="md5")
    assert len(enrollkit.parse_certificates(fixture("ca.pem") + fixture("signer-p256.pem"))) == 2
