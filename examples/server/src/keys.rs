//! The engine's keys from their files, and `enrollkit-server init`: a throwaway profile signer,
//! device-identity CA, attestation CA and TLS certificate for a local run.

use std::path::Path;
use std::time::{Duration, SystemTime};

use enrollkit::cms::{
    CmsSigner, KeyAlgorithm, SigningIdentity, ThrowawayCa, TrustAnchors, parse_certificates,
};
use enrollkit::protocol::engine::EngineKeys;

use crate::config::KeyFiles;

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// The certificates of a PEM (or DER) file.
pub fn der_certificates(path: &Path) -> Result<Vec<Vec<u8>>, String> {
    parse_certificates(&read(path)?).map_err(|e| format!("{}: {e}", path.display()))
}

fn anchors(path: &Path) -> Result<TrustAnchors, String> {
    TrustAnchors::new(der_certificates(path)?).map_err(|e| format!("{}: {e}", path.display()))
}

/// Loads the engine's keys.
pub fn load(files: &KeyFiles) -> Result<EngineKeys, String> {
    let identity = SigningIdentity::from_pem_or_der(
        &read(&files.signer_key)?,
        &read(&files.signer_certificate)?,
        &[],
    )
    .map_err(|e| format!("{}: {e}", files.signer_key.display()))?;
    Ok(EngineKeys {
        signer: CmsSigner::new(identity, Default::default()).map_err(|e| e.to_string())?,
        device_identity_anchors: anchors(&files.device_identity_ca)?,
        attestation_anchors: anchors(&files.attestation_ca)?,
    })
}

/// The files `init` writes into its folder.
pub const FILES: &[&str] = &[
    "signer-ca.pem",
    "signer.pem",
    "signer.key",
    "device-ca.pem",
    "device-ca.key",
    "attestation-ca.pem",
    "attestation-ca.key",
    "tls-ca.pem",
    "tls.pem",
    "tls.key",
];

fn write(dir: &Path, name: &str, text: &str, secret: bool) -> Result<(), String> {
    let path = dir.join(name);
    std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    #[cfg(unix)]
    if secret {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let _ = secret;
    Ok(())
}

/// Writes throwaway keys valid for `days` from an hour ago: a profile signer under its own CA,
/// the device-identity CA and the attestation CA (keys kept: the test devices issue from them),
/// and a TLS certificate for `tls_names` under a TLS CA.
pub fn init(dir: &Path, tls_names: &[&str], days: u64) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let start = SystemTime::now() - Duration::from_secs(3600);
    let validity = Duration::from_secs(days * 86_400);
    let ca = |name: &str| {
        ThrowawayCa::new(
            name,
            "enrollkit reference server",
            start,
            validity,
            KeyAlgorithm::EcP256,
        )
        .map_err(|e| e.to_string())
    };
    let signer_ca = ca("Profile Signer CA (throwaway)")?;
    let (signer, signer_key) = signer_ca
        .issue_pem(
            "Profile Signer (throwaway)",
            "enrollkit reference server",
            KeyAlgorithm::EcP256,
        )
        .map_err(|e| e.to_string())?;
    write(
        dir,
        "signer-ca.pem",
        &signer_ca.certificate_pem().map_err(|e| e.to_string())?,
        false,
    )?;
    write(dir, "signer.pem", &signer, false)?;
    write(dir, "signer.key", &signer_key, true)?;
    for (stem, name) in [
        ("device-ca", "Device Identity CA (throwaway)"),
        ("attestation-ca", "Device Attestation CA (throwaway)"),
    ] {
        let c = ca(name)?;
        write(
            dir,
            &format!("{stem}.pem"),
            &c.certificate_pem().map_err(|e| e.to_string())?,
            false,
        )?;
        write(dir, &format!("{stem}.key"), &c.key_pem(), true)?;
    }
    let tls_ca = ca("TLS CA (throwaway)")?;
    let (tls, tls_key) = tls_ca
        .issue_server_pem(tls_names)
        .map_err(|e| e.to_string())?;
    write(
        dir,
        "tls-ca.pem",
        &tls_ca.certificate_pem().map_err(|e| e.to_string())?,
        false,
    )?;
    write(dir, "tls.pem", &tls, false)?;
    write(dir, "tls.key", &tls_key, true)?;
    Ok(())
}

/// A CA `init` wrote (certificate and key), to issue from it.
pub fn load_ca(dir: &Path, stem: &str) -> Result<ThrowawayCa, String> {
    let cert = std::fs::read_to_string(dir.join(format!("{stem}.pem")))
        .map_err(|e| format!("{stem}.pem: {e}"))?;
    let key = std::fs::read_to_string(dir.join(format!("{stem}.key")))
        .map_err(|e| format!("{stem}.key: {e}"))?;
    ThrowawayCa::from_pem(&cert, &key).map_err(|e| format!("{stem}: {e}"))
}
