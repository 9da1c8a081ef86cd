//! Verifying CMS SignedData and producing a device-style verdict.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use aws_lc_rs::digest;
use aws_lc_rs::signature::{self as sig, ParsedPublicKey, VerificationAlgorithm};
use der::asn1::{ObjectIdentifier, OctetStringRef};
use der::{Decode, Encode};
use x509_cert::Certificate;
use x509_cert::ext::pkix::{BasicConstraints, KeyUsage, KeyUsages, SubjectKeyIdentifier};

use enrollkit_diagnostic::codes::cms as codes;
use enrollkit_diagnostic::codes::internal as codes_internal;
use enrollkit_diagnostic::{Code, Coded};

use crate::CmsError;
use crate::identity::{KeyAlgorithm, cert_public_key};
use crate::oids;
use crate::parse::{
    AttributeView, RawTlv, SID_ISSUER_AND_SERIAL, SID_KEY_IDENTIFIER, SignedDataView, SignerView,
    with_signed_data,
};
use crate::sign::DigestAlgorithm;

/// Why a message is not `Verified`: a stable code plus a human-readable message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerdictReason {
    /// Stable code from the registry, e.g. `CMS109` (`docs/codes.md`).
    pub code: Code,
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
    fn invalid(code: Code, message: impl Into<String>) -> Self {
        Verdict::Invalid {
            reason: VerdictReason {
                code,
                message: message.into(),
            },
        }
    }
    fn not_verified(code: Code, message: impl Into<String>) -> Self {
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

/// A certificate parsed once, with the facts verification asks of it, and the signature work
/// already done with or on it (shared by every message that carries the same bytes).
struct CertInfo {
    der: Vec<u8>,
    cert: Certificate,
    /// Key algorithm and public key bits, or why the key is unusable.
    public_key: Result<(KeyAlgorithm, Vec<u8>), CmsError>,
    /// DER of this certificate's `IssuerAndSerialNumber`, to find the signer by its bytes.
    issuer_and_serial: Vec<u8>,
    /// DER of the subject and issuer names: the keys of the issuer index.
    subject_der: Vec<u8>,
    issuer_der: Vec<u8>,
    /// `None` when absent or undecodable (then no restriction applies, as before).
    key_usage: Option<KeyUsage>,
    is_ca: bool,
    /// Verification keys parsed from `public_key`, one per algorithm (aws-lc-rs keeps the RSA
    /// Montgomery constants inside).
    parsed_keys: Mutex<Vec<(SigAlg, Arc<ParsedPublicKey>)>>,
    /// (algorithm, issuer key bits) whose signature on this certificate verified.
    verified_issuers: Mutex<Vec<(SigAlg, Vec<u8>)>>,
}

impl std::fmt::Debug for CertInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertInfo")
            .field(
                "subject",
                &self.cert.tbs_certificate().subject().to_string(),
            )
            .field("der_len", &self.der.len())
            .finish_non_exhaustive()
    }
}

/// Bound on the per-certificate lists above (a simple guard against unbounded growth).
const PER_CERT_LIMIT: usize = 16;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock cannot leave a list inconsistent (plain pushes).
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Certificates by subject name (DER), so finding the candidates for an issuer costs one hash
/// look-up however many certificates a message carries.
#[derive(Debug, Clone, Default)]
struct SubjectIndex(HashMap<Vec<u8>, Vec<usize>>);

impl SubjectIndex {
    fn new(certs: &[Arc<CertInfo>]) -> Self {
        let mut index: HashMap<Vec<u8>, Vec<usize>> = HashMap::with_capacity(certs.len());
        for (i, c) in certs.iter().enumerate() {
            index.entry(c.subject_der.clone()).or_default().push(i);
        }
        SubjectIndex(index)
    }

    /// Positions of the certificates whose subject is `name` (DER).
    fn named(&self, name: &[u8]) -> &[usize] {
        self.0.get(name).map(Vec::as_slice).unwrap_or_default()
    }
}

