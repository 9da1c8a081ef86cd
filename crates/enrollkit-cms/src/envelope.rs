//! CMS EnvelopedData with RSA key transport, for `EncryptedPayloadContent`.

use aws_lc_rs::rand::SecureRandom;
use aws_lc_rs::rsa::{Pkcs1PrivateDecryptingKey, Pkcs1PublicEncryptingKey, PublicEncryptingKey};
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use cms::content_info::CmsVersion;
use cms::enveloped_data::{OriginatorInfo, RecipientIdentifier, RecipientInfo, RecipientInfos};
use der::asn1::{ObjectIdentifier, OctetString};
use der::{Decode, Encode, EncodingRules, Sequence};
use spki::AlgorithmIdentifierOwned;
use zeroize::Zeroizing;

use crate::derw::{push_header, push_tlv, tlv, tlv_len};
use crate::error::CmsError;
use crate::identity::{KeyAlgorithm, PrivateKey, cert_public_key};
use crate::oids;
use crate::parse::decode_content_info;

/// Content-encryption algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ContentEncryption {
    /// AES-256-CBC (default).
    #[default]
    Aes256Cbc,
    /// Triple-DES (EDE3) CBC, for old devices; Apple's OTA sample code uses it.
    DesEde3Cbc,
}

impl ContentEncryption {
    fn key_len(self) -> usize {
        match self {
            ContentEncryption::Aes256Cbc => 32,
            ContentEncryption::DesEde3Cbc => 24,
        }
    }
    fn iv_len(self) -> usize {
        match self {
            ContentEncryption::Aes256Cbc => 16,
            ContentEncryption::DesEde3Cbc => 8,
        }
    }
    fn oid(self) -> ObjectIdentifier {
        match self {
            ContentEncryption::Aes256Cbc => oids::AES256_CBC,
            ContentEncryption::DesEde3Cbc => oids::DES_EDE3_CBC,
        }
    }
}

fn enc<T: Encode>(v: &T) -> Result<Vec<u8>, CmsError> {
    v.to_der().map_err(|e| CmsError::Encoding(e.to_string()))
}

/// Encrypt `content` to the RSA recipient certificate `recipient_cert` (DER) as CMS
/// EnvelopedData (DER). `rng` supplies the content key and IV (randomness is an input); the
/// PKCS#1 v1.5 padding bytes come from aws-lc's own generator.
pub fn encrypt(
    content: &[u8],
    recipient_cert: &[u8],
    algorithm: ContentEncryption,
    rng: &dyn SecureRandom,
) -> Result<Vec<u8>, CmsError> {
    let cert = x509_cert::Certificate::from_der(recipient_cert)
        .map_err(|e| CmsError::BadCertificate(e.to_string()))?;
    let (alg, _) = cert_public_key(&cert)?;
    if !matches!(alg, KeyAlgorithm::Rsa { .. }) {
        return Err(CmsError::Unsupported(
            "recipient must have an RSA key (key transport)".into(),
        ));
    }
    let spki = enc(cert.tbs_certificate().subject_public_key_info())?;
    let public = PublicEncryptingKey::from_der(&spki)
        .map_err(|e| CmsError::Encryption(format!("recipient key: {e}")))?;
    let public = Pkcs1PublicEncryptingKey::new(public)
        .map_err(|_| CmsError::Encryption("recipient key".into()))?;

    let mut cek = Zeroizing::new(vec![0u8; algorithm.key_len()]);
    let mut iv = vec![0u8; algorithm.iv_len()];
    rng.fill(&mut cek)
        .map_err(|_| CmsError::Encryption("random source failed".into()))?;
    rng.fill(&mut iv)
        .map_err(|_| CmsError::Encryption("random source failed".into()))?;
    let ciphertext = match algorithm {
        ContentEncryption::Aes256Cbc => cbc::Encryptor::<aes::Aes256>::new_from_slices(&cek, &iv)
            .map_err(|_| CmsError::Encryption("key length".into()))?
            .encrypt_padded_vec::<Pkcs7>(content),
        ContentEncryption::DesEde3Cbc => {
            cbc::Encryptor::<des::TdesEde3>::new_from_slices(&cek, &iv)
                .map_err(|_| CmsError::Encryption("key length".into()))?
                .encrypt_padded_vec::<Pkcs7>(content)
        }
    };
    let mut wrapped = vec![0u8; public.ciphertext_size()];
    let wrapped_len = public
        .encrypt(&cek, &mut wrapped)
        .map_err(|_| CmsError::Encryption("RSA key transport failed".into()))?
        .len();
    wrapped.truncate(wrapped_len);

    let tbs = cert.tbs_certificate();
    let mut isn = enc(tbs.issuer())?;
    isn.extend_from_slice(&enc(tbs.serial_number())?);
    let mut ktri = vec![0x02, 0x01, 0x00];
    push_tlv(&mut ktri, 0x30, &isn);
    let mut kea = enc(&oids::RSA_ENCRYPTION)?;
    kea.extend_from_slice(&[0x05, 0x00]);
    push_tlv(&mut ktri, 0x30, &kea);
    push_tlv(&mut ktri, 0x04, &wrapped);
    let recipient_infos = tlv(0x31, &tlv(0x30, &ktri));

    let mut cea = enc(&algorithm.oid())?;
    push_tlv(&mut cea, 0x04, &iv);
    let mut eci = enc(&oids::ID_DATA)?;
    push_tlv(&mut eci, 0x30, &cea);
    push_tlv(&mut eci, 0x80, &ciphertext);

    let mut ed = vec![0x02, 0x01, 0x00];
    ed.extend_from_slice(&recipient_infos);
    push_tlv(&mut ed, 0x30, &eci);
    let ed = tlv(0x30, &ed);
    let oid = enc(&oids::ID_ENVELOPED_DATA)?;
    let ci_len = oid.len() + tlv_len(ed.len());
    let mut out = Vec::with_capacity(tlv_len(ci_len));
    push_header(&mut out, 0x30, ci_len);
    out.extend_from_slice(&oid);
    push_tlv(&mut out, 0xa0, &ed);
    Ok(out)
}

