"""Generate, sign and check an enrollment profile with enrollkit.

    python examples/python/generate_sign_lint.py [OUT.mobileconfig]

Builds a device-enrollment profile (SCEP identity + MDM payload), signs it with the test
signer in bindings/fixtures (use your own key and certificate in practice), verifies the
signature against the test CA, and lints it for iOS against Apple's device-management schema.
"""

import pathlib
import sys
import time

import enrollkit

FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "bindings" / "fixtures"


def main() -> int:
    out = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else None
    profile = enrollkit.build_enrollment_profile(
        "com.example.enroll",
        organization="Example Corp",
        server_url="https://mdm.example.com/mdm",
        check_in_url="https://mdm.example.com/checkin",
        topic="com.apple.mgmt.External.2f9c1c7e",
        identity=enrollkit.ScepIdentity(
            "https://mdm.example.com/scep",
            challenge="one-time-challenge",
            subject=[("O", "Example Corp"), ("CN", "%SerialNumber%")],
            key_size=2048,
        ),
        server_capabilities=["com.apple.mdm.per-user-connections"],
    )
    identity = enrollkit.Identity.from_pem(
        (FIXTURES / "signer-p256.key").read_bytes(), (FIXTURES / "signer-p256.pem").read_bytes()
    )
    signed = enrollkit.Signer(identity).sign(profile.to_xml())
    verdict = enrollkit.verify(signed, [(FIXTURES / "ca.pem").read_bytes()], time=time.time())
    print(f"built {profile.identifier}: {len(profile.payloads)} payloads, signed {len(signed)} bytes")
    print(f"signature: {verdict.verdict}")
    findings = enrollkit.lint_profile(signed, platform="ios", enrollment="device")
    for finding in findings:
        print(f"  {finding}")
    errors = [f for f in findings if f.is_error]
    print(f"lint: {len(findings)} findings, {len(errors)} errors")
    if out:
        out.write_bytes(signed)
        print(f"wrote {out}")
    return 0 if verdict.verified and not errors else 1


if __name__ == "__main__":
    sys.exit(main())
