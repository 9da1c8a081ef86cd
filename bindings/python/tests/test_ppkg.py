"""Windows provisioning package generation and answer-file validation."""

import hashlib
import json
import xml.etree.ElementTree as ET

import pytest

import enrollkit


def package_secrets(root):
    return json.loads((root / "bindings/fixtures/package-secrets.json").read_text())


def test_generate_windows_package(root):
    spec = (root / "examples/windows/onboarding.toml").read_text()
    msi = (root / "examples/windows/assets/agent.msi").read_bytes()
    secrets = package_secrets(root)
    package = enrollkit.generate_windows_package(
        spec, {"assets/agent.msi": msi}, secrets=secrets
    )
    assert not [d for d in package.diagnostics if d.is_error]
    # The answer file parses as XML (ElementTree is the oracle) with ICD's namespaces.
    tree = ET.fromstring(package.answer_file)
    assert tree.tag == "WindowsCustomizations"
    ns = "{urn:schemas-Microsoft-com:Windows-ICD-Package-Config.v1.0}"
    assert tree.find(f"{ns}PackageConfig/{ns}Name").text == "Contoso Onboarding"
    assert package.icd_arguments[0] == "/Build-ProvisioningPackage"
    assert package.package_id.strip("{}").count("-") == 4
    manifest = json.loads(package.files["build-manifest.json"])
    digests = json.dumps(manifest)
    assert hashlib.sha256(msi).hexdigest() in digests
    assert secrets["ENROLLKIT_ENROLLMENT_SECRET"] not in repr(package)
    # The PIN policy script and the WPA3-Enterprise WLAN profile are generated assets.
    assert b"PassportForWork\\PINComplexity" in package.files["assets/enrollkit-hello-pin-policy.cmd"]
    s = "{urn:schemas-microsoft-com:windows-provisioning}"
    pin_line = next(
        c.findtext(f"{s}CommandLine")
        for c in tree.iter(f"{s}CommandConfig")
        if c.get("Name") == "Set_Hello_PIN_Policy"
    )
    assert " MinimumPINLength:6 " in pin_line and pin_line.endswith(" SpecialCharacters:2")
    wlan = ET.fromstring(package.files["assets/enrollkit-wifi-1.xml"])
    v1 = "{http://www.microsoft.com/networking/WLAN/profile/v1}"
    assert wlan.findtext(f"{v1}MSM/{v1}security/{v1}authEncryption/{v1}authentication") == "WPA3ENT"


def test_generate_windows_package_errors(root):
    spec = (root / "examples/windows/onboarding.toml").read_text()
    with pytest.raises(enrollkit.PackageError) as info:
        enrollkit.generate_windows_package(spec)  # the agent MSI is missing
    assert info.value.code == "PPKG503"
    msi = (root / "examples/windows/assets/agent.msi").read_bytes()
    with pytest.raises(enrollkit.PackageError) as info:
        enrollkit.generate_windows_package(spec, {"assets/agent.msi": msi})  # no secrets
    assert info.value.code == "PPKG505"
    assert "ENROLLKIT_LOCAL_ADMIN_PASSWORD" in str(info.value)
    with pytest.raises(enrollkit.PackageError):
        enrollkit.generate_windows_package("not = [valid")


def test_validate_answer_file(root):
    findings = enrollkit.validate_answer_file((root / "examples/windows/bad-customizations.xml").read_bytes())
    codes = {f.code for f in findings}
    assert any(f.is_error for f in findings)
    assert all(c.startswith("PPKG") for c in codes)
    with pytest.raises(enrollkit.PackageError):
        enrollkit.validate_answer_file(b"<not-an-answer-file")
