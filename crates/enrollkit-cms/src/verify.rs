//! Verifying CMS SignedData and producing a device-style verdict.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use aws_lc_rs::digest;
use aws_lc_rs::signature::{
    self as sig, ParsedPublicKey, UnparsedPublicKey, VerificationAlgorithm,
};
use der::asn1::{ObjectIdentifier, OctetString};
use der::{Decode, Encode};
use x509_cert::Certificate;
use x509_cert::ext::pkix::{BasicConstraints, KeyUsage, KeyUsages, SubjectKeyIdentifier};

use crate::identity::{KeyAlgorithm, cert_public_key};
use crate::oids;
use crate::parse::{SignedDataIn, decode_signed_data, take_id_data_content};
use crate::sign::DigestAlgorithm;

/// Why a message is not `Verified`: a stable code plus a human-readable message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerdictReason {
    /// Stable code, e.g. `cms.bad_signature` (see the crate docs table).
    pub code: &'static str,
    /// What went wrong, in words.
    pub message: String,
}

/// The verification outcome, in the words a device uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Intact, and the signer chains to a trusted anchor, valid at the given time.
    Verified,
    /// Intact, but untrusted, expired, not yet valid, or unsuitable key usage.
    NotVerified {
        /// Why.
        reason: VerdictReason,
    },
    /// Tampered, digest mismatch, bad signature, or malformed.
    Invalid {
        /// Why.
        reason: VerdictReason,
    },
    /// Not signed at all (a plain XML or binary plist).
    Unsigned,
}

impl Verdict {
    /// `"Verified"`, `"NotVerified"`, `"Invalid"` or `"Unsigned"`.
    pub fn label(&self) -> &'static str {
        match self {
            Verdict::Verified => "Verified",
            Verdict::NotVerified { .. } => "NotVerified",
            Verdict::Invalid { .. } => "Invalid",
            Verdict::Unsigned => "Unsigned",
        }
    }
    /// The reason, when there is one.
    pub fn reason(&self) -> Option<&VerdictReason> {
        match self {
            Verdict::NotVerified { reason } | Verdict::Invalid { reason } => Some(reason),
            _ => None,
        }
    }
    fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        Verdict::Invalid {
            reason: VerdictReason {
                code,
                message: message.into(),
            },
        }
    }
    fn not_verified(code: &'static str, message: impl Into<String>) -> Self {
        Verdict::NotVerified {
            reason: VerdictReason {
                code,
                message: message.into(),
            },
        }
    }
}

/// Result of [`verify`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// The verdict.
    pub verdict: Verdict,
    /// The encapsulated content, when it could be extracted (also for `NotVerified`/`Invalid`).
    /// Only trust it when the verdict is `Verified`.
    pub content: Option<Vec<u8>>,
    /// DER certificates: the signer first, then the chain that was built (or, when none was,
    /// the other certificates in the message).
    pub signer_chain: Vec<Vec<u8>>,
}

/// Trust anchors prepared once (parsed certificates).
#[derive(Debug, Clone, Default)]
pub struct TrustAnchors {
    anchors: Vec<(Vec<u8>, Certificate)>,
}

impl TrustAnchors {
    /// Build from DER certificates.
    pub fn new(ders: Vec<Vec<u8>>) -> Result<Self, crate::CmsError> {
        let mut anchors = Vec::with_capacity(ders.len());
        for d in ders {
            let c = Certificate::from_der(&d)
                .map_err(|e| crate::CmsError::BadCertificate(e.to_string()))?;
            anchors.push((d, c));
        }
        Ok(TrustAnchors { anchors })
    }
    /// Number of anchors.
    pub fn len(&self) -> usize {
        self.anchors.len()
    }
    /// True when there are no anchors (every signed input is then at best `NotVerified`).
    pub fn is_empty(&self) -> bool {
        self.anchors.is_empty()
    }
}

/// Options for [`verify`].
#[derive(Debug, Clone)]
pub struct VerifyOptions<'a> {
    /// Trusted roots (or any certificate you decide to trust directly).
    pub anchors: &'a TrustAnchors,
    /// The time at which certificate validity is judged (an input: this crate reads no clock).
    pub time: SystemTime,
    /// Maximum number of certificates in a chain, signer and anchor included (default 8).
    pub max_chain_len: usize,
}