impl CertInfo {
    fn new(der: Vec<u8>, cert: Certificate) -> Self {
        let tbs = cert.tbs_certificate();
        let key_usage = tbs
            .get_extension::<KeyUsage>()
            .ok()
            .flatten()
            .map(|(_, ku)| ku);
        let is_ca = matches!(tbs.get_extension::<BasicConstraints>(), Ok(Some((_, bc))) if bc.ca);
        let issuer_and_serial = cms::cert::IssuerAndSerialNumber {
            issuer: tbs.issuer().clone(),
            serial_number: tbs.serial_number().clone(),
        }
        .to_der()
        .unwrap_or_default();
        CertInfo {
            subject_der: tbs.subject().to_der().unwrap_or_default(),
            issuer_der: tbs.issuer().to_der().unwrap_or_default(),
            issuer_and_serial,
            public_key: cert_public_key(&cert),
            key_usage,
            is_ca,
            der,
            cert,
            parsed_keys: Mutex::new(Vec::new()),
            verified_issuers: Mutex::new(Vec::new()),
        }
    }

    fn parse(der: &[u8]) -> Option<Self> {
        Certificate::from_der(der)
            .ok()
            .map(|cert| CertInfo::new(der.to_vec(), cert))
    }

    /// Check `signature` over `message` with this certificate's public key.
    fn verify_signature(&self, alg: SigAlg, message: &[u8], signature: &[u8]) -> bool {
        let Ok((_, key_bits)) = &self.public_key else {
            return false;
        };
        let cached = lock(&self.parsed_keys)
            .iter()
            .find(|(a, _)| *a == alg)
            .map(|(_, k)| Arc::clone(k));
        let key = match cached {
            Some(key) => key,
            None => {
                let Ok(parsed) = ParsedPublicKey::new(alg.aws(), key_bits) else {
                    return false;
                };
                let key = Arc::new(parsed);
                let mut keys = lock(&self.parsed_keys);
                if keys.len() >= PER_CERT_LIMIT {
                    keys.clear();
                }
                keys.push((alg, Arc::clone(&key)));
                key
            }
        };
        key.verify_sig(message, signature).is_ok()
    }
}

/// Trust anchors prepared once (parsed certificates, their keys parsed on first use).
#[derive(Debug, Clone, Default)]
pub struct TrustAnchors {
    anchors: Vec<Arc<CertInfo>>,
    by_subject: SubjectIndex,
}

