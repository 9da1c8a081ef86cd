//! Producing CMS SignedData (attached content, DER).

use std::time::SystemTime;

use aws_lc_rs::digest;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{RSA_PKCS1_SHA256, RSA_PKCS1_SHA384, RSA_PKCS1_SHA512};
use der::asn1::{GeneralizedTime, UtcTime};
use der::{DateTime, Decode, Encode};

use crate::derw::{push_header, push_tlv, tlv, tlv_len};
use crate::error::CmsError;
use crate::identity::{
    KeyAlgorithm, KeyInner, KeySource, PrivateKey, SignatureAlgorithm, SigningIdentity,
};
use crate::oids;

/// Digest algorithm for the message digest and the signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DigestAlgorithm {
    /// SHA-256 (default; what Apple's own signed profiles use).
    #[default]
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl DigestAlgorithm {
    pub(crate) fn aws(self) -> &'static digest::Algorithm {
        match self {
            DigestAlgorithm::Sha256 => &digest::SHA256,
            DigestAlgorithm::Sha384 => &digest::SHA384,
            DigestAlgorithm::Sha512 => &digest::SHA512,
        }
    }
    pub(crate) fn oid(self) -> der::asn1::ObjectIdentifier {
        match self {
            DigestAlgorithm::Sha256 => oids::ID_SHA256,
            DigestAlgorithm::Sha384 => oids::ID_SHA384,
            DigestAlgorithm::Sha512 => oids::ID_SHA512,
        }
    }
    pub(crate) fn from_oid(oid: der::asn1::ObjectIdentifier) -> Option<Self> {
        if oid == oids::ID_SHA256 {
            Some(DigestAlgorithm::Sha256)
        } else if oid == oids::ID_SHA384 {
            Some(DigestAlgorithm::Sha384)
        } else if oid == oids::ID_SHA512 {
            Some(DigestAlgorithm::Sha512)
        } else {
            None
        }
    }
}

/// Options for [`CmsSigner`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SignOptions {
    /// Digest algorithm (SHA-256 by default).
    pub digest: DigestAlgorithm,
    /// Deterministic output: ECDSA uses RFC 6979 nonces, so the same content, identity and
    /// signing time give byte-identical output. RSA PKCS#1 v1.5 is always deterministic.
    /// Off by default because randomized ECDSA through aws-lc-rs is about 2–3× faster.
    pub deterministic: bool,
}

enum RustCryptoEc {
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
}

/// A prepared signer: certificate encodings and algorithm identifiers are computed once, so each
/// [`CmsSigner::sign`] call only hashes, signs and concatenates. Cheap to share across threads.
pub struct CmsSigner {
    identity: SigningIdentity,
    options: SignOptions,
    signature_algorithm: SignatureAlgorithm,
    rfc6979: Option<RustCryptoEc>,
    sid: Vec<u8>,
    digest_alg_id: Vec<u8>,
    digest_algorithms: Vec<u8>,
    sig_alg_id: Vec<u8>,
    certificates: Vec<u8>,
}

impl std::fmt::Debug for CmsSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CmsSigner")
            .field("identity", &self.identity)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

const CONTENT_TYPE_ATTR: [u8; 26] = [
    0x30, 0x18, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x03, 0x31, 0x0b, 0x06,
    0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01,
];
const SIGNING_TIME_OID: [u8; 11] = [
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x05,
];
const MESSAGE_DIGEST_OID: [u8; 11] = [
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x04,
];
const ID_DATA_OID: [u8; 11] = [
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01,
];
const ID_SIGNED_DATA_OID: [u8; 11] = [
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02,
];
const VERSION_1: [u8; 3] = [0x02, 0x01, 0x01];

fn enc<T: Encode>(v: &T) -> Result<Vec<u8>, CmsError> {
    v.to_der().map_err(|e| CmsError::Encoding(e.to_string()))
}

/// `SigningTime ::= Time` — UTCTime for 1950–2049, GeneralizedTime otherwise (RFC 5652 §11.3).
pub(crate) fn encode_time(time: SystemTime) -> Result<Vec<u8>, CmsError> {
    let dt = DateTime::from_system_time(time).map_err(|e| CmsError::BadTime(e.to_string()))?;
    if (1950..2050).contains(&dt.year()) {
        enc(&UtcTime::from_date_time(dt).map_err(|e| CmsError::BadTime(e.to_string()))?)
    } else {
        enc(&GeneralizedTime::from_date_time(dt))
    }
}