impl<'a> VerifyOptions<'a> {
    /// Options with the default chain length bound.
    pub fn new(anchors: &'a TrustAnchors, time: SystemTime) -> Self {
        VerifyOptions {
            anchors,
            time,
            max_chain_len: 8,
        }
    }
}

fn is_plist(bytes: &[u8]) -> bool {
    let trimmed = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let start = trimmed
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(trimmed.len());
    let t = trimmed.get(start..).unwrap_or_default();
    t.starts_with(b"<?xml")
        || t.starts_with(b"<plist")
        || t.starts_with(b"<!DOCTYPE plist")
        || t.starts_with(b"bplist00")
}

/// Verify a CMS SignedData message (DER or BER). Never panics and never returns an error:
/// malformed input is an `Invalid` verdict, and a plain plist is `Unsigned`.
pub fn verify(bytes: &[u8], options: &VerifyOptions<'_>) -> Verification {
    if is_plist(bytes) {
        return Verification {
            verdict: Verdict::Unsigned,
            content: Some(bytes.to_vec()),
            signer_chain: Vec::new(),
        };
    }
    let sd = match decode_signed_data(bytes) {
        Ok(sd) => sd,
        Err(e) => {
            return Verification {
                verdict: Verdict::invalid(e.code(), e.to_string()),
                content: None,
                signer_chain: Vec::new(),
            };
        }
    };
    verify_parsed(sd, options, None)
}

/// A reusable verifier: trust anchors parsed once, plus a bounded cache of parsed public keys
/// (aws-lc-rs `ParsedPublicKey`, with RSA Montgomery constants kept between calls) and of
/// certificate signatures already checked against an issuer key. Results are identical to
/// [`verify`]; repeated verification of messages from the same signers is faster.
///
/// Share one `Verifier` across threads (`Send + Sync`; the cache is behind a mutex that is
/// held only for look-ups). Cache entries are keyed by the exact key and certificate bytes.
///
/// ```
/// # use std::time::{Duration, SystemTime};
/// # use enrollkit_cms::*;
/// # fn main() -> Result<(), CmsError> {
/// # let (key_pem, cert_pem) = (include_bytes!("../tests/data/p256.key"), include_bytes!("../tests/data/p256.pem"));
/// # let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
/// # let signed = sign(b"<plist/>", &SigningIdentity::from_pem_or_der(key_pem, cert_pem, &[])?, SignOptions::default(), t)?;
/// let verifier = Verifier::new(TrustAnchors::new(parse_certificates(cert_pem)?)?);
/// assert_eq!(verifier.verify(&signed, t).verdict, Verdict::Verified);
/// # Ok(()) }
/// ```
pub struct Verifier {
    anchors: TrustAnchors,
    max_chain_len: usize,
    cache: Mutex<KeyCache>,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("anchors", &self.anchors.len())
            .field("max_chain_len", &self.max_chain_len)
            .finish_non_exhaustive()
    }
}

impl Verifier {
    /// A verifier for these anchors, with the default chain length bound (8).
    pub fn new(anchors: TrustAnchors) -> Self {
        Verifier {
            anchors,
            max_chain_len: 8,
            cache: Mutex::new(KeyCache::default()),
        }
    }
    /// Change the maximum number of certificates in a chain, signer and anchor included.
    pub fn with_max_chain_len(mut self, max_chain_len: usize) -> Self {
        self.max_chain_len = max_chain_len;
        self
    }
    /// The trust anchors.
    pub fn anchors(&self) -> &TrustAnchors {
        &self.anchors
    }
    /// Verify like [`verify`], judging certificate validity at `time`.
    pub fn verify(&self, bytes: &[u8], time: SystemTime) -> Verification {
        let options = VerifyOptions {
            anchors: &self.anchors,
            time,
            max_chain_len: self.max_chain_len,
        };
        if is_plist(bytes) {
            return verify(bytes, &options);
        }
        match decode_signed_data(bytes) {
            Ok(sd) => verify_parsed(sd, &options, Some(&self.cache)),
            Err(_) => verify(bytes, &options),
        }
    }
}

/// Entries kept before the cache is emptied (a simple bound; profiles come from few signers).
const CACHE_LIMIT: usize = 256;

