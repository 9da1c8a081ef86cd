//! Private keys, certificates and signing identities (PEM, DER, PKCS#12, external signers).

use std::fmt;
use std::sync::{Arc, OnceLock};

use aws_lc_rs::rsa::{KeyPair as RsaKeyPair, PrivateDecryptingKey};
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_ASN1_SIGNING, ECDSA_P384_SHA384_ASN1_SIGNING, EcdsaKeyPair, KeyPair,
};
use der::asn1::{ObjectIdentifier, OctetString};
use der::{Decode, Encode, Sequence};
use spki::AlgorithmIdentifierOwned;
use zeroize::Zeroizing;

use crate::error::CmsError;
use crate::oids;

/// The kind of a signing key. The default, P-256, is what generated identities use
/// ([`crate::generate_throwaway_identity`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum KeyAlgorithm {
    /// ECDSA on NIST P-256.
    #[default]
    EcP256,
    /// ECDSA on NIST P-384.
    EcP384,
    /// RSA with the given modulus size in bits (2048–4096 accepted for signing).
    Rsa {
        /// Modulus size in bits.
        bits: u32,
    },
}

pub(crate) enum KeyInner {
    Ec {
        curve: KeyAlgorithm,
        pair: EcdsaKeyPair,
        /// Normalised PKCS#8 DER, kept for the RFC 6979 (deterministic) path.
        pkcs8: Zeroizing<Vec<u8>>,
    },
    Rsa {
        pair: RsaKeyPair,
        pkcs8: Zeroizing<Vec<u8>>,
        bits: u32,
        /// Loaded on first decryption and kept: loading checks the key and builds its
        /// Montgomery contexts, which costs more than the private operation itself.
        decrypting: OnceLock<PrivateDecryptingKey>,
    },
}

/// A private key held in memory. Private-key operations run in aws-lc-rs (constant-time).
///
/// `Debug` never prints key material.
pub struct PrivateKey {
    pub(crate) inner: KeyInner,
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey")
            .field("algorithm", &self.algorithm())
            .field("material", &"<redacted>")
            .finish()
    }
}

#[derive(Sequence)]
struct Pkcs8Out {
    version: u8,
    algorithm: AlgorithmIdentifierOwned,
    private_key: OctetString,
}

