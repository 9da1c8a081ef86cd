//! Throwaway signing identities for demos and tests: a fresh self-signed root CA and a leaf
//! signer certificate issued by it.
//!
//! Certificates are built by `rcgen` (aws-lc-rs backend); keys come from aws-lc-rs and the
//! operating system's random generator. That randomness is the one deliberate exception to
//! this crate's "randomness is an input" rule: a throwaway identity is meant to be unique and
//! is never needed twice. Time is still an input.

use std::time::{Duration, SystemTime};

use der::Decode;
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DistinguishedName, DnType, IsCa, Issuer,
    KeyPair, KeyUsagePurpose, RsaKeySize, SignatureAlgorithm as RcgenAlgorithm,
};
use time::OffsetDateTime;
use zeroize::Zeroizing;

use crate::error::CmsError;
use crate::identity::{KeyAlgorithm, PrivateKey, SigningIdentity};

/// A generated root CA certificate and a signing identity for a leaf certificate it issued.
///
/// The root's private key is discarded: the root can only ever vouch for this one leaf.
#[derive(Debug, Clone)]
pub struct ThrowawayIdentity {
    /// The self-signed root CA certificate (DER). Use it as the trust anchor
    /// ([`crate::TrustAnchors`], `openssl … -CAfile`).
    pub root_certificate: Vec<u8>,
    /// The leaf signer: its key, and the chain leaf certificate first, then the root.
    pub identity: SigningIdentity,
}