#[derive(Default)]
struct KeyCache {
    keys: HashMap<(SigAlg, Vec<u8>), Arc<ParsedPublicKey>>,
    /// Certificates from messages, parsed once (looked up by their exact DER).
    certs: Vec<(Vec<u8>, Arc<Certificate>)>,
    /// (algorithm, certificate DER, issuer public key bits) whose certificate signature verified.
    cert_signatures: HashSet<(SigAlg, Vec<u8>, Vec<u8>)>,
}

fn lock(cache: &Mutex<KeyCache>) -> std::sync::MutexGuard<'_, KeyCache> {
    // A panic while holding the lock cannot leave the maps inconsistent (plain inserts).
    cache.lock().unwrap_or_else(|e| e.into_inner())
}

/// Check `signature` over `message` with the public key `key_bits`, through the cache if any.
fn check_signature(
    cache: Option<&Mutex<KeyCache>>,
    alg: SigAlg,
    key_bits: &[u8],
    message: &[u8],
    signature: &[u8],
) -> bool {
    let Some(cache) = cache else {
        return UnparsedPublicKey::new(alg.aws(), key_bits)
            .verify(message, signature)
            .is_ok();
    };
    let lookup = (alg, key_bits.to_vec());
    let cached = lock(cache).keys.get(&lookup).cloned();
    let key = match cached {
        Some(k) => k,
        None => {
            let Ok(parsed) = ParsedPublicKey::new(alg.aws(), key_bits) else {
                return false;
            };
            let parsed = Arc::new(parsed);
            let mut guard = lock(cache);
            if guard.keys.len() >= CACHE_LIMIT {
                guard.keys.clear();
            }
            guard.keys.insert(lookup, Arc::clone(&parsed));
            parsed
        }
    };
    key.verify_sig(message, signature).is_ok()
}

struct Parts {
    certs: Vec<(Vec<u8>, Arc<Certificate>)>,
}

/// The message's X.509 certificates as (DER, parsed), parsing each DER once per [`Verifier`].
fn message_certificates(
    sd: &SignedDataIn,
    cache: Option<&Mutex<KeyCache>>,
) -> Vec<(Vec<u8>, Arc<Certificate>)> {
    let Some(cache) = cache else {
        return sd
            .certificates()
            .into_iter()
            .map(|(d, c)| (d, Arc::new(c)))
            .collect();
    };
    let mut out = Vec::new();
    for any in sd.certificates.iter().flat_map(|set| set.iter()) {
        if der::Tagged::tag(any) != der::Tag::Sequence {
            continue; // attribute certificates and other choices are not used for profiles
        }
        let Ok(der) = any.to_der() else { continue };
        let hit = lock(cache)
            .certs
            .iter()
            .find(|(d, _)| *d == der)
            .map(|(_, c)| Arc::clone(c));
        let cert = match hit {
            Some(c) => c,
            None => {
                let Ok(c) = Certificate::from_der(&der) else {
                    continue;
                };
                let c = Arc::new(c);
                let mut guard = lock(cache);
                if guard.certs.len() >= CERT_CACHE_LIMIT {
                    guard.certs.clear();
                }
                guard.certs.push((der.clone(), Arc::clone(&c)));
                c
            }
        };
        out.push((der, cert));
    }
    out
}

/// Parsed message certificates kept by a [`Verifier`] (searched linearly; few signers expected).
const CERT_CACHE_LIMIT: usize = 32;