impl TrustAnchors {
    /// Build from DER certificates.
    pub fn new(ders: Vec<Vec<u8>>) -> Result<Self, CmsError> {
        let mut anchors = Vec::with_capacity(ders.len());
        for d in ders {
            let c =
                Certificate::from_der(&d).map_err(|e| CmsError::BadCertificate(e.to_string()))?;
            anchors.push(Arc::new(CertInfo::new(d, c)));
        }
        let by_subject = SubjectIndex::new(&anchors);
        Ok(TrustAnchors {
            anchors,
            by_subject,
        })
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
    verify_with(bytes, None, options, None)
}

/// Verify a detached CMS SignedData signature (DER or BER) over `content`, such as the
/// `Mdm-Signature` header of a check-in (base64 of a detached signature over the exact body).
/// The verdict is judged as for [`verify`]; a signature that carries content of its own must
/// carry exactly `content`.
///
/// ```
/// # use std::time::{Duration, SystemTime};
/// # use enrollkit_cms::*;
/// # fn main() -> Result<(), CmsError> {
/// # let (key_pem, cert_pem) = (include_bytes!("../tests/data/p256.key"), include_bytes!("../tests/data/p256.pem"));
/// # let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
/// let identity = SigningIdentity::from_pem_or_der(key_pem, cert_pem, &[])?;
/// let body = b"<plist><dict/></plist>";
/// let signature = CmsSigner::new(identity, SignOptions::default())?.sign_detached(body, t)?;
/// let anchors = TrustAnchors::new(parse_certificates(cert_pem)?)?;
/// let options = VerifyOptions::new(&anchors, t);
/// assert_eq!(verify_detached(&signature, body, &options).verdict, Verdict::Verified);
/// assert_eq!(verify_detached(&signature, b"<plist/>", &options).verdict.label(), "Invalid");
/// # Ok(()) }
/// ```
pub fn verify_detached(
    signature: &[u8],
    content: &[u8],
    options: &VerifyOptions<'_>,
) -> Verification {
    verify_with(signature, Some(content), options, None)
}

fn verify_with(
    bytes: &[u8],
    detached: Option<&[u8]>,
    options: &VerifyOptions<'_>,
    cache: Option<&Mutex<CertCache>>,
) -> Verification {
    if detached.is_none() && is_plist(bytes) {
        return Verification {
            verdict: Verdict::Unsigned,
            content: Some(bytes.to_vec()),
            signer_chain: Vec::new(),
        };
    }
    with_signed_data(bytes, |sd| match sd {
        Ok(sd) => verify_parsed(&sd, detached, options, cache),
        Err(e) => Verification {
            verdict: Verdict::invalid(e.code(), e.to_string()),
            content: None,
            signer_chain: Vec::new(),
        },
    })
}

/// A reusable verifier: trust anchors parsed once, plus a bounded cache of the certificates
/// seen in messages, each with its parsed public key (aws-lc-rs `ParsedPublicKey`, RSA
/// Montgomery constants kept between calls) and the certificate signatures already checked
/// against an issuer key. Results are identical to [`verify`]; repeated verification of
/// messages from the same signers is faster.
///
/// Share one `Verifier` across threads (`Send + Sync`; the caches are behind mutexes held
/// only for look-ups). Cache entries are keyed by the exact certificate and key bytes.
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
    cache: Mutex<CertCache>,
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
            cache: Mutex::new(CertCache::with_capacity(DEFAULT_CERT_CACHE_CAPACITY)),
        }
    }
    /// Change how many message certificates (with their parsed keys and checked issuer
    /// signatures) this verifier keeps; 0 keeps none. Default
    /// [`DEFAULT_CERT_CACHE_CAPACITY`]: size it to the devices that check in between two
    /// visits of the same device.
    pub fn with_cache_capacity(self, capacity: usize) -> Self {
        Verifier {
            cache: Mutex::new(CertCache::with_capacity(capacity)),
            ..self
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
    /// Verify like [`verify_detached`], with this verifier's anchors and caches.
    pub fn verify_detached(
        &self,
        signature: &[u8],
        content: &[u8],
        time: SystemTime,
    ) -> Verification {
        let options = VerifyOptions {
            anchors: &self.anchors,
            time,
            max_chain_len: self.max_chain_len,
        };
        verify_with(signature, Some(content), &options, Some(&self.cache))
    }

    /// Verify like [`verify`], judging certificate validity at `time`.
    pub fn verify(&self, bytes: &[u8], time: SystemTime) -> Verification {
        let options = VerifyOptions {
            anchors: &self.anchors,
            time,
            max_chain_len: self.max_chain_len,
        };
        verify_with(bytes, None, &options, Some(&self.cache))
    }
}

/// Certificates from messages, parsed once per [`Verifier`] and found by their exact DER.
/// A server verifies check-ins from thousands of devices, each with its own identity
/// certificate, so the cache holds many; the oldest entry goes first when it is full.
struct CertCache {
    by_der: HashMap<Vec<u8>, Arc<CertInfo>>,
    order: VecDeque<Vec<u8>>,
    capacity: usize,
}

impl CertCache {
    fn with_capacity(capacity: usize) -> Self {
        CertCache {
            by_der: HashMap::new(),
            order: VecDeque::new(),
            capacity,
        }
    }

    fn insert(&mut self, c: &Arc<CertInfo>) {
        if self.capacity == 0 || self.by_der.contains_key(&c.der) {
            return;
        }
        while self.by_der.len() >= self.capacity {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            self.by_der.remove(&oldest);
        }
        self.order.push_back(c.der.clone());
        self.by_der.insert(c.der.clone(), Arc::clone(c));
    }
}

/// Parsed message certificates a [`Verifier`] keeps by default (about 4 KB each).
pub const DEFAULT_CERT_CACHE_CAPACITY: usize = 4096;

/// The message's X.509 certificates, parsing each DER once per [`Verifier`]. Entries that are
/// not certificates, or do not parse, are left out (and judged by `check_other_certificates`).
fn message_certificates(
    sd: &SignedDataView<'_>,
    cache: Option<&Mutex<CertCache>>,
) -> Vec<Arc<CertInfo>> {
    let mut out = Vec::with_capacity(sd.certificates.len());
    for der in &sd.certificates {
        if der.first() != Some(&0x30) {
            continue; // attribute certificates and other choices are not used for profiles
        }
        let Some(cache) = cache else {
            out.extend(CertInfo::parse(der).map(Arc::new));
            continue;
        };
        let hit = lock(cache).by_der.get(*der).map(Arc::clone);
        if let Some(c) = hit {
            out.push(c);
            continue;
        }
        let Some(c) = CertInfo::parse(der).map(Arc::new) else {
            continue;
        };
        lock(cache).insert(&c);
        out.push(c);
    }
    out
}

fn all_ders(certs: &[Arc<CertInfo>]) -> Vec<Vec<u8>> {
    certs.iter().map(|c| c.der.clone()).collect()
}

fn verify_parsed(
    sd: &SignedDataView<'_>,
    detached: Option<&[u8]>,
    options: &VerifyOptions<'_>,
    cache: Option<&Mutex<CertCache>>,
) -> Verification {
    let certs = message_certificates(sd, cache);
    let content = detached.or(sd.econtent).map(<[u8]>::to_vec);
    match intact_signer(sd, detached, &certs) {
        Err((verdict, chain)) => Verification {
            verdict,
            content,
            signer_chain: chain,
        },
        Ok(signer_idx) => {
            let index = SubjectIndex::new(&certs);
            let (mut verdict, chain) = build_chain(signer_idx, &certs, &index, options);
            if verdict == Verdict::Verified
                && let Err(v) = check_other_certificates(sd, &certs, &index, &chain, options)
            {
                verdict = v;
            }
            Verification {
                verdict,
                content,
                signer_chain: chain,
            }
        }
    }
}

/// Every check that does not need trust anchors or a time: the structure, the digest and the
/// signature with the signer certificate the message carries. Returns the signer's index, or
/// the verdict with the certificates to report (all of them once the signer is looked for).
fn intact_signer(
    sd: &SignedDataView<'_>,
    detached: Option<&[u8]>,
    certs: &[Arc<CertInfo>],
) -> Result<usize, (Verdict, Vec<Vec<u8>>)> {
    let econtent_type = sd.econtent_type;
    if econtent_type != oids::ID_DATA {
        let v = Verdict::invalid(
            codes::NOT_ID_DATA,
            format!("encapsulated content type is {econtent_type}, expected id-data"),
        );
        return Err((v, Vec::new()));
    }
    let econtent = match (detached, sd.econtent) {
        (Some(external), Some(attached)) if external != attached => {
            let v = Verdict::invalid(
                codes::DIGEST_MISMATCH,
                "the signature carries content other than the content it is checked against",
            );
            return Err((v, Vec::new()));
        }
        (Some(external), _) => external,
        (None, Some(attached)) => attached,
        (None, None) => {
            let v = Verdict::invalid(codes::DETACHED, "no attached content (detached signature)");
            return Err((v, Vec::new()));
        }
    };
    let signer = match sd.signers.as_slice() {
        [] => {
            let v = Verdict::invalid(codes::NO_SIGNER, "SignedData has no SignerInfo");
            return Err((v, Vec::new()));
        }
        [one] => one,
        _ => {
            let v = Verdict::invalid(
                codes::MULTIPLE_SIGNERS,
                "more than one SignerInfo is not supported for profiles",
            );
            return Err((v, Vec::new()));
        }
    };
    check_versions_and_digests(sd, signer).map_err(|v| (v, Vec::new()))?;
    check_signer(signer, econtent, econtent_type, certs).map_err(|v| (v, all_ders(certs)))
}

/// Whether a signed message is intact, judged without trust anchors or a clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Integrity {
    /// `Ok` when the structure, the message digest and the signature verify with the signer
    /// certificate the message carries; otherwise why not (the same reasons [`verify`] gives).
    pub intact: Result<(), VerdictReason>,
    /// DER certificates: the signer first when it was found, then the message's others.
    pub signer_chain: Vec<Vec<u8>>,
}