impl ThrowawayIdentity {
    /// The leaf (signer) certificate, DER.
    pub fn leaf_certificate(&self) -> &[u8] {
        self.identity
            .certificate_chain()
            .first()
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// The root certificate as a PEM `CERTIFICATE` block (for `openssl -CAfile`, `--trust`).
    pub fn root_certificate_pem(&self) -> Result<String, CmsError> {
        certificate_pem(&self.root_certificate)
    }
}

/// Encode a DER certificate as a PEM `CERTIFICATE` block (LF line endings).
pub fn certificate_pem(cert_der: &[u8]) -> Result<String, CmsError> {
    der::pem::encode_string("CERTIFICATE", der::pem::LineEnding::LF, cert_der)
        .map_err(|e| CmsError::Encoding(e.to_string()))
}

fn rcgen_error(e: rcgen::Error) -> CmsError {
    CmsError::Signing(format!("certificate generation: {e}"))
}

fn to_offset(t: SystemTime) -> Result<OffsetDateTime, CmsError> {
    let secs = t
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_err(|_| CmsError::BadTime("time before 1970".into()))?
        .as_secs();
    let secs = i64::try_from(secs).map_err(|_| CmsError::BadTime("time out of range".into()))?;
    OffsetDateTime::from_unix_timestamp(secs)
        .map_err(|_| CmsError::BadTime("time after year 9999".into()))
}

fn generate_key(algorithm: KeyAlgorithm) -> Result<KeyPair, CmsError> {
    let (alg, rsa_size): (&'static RcgenAlgorithm, Option<RsaKeySize>) = match algorithm {
        KeyAlgorithm::EcP256 => (&rcgen::PKCS_ECDSA_P256_SHA256, None),
        KeyAlgorithm::EcP384 => (&rcgen::PKCS_ECDSA_P384_SHA384, None),
        KeyAlgorithm::Rsa { bits: 2048 } => (&rcgen::PKCS_RSA_SHA256, Some(RsaKeySize::_2048)),
        KeyAlgorithm::Rsa { bits: 3072 } => (&rcgen::PKCS_RSA_SHA256, Some(RsaKeySize::_3072)),
        KeyAlgorithm::Rsa { bits: 4096 } => (&rcgen::PKCS_RSA_SHA256, Some(RsaKeySize::_4096)),
        KeyAlgorithm::Rsa { bits } => {
            return Err(CmsError::Unsupported(format!(
                "RSA-{bits} throwaway keys (2048, 3072 or 4096 bits are supported)"
            )));
        }
    };
    match rsa_size {
        Some(size) => KeyPair::generate_rsa_for(alg, size),
        None => KeyPair::generate_for(alg),
    }
    .map_err(rcgen_error)
}

fn name(common_name: &str, organization: &str) -> DistinguishedName {
    // Encoded O then CN (the usual order), shown as "CN=…,O=…" in RFC 4514 strings.
    let mut dn = DistinguishedName::new();
    if !organization.is_empty() {
        dn.push(DnType::OrganizationName, organization);
    }
    dn.push(DnType::CommonName, common_name);
    dn
}

/// Generate a throwaway signing identity: a self-signed root CA and a leaf signer certificate
/// issued by it, both valid from `not_before` for `validity`, with fresh keys of `algorithm`
/// (P-256 recommended, see [`KeyAlgorithm::default`]; P-384 and RSA 2048/3072/4096 work too).
///
/// * Root: subject `CN=<common_name> Throwaway Root CA, O=<organization>`, basicConstraints
///   `cA:TRUE` (critical), keyUsage keyCertSign + cRLSign, subjectKeyIdentifier.
/// * Leaf: subject `CN=<common_name>, O=<organization>`, basicConstraints `cA:FALSE`, keyUsage
///   digitalSignature (critical), subject and authority key identifiers.
///
/// Keys and ECDSA certificate signatures use the system random generator, so every call gives a
/// different identity. An empty `organization` omits the O attribute.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use enrollkit_cms::*;
///
/// # fn main() -> Result<(), CmsError> {
/// let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
/// let day = Duration::from_secs(86_400);
/// let throwaway = generate_throwaway_identity("Demo Signer", "enrollkit", now, day, KeyAlgorithm::default())?;
/// let signed = sign(b"<plist/>", &throwaway.identity, SignOptions::default(), now)?;
/// let anchors = TrustAnchors::new(vec![throwaway.root_certificate.clone()])?;
/// assert_eq!(verify(&signed, &VerifyOptions::new(&anchors, now)).verdict, Verdict::Verified);
/// # Ok(()) }
/// ```
pub fn generate_throwaway_identity(
    common_name: &str,
    organization: &str,
    not_before: SystemTime,
    validity: Duration,
    algorithm: KeyAlgorithm,
) -> Result<ThrowawayIdentity, CmsError> {
    if common_name.trim().is_empty() {
        return Err(CmsError::BadCertificate(
            "throwaway identity needs a non-empty common name".into(),
        ));
    }
    if validity.is_zero() {
        return Err(CmsError::BadTime(
            "validity must be longer than zero".into(),
        ));
    }
    let not_after = not_before
        .checked_add(validity)
        .ok_or_else(|| CmsError::BadTime("not_before + validity overflows".into()))?;
    let (not_before, not_after) = (to_offset(not_before)?, to_offset(not_after)?);

    let mut root_params = CertificateParams::default();
    root_params.distinguished_name = name(
        &format!("{} Throwaway Root CA", common_name.trim()),
        organization,
    );
    root_params.not_before = not_before;
    root_params.not_after = not_after;
    root_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    root_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let root =
        CertifiedIssuer::self_signed(root_params, generate_key(algorithm)?).map_err(rcgen_error)?;

    let leaf_key = generate_key(algorithm)?;
    let mut leaf_params = CertificateParams::default();
    leaf_params.distinguished_name = name(common_name, organization);
    leaf_params.not_before = not_before;
    leaf_params.not_after = not_after;
    leaf_params.is_ca = IsCa::ExplicitNoCa;
    leaf_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf_params.use_authority_key_identifier_extension = true;
    let leaf = leaf_params
        .signed_by(&leaf_key, &root)
        .map_err(rcgen_error)?;

    let pkcs8 = Zeroizing::new(leaf_key.serialize_der());
    let key = PrivateKey::from_pkcs8_der(&pkcs8)?;
    let root_der = root.der().to_vec();
    let identity = SigningIdentity::new(key, leaf.der().to_vec(), vec![root_der.clone()])?;
    Ok(ThrowawayIdentity {
        root_certificate: root_der,
        identity,
    })
}

/// A throwaway certificate authority that keeps its key, for issuing many leaf identities:
/// device identities (what a SCEP or ACME server would issue), device-attestation
/// certificates for a simulator, or a server's signer. Demos and tests only.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use enrollkit_cms::*;
///
/// # fn main() -> Result<(), CmsError> {
/// let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
/// let day = Duration::from_secs(86_400);
/// let ca = ThrowawayCa::new("Device Identity CA", "enrollkit", now, day, KeyAlgorithm::EcP256)?;
/// let device = ca.issue("enrollment 42", "", KeyAlgorithm::Rsa { bits: 2048 })?;
/// let signed = sign(b"<plist/>", &device, SignOptions::default(), now)?;
/// let anchors = TrustAnchors::new(vec![ca.certificate().to_vec()])?;
/// assert_eq!(verify(&signed, &VerifyOptions::new(&anchors, now)).verdict, Verdict::Verified);
/// # Ok(()) }
/// ```
pub struct ThrowawayCa {
    issuer: Issuer<'static, KeyPair>,
    certificate: Vec<u8>,
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
}

impl std::fmt::Debug for ThrowawayCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ThrowawayCa").finish_non_exhaustive()
    }
}