fn wrap_pkcs8(
    algorithm: ObjectIdentifier,
    params: Option<der::Any>,
    key_der: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CmsError> {
    let info = Pkcs8Out {
        version: 0,
        algorithm: AlgorithmIdentifierOwned {
            oid: algorithm,
            parameters: params,
        },
        private_key: OctetString::new(key_der).map_err(|e| CmsError::BadKey(e.to_string()))?,
    };
    let der = info.to_der().map_err(|e| CmsError::BadKey(e.to_string()))?;
    // The intermediate OctetString held a copy of the key; it is dropped (not zeroized) by `der`.
    Ok(Zeroizing::new(der))
}

fn key_rejected(e: aws_lc_rs::error::KeyRejected) -> CmsError {
    CmsError::BadKey(format!("key rejected: {e}"))
}

impl PrivateKey {
    /// Read a private key from PEM (`PRIVATE KEY`, `RSA PRIVATE KEY`, `EC PRIVATE KEY`) or DER
    /// (PKCS#8, PKCS#1 or SEC1). Encrypted PEM keys are not supported.
    pub fn from_pem_or_der(bytes: &[u8]) -> Result<Self, CmsError> {
        if looks_like_pem(bytes) {
            let blocks = pem_blocks(bytes)?;
            for (label, der) in blocks {
                let der = Zeroizing::new(der);
                match label.as_str() {
                    "PRIVATE KEY" => return Self::from_pkcs8_der(&der),
                    "RSA PRIVATE KEY" => return Self::from_pkcs1_der(&der),
                    "EC PRIVATE KEY" => return Self::from_sec1_der(&der),
                    "ENCRYPTED PRIVATE KEY" => {
                        return Err(CmsError::BadKey(
                            "encrypted PEM keys are not supported; decrypt it (openssl pkey) or use PKCS#12".into(),
                        ));
                    }
                    _ => {}
                }
            }
            return Err(CmsError::BadKey("no PRIVATE KEY block in PEM input".into()));
        }
        Self::from_pkcs8_der(bytes)
            .or_else(|_| Self::from_pkcs1_der(bytes))
            .or_else(|_| Self::from_sec1_der(bytes))
            .map_err(|_| CmsError::BadKey("not a PKCS#8, PKCS#1 or SEC1 private key".into()))
    }

    /// Read an unencrypted PKCS#8 `PrivateKeyInfo` (RSA or EC P-256/P-384).
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, CmsError> {
        let info = pkcs8::PrivateKeyInfoRef::from_der(der)
            .map_err(|e| CmsError::BadKey(format!("PKCS#8: {e}")))?;
        let oid = info.algorithm.oid;
        if oid == oids::RSA_ENCRYPTION {
            Self::rsa_from_pkcs8(Zeroizing::new(der.to_vec()))
        } else if oid == oids::ID_EC_PUBLIC_KEY {
            let curve_oid: ObjectIdentifier = info
                .algorithm
                .parameters
                .ok_or_else(|| CmsError::BadKey("EC key without curve parameters".into()))?
                .decode_as()
                .map_err(|e: der::Error| CmsError::BadKey(format!("EC curve: {e}")))?;
            Self::ec_from_pkcs8(curve_from_oid(curve_oid)?, Zeroizing::new(der.to_vec()))
        } else {
            Err(CmsError::Unsupported(format!(
                "private key algorithm {oid}"
            )))
        }
    }

    /// Read a PKCS#1 `RSAPrivateKey`.
    pub fn from_pkcs1_der(der: &[u8]) -> Result<Self, CmsError> {
        pkcs1::RsaPrivateKeyRef::from_der(der)
            .map_err(|e| CmsError::BadKey(format!("PKCS#1: {e}")))?;
        let null = der::Any::from(der::asn1::Null);
        Self::rsa_from_pkcs8(wrap_pkcs8(oids::RSA_ENCRYPTION, Some(null), der)?)
    }

    /// Read a SEC1 `ECPrivateKey` (RFC 5915) with a named curve.
    pub fn from_sec1_der(der: &[u8]) -> Result<Self, CmsError> {
        let key = sec1::EcPrivateKey::from_der(der)
            .map_err(|e| CmsError::BadKey(format!("SEC1: {e}")))?;
        let curve_oid = key
            .parameters
            .and_then(|p| p.named_curve())
            .ok_or_else(|| CmsError::BadKey("SEC1 key without a named curve".into()))?;
        let curve = curve_from_oid(curve_oid)?;
        let params =
            der::Any::encode_from(&curve_oid).map_err(|e| CmsError::BadKey(e.to_string()))?;
        Self::ec_from_pkcs8(
            curve,
            wrap_pkcs8(oids::ID_EC_PUBLIC_KEY, Some(params), der)?,
        )
    }

    fn rsa_from_pkcs8(pkcs8: Zeroizing<Vec<u8>>) -> Result<Self, CmsError> {
        let pair = RsaKeyPair::from_pkcs8(&pkcs8).map_err(key_rejected)?;
        let bits = u32::try_from(pair.public_modulus_len() * 8).unwrap_or(u32::MAX);
        Ok(PrivateKey {
            inner: KeyInner::Rsa {
                pair,
                pkcs8,
                bits,
                decrypting: OnceLock::new(),
            },
        })
    }

    fn ec_from_pkcs8(curve: KeyAlgorithm, pkcs8: Zeroizing<Vec<u8>>) -> Result<Self, CmsError> {
        let alg = match curve {
            KeyAlgorithm::EcP256 => &ECDSA_P256_SHA256_ASN1_SIGNING,
            _ => &ECDSA_P384_SHA384_ASN1_SIGNING,
        };
        let pair = EcdsaKeyPair::from_private_key_der(alg, &pkcs8).map_err(key_rejected)?;
        Ok(PrivateKey {
            inner: KeyInner::Ec { curve, pair, pkcs8 },
        })
    }

    /// The key's algorithm.
    pub fn algorithm(&self) -> KeyAlgorithm {
        match &self.inner {
            KeyInner::Ec { curve, .. } => *curve,
            KeyInner::Rsa { bits, .. } => KeyAlgorithm::Rsa { bits: *bits },
        }
    }

    /// The public key as it appears in a certificate's `subjectPublicKey` BIT STRING
    /// (uncompressed EC point, or PKCS#1 `RSAPublicKey` DER).
    pub(crate) fn public_key_bits(&self) -> &[u8] {
        match &self.inner {
            KeyInner::Ec { pair, .. } => pair.public_key().as_ref(),
            KeyInner::Rsa { pair, .. } => pair.public_key().as_ref(),
        }
    }

    /// An RSA decryption key for EnvelopedData key transport.
    pub(crate) fn rsa_decrypting_key(&self) -> Result<PrivateDecryptingKey, CmsError> {
        match &self.inner {
            KeyInner::Rsa {
                pkcs8, decrypting, ..
            } => {
                if let Some(loaded) = decrypting.get() {
                    return Ok(loaded.clone());
                }
                let loaded = PrivateDecryptingKey::from_pkcs8(pkcs8).map_err(key_rejected)?;
                Ok(decrypting.get_or_init(|| loaded).clone())
            }
            KeyInner::Ec { .. } => Err(CmsError::Unsupported(
                "EC recipient keys (key agreement) are not supported; use an RSA key".into(),
            )),
        }
    }
}

fn curve_from_oid(oid: ObjectIdentifier) -> Result<KeyAlgorithm, CmsError> {
    if oid == oids::SECP256R1 {
        Ok(KeyAlgorithm::EcP256)
    } else if oid == oids::SECP384R1 {
        Ok(KeyAlgorithm::EcP384)
    } else {
        Err(CmsError::Unsupported(format!(
            "EC curve {oid} (P-256 and P-384 are supported)"
        )))
    }
}

pub(crate) fn looks_like_pem(bytes: &[u8]) -> bool {
    bytes.windows(11).take(4096).any(|w| w == b"-----BEGIN ")
}

/// Split PEM text into (label, DER) blocks, ignoring text between blocks.
pub(crate) fn pem_blocks(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, CmsError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| CmsError::Malformed("PEM input is not UTF-8".into()))?;
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN ") {
        let block_start = &rest[start..];
        let Some(end_marker) = block_start.find("-----END ") else {
            return Err(CmsError::Malformed("PEM block without END line".into()));
        };
        let after_end = &block_start[end_marker..];
        let line_end = after_end
            .get(9..)
            .and_then(|s| s.find("-----"))
            .map(|i| end_marker + 9 + i + 5)
            .ok_or_else(|| CmsError::Malformed("PEM END line is truncated".into()))?;
        let block = &block_start[..line_end];
        let (label, der) = der::pem::decode_vec(block.as_bytes())
            .map_err(|e| CmsError::Malformed(format!("PEM: {e}")))?;
        out.push((label.to_string(), der));
        rest = &block_start[line_end..];
    }
    Ok(out)
}