#[derive(Sequence)]
struct EncryptedContentInfoIn {
    content_type: ObjectIdentifier,
    content_enc_alg: AlgorithmIdentifierOwned,
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT", optional = "true")]
    encrypted_content: Option<OctetString>,
}

#[derive(Sequence)]
struct EnvelopedDataIn {
    version: CmsVersion,
    #[asn1(
        context_specific = "0",
        tag_mode = "IMPLICIT",
        constructed = "true",
        optional = "true"
    )]
    originator_info: Option<OriginatorInfo>,
    recip_infos: RecipientInfos,
    encrypted_content: EncryptedContentInfoIn,
    #[asn1(
        context_specific = "1",
        tag_mode = "IMPLICIT",
        constructed = "true",
        optional = "true"
    )]
    unprotected_attrs: Option<x509_cert::attr::Attributes>,
}

/// Most recipients accepted in one EnvelopedData. An encrypted profile has one.
pub const MAX_RECIPIENTS: usize = 64;

/// The one message for every failure after the key operation: wrong key, bad padding, a
/// wrong-sized key, and (in `enrollkit-profile`) decrypted bytes that are not a payload list.
/// Telling them apart would hand whoever sees the error a padding oracle.
pub const DECRYPTION_FAILED: &str =
    "the key does not decrypt this message (wrong recipient key or corrupted data)";

/// Decrypt CMS EnvelopedData (DER or BER) with an RSA recipient key. Without the recipient's
/// certificate every RSA key-transport recipient is tried (at most [`MAX_RECIPIENTS`]);
/// [`decrypt_for`] tries only the recipients addressed to that certificate. AES-128/256-CBC and
/// 3DES-CBC content encryption are accepted.
pub fn decrypt(bytes: &[u8], key: &PrivateKey) -> Result<Vec<u8>, CmsError> {
    decrypt_matching(bytes, key, None)
}

/// Decrypt CMS EnvelopedData for the recipient whose certificate (DER) is `certificate`: only
/// recipients it names (by issuer and serial number, or subject key identifier) cost an RSA
/// operation.
pub fn decrypt_for(
    bytes: &[u8],
    key: &PrivateKey,
    certificate: &[u8],
) -> Result<Vec<u8>, CmsError> {
    decrypt_matching(bytes, key, Some(certificate))
}

/// The number of `RecipientInfo`s of a DER EnvelopedData body (version, optional
/// originatorInfo, then the SET), counted without decoding them; `None` for BER or anything
/// unexpected, which the full decode then judges.
fn count_der_recipients(enveloped: &[u8]) -> Option<usize> {
    use der::{AnyRef, Reader, SliceReader, Tag, Tagged};
    let mut reader = SliceReader::new(enveloped).ok()?;
    let _version = AnyRef::decode(&mut reader).ok()?;
    let mut next = AnyRef::decode(&mut reader).ok()?;
    if next.tag().is_context_specific() {
        next = AnyRef::decode(&mut reader).ok()?;
    }
    if next.tag() != Tag::Set {
        return None;
    }
    let mut set = SliceReader::new(next.value()).ok()?;
    let mut count = 0;
    while !set.is_finished() {
        AnyRef::decode(&mut set).ok()?;
        count += 1;
    }
    Some(count)
}