fn signature_algorithm(key: KeyAlgorithm, digest: DigestAlgorithm) -> SignatureAlgorithm {
    match (key, digest) {
        (KeyAlgorithm::Rsa { .. }, DigestAlgorithm::Sha256) => SignatureAlgorithm::RsaPkcs1Sha256,
        (KeyAlgorithm::Rsa { .. }, DigestAlgorithm::Sha384) => SignatureAlgorithm::RsaPkcs1Sha384,
        (KeyAlgorithm::Rsa { .. }, DigestAlgorithm::Sha512) => SignatureAlgorithm::RsaPkcs1Sha512,
        (_, DigestAlgorithm::Sha256) => SignatureAlgorithm::EcdsaSha256,
        (_, DigestAlgorithm::Sha384) => SignatureAlgorithm::EcdsaSha384,
        (_, DigestAlgorithm::Sha512) => SignatureAlgorithm::EcdsaSha512,
    }
}

fn sig_alg_id(alg: SignatureAlgorithm) -> Result<Vec<u8>, CmsError> {
    let (oid, null) = match alg {
        SignatureAlgorithm::RsaPkcs1Sha256 => (oids::SHA256_WITH_RSA, true),
        SignatureAlgorithm::RsaPkcs1Sha384 => (oids::SHA384_WITH_RSA, true),
        SignatureAlgorithm::RsaPkcs1Sha512 => (oids::SHA512_WITH_RSA, true),
        SignatureAlgorithm::EcdsaSha256 => (oids::ECDSA_WITH_SHA256, false),
        SignatureAlgorithm::EcdsaSha384 => (oids::ECDSA_WITH_SHA384, false),
        SignatureAlgorithm::EcdsaSha512 => (oids::ECDSA_WITH_SHA512, false),
    };
    let mut v = enc(&oid)?;
    if null {
        v.extend_from_slice(&[0x05, 0x00]);
    }
    Ok(tlv(0x30, &v))
}

impl CmsSigner {
    /// Prepare a signer for `identity`.
    pub fn new(identity: SigningIdentity, options: SignOptions) -> Result<Self, CmsError> {
        let signer_der = identity
            .chain
            .first()
            .ok_or_else(|| CmsError::BadCertificate("no signer certificate".into()))?;
        let cert = x509_cert::Certificate::from_der(signer_der)
            .map_err(|e| CmsError::BadCertificate(e.to_string()))?;
        let tbs = cert.tbs_certificate();
        let mut isn = enc(tbs.issuer())?;
        isn.extend_from_slice(&enc(tbs.serial_number())?);
        let sid = tlv(0x30, &isn);

        let digest_alg_id = tlv(0x30, &enc(&options.digest.oid())?);
        let digest_algorithms = tlv(0x31, &digest_alg_id);
        let signature_algorithm = signature_algorithm(identity.key_algorithm, options.digest);
        let sig_alg_id = sig_alg_id(signature_algorithm)?;

        // DER SET OF: elements sorted by their encodings.
        let mut sorted: Vec<&Vec<u8>> = identity.chain.iter().collect();
        sorted.sort();
        let certs_len: usize = sorted.iter().map(|c| c.len()).sum();
        let mut certificates = Vec::with_capacity(tlv_len(certs_len));
        push_header(&mut certificates, 0xa0, certs_len);
        for c in sorted {
            certificates.extend_from_slice(c);
        }

        let rfc6979 = match (&identity.key, identity.key_algorithm) {
            (KeySource::Local(key), KeyAlgorithm::EcP256 | KeyAlgorithm::EcP384) => {
                let natural = matches!(
                    (identity.key_algorithm, options.digest),
                    (KeyAlgorithm::EcP256, DigestAlgorithm::Sha256)
                        | (KeyAlgorithm::EcP384, DigestAlgorithm::Sha384)
                );
                if options.deterministic || !natural {
                    Some(rustcrypto_ec(key)?)
                } else {
                    None
                }
            }
            _ => None,
        };

        Ok(CmsSigner {
            identity,
            options,
            signature_algorithm,
            rfc6979,
            sid,
            digest_alg_id,
            digest_algorithms,
            sig_alg_id,
            certificates,
        })
    }

    /// The identity this signer uses.
    pub fn identity(&self) -> &SigningIdentity {
        &self.identity
    }

    /// Sign `content` as attached CMS SignedData (DER), with the given signing time.
    pub fn sign(&self, content: &[u8], signing_time: SystemTime) -> Result<Vec<u8>, CmsError> {
        self.sign_encapsulated(content, signing_time, true)
    }