fn verify_parsed(
    mut sd: SignedDataIn,
    options: &VerifyOptions<'_>,
    cache: Option<&Mutex<KeyCache>>,
) -> Verification {
    let certs = message_certificates(&sd, cache);
    let parts = Parts { certs };
    let econtent_type = sd.encap_content_info.econtent_type;
    let econtent = sd.encap_content_info.econtent.take();
    let content = econtent.as_ref().map(|o| o.as_bytes().to_vec());
    let mut result = Verification {
        verdict: Verdict::Unsigned,
        content,
        signer_chain: Vec::new(),
    };
    if econtent_type != oids::ID_DATA {
        result.verdict = Verdict::invalid(
            "cms.not_id_data",
            format!("encapsulated content type is {econtent_type}, expected id-data"),
        );
        return result;
    }
    let Some(econtent) = econtent else {
        result.verdict =
            Verdict::invalid("cms.detached", "no attached content (detached signature)");
        return result;
    };
    let _ = take_id_data_content; // content already extracted above
    let signers = sd.signer_infos.0.as_slice();
    let signer = match signers {
        [] => {
            result.verdict = Verdict::invalid("cms.no_signer", "SignedData has no SignerInfo");
            return result;
        }
        [one] => one,
        _ => {
            result.verdict = Verdict::invalid(
                "cms.multiple_signers",
                "more than one SignerInfo is not supported for profiles",
            );
            return result;
        }
    };
    if let Err(v) = check_versions_and_digests(&sd, signer) {
        result.verdict = v;
        return result;
    }
    match check_signer(signer, &econtent, econtent_type, &parts, cache) {
        Err(v) => {
            result.verdict = v;
            result.signer_chain = parts.certs.into_iter().map(|(d, _)| d).collect();
            result
        }
        Ok(signer_idx) => {
            let (mut verdict, chain) = build_chain(signer_idx, &parts, options, cache);
            if verdict == Verdict::Verified
                && let Err(v) = check_other_certificates(&sd, &parts, &chain, options, cache)
            {
                verdict = v;
            }
            result.verdict = verdict;
            result.signer_chain = chain;
            result
        }
    }
}

/// Certificates the chain did not use must not be corrupt either, so that no byte of a
/// Verified message is free to change: every entry must parse as an X.509 certificate, and
/// one whose issuer is at hand (in the message or among the anchors) must carry a valid
/// signature from it. Certificates signed with an algorithm we do not verify, or whose issuer
/// is absent, cannot be judged and are left alone.
fn check_other_certificates(
    sd: &SignedDataIn,
    parts: &Parts,
    chain: &[Vec<u8>],
    options: &VerifyOptions<'_>,
    cache: Option<&Mutex<KeyCache>>,
) -> Result<(), Verdict> {
    let entries = sd.certificates.as_ref().map_or(0, |set| set.len());
    if entries != parts.certs.len() {
        return Err(Verdict::invalid(
            "cms.bad_certificate",
            "a certificate in the message is not a well-formed X.509 certificate",
        ));
    }
    let candidates = parts
        .certs
        .iter()
        .map(|(d, c)| (d.as_slice(), c.as_ref()))
        .chain(
            options
                .anchors
                .anchors
                .iter()
                .map(|(d, c)| (d.as_slice(), c)),
        );
    let candidates: Vec<(&[u8], &Certificate)> = candidates.collect();
    for (index, (der, cert)) in parts.certs.iter().enumerate() {
        if chain.iter().any(|c| c == der) {
            continue;
        }
        // RFC 5280 §4.1.1.2: the outer algorithm must equal the one inside the signed part.
        if cert.signature_algorithm() != cert.tbs_certificate().signature() {
            return Err(Verdict::invalid(
                "cms.bad_certificate",
                format!(
                    "certificate {index} in the message names two different signature algorithms"
                ),
            ));
        }
        let issuer_name = cert.tbs_certificate().issuer();
        let issuers: Vec<&Certificate> = candidates
            .iter()
            .filter(|(_, c)| c.tbs_certificate().subject() == issuer_name)
            .map(|(_, c)| *c)
            .collect();
        if !issuers.is_empty() && signature_algorithm_supported(cert) {
            if !issuers.iter().any(|i| issued_by(der, cert, i, cache)) {
                return Err(Verdict::invalid(
                    "cms.bad_certificate",
                    format!(
                        "certificate {index} in the message has a signature that does not verify"
                    ),
                ));
            }
            continue;
        }
        // Signature not checkable here: a certificate presenting the subject and key of one at
        // hand is a damaged copy of it unless it is that very certificate.
        let subject = cert.tbs_certificate().subject();
        let key = cert.tbs_certificate().subject_public_key_info();
        let mut same_identity = candidates.iter().filter(|(d, c)| {
            *d != der.as_slice()
                && c.tbs_certificate().subject() == subject
                && c.tbs_certificate().subject_public_key_info() == key
        });
        if same_identity.next().is_some() {
            return Err(Verdict::invalid(
                "cms.bad_certificate",
                format!(
                    "certificate {index} in the message names an unknown issuer but copies the \
                     subject and key of another certificate"
                ),
            ));
        }
    }
    Ok(())
}