impl ThrowawayCa {
    /// A fresh self-signed CA (`CN=<common_name>, O=<organization>`), valid from
    /// `not_before` for `validity`; the certificates it issues share that validity.
    pub fn new(
        common_name: &str,
        organization: &str,
        not_before: SystemTime,
        validity: Duration,
        algorithm: KeyAlgorithm,
    ) -> Result<Self, CmsError> {
        if common_name.trim().is_empty() || validity.is_zero() {
            return Err(CmsError::BadCertificate(
                "a throwaway CA needs a common name and a validity longer than zero".into(),
            ));
        }
        let not_after = not_before
            .checked_add(validity)
            .ok_or_else(|| CmsError::BadTime("not_before + validity overflows".into()))?;
        let (not_before, not_after) = (to_offset(not_before)?, to_offset(not_after)?);
        let mut params = CertificateParams::default();
        params.distinguished_name = name(common_name, organization);
        params.not_before = not_before;
        params.not_after = not_after;
        params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let key = generate_key(algorithm)?;
        let certificate = params
            .self_signed(&key)
            .map_err(rcgen_error)?
            .der()
            .to_vec();
        Ok(ThrowawayCa {
            issuer: Issuer::new(params, key),
            certificate,
            not_before,
            not_after,
        })
    }

    /// A CA saved with [`ThrowawayCa::certificate_pem`] and [`ThrowawayCa::key_pem`]: the
    /// certificates it issues are valid for the CA's own validity period.
    pub fn from_pem(certificate_pem: &str, key_pem: &str) -> Result<Self, CmsError> {
        let der = crate::parse_certificates(certificate_pem.as_bytes())?
            .into_iter()
            .next()
            .ok_or_else(|| CmsError::BadCertificate("no certificate in the CA file".into()))?;
        let cert = x509_cert::Certificate::from_der(&der)
            .map_err(|e| CmsError::BadCertificate(e.to_string()))?;
        let validity = cert.tbs_certificate().validity();
        let not_before = to_offset(validity.not_before.to_system_time())?;
        let not_after = to_offset(validity.not_after.to_system_time())?;
        let key = KeyPair::from_pem(key_pem).map_err(rcgen_error)?;
        let issuer = Issuer::from_ca_cert_der(&der.clone().into(), key).map_err(rcgen_error)?;
        Ok(ThrowawayCa {
            issuer,
            certificate: der,
            not_before,
            not_after,
        })
    }

    /// The CA certificate (DER): the trust anchor for what it issues.
    pub fn certificate(&self) -> &[u8] {
        &self.certificate
    }

    /// The CA certificate as PEM.
    pub fn certificate_pem(&self) -> Result<String, CmsError> {
        certificate_pem(&self.certificate)
    }

    /// The CA's private key as PKCS#8 PEM (a throwaway: keep it with the test data).
    pub fn key_pem(&self) -> String {
        self.issuer.key().serialize_pem()
    }

    /// Issues a leaf identity like [`ThrowawayCa::issue`] and returns it as PEM: the
    /// certificate followed by this CA's, and the PKCS#8 key.
    pub fn issue_pem(
        &self,
        common_name: &str,
        organization: &str,
        algorithm: KeyAlgorithm,
    ) -> Result<(String, String), CmsError> {
        let key = generate_key(algorithm)?;
        let leaf = self.leaf_params(common_name, organization, &[], false)?;
        self.sign_pem(leaf, key)
    }

