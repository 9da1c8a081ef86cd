//! Behaviour of the typed model and builders.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use enrollkit_profile::Coded;
use enrollkit_profile::plist::{Dictionary, Value};
use enrollkit_profile::*;

fn mdm_dict() -> Dictionary {
    let mut d = Dictionary::new();
    d.insert("VendorFirst".into(), Value::from("kept first"));
    d.insert("PayloadType".into(), "com.apple.mdm".into());
    d.insert("AccessRights".into(), Value::from(8191u64));
    d.insert(
        "ServerCapabilities".into(),
        Value::Array(vec![
            "com.apple.mdm.per-user-connections".into(),
            "com.example.future-capability".into(),
        ]),
    );
    d.insert("EnrollmentMode".into(), "FUTURE".into());
    d.insert(
        "PayloadUUID".into(),
        "A0A0A0A0-0000-4000-8000-000000000001".into(),
    );
    d.insert("VendorLast".into(), Value::from(true));
    d
}

#[test]
fn typed_payload_keeps_unknown_keys_and_order() {
    let dict = mdm_dict();
    let payload = Payload::from_dictionary(dict.clone());
    let mdm = payload.as_mdm().unwrap();
    assert_eq!(mdm.access_rights, Some(AccessRights::FULL));
    assert_eq!(
        mdm.enrollment_mode,
        Some(EnrollmentMode::Other("FUTURE".into()))
    );
    let caps = mdm.server_capabilities.as_ref().unwrap();
    assert_eq!(caps[0], ServerCapability::PerUserConnections);
    assert_eq!(caps[1].as_str(), "com.example.future-capability");
    assert_eq!(mdm.extra.len(), 2);
    let back = payload.to_dictionary();
    let keys: Vec<_> = back.keys().cloned().collect();
    let original: Vec<_> = dict.keys().cloned().collect();
    assert_eq!(keys, original);
    assert_eq!(back, dict);
}

#[test]
fn access_rights_keeps_unknown_bits() {
    let mut d = Dictionary::new();
    d.insert("PayloadType".into(), "com.apple.mdm".into());
    d.insert("AccessRights".into(), Value::from(1u64 << 20 | 3));
    let p = Payload::from_dictionary(d.clone());
    let rights = p.as_mdm().unwrap().access_rights.unwrap();
    assert!(rights.contains(AccessRights::INSPECT_PROFILES | AccessRights::INSTALL_PROFILES));
    assert_eq!(rights.bits(), (1 << 20) | 3);
    assert_eq!(p.to_dictionary(), d);
}

#[test]
fn added_keys_follow_original_ones() {
    let mut payload = Payload::from_dictionary(mdm_dict());
    if let PayloadKind::Mdm(mdm) = &mut payload.kind {
        mdm.topic = Some("com.apple.mgmt.new".into());
    }
    let keys: Vec<_> = payload.to_dictionary().keys().cloned().collect();
    assert_eq!(keys.last().map(String::as_str), Some("Topic"));
    assert_eq!(keys.first().map(String::as_str), Some("VendorFirst"));
}

#[test]
fn secrets_do_not_reach_debug_output() {
    let profile = EnrollmentProfileBuilder::new("com.example.e")
        .server_url("https://mdm.example.com")
        .topic("com.apple.mgmt.x")
        .identity(IdentitySource::Pkcs12 {
            data: vec![1, 2, 3],
            password: Some(Secret::new("p12-password-XYZ")),
        })
        .build()
        .unwrap();
    let debug = format!("{profile:?}");
    assert!(!debug.contains("p12-password-XYZ"));
    // …but the profile itself still carries it.
    let xml = String::from_utf8(profile.to_xml().unwrap()).unwrap();
    assert!(xml.contains("p12-password-XYZ"));
}

#[test]
fn builders_refuse_missing_required_keys() {
    let err = EnrollmentProfileBuilder::new("com.example.e")
        .topic("com.apple.mgmt.x")
        .identity(IdentitySource::Scep(
            ScepContent::default().with_url("https://s"),
        ))
        .build()
        .unwrap_err();
    assert!(matches!(
        err,
        ProfileError::MissingRequiredKey {
            key: "ServerURL",
            ..
        }
    ));

    let err = PayloadBuilder::new("com.example.scep")
        .build(ScepPayload::default().with_content(ScepContent::default().with_name("CA")))
        .unwrap_err();
    assert!(matches!(
        err,
        ProfileError::MissingRequiredKey { key: "URL", .. }
    ));

    let err = PayloadBuilder::new("com.example.generic")
        .build(GenericPayload::default())
        .unwrap_err();
    assert!(matches!(
        err,
        ProfileError::MissingRequiredKey {
            key: "PayloadType",
            ..
        }
    ));

    let err = PayloadBuilder::new("com.example.sso")
        .build(ExtensibleSsoPayload::default().with_sso_type(SsoType::Redirect))
        .unwrap_err();
    assert!(matches!(
        err,
        ProfileError::MissingRequiredKey {
            key: "ExtensionIdentifier",
            ..
        }
    ));
}