/// Read one or more X.509 certificates from PEM (any number of `CERTIFICATE` blocks) or a single
/// DER certificate. Returns their DER encodings in input order.
pub fn parse_certificates(bytes: &[u8]) -> Result<Vec<Vec<u8>>, CmsError> {
    let ders = if looks_like_pem(bytes) {
        pem_blocks(bytes)?
            .into_iter()
            .filter(|(label, _)| label == "CERTIFICATE")
            .map(|(_, der)| der)
            .collect::<Vec<_>>()
    } else {
        vec![bytes.to_vec()]
    };
    if ders.is_empty() {
        return Err(CmsError::BadCertificate(
            "no CERTIFICATE block in PEM input".into(),
        ));
    }
    for der in &ders {
        x509_cert::Certificate::from_der(der)
            .map_err(|e| CmsError::BadCertificate(e.to_string()))?;
    }
    Ok(ders)
}

/// Signature algorithms handed to an [`ExternalSigner`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignatureAlgorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    RsaPkcs1Sha256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    RsaPkcs1Sha384,
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    RsaPkcs1Sha512,
    /// ECDSA with SHA-256 (signature as DER `Ecdsa-Sig-Value`, or raw `r||s`).
    EcdsaSha256,
    /// ECDSA with SHA-384.
    EcdsaSha384,
    /// ECDSA with SHA-512.
    EcdsaSha512,
}