/// Whether a recipient identifier names `cert`.
fn names(rid: &RecipientIdentifier, cert: &x509_cert::Certificate) -> bool {
    let tbs = cert.tbs_certificate();
    match rid {
        RecipientIdentifier::IssuerAndSerialNumber(isn) => {
            isn.issuer == *tbs.issuer() && isn.serial_number == *tbs.serial_number()
        }
        RecipientIdentifier::SubjectKeyIdentifier(ski) => matches!(
            tbs.get_extension::<x509_cert::ext::pkix::SubjectKeyIdentifier>(),
            Ok(Some((_, own))) if own == *ski
        ),
    }
}

fn decrypt_matching(
    bytes: &[u8],
    key: &PrivateKey,
    certificate: Option<&[u8]>,
) -> Result<Vec<u8>, CmsError> {
    let certificate = certificate
        .map(x509_cert::Certificate::from_der)
        .transpose()
        .map_err(|e| CmsError::BadCertificate(e.to_string()))?;
    let content = decode_content_info(bytes, oids::ID_ENVELOPED_DATA, "id-envelopedData")?;
    // Count the recipients in place before decoding them, so a flood is refused at once.
    if let Some(count) = count_der_recipients(content.value())
        && count > MAX_RECIPIENTS
    {
        return Err(CmsError::TooManyRecipients {
            count,
            limit: MAX_RECIPIENTS,
        });
    }
    let ed: EnvelopedDataIn = content.decode_as_encoding(EncodingRules::Ber)?;
    let recipients = ed.recip_infos.0.len();
    if recipients > MAX_RECIPIENTS {
        return Err(CmsError::TooManyRecipients {
            count: recipients,
            limit: MAX_RECIPIENTS,
        });
    }
    let eci = ed.encrypted_content;
    let ciphertext = eci
        .encrypted_content
        .ok_or_else(|| CmsError::Decryption("no encrypted content".into()))?;
    let alg_oid = eci.content_enc_alg.oid;
    let iv: OctetString = eci
        .content_enc_alg
        .parameters
        .as_ref()
        .ok_or_else(|| CmsError::Decryption("content-encryption algorithm has no IV".into()))?
        .decode_as()
        .map_err(|e: der::Error| CmsError::Decryption(format!("IV: {e}")))?;
    let key_len = if alg_oid == oids::AES256_CBC {
        32
    } else if alg_oid == oids::AES128_CBC {
        16
    } else if alg_oid == oids::DES_EDE3_CBC {
        24
    } else {
        return Err(CmsError::Unsupported(format!(
            "content-encryption algorithm {alg_oid}"
        )));
    };
    let candidates: Vec<_> = ed
        .recip_infos
        .0
        .iter()
        .filter_map(|ri| match ri {
            RecipientInfo::Ktri(ktri) if ktri.key_enc_alg.oid == oids::RSA_ENCRYPTION => Some(ktri),
            _ => None,
        })
        .filter(|ktri| certificate.as_ref().is_none_or(|c| names(&ktri.rid, c)))
        .collect();
    if candidates.is_empty() {
        return Err(CmsError::Decryption(match certificate {
            Some(_) => "no RSA key-transport recipient is addressed to this certificate".into(),
            None => "no RSA key-transport recipient in the message".into(),
        }));
    }
    let rsa = Pkcs1PrivateDecryptingKey::new(key.rsa_decrypting_key()?)
        .map_err(|_| CmsError::Decryption("RSA key".into()))?;
    for ktri in candidates {
        let mut buf = Zeroizing::new(vec![0u8; rsa.min_output_size()]);
        let Ok(cek) = rsa.decrypt(ktri.enc_key.as_bytes(), &mut buf) else {
            continue;
        };
        if cek.len() != key_len {
            continue;
        }
        let plain = match key_len {
            32 => cbc::Decryptor::<aes::Aes256>::new_from_slices(cek, iv.as_bytes())
                .ok()
                .and_then(|d| d.decrypt_padded_vec::<Pkcs7>(ciphertext.as_bytes()).ok()),
            16 => cbc::Decryptor::<aes::Aes128>::new_from_slices(cek, iv.as_bytes())
                .ok()
                .and_then(|d| d.decrypt_padded_vec::<Pkcs7>(ciphertext.as_bytes()).ok()),
            _ => cbc::Decryptor::<des::TdesEde3>::new_from_slices(cek, iv.as_bytes())
                .ok()
                .and_then(|d| d.decrypt_padded_vec::<Pkcs7>(ciphertext.as_bytes()).ok()),
        };
        if let Some(p) = plain {
            return Ok(p);
        }
    }
    Err(CmsError::Decryption(DECRYPTION_FAILED.into()))
}