    /// Sign `content` as a detached CMS SignedData (DER): the signature without the content,
    /// as a device's `Mdm-Signature` header carries it (base64).
    pub fn sign_detached(
        &self,
        content: &[u8],
        signing_time: SystemTime,
    ) -> Result<Vec<u8>, CmsError> {
        self.sign_encapsulated(content, signing_time, false)
    }

    fn sign_encapsulated(
        &self,
        content: &[u8],
        signing_time: SystemTime,
        attach: bool,
    ) -> Result<Vec<u8>, CmsError> {
        let md = digest::digest(self.options.digest.aws(), content);
        let time = encode_time(signing_time)?;

        // signedAttrs in DER order: contentType (len 0x18) < signingTime (0x1c/0x1e) < messageDigest (>= 0x2f).
        let st_set_len = time.len();
        let st_attr_content = SIGNING_TIME_OID.len() + tlv_len(st_set_len);
        let md_os_len = tlv_len(md.as_ref().len());
        let md_attr_content = MESSAGE_DIGEST_OID.len() + tlv_len(md_os_len);
        let attrs_len =
            CONTENT_TYPE_ATTR.len() + tlv_len(st_attr_content) + tlv_len(md_attr_content);

        let mut attrs = Vec::with_capacity(tlv_len(attrs_len));
        push_header(&mut attrs, 0x31, attrs_len);
        attrs.extend_from_slice(&CONTENT_TYPE_ATTR);
        push_header(&mut attrs, 0x30, st_attr_content);
        attrs.extend_from_slice(&SIGNING_TIME_OID);
        push_tlv(&mut attrs, 0x31, &time);
        push_header(&mut attrs, 0x30, md_attr_content);
        attrs.extend_from_slice(&MESSAGE_DIGEST_OID);
        push_header(&mut attrs, 0x31, md_os_len);
        push_tlv(&mut attrs, 0x04, md.as_ref());

        let signature = self.sign_bytes(&attrs)?;

        let attrs_body = attrs.get(attrs.len() - attrs_len..).unwrap_or_default();
        let si_len = VERSION_1.len()
            + self.sid.len()
            + self.digest_alg_id.len()
            + tlv_len(attrs_len)
            + self.sig_alg_id.len()
            + tlv_len(signature.len());
        let signer_infos_len = tlv_len(si_len);
        let econtent_os = tlv_len(content.len());
        let eci_len = ID_DATA_OID.len() + if attach { tlv_len(econtent_os) } else { 0 };
        let sd_len = VERSION_1.len()
            + self.digest_algorithms.len()
            + tlv_len(eci_len)
            + self.certificates.len()
            + tlv_len(signer_infos_len);
        let ci_len = ID_SIGNED_DATA_OID.len() + tlv_len(tlv_len(sd_len));

        let mut out = Vec::with_capacity(tlv_len(ci_len));
        push_header(&mut out, 0x30, ci_len);
        out.extend_from_slice(&ID_SIGNED_DATA_OID);
        push_header(&mut out, 0xa0, tlv_len(sd_len));
        push_header(&mut out, 0x30, sd_len);
        out.extend_from_slice(&VERSION_1);
        out.extend_from_slice(&self.digest_algorithms);
        push_header(&mut out, 0x30, eci_len);
        out.extend_from_slice(&ID_DATA_OID);
        if attach {
            push_header(&mut out, 0xa0, econtent_os);
            push_tlv(&mut out, 0x04, content);
        }
        out.extend_from_slice(&self.certificates);
        push_header(&mut out, 0x31, signer_infos_len);
        push_header(&mut out, 0x30, si_len);
        out.extend_from_slice(&VERSION_1);
        out.extend_from_slice(&self.sid);
        out.extend_from_slice(&self.digest_alg_id);
        push_tlv(&mut out, 0xa0, attrs_body);
        out.extend_from_slice(&self.sig_alg_id);
        push_tlv(&mut out, 0x04, &signature);
        Ok(out)
    }

