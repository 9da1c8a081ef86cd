"""Shared fixtures: the OpenSSL-made identities in bindings/fixtures (see make-fixtures.sh)."""

import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "bindings" / "fixtures"
# The fixture certificates are valid from 2026-11-23 for 20 years; verify at a fixed time.
VERIFY_TIME = 1893456000  # 2030-01-01T00:00:00Z


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture(scope="session")
def root() -> pathlib.Path:
    return ROOT


@pytest.fixture(scope="session")
def p256_identity():
    import enrollkit

    return enrollkit.Identity.from_pem(fixture("signer-p256.key"), fixture("signer-p256.pem"))


@pytest.fixture(scope="session")
def ca_pem() -> bytes:
    return fixture("ca.pem")


@pytest.fixture()
def enrollment_profile():
    import enrollkit

    return enrollkit.build_enrollment_profile(
        "com.example.enroll",
        server_url="https://mdm.example.com/mdm",
        check_in_url="https://mdm.example.com/checkin",
        topic="com.apple.mgmt.External.2f9c1c7e",
        identity=enrollkit.ScepIdentity(
            "https://mdm.example.com/scep",
            challenge="one-time-challenge",
            subject=[("O", "Example Corp"), ("CN", "device")],
            key_size=2048,
        ),
        organization="Example Corp",
        server_capabilities=["com.apple.mdm.per-user-connections"],
    )
