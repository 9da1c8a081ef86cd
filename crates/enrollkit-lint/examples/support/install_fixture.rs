//! The installed set shared by `benches/install.rs` and `examples/cost.rs`: 100 payloads per
//! profile (or one profile for the smallest case), every tenth an Extensible SSO payload
//! claiming one host; and a new enrollment profile to check against it.

use enrollkit_lint::install::{MdmSettings, PayloadSummary, ProfileSummary};

/// `payloads` installed payloads.
pub fn installed(payloads: usize) -> Vec<ProfileSummary> {
    let per_profile = payloads.min(100);
    (0..payloads / per_profile)
        .map(|p| ProfileSummary {
            identifier: format!("com.example.p{p}"),
            uuid: format!("P-{p}"),
            display_name: Some(format!("Profile {p}")),
            payloads: (0..per_profile)
                .map(|i| PayloadSummary {
                    payload_type: if i % 10 == 0 {
                        "com.apple.extensiblesso".into()
                    } else {
                        "com.apple.wifi.managed".into()
                    },
                    identifier: format!("com.example.p{p}.{i}"),
                    uuid: format!("U-{p}-{i}"),
                    sso_hosts: if i % 10 == 0 {
                        vec![format!("h{p}-{i}.example.com")]
                    } else {
                        Vec::new()
                    },
                    ..PayloadSummary::default()
                })
                .collect(),
            signer_certificates: Vec::new(),
        })
        .collect()
}

/// The profile being checked: an MDM payload and 19 SSO payloads.
pub fn new_profile() -> ProfileSummary {
    ProfileSummary {
        identifier: "com.example.new".into(),
        uuid: "NEW".into(),
        display_name: None,
        payloads: (0..20)
            .map(|i| PayloadSummary {
                payload_type: if i == 0 {
                    "com.apple.mdm".into()
                } else {
                    "com.apple.extensiblesso".into()
                },
                identifier: format!("com.example.new.{i}"),
                uuid: format!("N-{i}"),
                mdm: (i == 0).then(MdmSettings::default),
                sso_hosts: vec![format!("new{i}.example.com")],
                ..PayloadSummary::default()
            })
            .collect(),
        signer_certificates: Vec::new(),
    }
}