fn signature_algorithm_supported(cert: &Certificate) -> bool {
    let oid = cert.signature_algorithm().oid;
    [
        oids::SHA256_WITH_RSA,
        oids::SHA384_WITH_RSA,
        oids::SHA512_WITH_RSA,
        oids::ECDSA_WITH_SHA256,
        oids::ECDSA_WITH_SHA384,
        oids::ECDSA_WITH_SHA512,
    ]
    .contains(&oid)
}

/// Fields outside the signature must still be exactly what RFC 5652 §5.1/§5.3 prescribe, so that
/// no byte of an accepted message is free to change.
fn check_versions_and_digests(
    sd: &SignedDataIn,
    si: &cms::signed_data::SignerInfo,
) -> Result<(), Verdict> {
    use cms::content_info::CmsVersion;
    use cms::signed_data::SignerIdentifier;
    let expected_si = match si.sid {
        SignerIdentifier::IssuerAndSerialNumber(_) => CmsVersion::V1,
        SignerIdentifier::SubjectKeyIdentifier(_) => CmsVersion::V3,
    };
    if si.version != expected_si {
        return Err(Verdict::invalid(
            "cms.bad_version",
            format!(
                "SignerInfo version {:?} does not match its signer identifier",
                si.version
            ),
        ));
    }
    if sd.version != expected_si {
        return Err(Verdict::invalid(
            "cms.bad_version",
            format!(
                "SignedData version {:?}, expected {:?} (RFC 5652 §5.1)",
                sd.version, expected_si
            ),
        ));
    }
    if sd.crls.is_some() {
        return Err(Verdict::invalid(
            "cms.unsupported",
            "revocation information in SignedData is not supported",
        ));
    }
    let mut found = false;
    for alg in sd.digest_algorithms.iter() {
        if DigestAlgorithm::from_oid(alg.oid).is_none()
            || alg.parameters.as_ref().is_some_and(|p| !p.is_null())
        {
            return Err(Verdict::invalid(
                "cms.unsupported_algorithm",
                format!("digest algorithm {} in digestAlgorithms", alg.oid),
            ));
        }
        found |= alg.oid == si.digest_alg.oid;
    }
    if !found {
        return Err(Verdict::invalid(
            "cms.bad_digest_algorithms",
            "the signer's digest algorithm is not listed in digestAlgorithms",
        ));
    }
    if si
        .digest_alg
        .parameters
        .as_ref()
        .is_some_and(|p| !p.is_null())
    {
        return Err(Verdict::invalid(
            "cms.unsupported_algorithm",
            "digest algorithm parameters must be absent or NULL",
        ));
    }
    if si.unsigned_attrs.is_some() {
        return Err(Verdict::invalid(
            "cms.unsupported",
            "unsigned attributes are not accepted (they are not covered by the signature)",
        ));
    }
    Ok(())
}

fn find_attr(
    attrs: &x509_cert::attr::Attributes,
    oid: ObjectIdentifier,
) -> Result<Option<&der::Any>, Verdict> {
    let mut found = None;
    for a in attrs.iter().filter(|a| a.oid == oid) {
        if found.is_some() || a.values.len() != 1 {
            return Err(Verdict::invalid(
                "cms.bad_attributes",
                format!("attribute {oid} must occur once with one value"),
            ));
        }
        found = a.values.iter().next();
    }
    Ok(found)
}

