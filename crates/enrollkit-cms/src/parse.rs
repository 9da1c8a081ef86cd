//! Reading CMS `ContentInfo` / `SignedData` in DER or BER.
//!
//! Decoding uses the `der` crate with its `ber` feature (indefinite lengths, constructed
//! indefinite-length OCTET STRINGs, bounded nesting depth). The only structures defined here are
//! thin mirrors of RFC 5652 types whose `eContent` is typed as `OCTET STRING` rather than `ANY`,
//! so BER segments are reassembled by the decoder instead of being exposed raw.

use cms::content_info::CmsVersion;
use cms::revocation::RevocationInfoChoices;
use cms::signed_data::{DigestAlgorithmIdentifiers, SignerInfos};
use der::asn1::{ObjectIdentifier, OctetString};
use der::{Any, Decode, Encode, EncodingRules, Sequence, SliceReader};

use crate::error::CmsError;
use crate::oids;

/// Largest input this crate parses (matches the profile crate's default input limit).
pub const MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;

/// `ContentInfo` with the content kept as an undecoded `ANY`.
#[derive(Sequence)]
pub(crate) struct ContentInfoIn {
    pub(crate) content_type: ObjectIdentifier,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
    pub(crate) content: Any,
}

/// `EncapsulatedContentInfo` whose eContent is an OCTET STRING (BER segments reassembled).
#[derive(Sequence)]
pub(crate) struct EncapContentIn {
    pub(crate) econtent_type: ObjectIdentifier,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    pub(crate) econtent: Option<OctetString>,
}

/// RFC 5652 `SignedData` mirror (see module docs for why).
#[derive(Sequence)]
pub(crate) struct SignedDataIn {
    pub(crate) version: CmsVersion,
    pub(crate) digest_algorithms: DigestAlgorithmIdentifiers,
    pub(crate) encap_content_info: EncapContentIn,
    /// Kept as raw TLVs: certificates are decoded once, lazily, from their original bytes
    /// (no re-encoding; non-certificate choices are skipped).
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT", optional = "true")]
    pub(crate) certificates: Option<der::asn1::SetOfVec<Any>>,
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    pub(crate) crls: Option<RevocationInfoChoices>,
    pub(crate) signer_infos: SignerInfos,
}

impl SignedDataIn {
    /// X.509 certificates carried in the message as (DER, parsed) pairs.
    pub(crate) fn certificates(&self) -> Vec<(Vec<u8>, x509_cert::Certificate)> {
        let mut out = Vec::new();
        for any in self.certificates.iter().flat_map(|set| set.iter()) {
            if der::Tagged::tag(any) != der::Tag::Sequence {
                continue; // attribute certificates and other choices are not used for profiles
            }
            let Ok(der) = any.to_der() else { continue };
            if let Ok(cert) = x509_cert::Certificate::from_der(&der) {
                out.push((der, cert));
            }
        }
        out
    }
}

/// Cheap sniff: is this a `SEQUENCE` (DER or BER) whose first element is the OID id-signedData?
///
/// It looks only at the first few bytes and never fails; use [`extract_signed_content`] or
/// [`crate::verify`] to actually parse.
pub fn looks_like_cms(bytes: &[u8]) -> bool {
    const SIGNED_DATA_OID_TLV: [u8; 11] = [
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02,
    ];
    let Some((&0x30, rest)) = bytes.split_first() else {
        return false;
    };
    let Some((&len0, rest)) = rest.split_first() else {
        return false;
    };
    // Skip the length octets: short form, indefinite (0x80), or long form 0x81..=0x84.
    let skip = match len0 {
        0x00..=0x80 => 0, // short form or indefinite
        0x81..=0x84 => usize::from(len0 & 0x7f),
        _ => return false,
    };
    rest.get(skip..)
        .is_some_and(|after| after.starts_with(&SIGNED_DATA_OID_TLV))
}

/// Decode `ContentInfo` (DER or BER) and require the given content type; returns the inner `ANY`.
pub(crate) fn decode_content_info(
    bytes: &[u8],
    expected: ObjectIdentifier,
    expected_name: &'static str,
) -> Result<Any, CmsError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(CmsError::TooLarge {
            size: bytes.len(),
            limit: MAX_INPUT_BYTES,
        });
    }
    let mut reader = SliceReader::new_with_encoding_rules(bytes, EncodingRules::Ber)?;
    let ci = ContentInfoIn::decode(&mut reader)?;
    der::Reader::finish(reader)?;
    if ci.content_type != expected {
        return Err(CmsError::UnexpectedContentType {
            expected: expected_name,
            found: ci.content_type.to_string(),
        });
    }
    Ok(ci.content)
}

/// Decode a CMS SignedData message (DER or BER) into its parts.
pub(crate) fn decode_signed_data(bytes: &[u8]) -> Result<SignedDataIn, CmsError> {
    let content = decode_content_info(bytes, oids::ID_SIGNED_DATA, "id-signedData")?;
    let sd: SignedDataIn = content.decode_as_encoding(EncodingRules::Ber)?;
    Ok(sd)
}

/// Return the attached content of a CMS SignedData message **without verifying anything**.
///
/// Accepts DER and BER (indefinite lengths, constructed OCTET STRINGs as written by
/// `openssl cms -sign -stream` and Apple's `security cms`). Requires `id-signedData` with an
/// attached `id-data` eContent.
///
/// ```
/// assert!(enrollkit_cms::extract_signed_content(b"<?xml version=\"1.0\"?>").is_err());
/// ```
pub fn extract_signed_content(bytes: &[u8]) -> Result<Vec<u8>, CmsError> {
    let sd = decode_signed_data(bytes)?;
    take_id_data_content(sd.encap_content_info)
}

pub(crate) fn take_id_data_content(eci: EncapContentIn) -> Result<Vec<u8>, CmsError> {
    if eci.econtent_type != oids::ID_DATA {
        return Err(CmsError::NotIdData(eci.econtent_type.to_string()));
    }
    match eci.econtent {
        Some(os) => Ok(os.into_bytes().into_vec()),
        None => Err(CmsError::Detached),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniff_rejects_plists_and_short_input() {
        assert!(!looks_like_cms(b"<?xml version=\"1.0\"?>"));
        assert!(!looks_like_cms(b"bplist00"));
        assert!(!looks_like_cms(&[]));
        assert!(!looks_like_cms(&[0x30]));
        assert!(!looks_like_cms(&[0x30, 0x82, 0x01]));
    }

    #[test]
    fn sniff_accepts_definite_and_indefinite_headers() {
        let oid = [
            0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02,
        ];
        for prefix in [
            &[0x30u8, 0x80][..],
            &[0x30, 0x82, 0x10, 0x00],
            &[0x30, 0x20],
        ] {
            let mut v = prefix.to_vec();
            v.extend_from_slice(&oid);
            assert!(looks_like_cms(&v), "{prefix:02x?}");
        }
        // id-envelopedData is not SignedData.
        let mut v = vec![0x30, 0x80];
        v.extend_from_slice(&oid[..10]);
        v.push(0x03);
        assert!(!looks_like_cms(&v));
    }

    #[test]
    fn extract_rejects_garbage_without_panicking() {
        for bad in [
            &b""[..],
            b"\x30\x80",
            b"\x30\x03\x06\x01\x00",
            b"\x30\x80\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02\xa0\x80",
        ] {
            assert!(extract_signed_content(bad).is_err());
        }
    }
}
