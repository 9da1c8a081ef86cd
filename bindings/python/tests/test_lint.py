"""Lint against Apple's schema, and the install check."""

import plistlib

import pytest

import enrollkit
from conftest import VERIFY_TIME

VPN = {
    "PayloadType": "Configuration",
    "PayloadVersion": 1,
    "PayloadIdentifier": "com.example.vpn",
    "PayloadUUID": "6E0F1C9A-3B0B-4D46-9F0B-6C2B8C1F7A10",
    "PayloadContent": [
        {
            "PayloadType": "com.apple.vpn.managed",
            "PayloadVersion": 1,
            "PayloadIdentifier": "com.example.vpn.1",
            "PayloadUUID": "0D3C5A52-6E43-4E4B-8F3C-2B7E7A4D9C11",
            "VPNType": "IKEv2",
            "UserDefinedName": "Corp",
        }
    ],
}


def enrollment(identifier: str, topic: str) -> enrollkit.Profile:
    return enrollkit.build_enrollment_profile(
        identifier,
        server_url="https://mdm.example.com/mdm",
        topic=topic,
        identity=enrollkit.ScepIdentity("https://mdm.example.com/scep", challenge="c", key_size=2048),
        organization="Example",
    )


def test_lint_profile(p256_identity):
    # Our own enrollment profile is clean, also when signed.
    profile = enrollment("com.example.enroll", "com.apple.mgmt.External.1")
    assert enrollkit.lint_profile(profile.to_xml(), platform="ios") == []
    signed = enrollkit.sign(profile.to_xml(), p256_identity, signing_time=VERIFY_TIME)
    assert enrollkit.lint_profile(signed, platform="ios") == []
    # Full-device VPN is forbidden under User Enrollment on iOS (the profile is rejected), and
    # only dropped on macOS.
    data = plistlib.dumps(VPN)
    ios = enrollkit.lint_profile(data, platform="ios", enrollment="user")
    assert [(f.code, f.is_error) for f in ios] == [("UE001", True)]
    assert ios[0].payload_index == 0 and ios[0].remediation
    mac = enrollkit.lint_profile(data, platform="macos", enrollment="user")
    assert any(f.code == "UE002" and not f.is_error for f in mac)
    # An unknown platform word is an argument error: the class follows the code's area.
    with pytest.raises(enrollkit.InvalidArgumentError) as info:
        enrollkit.lint_profile(data, platform="amiga")
    assert info.value.code == "ARG002"
    assert info.value.area == "argument"


def test_install_check():
    installed = enrollment("com.example.enroll", "com.apple.mgmt.External.1").to_xml()
    other = enrollment("com.other.enroll", "com.apple.mgmt.External.2").to_xml()
    # A second management profile: the device refuses it.
    check = enrollkit.check_install(other, [installed], platform="ios")
    assert check.outcome == "rejected"
    assert check.diagnostics[0].is_error
    assert "does not match the old payload" in check.diagnostics[0].message
    # The same identifier replaces the installed profile.
    check = enrollkit.check_install(installed, [installed], platform="ios")
    assert (check.outcome, check.replaces) == ("replace", "com.example.enroll")
    assert enrollkit.check_install(other, [], platform="ios").outcome == "install"