/// Checks digest, content-type attribute and signature; returns the signer certificate index.
fn check_signer(
    si: &cms::signed_data::SignerInfo,
    econtent: &OctetString,
    econtent_type: ObjectIdentifier,
    parts: &Parts,
    cache: Option<&Mutex<KeyCache>>,
) -> Result<usize, Verdict> {
    let Some(digest_alg) = DigestAlgorithm::from_oid(si.digest_alg.oid) else {
        return Err(Verdict::invalid(
            "cms.unsupported_algorithm",
            format!(
                "digest algorithm {} (SHA-256/384/512 are accepted)",
                si.digest_alg.oid
            ),
        ));
    };
    let signer_idx = parts
        .certs
        .iter()
        .position(|(_, c)| matches_sid(&si.sid, c))
        .ok_or_else(|| {
            Verdict::not_verified(
                "cms.signer_certificate_missing",
                "the signer certificate is not included in the message",
            )
        })?;
    let signer_cert = &parts
        .certs
        .get(signer_idx)
        .ok_or_else(|| Verdict::invalid("cms.internal", "signer index"))?
        .1;

    let signed_message: Vec<u8> = match &si.signed_attrs {
        Some(attrs) => {
            let ct = find_attr(attrs, oids::ID_CONTENT_TYPE)?.ok_or_else(|| {
                Verdict::invalid("cms.bad_attributes", "signed attributes lack content-type")
            })?;
            let ct_oid: ObjectIdentifier = ct.decode_as().map_err(|_| {
                Verdict::invalid("cms.bad_attributes", "content-type attribute is not an OID")
            })?;
            if ct_oid != econtent_type {
                return Err(Verdict::invalid(
                    "cms.content_type_mismatch",
                    format!(
                        "content-type attribute {ct_oid} differs from eContentType {econtent_type} (RFC 5652 §11.1)"
                    ),
                ));
            }
            let md = find_attr(attrs, oids::ID_MESSAGE_DIGEST)?.ok_or_else(|| {
                Verdict::invalid(
                    "cms.bad_attributes",
                    "signed attributes lack message-digest",
                )
            })?;
            let md: OctetString = md.decode_as().map_err(|_| {
                Verdict::invalid(
                    "cms.bad_attributes",
                    "message-digest attribute is not an OCTET STRING",
                )
            })?;
            let actual = digest::digest(digest_alg.aws(), econtent.as_bytes());
            if md.as_bytes() != actual.as_ref() {
                return Err(Verdict::invalid(
                    "cms.digest_mismatch",
                    "message digest does not match the content (content was modified)",
                ));
            }
            // The signature covers the DER SET OF encoding (tag 0x31), re-encoded canonically.
            attrs.to_der().map_err(|_| {
                Verdict::invalid("cms.malformed", "signed attributes cannot be re-encoded")
            })?
        }
        None => econtent.as_bytes().to_vec(),
    };
    let (key_alg, key_bits) =
        cert_public_key(signer_cert).map_err(|e| Verdict::invalid(e.code(), e.to_string()))?;
    let alg = signature_verification_alg(si.signature_algorithm.oid, digest_alg, key_alg)
        .ok_or_else(|| {
            Verdict::invalid(
                "cms.unsupported_algorithm",
                format!(
                    "signature algorithm {} with this key",
                    si.signature_algorithm.oid
                ),
            )
        })?;
    if !check_signature(
        cache,
        alg,
        &key_bits,
        &signed_message,
        si.signature.as_bytes(),
    ) {
        return Err(Verdict::invalid(
            "cms.bad_signature",
            "the signature does not verify with the signer certificate's key",
        ));
    }
    Ok(signer_idx)
}

fn matches_sid(sid: &cms::signed_data::SignerIdentifier, cert: &Certificate) -> bool {
    let tbs = cert.tbs_certificate();
    match sid {
        cms::signed_data::SignerIdentifier::IssuerAndSerialNumber(isn) => {
            isn.issuer == *tbs.issuer() && isn.serial_number == *tbs.serial_number()
        }
        cms::signed_data::SignerIdentifier::SubjectKeyIdentifier(ski) => {
            matches!(tbs.get_extension::<SubjectKeyIdentifier>(), Ok(Some((_, s))) if s == *ski)
        }
    }
}

/// A signature verification algorithm (key type and hash), hashable for the key cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum SigAlg {
    Rsa(DigestAlgorithm),
    P256(DigestAlgorithm),
    P384(DigestAlgorithm),
}

impl SigAlg {
    fn aws(self) -> &'static dyn VerificationAlgorithm {
        match self {
            SigAlg::Rsa(DigestAlgorithm::Sha256) => &sig::RSA_PKCS1_2048_8192_SHA256,
            SigAlg::Rsa(DigestAlgorithm::Sha384) => &sig::RSA_PKCS1_2048_8192_SHA384,
            SigAlg::Rsa(DigestAlgorithm::Sha512) => &sig::RSA_PKCS1_2048_8192_SHA512,
            SigAlg::P256(DigestAlgorithm::Sha256) => &sig::ECDSA_P256_SHA256_ASN1,
            SigAlg::P256(DigestAlgorithm::Sha384) => &sig::ECDSA_P256_SHA384_ASN1,
            SigAlg::P256(DigestAlgorithm::Sha512) => &sig::ECDSA_P256_SHA512_ASN1,
            SigAlg::P384(DigestAlgorithm::Sha256) => &sig::ECDSA_P384_SHA256_ASN1,
            SigAlg::P384(DigestAlgorithm::Sha384) => &sig::ECDSA_P384_SHA384_ASN1,
            SigAlg::P384(DigestAlgorithm::Sha512) => &sig::ECDSA_P384_SHA512_ASN1,
        }
    }
}