/// Checks that a CMS SignedData message is intact — what a device checks before it compares
/// the signer of a replacement with the installed profile's — without judging trust or
/// validity dates, so it needs no anchors and no time.
///
/// ```
/// # use std::time::{Duration, SystemTime};
/// # use enrollkit_cms::*;
/// # fn main() -> Result<(), CmsError> {
/// # let (key_pem, cert_pem) = (include_bytes!("../tests/data/p256.key"), include_bytes!("../tests/data/p256.pem"));
/// # let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
/// let mut signed = sign(b"<plist/>", &SigningIdentity::from_pem_or_der(key_pem, cert_pem, &[])?, SignOptions::default(), t)?;
/// assert!(check_integrity(&signed).intact.is_ok());
/// let at = signed.windows(8).position(|w| w == b"<plist/>").unwrap();
/// signed[at + 1] ^= 1;
/// assert_eq!(check_integrity(&signed).intact.unwrap_err().code, "CMS108");
/// # Ok(()) }
/// ```
pub fn check_integrity(bytes: &[u8]) -> Integrity {
    with_signed_data(bytes, |sd| match sd {
        Err(e) => Integrity {
            intact: Err(VerdictReason {
                code: e.code(),
                message: e.to_string(),
            }),
            signer_chain: Vec::new(),
        },
        Ok(sd) => {
            let certs = message_certificates(&sd, None);
            match intact_signer(&sd, None, &certs) {
                Ok(signer) => Integrity {
                    intact: Ok(()),
                    signer_chain: signer_first(&certs, signer),
                },
                Err((verdict, chain)) => Integrity {
                    intact: Err(verdict.reason().cloned().unwrap_or(VerdictReason {
                        code: codes_internal::INTERNAL,
                        message: "no reason".into(),
                    })),
                    signer_chain: chain,
                },
            }
        }
    })
}