#[test]
fn builders_refuse_duplicates_and_bad_uuids() {
    let a = PayloadBuilder::new("com.example.same")
        .build(LoginWindowPayload::default())
        .unwrap();
    let err = ProfileBuilder::new("com.example.p")
        .payload(a.clone())
        .payload(a)
        .build()
        .unwrap_err();
    assert_eq!(err.code(), "PRF011");
    let err = PayloadBuilder::new("com.example.x")
        .uuid("not-a-uuid")
        .build(LoginWindowPayload::default())
        .unwrap_err();
    assert_eq!(err.code(), "PRF011");
}

#[test]
fn byod_refuses_access_rights() {
    let err = EnrollmentProfileBuilder::new("com.example.e")
        .server_url("https://mdm.example.com")
        .topic("com.apple.mgmt.x")
        .access_rights(AccessRights::FULL)
        .enrollment(EnrollmentKind::AccountDriven {
            mode: EnrollmentMode::Byod,
            assigned_managed_apple_id: "user@example.com".into(),
        })
        .identity(IdentitySource::Scep(
            ScepContent::default().with_url("https://s"),
        ))
        .build()
        .unwrap_err();
    assert!(matches!(err, ProfileError::InvalidValue { .. }));
}

#[test]
fn enrollment_profile_is_deterministic_and_wired() {
    let build = |org: &str| {
        EnrollmentProfileBuilder::new("com.example.enroll")
            .organization(org)
            .server_url("https://mdm.example.com")
            .topic("com.apple.mgmt.x")
            .anchor_certificate("root.cer", vec![0x30, 0x03, 0x02, 0x01, 0x01])
            .pin_to_anchors(true)
            .identity(IdentitySource::Acme(
                AcmePayload::default()
                    .with_directory_url("https://acme.example.com/dir")
                    .with_client_identifier("cid")
                    .with_key_size(256i64)
                    .with_key_type(KeyType::EcSecPrimeRandom)
                    .with_hardware_bound(true)
                    .with_subject(vec![vec![vec!["CN".to_owned(), "device".to_owned()]]]),
            ))
            .build()
            .unwrap()
    };
    let a = build("Org A");
    assert_eq!(a.to_xml().unwrap(), build("Org A").to_xml().unwrap());
    assert_ne!(
        a.uuid,
        build("Org B").uuid,
        "namespace follows the organization"
    );
    let mdm = a.mdm().unwrap();
    let identity = a
        .payload_by_uuid(mdm.identity_certificate_uuid.as_deref().unwrap())
        .unwrap();
    assert_eq!(identity.payload_type(), Some(types::ACME));
    let pins = mdm.server_url_pinning_certificate_uuids.as_ref().unwrap();
    assert_eq!(
        a.payload_by_uuid(&pins[0]).unwrap().payload_type(),
        Some(types::ROOT)
    );
    assert_eq!(mdm.access_rights, Some(AccessRights::FULL));
    for p in a.payloads() {
        assert!(p.missing_required().is_empty(), "{:?}", p.payload_type());
    }
}

#[test]
fn kerberos_variant_is_recognised() {
    let k = ExtensibleSsoPayload::kerberos("EXAMPLE.COM");
    assert_eq!(k.variant(), SsoVariant::Kerberos);
    let r = ExtensibleSsoPayload::default().with_sso_type(SsoType::Redirect);
    assert_eq!(r.variant(), SsoVariant::Redirect);
}

#[test]
fn signed_detection_falls_back_cleanly_on_garbage_der() {
    // Looks like a SEQUENCE but is not CMS: an error, not a panic.
    for bytes in [
        &[0x30u8, 0x80][..],
        &[0x30, 0x03, 0x06, 0x01, 0x00],
        &[0x30],
    ] {
        assert!(read_profile(bytes, &ReadOptions::default()).is_err());
    }
}

proptest::proptest! {
    #[test]
    fn reading_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
        let _ = read_value(&bytes, &ReadOptions::default());
    }

    #[test]
    fn reading_mutated_xml_never_panics(pos in 0usize..400, byte in proptest::num::u8::ANY) {
        let mut xml = EnrollmentProfileBuilder::new("com.example.e")
            .server_url("https://mdm.example.com")
            .topic("com.apple.mgmt.x")
            .identity(IdentitySource::Scep(ScepContent::default().with_url("https://s")))
            .build().unwrap().to_xml().unwrap();
        let i = pos % xml.len();
        xml[i] = byte;
        let _ = read_profile(&xml, &ReadOptions::default());
    }
}