/// Map (signature OID, CMS digest, key) to a verification algorithm. For
/// `rsaEncryption` the hash is the SignerInfo digest algorithm (RFC 5754 / OpenSSL behaviour).
fn signature_verification_alg(
    oid: ObjectIdentifier,
    digest: DigestAlgorithm,
    key: KeyAlgorithm,
) -> Option<SigAlg> {
    let rsa = SigAlg::Rsa;
    let ec = |d: DigestAlgorithm| match key {
        KeyAlgorithm::EcP256 => SigAlg::P256(d),
        _ => SigAlg::P384(d),
    };
    let is_rsa = matches!(key, KeyAlgorithm::Rsa { .. });
    if is_rsa {
        if oid == oids::RSA_ENCRYPTION {
            Some(rsa(digest))
        } else if oid == oids::SHA256_WITH_RSA {
            Some(rsa(DigestAlgorithm::Sha256))
        } else if oid == oids::SHA384_WITH_RSA {
            Some(rsa(DigestAlgorithm::Sha384))
        } else if oid == oids::SHA512_WITH_RSA {
            Some(rsa(DigestAlgorithm::Sha512))
        } else {
            None
        }
    } else if oid == oids::ECDSA_WITH_SHA256 {
        Some(ec(DigestAlgorithm::Sha256))
    } else if oid == oids::ECDSA_WITH_SHA384 {
        Some(ec(DigestAlgorithm::Sha384))
    } else if oid == oids::ECDSA_WITH_SHA512 {
        Some(ec(DigestAlgorithm::Sha512))
    } else {
        None
    }
}

fn unix(t: SystemTime) -> Option<Duration> {
    t.duration_since(SystemTime::UNIX_EPOCH).ok()
}

fn check_validity(cert: &Certificate, at: SystemTime, what: &str) -> Result<(), Verdict> {
    let v = cert.tbs_certificate().validity();
    let now = unix(at).unwrap_or_default();
    if now < v.not_before.to_unix_duration() {
        return Err(Verdict::not_verified(
            "cms.not_yet_valid",
            format!(
                "{what} certificate is not yet valid (notBefore {})",
                v.not_before
            ),
        ));
    }
    if now > v.not_after.to_unix_duration() {
        return Err(Verdict::not_verified(
            "cms.expired",
            format!("{what} certificate expired (notAfter {})", v.not_after),
        ));
    }
    Ok(())
}

fn key_usage(cert: &Certificate) -> Option<KeyUsage> {
    cert.tbs_certificate()
        .get_extension::<KeyUsage>()
        .ok()
        .flatten()
        .map(|(_, ku)| ku)
}

fn is_ca(cert: &Certificate) -> bool {
    matches!(cert.tbs_certificate().get_extension::<BasicConstraints>(), Ok(Some((_, bc))) if bc.ca)
}

/// Does `issuer` sign `cert`? (names match and the certificate signature verifies)
fn issued_by(
    cert_der: &[u8],
    cert: &Certificate,
    issuer: &Certificate,
    cache: Option<&Mutex<KeyCache>>,
) -> bool {
    if cert.tbs_certificate().issuer() != issuer.tbs_certificate().subject() {
        return false;
    }
    let Ok((key_alg, key_bits)) = cert_public_key(issuer) else {
        return false;
    };
    let oid = cert.signature_algorithm().oid;
    let alg = if oid == oids::SHA256_WITH_RSA || oid == oids::ECDSA_WITH_SHA256 {
        signature_verification_alg(oid, DigestAlgorithm::Sha256, key_alg)
    } else if oid == oids::SHA384_WITH_RSA || oid == oids::ECDSA_WITH_SHA384 {
        signature_verification_alg(oid, DigestAlgorithm::Sha384, key_alg)
    } else if oid == oids::SHA512_WITH_RSA || oid == oids::ECDSA_WITH_SHA512 {
        signature_verification_alg(oid, DigestAlgorithm::Sha512, key_alg)
    } else {
        None
    };
    let Some(alg) = alg else {
        return false;
    };
    let Some(tbs) = tbs_bytes(cert_der) else {
        return false;
    };
    let Some(sig) = cert.signature().as_bytes() else {
        return false;
    };
    if let Some(c) = cache {
        let seen = (alg, cert_der.to_vec(), key_bits);
        if lock(c).cert_signatures.contains(&seen) {
            return true;
        }
        if !check_signature(cache, alg, &seen.2, tbs, sig) {
            return false;
        }
        let mut guard = lock(c);
        if guard.cert_signatures.len() >= CACHE_LIMIT {
            guard.cert_signatures.clear();
        }
        guard.cert_signatures.insert(seen);
        return true;
    }
    check_signature(None, alg, &key_bits, tbs, sig)
}