/// Error returned by an [`ExternalSigner`]; only the message crosses the boundary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ExternalSignerError {
    /// Human-readable reason (must not contain secrets).
    pub message: String,
}

/// A signing key that lives elsewhere: an HSM, a cloud KMS, a platform keychain, or a foreign
/// language callback (uniffi, pyo3).
///
/// The signer receives the exact bytes to sign (the DER `SET OF` signed attributes) and the
/// algorithm; it hashes them itself, as HSM/KMS "sign message" APIs do. ECDSA signatures may be
/// returned as DER `Ecdsa-Sig-Value` or as raw fixed-size `r||s`.
///
/// Only plain byte vectors and a fieldless enum cross this interface, so it maps directly onto a
/// uniffi callback interface or a Python object with the same two methods.
pub trait ExternalSigner: Send + Sync {
    /// DER certificates: the signer certificate first, then intermediates (the root may be omitted).
    fn certificate_chain(&self) -> Vec<Vec<u8>>;
    /// Sign `message` with `algorithm`.
    fn sign(
        &self,
        message: Vec<u8>,
        algorithm: SignatureAlgorithm,
    ) -> Result<Vec<u8>, ExternalSignerError>;
}

#[derive(Clone)]
pub(crate) enum KeySource {
    Local(Arc<PrivateKey>),
    External(Arc<dyn ExternalSigner>),
}

/// A signer key plus its certificate chain (signer certificate first).
#[derive(Clone)]
pub struct SigningIdentity {
    pub(crate) key: KeySource,
    pub(crate) chain: Vec<Vec<u8>>,
    pub(crate) key_algorithm: KeyAlgorithm,
}

impl fmt::Debug for SigningIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningIdentity")
            .field("key_algorithm", &self.key_algorithm)
            .field("external", &matches!(self.key, KeySource::External(_)))
            .field("certificates", &self.chain.len())
            .finish()
    }
}

/// Public key bits and algorithm of a certificate's SPKI.
pub(crate) fn cert_public_key(
    cert: &x509_cert::Certificate,
) -> Result<(KeyAlgorithm, Vec<u8>), CmsError> {
    let spki = cert.tbs_certificate().subject_public_key_info();
    let bits = spki
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| CmsError::BadCertificate("public key BIT STRING has unused bits".into()))?
        .to_vec();
    let oid = spki.algorithm.oid;
    let alg = if oid == oids::RSA_ENCRYPTION {
        let key = pkcs1::RsaPublicKeyRef::from_der(&bits)
            .map_err(|e| CmsError::BadCertificate(e.to_string()))?;
        let modulus = key.modulus.as_bytes();
        let bits_len = u32::try_from(modulus.len() * 8).unwrap_or(u32::MAX);
        KeyAlgorithm::Rsa { bits: bits_len }
    } else if oid == oids::ID_EC_PUBLIC_KEY {
        let curve: ObjectIdentifier = spki
            .algorithm
            .parameters
            .as_ref()
            .ok_or_else(|| CmsError::BadCertificate("EC key without curve".into()))?
            .decode_as()
            .map_err(|e: der::Error| CmsError::BadCertificate(e.to_string()))?;
        curve_from_oid(curve)?
    } else {
        return Err(CmsError::Unsupported(format!("public key algorithm {oid}")));
    };
    Ok((alg, bits))
}