    fn sign_bytes(&self, message: &[u8]) -> Result<Vec<u8>, CmsError> {
        if let Some(ec) = &self.rfc6979 {
            use p256::ecdsa::signature::hazmat::PrehashSigner;
            let prehash = digest::digest(self.options.digest.aws(), message);
            let der = match ec {
                RustCryptoEc::P256(k) => {
                    let s: p256::ecdsa::Signature = k
                        .sign_prehash(prehash.as_ref())
                        .map_err(|e| CmsError::Signing(e.to_string()))?;
                    s.to_der().as_bytes().to_vec()
                }
                RustCryptoEc::P384(k) => {
                    let s: p384::ecdsa::Signature = k
                        .sign_prehash(prehash.as_ref())
                        .map_err(|e| CmsError::Signing(e.to_string()))?;
                    s.to_der().as_bytes().to_vec()
                }
            };
            return Ok(der);
        }
        match &self.identity.key {
            KeySource::Local(key) => sign_local(key, self.signature_algorithm, message),
            KeySource::External(ext) => {
                let sig = ext
                    .sign(message.to_vec(), self.signature_algorithm)
                    .map_err(|e| CmsError::Signing(format!("external signer: {e}")))?;
                normalize_ecdsa(self.identity.key_algorithm, sig)
            }
        }
    }
}

fn sign_local(
    key: &PrivateKey,
    alg: SignatureAlgorithm,
    message: &[u8],
) -> Result<Vec<u8>, CmsError> {
    let rng = SystemRandom::new();
    match &key.inner {
        KeyInner::Ec { pair, .. } => {
            let sig = pair
                .sign(&rng, message)
                .map_err(|_| CmsError::Signing("ECDSA signing failed".into()))?;
            Ok(sig.as_ref().to_vec())
        }
        KeyInner::Rsa { pair, .. } => {
            let padding = match alg {
                SignatureAlgorithm::RsaPkcs1Sha384 => &RSA_PKCS1_SHA384,
                SignatureAlgorithm::RsaPkcs1Sha512 => &RSA_PKCS1_SHA512,
                _ => &RSA_PKCS1_SHA256,
            };
            let mut sig = vec![0u8; pair.public_modulus_len()];
            pair.sign(padding, &rng, message, &mut sig)
                .map_err(|_| CmsError::Signing("RSA signing failed".into()))?;
            Ok(sig)
        }
    }
}

fn rustcrypto_ec(key: &PrivateKey) -> Result<RustCryptoEc, CmsError> {
    use p256::pkcs8::DecodePrivateKey;
    match &key.inner {
        KeyInner::Ec {
            curve: KeyAlgorithm::EcP256,
            pkcs8,
            ..
        } => p256::ecdsa::SigningKey::from_pkcs8_der(pkcs8)
            .map(RustCryptoEc::P256)
            .map_err(|e| CmsError::BadKey(e.to_string())),
        KeyInner::Ec { pkcs8, .. } => p384::ecdsa::SigningKey::from_pkcs8_der(pkcs8)
            .map(RustCryptoEc::P384)
            .map_err(|e| CmsError::BadKey(e.to_string())),
        KeyInner::Rsa { .. } => Err(CmsError::Unsupported(
            "RFC 6979 applies to EC keys only".into(),
        )),
    }
}

/// External ECDSA signers may return raw `r||s`; CMS needs DER `Ecdsa-Sig-Value`.
fn normalize_ecdsa(alg: KeyAlgorithm, sig: Vec<u8>) -> Result<Vec<u8>, CmsError> {
    let bad = |e: p256::ecdsa::Error| {
        CmsError::Signing(format!(
            "external signer returned a malformed ECDSA signature: {e}"
        ))
    };
    match alg {
        KeyAlgorithm::EcP256 if sig.len() == 64 => Ok(p256::ecdsa::Signature::from_slice(&sig)
            .map_err(bad)?
            .to_der()
            .as_bytes()
            .to_vec()),
        KeyAlgorithm::EcP384 if sig.len() == 96 => Ok(p384::ecdsa::Signature::from_slice(&sig)
            .map_err(bad)?
            .to_der()
            .as_bytes()
            .to_vec()),
        KeyAlgorithm::EcP256 => p256::ecdsa::DerSignature::from_bytes(&sig)
            .map(|_| sig)
            .map_err(bad),
        KeyAlgorithm::EcP384 => p384::ecdsa::DerSignature::from_bytes(&sig)
            .map(|_| sig)
            .map_err(bad),
        KeyAlgorithm::Rsa { .. } => Ok(sig),
    }
}

/// Sign `content` once (prepares a [`CmsSigner`] internally; keep a `CmsSigner` for many calls).
pub fn sign(
    content: &[u8],
    identity: &SigningIdentity,
    options: SignOptions,
    signing_time: SystemTime,
) -> Result<Vec<u8>, CmsError> {
    CmsSigner::new(identity.clone(), options)?.sign(content, signing_time)
}
