//! The registry: every code of every area, declared once per area.
//!
//! Each module holds one [`declare_codes!`](crate::declare_codes) invocation; its constants are
//! the codes (`codes::cms::BAD_SIGNATURE` is `CMS109`) and its `ALL` lists them in table order.

pub mod argument;
pub mod cms;
pub mod flow;
pub mod install;
pub mod internal;
pub mod io;
pub mod lint;
pub mod package;
pub mod profile;
pub mod protocol;

use crate::Code;

/// Every area's table, in documentation order.
pub(crate) static TABLES: &[&[Code]] = &[
    profile::ALL,
    cms::ALL,
    lint::ALL,
    install::ALL,
    flow::ALL,
    package::ALL,
    protocol::ALL,
    argument::ALL,
    io::ALL,
    internal::ALL,
];

/// Codes renamed once before 1.0, old spelling first. `enrollkit explain OLD` names the new code.
pub static RENAMED: &[(&str, Code)] = &[
    ("PROFILE_INPUT_TOO_LARGE", profile::INPUT_TOO_LARGE),
    ("PROFILE_TOO_DEEP", profile::TOO_DEEP),
    ("PROFILE_TOO_BIG", profile::TOO_BIG),
    ("PROFILE_TOO_MANY_PAYLOADS", profile::TOO_MANY_PAYLOADS),
    ("PROFILE_UNKNOWN_FORMAT", profile::UNKNOWN_FORMAT),
    ("PROFILE_MALFORMED", profile::MALFORMED),
    ("PROFILE_NOT_A_DICTIONARY", profile::NOT_A_DICTIONARY),
    ("PROFILE_SIGNED_CONTAINER", cms::MALFORMED),
    ("PROFILE_NESTED_SIGNATURE", profile::NESTED_SIGNATURE),
    (
        "PROFILE_MISSING_REQUIRED_KEY",
        profile::MISSING_REQUIRED_KEY,
    ),
    ("PROFILE_INVALID_VALUE", profile::INVALID_VALUE),
    ("PROFILE_WRITE", profile::WRITE_FAILED),
    (
        "profile.crypto.nothing_to_encrypt",
        profile::NOTHING_TO_ENCRYPT,
    ),
    ("profile.crypto.not_encrypted", profile::NOT_ENCRYPTED),
    (
        "profile.crypto.bad_decrypted_content",
        cms::DECRYPTION_FAILED,
    ),
    ("cms.malformed", cms::MALFORMED),
    ("cms.too_large", cms::TOO_LARGE),
    ("cms.unexpected_content_type", cms::UNEXPECTED_CONTENT_TYPE),
    ("cms.detached", cms::DETACHED),
    ("cms.not_id_data", cms::NOT_ID_DATA),
    ("cms.bad_key", cms::BAD_KEY),
    ("cms.bad_certificate", cms::BAD_CERTIFICATE),
    ("cms.key_cert_mismatch", cms::KEY_CERT_MISMATCH),
    ("cms.pkcs12", cms::PKCS12),
    ("cms.unsupported", cms::UNSUPPORTED),
    ("cms.signing_failed", cms::SIGNING_FAILED),
    ("cms.bad_time", cms::BAD_TIME),
    ("cms.encryption_failed", cms::ENCRYPTION_FAILED),
    ("cms.decryption_failed", cms::DECRYPTION_FAILED),
    ("cms.encoding_failed", cms::ENCODING_FAILED),
    ("cms.no_signer", cms::NO_SIGNER),
    ("cms.multiple_signers", cms::MULTIPLE_SIGNERS),
    ("cms.bad_version", cms::BAD_VERSION),
    ("cms.bad_digest_algorithms", cms::BAD_DIGEST_ALGORITHMS),
    ("cms.bad_attributes", cms::BAD_ATTRIBUTES),
    ("cms.unsupported_algorithm", cms::UNSUPPORTED_ALGORITHM),
    ("cms.content_type_mismatch", cms::CONTENT_TYPE_MISMATCH),
    ("cms.digest_mismatch", cms::DIGEST_MISMATCH),
    ("cms.bad_signature", cms::BAD_SIGNATURE),
    (
        "cms.signer_certificate_missing",
        cms::SIGNER_CERTIFICATE_MISSING,
    ),
    ("cms.expired", cms::EXPIRED),
    ("cms.not_yet_valid", cms::NOT_YET_VALID),
    ("cms.key_usage", cms::KEY_USAGE),
    ("cms.untrusted", cms::UNTRUSTED),
    ("cms.internal", internal::INTERNAL),
    ("CTX001", argument::UNKNOWN_PLATFORM),
    ("CTX002", argument::UNKNOWN_ENROLLMENT),
    ("CTX003", argument::INVALID_OS_VERSION),
    ("FLOW005", argument::INVALID_OS_VERSION),
    ("INVALID_ARGUMENT", argument::INVALID_ARGUMENT),
    ("INTERNAL", internal::INTERNAL),
    ("INSTALL001", install::NO_IDENTIFIER),
    ("INSTALL002", install::NOT_A_PROFILE_LIST),
    ("PPKGP001", package::INPUT_TOO_LARGE),
    ("PPKGP002", package::TOO_DEEP),
    ("PPKGP003", package::TOO_MANY_NODES),
    ("PPKGP004", package::ENCODING),
    ("PPKGP005", package::XML_MALFORMED),
    ("PPKGP006", package::XML_STRUCTURE),
    ("PPKGP007", package::NOT_ANSWER_FILE),
    ("PPKGP008", package::BAD_SETTING_VALUE),
    ("PPKGW001", package::WRITE_FAILED),
    ("PPKGW002", package::INVALID_ELEMENT_NAME),
    ("PPKGW003", package::INVALID_COMMENT),
    ("PPKGR001", package::UNSAFE_USER_NAME),
    ("PPKGR002", package::UNSAFE_FILE_NAME),
    ("PPKGR003", package::UNSAFE_SECRET_TOKEN),
    ("PPKGR004", package::UNSAFE_ARGUMENT),
    ("PPKGB001", package::MISSING_ASSET),
    ("PPKGB002", package::UNREFERENCED_ASSET),
    ("PPKGB003", package::DUPLICATE_ASSET),
    ("PPKGB004", package::BAD_BUILD_OPTION),
    ("PPKGB005", package::MANIFEST_FAILED),
    ("PPKGC001", package::CONFIG_SYNTAX),
    ("PPKGC002", package::CONFIG_VALUE),
    ("PPKGC003", package::CONFIG_MISSING_ASSET),
];