fn check_rsa_size(alg: KeyAlgorithm) -> Result<(), CmsError> {
    match alg {
        KeyAlgorithm::Rsa { bits } if !(2048..=4096).contains(&bits) => Err(CmsError::Unsupported(
            format!("RSA-{bits} (2048 to 4096 bits are supported)"),
        )),
        _ => Ok(()),
    }
}

impl SigningIdentity {
    /// Combine a key with its certificate (DER) and further chain certificates (DER).
    /// Fails if the key does not match the certificate.
    pub fn new(
        key: PrivateKey,
        signer_cert: Vec<u8>,
        chain: Vec<Vec<u8>>,
    ) -> Result<Self, CmsError> {
        let cert = x509_cert::Certificate::from_der(&signer_cert)
            .map_err(|e| CmsError::BadCertificate(e.to_string()))?;
        let (alg, bits) = cert_public_key(&cert)?;
        if bits != key.public_key_bits() {
            return Err(CmsError::KeyCertMismatch);
        }
        check_rsa_size(alg)?;
        let mut all = Vec::with_capacity(chain.len() + 1);
        all.push(signer_cert);
        for c in chain {
            x509_cert::Certificate::from_der(&c)
                .map_err(|e| CmsError::BadCertificate(e.to_string()))?;
            if !all.contains(&c) {
                all.push(c);
            }
        }
        Ok(SigningIdentity {
            key: KeySource::Local(Arc::new(key)),
            chain: all,
            key_algorithm: alg,
        })
    }

    /// Read a key (PEM/DER: PKCS#8, PKCS#1, SEC1), a signer certificate (PEM/DER; with PEM the
    /// first certificate is the signer and any further ones join the chain) and extra chain files.
    pub fn from_pem_or_der(key: &[u8], cert: &[u8], chain: &[&[u8]]) -> Result<Self, CmsError> {
        let key = PrivateKey::from_pem_or_der(key)?;
        let mut certs = parse_certificates(cert)?.into_iter();
        let signer = certs
            .next()
            .ok_or_else(|| CmsError::BadCertificate("no signer certificate".into()))?;
        let mut rest: Vec<Vec<u8>> = certs.collect();
        for c in chain {
            rest.extend(parse_certificates(c)?);
        }
        Self::new(key, signer, rest)
    }

    /// Open a PKCS#12 file (modern PBES2/AES files and legacy 3DES/RC2 ones). The certificate
    /// matching the key becomes the signer; the file's other certificates form the chain.
    pub fn from_pkcs12(bytes: &[u8], password: &str) -> Result<Self, CmsError> {
        let store = p12_keystore::KeyStore::from_pkcs12(
            bytes,
            password,
            p12_keystore::Pkcs12ImportPolicy::Relaxed,
        )
        .map_err(|e| CmsError::Pkcs12(pkcs12_reason(&e)))?;
        let (_, chain) = store.private_key_chain().ok_or_else(|| {
            // The reader only yields a key together with its certificate: a file with a
            // lone key (openssl pkcs12 -nocerts) or lone certificates ends up here.
            CmsError::Pkcs12(
                "the file has no private key together with its certificate (a signing \
                     identity needs both)"
                    .into(),
            )
        })?;
        let key = PrivateKey::from_pkcs8_der(chain.key().as_der())?;
        let mut certs: Vec<Vec<u8>> = chain.certs().iter().map(|c| c.as_der().to_vec()).collect();
        // Other certificates in the file (CA bags without a key id) belong to the chain too.
        for (_, entry) in store.entries() {
            if let p12_keystore::KeyStoreEntry::Certificate(c) = entry {
                certs.push(c.as_der().to_vec());
            }
        }
        let signer_pos = certs
            .iter()
            .position(|c| {
                x509_cert::Certificate::from_der(c)
                    .ok()
                    .and_then(|cert| cert_public_key(&cert).ok())
                    .is_some_and(|(_, bits)| bits == key.public_key_bits())
            })
            .ok_or(CmsError::KeyCertMismatch)?;
        let signer = certs.remove(signer_pos);
        Self::new(key, signer, certs)
    }

