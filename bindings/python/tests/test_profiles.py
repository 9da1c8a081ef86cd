"""Profiles: build, read, write and inspect, checked against plistlib."""

import plistlib

import pytest

import enrollkit


def test_build_enrollment_profile(enrollment_profile):
    # plistlib is the independent oracle for what we wrote.
    plist = plistlib.loads(enrollment_profile.to_xml())
    assert plist["PayloadType"] == "Configuration"
    assert plist["PayloadIdentifier"] == "com.example.enroll"
    scep, mdm = plist["PayloadContent"]
    assert scep["PayloadType"] == "com.apple.security.scep"
    assert scep["PayloadContent"]["Challenge"] == "one-time-challenge"
    assert scep["PayloadContent"]["Subject"] == [[["O", "Example Corp"]], [["CN", "device"]]]
    assert mdm["PayloadType"] == "com.apple.mdm"
    assert mdm["IdentityCertificateUUID"] == scep["PayloadUUID"]
    assert mdm["ServerURL"] == "https://mdm.example.com/mdm"
    assert mdm["AccessRights"] == 8191
    # Deterministic UUIDs: the same input builds the same bytes.
    again = enrollkit.build_enrollment_profile(
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
    assert again.to_xml() == enrollment_profile.to_xml()


def test_build_user_enrollment_and_acme():
    profile = enrollkit.build_enrollment_profile(
        "com.example.byod",
        server_url="https://mdm.example.com/mdm",
        topic="com.apple.mgmt.External.1",
        identity=enrollkit.AcmeIdentity(
            "https://acme.example.com/directory", "client-1", subject=[("CN", "dev")]
        ),
        enrollment="account-driven",
        enrollment_mode="BYOD",
        managed_apple_id="dana@example.com",
    )
    plist = plistlib.loads(profile.to_xml())
    mdm = plist["PayloadContent"][-1]
    assert mdm["EnrollmentMode"] == "BYOD"
    assert mdm["AssignedManagedAppleID"] == "dana@example.com"
    assert "AccessRights" not in mdm
    assert profile.mdm.enrollment_mode == "BYOD"


def test_read_xml_and_binary():
    source = {
        "PayloadType": "Configuration",
        "PayloadVersion": 1,
        "PayloadIdentifier": "com.example.read",
        "PayloadUUID": "6D1F9D5C-5B2A-4C55-9E0B-6F2D6C1A0E11",
        "PayloadDisplayName": "Read me",
        "PayloadContent": [
            {
                "PayloadType": "com.example.vendor",
                "PayloadIdentifier": "com.example.read.vendor",
                "PayloadUUID": "0E6B0B3E-4A4E-4D0C-8C0A-2B0E5B6C7D8E",
                "PayloadVersion": 1,
                "VendorKey": [1, 2, {"nested": True}],
            }
        ],
    }
    xml = enrollkit.Profile.read(plistlib.dumps(source))
    binary = enrollkit.Profile.read(plistlib.dumps(source, fmt=plistlib.FMT_BINARY))
    assert xml.format == "xml" and binary.format == "binary"
    assert xml.display_name == binary.display_name == "Read me"
    assert xml.signed_container is None
    # Lossless: unknown payload keys survive, checked by plistlib.
    assert plistlib.loads(binary.to_xml()) == source


def test_write_xml_and_binary(enrollment_profile):
    xml = enrollment_profile.to_xml()
    binary = enrollment_profile.to_binary()
    assert xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert binary.startswith(b"bplist00")
    assert plistlib.loads(binary) == plistlib.loads(xml)


def test_inspect_profile(enrollment_profile):
    p = enrollment_profile
    assert p.identifier == "com.example.enroll"
    assert p.organization == "Example Corp"
    assert p.payload_type == "Configuration"
    assert not p.is_encrypted
    kinds = [(x.payload_type, x.is_identity) for x in p.payloads]
    assert kinds == [("com.apple.security.scep", True), ("com.apple.mdm", False)]
    assert p.mdm.identity_certificate_uuid == p.payloads[0].uuid
    assert p.mdm.topic == "com.apple.mgmt.External.2f9c1c7e"
    assert "one-time-challenge" not in repr(p)


def test_profile_errors_carry_code_and_remediation():
    with pytest.raises(enrollkit.ProfileError) as info:
        enrollkit.Profile.read(b"definitely not a plist")
    e = info.value
    assert isinstance(e, enrollkit.EnrollkitError)
    assert e.code == "PRF005"
    assert str(e) == e.message  # the readable message, not a field dump
    assert "property list" in e.remediation
    with pytest.raises(enrollkit.EnrollkitError) as info:
        enrollkit.build_enrollment_profile(
            "x", server_url="https://a", topic="t",
            identity=enrollkit.ScepIdentity("https://s"),
            enrollment="account-driven", enrollment_mode="NOPE", managed_apple_id="a@b.c",
        )
    assert info.value.code == "ARG001"
    assert isinstance(info.value, enrollkit.InvalidArgumentError)