    /// Issues a TLS server certificate for `names` (DNS names or IP addresses, the first is
    /// the common name), as PEM: the chain (leaf, then this CA) and the PKCS#8 key.
    pub fn issue_server_pem(&self, names: &[&str]) -> Result<(String, String), CmsError> {
        let key = generate_key(KeyAlgorithm::EcP256)?;
        let first = names.first().copied().unwrap_or("localhost");
        let leaf = self.leaf_params(first, "", names, true)?;
        self.sign_pem(leaf, key)
    }

    /// Signs `leaf` for `key`: the chain (leaf, then this CA) and the key, as PEM.
    fn sign_pem(
        &self,
        leaf: CertificateParams,
        key: KeyPair,
    ) -> Result<(String, String), CmsError> {
        let cert = leaf.signed_by(&key, &self.issuer).map_err(rcgen_error)?;
        let chain = format!(
            "{}{}",
            certificate_pem(cert.der())?,
            certificate_pem(&self.certificate)?
        );
        Ok((chain, key.serialize_pem()))
    }

    fn leaf_params(
        &self,
        common_name: &str,
        organization: &str,
        names: &[&str],
        server: bool,
    ) -> Result<CertificateParams, CmsError> {
        let mut params =
            CertificateParams::new(names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>())
                .map_err(rcgen_error)?;
        params.distinguished_name = name(common_name, organization);
        params.not_before = self.not_before;
        params.not_after = self.not_after;
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ];
        if server {
            params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
        }
        params.use_authority_key_identifier_extension = true;
        Ok(params)
    }

    /// Issues a leaf identity (`CN=<common_name>[, O=<organization>]`, digitalSignature and
    /// keyEncipherment) with a fresh key; its chain ends with this CA.
    pub fn issue(
        &self,
        common_name: &str,
        organization: &str,
        algorithm: KeyAlgorithm,
    ) -> Result<SigningIdentity, CmsError> {
        let key = generate_key(algorithm)?;
        let params = self.leaf_params(common_name, organization, &[], false)?;
        let leaf = params.signed_by(&key, &self.issuer).map_err(rcgen_error)?;
        let pkcs8 = Zeroizing::new(key.serialize_der());
        let private = PrivateKey::from_pkcs8_der(&pkcs8)?;
        SigningIdentity::new(private, leaf.der().to_vec(), vec![self.certificate.clone()])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{SignOptions, TrustAnchors, Verdict, VerifyOptions, sign, verify};
    use der::Decode;
    use enrollkit_diagnostic::Coded;
    use x509_cert::Certificate;
    use x509_cert::ext::pkix::{
        AuthorityKeyIdentifier, BasicConstraints as Bc, KeyUsage, KeyUsages, SubjectKeyIdentifier,
    };

    const T: u64 = 1_800_000_000;
    const DAY: Duration = Duration::from_secs(86_400);

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn a_saved_ca_issues_what_its_saved_certificate_verifies() {
        let ca =
            ThrowawayCa::new("Saved CA", "enrollkit", at(T), DAY, KeyAlgorithm::EcP256).unwrap();
        let again = ThrowawayCa::from_pem(&ca.certificate_pem().unwrap(), &ca.key_pem()).unwrap();
        assert_eq!(again.certificate(), ca.certificate());
        let leaf = again.issue("device", "", KeyAlgorithm::EcP256).unwrap();
        let signed = sign(b"x", &leaf, SignOptions::default(), at(T + 60)).unwrap();
        let anchors = TrustAnchors::new(vec![ca.certificate().to_vec()]).unwrap();
        assert_eq!(
            verify(&signed, &VerifyOptions::new(&anchors, at(T + 60))).verdict,
            Verdict::Verified
        );
        assert!(ThrowawayCa::from_pem("not pem", &ca.key_pem()).is_err());
    }

    #[test]
    fn leaf_has_the_promised_extensions_and_verifies_against_the_root() {
        for alg in [
            KeyAlgorithm::EcP256,
            KeyAlgorithm::EcP384,
            KeyAlgorithm::Rsa { bits: 2048 },
        ] {
            let t =
                generate_throwaway_identity("Demo Signer", "enrollkit", at(T), DAY, alg).unwrap();
            assert_eq!(t.identity.key_algorithm(), alg);
            assert_eq!(t.identity.certificate_chain().len(), 2);
            let leaf = Certificate::from_der(t.leaf_certificate()).unwrap();
            let root = Certificate::from_der(&t.root_certificate).unwrap();
            let tbs = leaf.tbs_certificate();
            assert_eq!(tbs.subject().to_string(), "CN=Demo Signer,O=enrollkit");
            assert_eq!(tbs.issuer(), root.tbs_certificate().subject());
            let (_, bc) = tbs.get_extension::<Bc>().unwrap().unwrap();
            assert!(!bc.ca);
            let (critical, ku) = tbs.get_extension::<KeyUsage>().unwrap().unwrap();
            assert!(critical);
            assert!(ku.0.contains(KeyUsages::DigitalSignature));
            assert!(!ku.0.contains(KeyUsages::KeyCertSign));
            let (_, aki) = tbs
                .get_extension::<AuthorityKeyIdentifier>()
                .unwrap()
                .unwrap();
            let (_, root_ski) = root
                .tbs_certificate()
                .get_extension::<SubjectKeyIdentifier>()
                .unwrap()
                .unwrap();
            assert_eq!(aki.key_identifier, Some(root_ski.0));
            assert!(
                tbs.get_extension::<SubjectKeyIdentifier>()
                    .unwrap()
                    .is_some()
            );
            let (_, root_bc) = root
                .tbs_certificate()
                .get_extension::<Bc>()
                .unwrap()
                .unwrap();
            assert!(root_bc.ca);

            let signed =
                sign(b"<plist/>", &t.identity, SignOptions::default(), at(T + 60)).unwrap();
            let anchors = TrustAnchors::new(vec![t.root_certificate.clone()]).unwrap();
            let result = verify(&signed, &VerifyOptions::new(&anchors, at(T + 60)));
            assert_eq!(result.verdict, Verdict::Verified, "{alg:?}");
            // Outside the validity window the same message is not trusted.
            let late = verify(&signed, &VerifyOptions::new(&anchors, at(T + 2 * 86_400)));
            assert_eq!(late.verdict.reason().unwrap().code, "CMS111");
            // Another throwaway root is not an anchor for this leaf.
            let other =
                generate_throwaway_identity("Demo Signer", "enrollkit", at(T), DAY, alg).unwrap();
            let wrong = TrustAnchors::new(vec![other.root_certificate]).unwrap();
            let result = verify(&signed, &VerifyOptions::new(&wrong, at(T + 60)));
            assert_eq!(result.verdict.reason().unwrap().code, "CMS114");
        }
    }

    #[test]
    fn deterministic_signing_works_with_generated_keys() {
        let t = generate_throwaway_identity("D", "", at(T), DAY, KeyAlgorithm::default()).unwrap();
        let opts = SignOptions {
            deterministic: true,
            ..Default::default()
        };
        let a = sign(b"x", &t.identity, opts, at(T)).unwrap();
        assert_eq!(a, sign(b"x", &t.identity, opts, at(T)).unwrap());
        let leaf = Certificate::from_der(t.leaf_certificate()).unwrap();
        assert_eq!(leaf.tbs_certificate().subject().to_string(), "CN=D");
    }

    #[test]
    fn bad_inputs_are_errors() {
        let code = |cn: &str, nb: SystemTime, v: Duration, alg| {
            generate_throwaway_identity(cn, "o", nb, v, alg)
                .map(|_| ())
                .unwrap_err()
                .code()
        };
        assert_eq!(code(" ", at(T), DAY, KeyAlgorithm::EcP256), "CMS007");
        assert_eq!(
            code("a", at(T), Duration::ZERO, KeyAlgorithm::EcP256),
            "CMS012"
        );
        assert_eq!(
            code(
                "a",
                at(T),
                Duration::from_secs(u64::MAX / 4),
                KeyAlgorithm::EcP256
            ),
            "CMS012"
        );
        assert_eq!(
            code("a", at(T), DAY, KeyAlgorithm::Rsa { bits: 1024 }),
            "CMS010"
        );
    }
}