    /// Use an external signer (HSM, KMS, keychain, foreign callback).
    pub fn external(signer: Arc<dyn ExternalSigner>) -> Result<Self, CmsError> {
        let chain = signer.certificate_chain();
        let first = chain.first().ok_or_else(|| {
            CmsError::BadCertificate("external signer returned no certificates".into())
        })?;
        let cert = x509_cert::Certificate::from_der(first)
            .map_err(|e| CmsError::BadCertificate(e.to_string()))?;
        let (alg, _) = cert_public_key(&cert)?;
        check_rsa_size(alg)?;
        for c in &chain[1..] {
            x509_cert::Certificate::from_der(c)
                .map_err(|e| CmsError::BadCertificate(e.to_string()))?;
        }
        Ok(SigningIdentity {
            key: KeySource::External(signer),
            chain,
            key_algorithm: alg,
        })
    }

    /// DER certificates, signer first.
    pub fn certificate_chain(&self) -> &[Vec<u8>] {
        &self.chain
    }

    /// The signer key's algorithm.
    pub fn key_algorithm(&self) -> KeyAlgorithm {
        self.key_algorithm
    }

    /// The private key, when it is held here (`None` for an external signer): a device
    /// simulator decrypts profiles encrypted to its identity with it.
    pub fn private_key(&self) -> Option<&PrivateKey> {
        match &self.key {
            KeySource::Local(key) => Some(key),
            KeySource::External(_) => None,
        }
    }
}

fn pkcs12_reason(e: &p12_keystore::error::Error) -> String {
    // p12-keystore errors carry no secrets; keep them short.
    let s = e.to_string();
    if s.to_ascii_lowercase().contains("mac") {
        format!("{s} (wrong password?)")
    } else {
        s
    }
}

/// The subject's common names (`CN`, OID 2.5.4.3) of a DER certificate, in order; empty if
/// unparsable. Cheaper than [`certificate_subject`]: no name formatting.
pub fn certificate_common_names(cert_der: &[u8]) -> Vec<String> {
    const CN: const_oid::ObjectIdentifier = const_oid::ObjectIdentifier::new_unwrap("2.5.4.3");
    let Ok(cert) = x509_cert::Certificate::from_der(cert_der) else {
        return Vec::new();
    };
    cert.tbs_certificate()
        .subject()
        .iter()
        .filter(|atv| atv.oid == CN)
        .filter_map(|atv| {
            atv.value
                .decode_as::<der::asn1::Utf8StringRef<'_>>()
                .map(|s| s.as_str().to_owned())
                .or_else(|_| {
                    atv.value
                        .decode_as::<der::asn1::PrintableStringRef<'_>>()
                        .map(|s| s.as_str().to_owned())
                })
                .ok()
        })
        .collect()
}

/// The dotted OID of the algorithm a DER certificate is signed with (`None` if unparsable),
/// e.g. `1.2.840.10045.4.3.2` for ECDSA with SHA-256.
pub fn certificate_signature_algorithm(cert_der: &[u8]) -> Option<String> {
    x509_cert::Certificate::from_der(cert_der)
        .ok()
        .map(|c| c.signature_algorithm().oid.to_string())
}

/// The subject of a DER certificate as an RFC 4514 string, for display (`None` if unparsable).
pub fn certificate_subject(cert_der: &[u8]) -> Option<String> {
    x509_cert::Certificate::from_der(cert_der)
        .ok()
        .map(|c| c.tbs_certificate().subject().to_string())
}