/// The raw `tbsCertificate` TLV inside a DER certificate (signatures cover these exact bytes).
fn tbs_bytes(cert_der: &[u8]) -> Option<&[u8]> {
    use der::{Reader, SliceReader};
    let mut outer = SliceReader::new(cert_der).ok()?;
    let header = der::Header::decode(&mut outer).ok()?;
    if header.tag() != der::Tag::Sequence {
        return None;
    }
    outer.tlv_bytes().ok()
}

fn build_chain(
    signer_idx: usize,
    parts: &Parts,
    options: &VerifyOptions<'_>,
    cache: Option<&Mutex<KeyCache>>,
) -> (Verdict, Vec<Vec<u8>>) {
    let mut chain_idx = vec![signer_idx];
    let fallback = |chain_idx: &[usize]| -> Vec<Vec<u8>> {
        let mut out: Vec<Vec<u8>> = chain_idx
            .iter()
            .filter_map(|i| parts.certs.get(*i).map(|c| c.0.clone()))
            .collect();
        for (i, (d, _)) in parts.certs.iter().enumerate() {
            if !chain_idx.contains(&i) {
                out.push(d.clone());
            }
        }
        out
    };
    let Some((signer_der, signer)) = parts.certs.get(signer_idx) else {
        return (Verdict::invalid("cms.internal", "signer index"), Vec::new());
    };
    if let Err(v) = check_validity(signer, options.time, "signer") {
        return (v, fallback(&chain_idx));
    }
    if let Some(ku) = key_usage(signer)
        && !(ku.0.contains(KeyUsages::DigitalSignature) || ku.0.contains(KeyUsages::NonRepudiation))
    {
        return (
            Verdict::not_verified(
                "cms.key_usage",
                "signer certificate key usage allows neither digitalSignature nor nonRepudiation",
            ),
            fallback(&chain_idx),
        );
    }
    let mut current_der: &[u8] = signer_der;
    let mut current: &Certificate = signer;
    for _ in 0..options.max_chain_len.max(1) {
        // Trusted directly, or issued by an anchor?
        if options
            .anchors
            .anchors
            .iter()
            .any(|(d, _)| d.as_slice() == current_der)
        {
            return (Verdict::Verified, fallback(&chain_idx));
        }
        if chain_idx.len() >= options.max_chain_len {
            break;
        }
        if let Some((anchor_der, anchor)) = options
            .anchors
            .anchors
            .iter()
            .find(|(_, a)| issued_by(current_der, current, a, cache))
        {
            if let Err(v) = check_validity(anchor, options.time, "trust anchor") {
                return (v, fallback(&chain_idx));
            }
            let mut out = fallback(&chain_idx);
            out.truncate(chain_idx.len());
            out.push(anchor_der.clone());
            return (Verdict::Verified, out);
        }
        // An intermediate from the message.
        let next = parts.certs.iter().enumerate().find(|(i, (_, c))| {
            !chain_idx.contains(i)
                && is_ca(c)
                && key_usage(c).is_none_or(|ku| ku.0.contains(KeyUsages::KeyCertSign))
                && issued_by(current_der, current, c, cache)
        });
        let Some((i, (d, c))) = next else {
            break;
        };
        if let Err(v) = check_validity(c, options.time, "intermediate") {
            return (v, fallback(&chain_idx));
        }
        chain_idx.push(i);
        current_der = d;
        current = c;
    }
    (
        Verdict::not_verified(
            "cms.untrusted",
            "the signer does not chain to a trusted anchor",
        ),
        fallback(&chain_idx),
    )
}