/// The certificates of a CMS SignedData message, the signer's first when its identifier names
/// one of them, then the others in message order. Nothing is verified: this only reads, for
/// example the identity of an installed profile.
pub fn signer_certificates(bytes: &[u8]) -> Result<Vec<Vec<u8>>, CmsError> {
    with_signed_data(bytes, |sd| {
        let sd = sd?;
        let certs = message_certificates(&sd, None);
        let signer = match sd.signers.as_slice() {
            [one] => find_signer(one.sid, &certs).ok(),
            _ => None,
        };
        Ok(match signer {
            Some(i) => signer_first(&certs, i),
            None => all_ders(&certs),
        })
    })
}

fn signer_first(certs: &[Arc<CertInfo>], signer: usize) -> Vec<Vec<u8>> {
    let mut out = Vec::with_capacity(certs.len());
    out.extend(certs.get(signer).map(|c| c.der.clone()));
    for (i, c) in certs.iter().enumerate() {
        if i != signer {
            out.push(c.der.clone());
        }
    }
    out
}

/// Certificates the chain did not use must not be corrupt either, so that no byte of a
/// Verified message is free to change: every entry must parse as an X.509 certificate, and
/// one whose issuer is at hand (in the message or among the anchors) must carry a valid
/// signature from it. Certificates signed with an algorithm we do not verify, or whose issuer
/// is absent, cannot be judged and are left alone.
fn check_other_certificates(
    sd: &SignedDataView<'_>,
    certs: &[Arc<CertInfo>],
    index: &SubjectIndex,
    chain: &[Vec<u8>],
    options: &VerifyOptions<'_>,
) -> Result<(), Verdict> {
    if sd.certificates.len() != certs.len() {
        return Err(Verdict::invalid(
            codes::BAD_CERTIFICATE,
            "a certificate in the message is not a well-formed X.509 certificate",
        ));
    }
    let anchors = &options.anchors;
    // Certificates of the message and anchors with the subject `name`, through both indexes.
    let named = |name: &[u8]| -> Vec<&CertInfo> {
        index
            .named(name)
            .iter()
            .filter_map(|&i| certs.get(i))
            .chain(
                anchors
                    .by_subject
                    .named(name)
                    .iter()
                    .filter_map(|&i| anchors.anchors.get(i)),
            )
            .map(Arc::as_ref)
            .collect()
    };
    for (index, info) in certs.iter().enumerate() {
        if chain.iter().any(|c| *c == info.der) {
            continue;
        }
        let cert = &info.cert;
        // RFC 5280 §4.1.1.2: the outer algorithm must equal the one inside the signed part.
        if cert.signature_algorithm() != cert.tbs_certificate().signature() {
            return Err(Verdict::invalid(
                codes::BAD_CERTIFICATE,
                format!(
                    "certificate {index} in the message names two different signature algorithms"
                ),
            ));
        }
        let issuers = named(&info.issuer_der);
        if !issuers.is_empty() && signature_algorithm_supported(cert) {
            if !issuers.iter().any(|i| issued_by(info, i)) {
                return Err(Verdict::invalid(
                    codes::BAD_CERTIFICATE,
                    format!(
                        "certificate {index} in the message has a signature that does not verify"
                    ),
                ));
            }
            continue;
        }
        // Signature not checkable here: a certificate presenting the subject and key of one at
        // hand is a damaged copy of it unless it is that very certificate.
        let key = cert.tbs_certificate().subject_public_key_info();
        let same_subject = named(&info.subject_der);
        let mut same_identity = same_subject.iter().filter(|c| {
            c.der != info.der && c.cert.tbs_certificate().subject_public_key_info() == key
        });
        if same_identity.next().is_some() {
            return Err(Verdict::invalid(
                codes::BAD_CERTIFICATE,
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
fn check_versions_and_digests(sd: &SignedDataView<'_>, si: &SignerView<'_>) -> Result<(), Verdict> {
    use cms::content_info::CmsVersion;
    let expected_si = match si.sid.0.first() {
        Some(&SID_ISSUER_AND_SERIAL) => CmsVersion::V1,
        Some(&SID_KEY_IDENTIFIER) => CmsVersion::V3,
        _ => {
            return Err(Verdict::invalid(
                codes::MALFORMED,
                "signer identifier is neither issuerAndSerialNumber nor subjectKeyIdentifier",
            ));
        }
    };
    if si.version != expected_si {
        return Err(Verdict::invalid(
            codes::BAD_VERSION,
            format!(
                "SignerInfo version {:?} does not match its signer identifier",
                si.version
            ),
        ));
    }
    if sd.version != expected_si {
        return Err(Verdict::invalid(
            codes::BAD_VERSION,
            format!(
                "SignedData version {:?}, expected {:?} (RFC 5652 §5.1)",
                sd.version, expected_si
            ),
        ));
    }
    if sd.has_crls {
        return Err(Verdict::invalid(
            codes::UNSUPPORTED,
            "revocation information in SignedData is not supported",
        ));
    }
    let mut found = false;
    for alg in &sd.digest_algorithms {
        if DigestAlgorithm::from_oid(alg.oid).is_none()
            || alg.parameters.is_some_and(|p| !p.is_null())
        {
            return Err(Verdict::invalid(
                codes::UNSUPPORTED_ALGORITHM,
                format!("digest algorithm {} in digestAlgorithms", alg.oid),
            ));
        }
        found |= alg.oid == si.digest_alg.oid;
    }
    if !found {
        return Err(Verdict::invalid(
            codes::BAD_DIGEST_ALGORITHMS,
            "the signer's digest algorithm is not listed in digestAlgorithms",
        ));
    }
    if si.digest_alg.parameters.is_some_and(|p| !p.is_null()) {
        return Err(Verdict::invalid(
            codes::UNSUPPORTED_ALGORITHM,
            "digest algorithm parameters must be absent or NULL",
        ));
    }
    // The signature algorithm is outside the signed bytes: pin its parameters too (RSA PKCS#1
    // v1.5 takes NULL, ECDSA none; RFC 4055 §5, RFC 5758 §3.2).
    if si
        .signature_algorithm
        .parameters
        .is_some_and(|p| !p.is_null())
    {
        return Err(Verdict::invalid(
            codes::UNSUPPORTED_ALGORITHM,
            "signature algorithm parameters must be absent or NULL",
        ));
    }
    if si.has_unsigned_attrs {
        return Err(Verdict::invalid(
            codes::UNSUPPORTED,
            "unsigned attributes are not accepted (they are not covered by the signature)",
        ));
    }
    Ok(())
}

fn find_attr<'a>(
    attrs: &[AttributeView<'a>],
    oid: ObjectIdentifier,
) -> Result<Option<der::AnyRef<'a>>, Verdict> {
    let mut found = None;
    for a in attrs.iter().filter(|a| a.oid == oid) {
        match (found, a.values.as_slice()) {
            (None, [one]) => found = Some(*one),
            _ => {
                return Err(Verdict::invalid(
                    codes::BAD_ATTRIBUTES,
                    format!("attribute {oid} must occur once with one value"),
                ));
            }
        }
    }
    Ok(found)
}

/// Checks digest, content-type attribute and signature; returns the signer certificate index.
fn check_signer(
    si: &SignerView<'_>,
    econtent: &[u8],
    econtent_type: ObjectIdentifier,
    certs: &[Arc<CertInfo>],
) -> Result<usize, Verdict> {
    let Some(digest_alg) = DigestAlgorithm::from_oid(si.digest_alg.oid) else {
        return Err(Verdict::invalid(
            codes::UNSUPPORTED_ALGORITHM,
            format!(
                "digest algorithm {} (SHA-256/384/512 are accepted)",
                si.digest_alg.oid
            ),
        ));
    };
    let signer_idx = find_signer(si.sid, certs)?;
    let signer = certs
        .get(signer_idx)
        .ok_or_else(|| Verdict::invalid(codes_internal::INTERNAL, "signer index"))?;

    let signed_attrs_der;
    let signed_message: &[u8] = match &si.signed_attrs {
        Some(signed) => {
            let ct = find_attr(&signed.attrs, oids::ID_CONTENT_TYPE)?.ok_or_else(|| {
                Verdict::invalid(codes::BAD_ATTRIBUTES, "signed attributes lack content-type")
            })?;
            let ct_oid: ObjectIdentifier = ct.decode_as().map_err(|_| {
                Verdict::invalid(
                    codes::BAD_ATTRIBUTES,
                    "content-type attribute is not an OID",
                )
            })?;
            if ct_oid != econtent_type {
                return Err(Verdict::invalid(
                    codes::CONTENT_TYPE_MISMATCH,
                    format!(
                        "content-type attribute {ct_oid} differs from eContentType {econtent_type} (RFC 5652 §11.1)"
                    ),
                ));
            }
            let md = find_attr(&signed.attrs, oids::ID_MESSAGE_DIGEST)?.ok_or_else(|| {
                Verdict::invalid(
                    codes::BAD_ATTRIBUTES,
                    "signed attributes lack message-digest",
                )
            })?;
            let md: &OctetStringRef = md.decode_as().map_err(|_| {
                Verdict::invalid(
                    codes::BAD_ATTRIBUTES,
                    "message-digest attribute is not an OCTET STRING",
                )
            })?;
            let actual = digest::digest(digest_alg.aws(), econtent);
            if md.as_bytes() != actual.as_ref() {
                return Err(Verdict::invalid(
                    codes::DIGEST_MISMATCH,
                    "message digest does not match the content (content was modified)",
                ));
            }
            // The signature covers the attributes' DER under a SET OF header (tag 0x31); the
            // view holds DER (the input, or its normalised re-encoding), in input order.
            signed_attrs_der = crate::derw::tlv(0x31, signed.contents);
            &signed_attrs_der
        }
        None => econtent,
    };
    let (key_alg, _) = signer
        .public_key
        .as_ref()
        .map_err(|e| Verdict::invalid(e.code(), e.to_string()))?;
    let alg = signature_verification_alg(si.signature_algorithm.oid, digest_alg, *key_alg)
        .ok_or_else(|| {
            Verdict::invalid(
                codes::UNSUPPORTED_ALGORITHM,
                format!(
                    "signature algorithm {} with this key",
                    si.signature_algorithm.oid
                ),
            )
        })?;
    if !signer.verify_signature(alg, signed_message, si.signature) {
        return Err(Verdict::invalid(
            codes::BAD_SIGNATURE,
            "the signature does not verify with the signer certificate's key",
        ));
    }
    Ok(signer_idx)
}

/// The index of the certificate the signer identifier names: byte-for-byte against each
/// certificate's issuer and serial first, then by decoded value (which also covers
/// subjectKeyIdentifier and non-canonical names).
fn find_signer(sid: RawTlv<'_>, certs: &[Arc<CertInfo>]) -> Result<usize, Verdict> {
    if let Some(i) = certs.iter().position(|c| c.issuer_and_serial == sid.0) {
        return Ok(i);
    }
    let sid = cms::signed_data::SignerIdentifier::from_der(sid.0)
        .map_err(|e| Verdict::invalid(codes::MALFORMED, format!("signer identifier: {e}")))?;
    certs
        .iter()
        .position(|c| matches_sid(&sid, &c.cert))
        .ok_or_else(|| {
            Verdict::not_verified(
                codes::SIGNER_CERTIFICATE_MISSING,
                "the signer certificate is not included in the message",
            )
        })
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
            codes::NOT_YET_VALID,
            format!(
                "{what} certificate is not yet valid (notBefore {})",
                v.not_before
            ),
        ));
    }
    if now > v.not_after.to_unix_duration() {
        return Err(Verdict::not_verified(
            codes::EXPIRED,
            format!("{what} certificate expired (notAfter {})", v.not_after),
        ));
    }
    Ok(())
}

/// Does `issuer` sign `cert`? (names match and the certificate signature verifies)
fn issued_by(cert: &CertInfo, issuer: &CertInfo) -> bool {
    let tbs = cert.cert.tbs_certificate();
    if tbs.issuer() != issuer.cert.tbs_certificate().subject() {
        return false;
    }
    // RFC 5280 §4.1.1.2: the outer algorithm (not covered by the signature) must equal the
    // signed one, or its parameters would be free to change.
    if cert.cert.signature_algorithm() != tbs.signature() {
        return false;
    }
    let Ok((key_alg, key_bits)) = &issuer.public_key else {
        return false;
    };
    let oid = cert.cert.signature_algorithm().oid;
    let alg = if oid == oids::SHA256_WITH_RSA || oid == oids::ECDSA_WITH_SHA256 {
        signature_verification_alg(oid, DigestAlgorithm::Sha256, *key_alg)
    } else if oid == oids::SHA384_WITH_RSA || oid == oids::ECDSA_WITH_SHA384 {
        signature_verification_alg(oid, DigestAlgorithm::Sha384, *key_alg)
    } else if oid == oids::SHA512_WITH_RSA || oid == oids::ECDSA_WITH_SHA512 {
        signature_verification_alg(oid, DigestAlgorithm::Sha512, *key_alg)
    } else {
        None
    };
    let Some(alg) = alg else {
        return false;
    };
    if lock(&cert.verified_issuers)
        .iter()
        .any(|(a, k)| *a == alg && k == key_bits)
    {
        return true;
    }
    let Some(tbs) = tbs_bytes(&cert.der) else {
        return false;
    };
    let Some(sig) = cert.cert.signature().as_bytes() else {
        return false;
    };
    if !issuer.verify_signature(alg, tbs, sig) {
        return false;
    }
    let mut seen = lock(&cert.verified_issuers);
    if seen.len() >= PER_CERT_LIMIT {
        seen.clear();
    }
    seen.push((alg, key_bits.clone()));
    true
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
    certs: &[Arc<CertInfo>],
    index: &SubjectIndex,
    options: &VerifyOptions<'_>,
) -> (Verdict, Vec<Vec<u8>>) {
    let anchors = &options.anchors;
    let mut chain_idx = vec![signer_idx];
    // The chain so far, then the message's other certificates.
    let fallback = |chain_idx: &[usize]| -> Vec<Vec<u8>> {
        let mut out: Vec<Vec<u8>> = chain_idx
            .iter()
            .filter_map(|i| certs.get(*i).map(|c| c.der.clone()))
            .collect();
        for (i, c) in certs.iter().enumerate() {
            if !chain_idx.contains(&i) {
                out.push(c.der.clone());
            }
        }
        out
    };
    let Some(signer) = certs.get(signer_idx) else {
        return (
            Verdict::invalid(codes_internal::INTERNAL, "signer index"),
            Vec::new(),
        );
    };
    if let Err(v) = check_validity(&signer.cert, options.time, "signer") {
        return (v, fallback(&chain_idx));
    }
    if let Some(ku) = &signer.key_usage
        && !(ku.0.contains(KeyUsages::DigitalSignature) || ku.0.contains(KeyUsages::NonRepudiation))
    {
        return (
            Verdict::not_verified(
                codes::KEY_USAGE,
                "signer certificate key usage allows neither digitalSignature nor nonRepudiation",
            ),
            fallback(&chain_idx),
        );
    }
    let mut current: &CertInfo = signer;
    for _ in 0..options.max_chain_len.max(1) {
        // Trusted directly, or issued by an anchor?
        let trusted_directly = anchors
            .by_subject
            .named(&current.subject_der)
            .iter()
            .filter_map(|&i| anchors.anchors.get(i))
            .any(|a| a.der == current.der);
        if trusted_directly {
            return (Verdict::Verified, fallback(&chain_idx));
        }
        if chain_idx.len() >= options.max_chain_len {
            break;
        }
        if let Some(anchor) = anchors
            .by_subject
            .named(&current.issuer_der)
            .iter()
            .filter_map(|&i| anchors.anchors.get(i))
            .find(|a| issued_by(current, a))
        {
            if let Err(v) = check_validity(&anchor.cert, options.time, "trust anchor") {
                return (v, fallback(&chain_idx));
            }
            let mut out = fallback(&chain_idx);
            out.truncate(chain_idx.len());
            out.push(anchor.der.clone());
            return (Verdict::Verified, out);
        }
        // An intermediate from the message.
        let next = index
            .named(&current.issuer_der)
            .iter()
            .filter_map(|&i| certs.get(i).map(|c| (i, c)))
            .find(|(i, c)| {
                !chain_idx.contains(i)
                    && c.is_ca
                    && c.key_usage
                        .as_ref()
                        .is_none_or(|ku| ku.0.contains(KeyUsages::KeyCertSign))
                    && issued_by(current, c)
            });
        let Some((i, c)) = next else {
            break;
        };
        if let Err(v) = check_validity(&c.cert, options.time, "intermediate") {
            return (v, fallback(&chain_idx));
        }
        chain_idx.push(i);
        current = c;
    }
    (
        Verdict::not_verified(
            codes::UNTRUSTED,
            "the signer does not chain to a trusted anchor",
        ),
        fallback(&chain_idx),
    )
}
