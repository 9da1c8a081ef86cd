"""enrollkit: generate, sign, verify and lint Apple enrollment profiles, and drive zero-touch
enrollment flows, on a Rust core.

Every failure raises a subclass of :class:`EnrollkitError` carrying ``.code`` (stable string),
``.message`` and ``.remediation``. Heavy operations release the GIL, and every object is
immutable, so objects can be shared between threads.

>>> import enrollkit
>>> profile = enrollkit.build_enrollment_profile(
...     "com.example.enroll",
...     server_url="https://mdm.example.com/mdm",
...     topic="com.apple.mgmt.External.1",
...     identity=enrollkit.ScepIdentity("https://mdm.example.com/scep", challenge="one-time"),
...     organization="Example Corp",
... )
>>> enrollkit.Profile.read(profile.to_xml()).mdm.server_url
'https://mdm.example.com/mdm'
"""

from ._native import (
    __version__,
    # errors
    EnrollkitError,
    ProfileError,
    SigningError,
    LintError,
    FlowError,
    PackageError,
    ProtocolError,
    InvalidArgumentError,
    # profiles
    Profile,
    PayloadInfo,
    MdmInfo,
    ScepIdentity,
    AcmeIdentity,
    Pkcs12Identity,
    build_enrollment_profile,
    # signing
    Identity,
    Signer,
    TrustStore,
    Verification,
    sign,
    verify,
    encrypt,
    decrypt,
    parse_certificates,
    # flows, account names, PINs
    Finding,
    FlowStep,
    DerivedAccount,
    web_flow_new,
    web_flow_state,
    web_flow_handle,
    web_flow_status,
    login_flow_new,
    login_flow_state,
    login_flow_handle,
    login_flow_view,
    derive_account_name,
    validate_account_name,
    validate_pin,
    # lint and install check
    lint_profile,
    check_install,
    InstallCheck,
    # Windows provisioning packages
    WindowsPackage,
    generate_windows_package,
    validate_answer_file,
)

__all__ = [
    "__version__",
    "EnrollkitError",
    "ProfileError",
    "SigningError",
    "LintError",
    "FlowError",
    "PackageError",
    "ProtocolError",
    "InvalidArgumentError",
    "Profile",
    "PayloadInfo",
    "MdmInfo",
    "ScepIdentity",
    "AcmeIdentity",
    "Pkcs12Identity",
    "build_enrollment_profile",
    "Identity",
    "Signer",
    "TrustStore",
    "Verification",
    "sign",
    "verify",
    "encrypt",
    "decrypt",
    "parse_certificates",
    "Finding",
    "FlowStep",
    "DerivedAccount",
    "web_flow_new",
    "web_flow_state",
    "web_flow_handle",
    "web_flow_status",
    "login_flow_new",
    "login_flow_state",
    "login_flow_handle",
    "login_flow_view",
    "derive_account_name",
    "validate_account_name",
    "validate_pin",
    "lint_profile",
    "check_install",
    "InstallCheck",
    "WindowsPackage",
    "generate_windows_package",
    "validate_answer_file",
]
