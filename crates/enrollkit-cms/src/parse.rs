//! Reading CMS `ContentInfo` / `SignedData` in DER or BER.
//!
//! Decoding uses the `der` crate with its `ber` feature (indefinite lengths, constructed
//! indefinite-length OCTET STRINGs, bounded nesting depth). The only structures defined here are
//! thin mirrors of RFC 5652 types whose `eContent` is typed as `OCTET STRING` rather than `ANY`,
//! so BER segments are reassembled by the decoder instead of being exposed raw.

use cms::content_info::CmsVersion;
use cms::revocation::RevocationInfoChoices;
use cms::signed_data::{DigestAlgorithmIdentifiers, SignerInfos};
use der::asn1::{ObjectIdentifier, OctetString, OctetStringRef};
use der::{
    Any, AnyRef, Decode, DecodeValue, Encode, EncodeValue, EncodingRules, FixedTag, Header, Length,
    Reader, Sequence, SliceReader, Tag, Writer,
};
use spki::AlgorithmIdentifierRef;

use crate::error::CmsError;
use crate::oids;

/// Largest input this crate parses (matches the profile crate's default input limit).
pub const MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;

/// Most certificates accepted in one SignedData (signer, chain and extras). Real profiles carry
/// one to five.
pub const MAX_CERTIFICATES: usize = 64;

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

/// Owned RFC 5652 `SignedData` mirror, decoded with BER rules. Used only to normalise input
/// that is not DER into DER, which [`SignedDataView`] then reads (see [`with_signed_data`]).
#[derive(Sequence)]
pub(crate) struct SignedDataIn {
    pub(crate) version: CmsVersion,
    pub(crate) digest_algorithms: DigestAlgorithmIdentifiers,
    pub(crate) encap_content_info: EncapContentIn,
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT", optional = "true")]
    pub(crate) certificates: Option<der::asn1::SetOfVec<Any>>,
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    pub(crate) crls: Option<RevocationInfoChoices>,
    pub(crate) signer_infos: SignerInfos,
}

/// The contents octets of a SET or SET OF, borrowed: elements stay undecoded, in input order
/// (never re-sorted, so signed attributes keep the exact bytes the signature covers).
#[derive(Clone, Copy, Debug)]
pub(crate) struct SetRef<'a>(&'a [u8]);

impl<'a> DecodeValue<'a> for SetRef<'a> {
    type Error = der::Error;
    fn decode_value<R: Reader<'a>>(reader: &mut R, header: Header) -> der::Result<Self> {
        Ok(SetRef(reader.read_slice(header.length())?))
    }
}

impl EncodeValue for SetRef<'_> {
    fn value_len(&self) -> der::Result<Length> {
        Length::try_from(self.0.len())
    }
    fn encode_value(&self, writer: &mut impl Writer) -> der::Result<()> {
        writer.write(self.0)
    }
}

impl FixedTag for SetRef<'_> {
    const TAG: Tag = Tag::Set;
}

impl<'a> SetRef<'a> {
    /// Decode every element as `T`, in input order.
    fn decode_each<T: Decode<'a, Error = der::Error>>(
        self,
        rules: EncodingRules,
    ) -> der::Result<Vec<T>> {
        let mut reader = SliceReader::new_with_encoding_rules(self.0, rules)?;
        let mut out = Vec::new();
        while !reader.is_finished() {
            out.push(T::decode(&mut reader)?);
        }
        Ok(out)
    }
    /// The raw TLV of every element, in input order.
    fn tlvs(self, rules: EncodingRules) -> der::Result<Vec<&'a [u8]>> {
        let mut reader = SliceReader::new_with_encoding_rules(self.0, rules)?;
        let mut out = Vec::new();
        while !reader.is_finished() {
            out.push(reader.tlv_bytes()?);
        }
        Ok(out)
    }
}

/// A complete TLV kept as its raw bytes (a CHOICE decoded later, and only if needed).
#[derive(Clone, Copy, Debug)]
pub(crate) struct RawTlv<'a>(pub(crate) &'a [u8]);

impl<'a> Decode<'a> for RawTlv<'a> {
    type Error = der::Error;
    fn decode<R: Reader<'a>>(reader: &mut R) -> der::Result<Self> {
        Ok(RawTlv(reader.tlv_bytes()?))
    }
}

impl Encode for RawTlv<'_> {
    fn encoded_len(&self) -> der::Result<Length> {
        Length::try_from(self.0.len())
    }
    fn encode(&self, writer: &mut impl Writer) -> der::Result<()> {
        writer.write(self.0)
    }
}

#[derive(Sequence)]
struct ContentInfoRef<'a> {
    content_type: ObjectIdentifier,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
    content: AnyRef<'a>,
}

#[derive(Sequence)]
struct EncapContentRef<'a> {
    econtent_type: ObjectIdentifier,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    econtent: Option<&'a OctetStringRef>,
}

#[derive(Sequence)]
struct SignedDataRef<'a> {
    version: CmsVersion,
    digest_algorithms: SetRef<'a>,
    encap_content_info: EncapContentRef<'a>,
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT", optional = "true")]
    certificates: Option<SetRef<'a>>,
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    crls: Option<SetRef<'a>>,
    signer_infos: SetRef<'a>,
}

#[derive(Sequence)]
struct SignerInfoRef<'a> {
    version: CmsVersion,
    sid: RawTlv<'a>,
    digest_alg: AlgorithmIdentifierRef<'a>,
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT", optional = "true")]
    signed_attrs: Option<SetRef<'a>>,
    signature_algorithm: AlgorithmIdentifierRef<'a>,
    signature: &'a OctetStringRef,
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    unsigned_attrs: Option<SetRef<'a>>,
}

#[derive(Sequence)]
struct AttributeRef<'a> {
    oid: ObjectIdentifier,
    values: SetRef<'a>,
}

/// First octet of a SignerIdentifier that is an issuerAndSerialNumber (SEQUENCE).
pub(crate) const SID_ISSUER_AND_SERIAL: u8 = 0x30;
/// First octet of a SignerIdentifier that is a subjectKeyIdentifier (`[0]` IMPLICIT, primitive).
pub(crate) const SID_KEY_IDENTIFIER: u8 = 0x80;

/// One attribute of a SignerInfo, its values decoded to TLVs in input order.
pub(crate) struct AttributeView<'a> {
    pub(crate) oid: ObjectIdentifier,
    pub(crate) values: Vec<AnyRef<'a>>,
}

/// Signed attributes: the exact contents octets (the signature covers them under a SET OF
/// header, RFC 5652 §5.4) and the attributes read from those same octets.
pub(crate) struct SignedAttrsView<'a> {
    pub(crate) contents: &'a [u8],
    pub(crate) attrs: Vec<AttributeView<'a>>,
}

/// A SignerInfo, fully decoded, borrowing from the message.
pub(crate) struct SignerView<'a> {
    pub(crate) version: CmsVersion,
    /// The `SignerIdentifier` TLV: a SEQUENCE (issuerAndSerialNumber) or `[0]`
    /// (subjectKeyIdentifier), decoded only when no certificate matches it byte for byte.
    pub(crate) sid: RawTlv<'a>,
    pub(crate) digest_alg: AlgorithmIdentifierRef<'a>,
    pub(crate) signed_attrs: Option<SignedAttrsView<'a>>,
    pub(crate) signature_algorithm: AlgorithmIdentifierRef<'a>,
    pub(crate) signature: &'a [u8],
    pub(crate) has_unsigned_attrs: bool,
}

/// A SignedData, fully decoded, borrowing from DER bytes: no content or certificate is copied.
pub(crate) struct SignedDataView<'a> {
    pub(crate) version: CmsVersion,
    pub(crate) digest_algorithms: Vec<AlgorithmIdentifierRef<'a>>,
    pub(crate) econtent_type: ObjectIdentifier,
    pub(crate) econtent: Option<&'a [u8]>,
    /// Every entry of the `certificates` field as a raw TLV, in input order (all CHOICEs).
    pub(crate) certificates: Vec<&'a [u8]>,
    pub(crate) has_crls: bool,
    pub(crate) signers: Vec<SignerView<'a>>,
}

impl<'a> SignedDataView<'a> {
    /// Read a `SignedData` completely; any error rejects the whole.
    fn parse(signed_data: AnyRef<'a>, rules: EncodingRules) -> der::Result<Self> {
        let sd: SignedDataRef<'a> = signed_data.decode_as_encoding(rules)?;
        let mut signers = Vec::new();
        for si in sd.signer_infos.decode_each::<SignerInfoRef<'a>>(rules)? {
            if !matches!(
                si.sid.0.first(),
                Some(&SID_ISSUER_AND_SERIAL | &SID_KEY_IDENTIFIER)
            ) {
                // Neither issuerAndSerialNumber nor subjectKeyIdentifier.
                return Err(der::ErrorKind::Value { tag: Tag::Sequence }.into());
            }
            let signed_attrs = match si.signed_attrs {
                Some(set) => Some(SignedAttrsView {
                    contents: set.0,
                    attrs: set
                        .decode_each::<AttributeRef<'a>>(rules)?
                        .into_iter()
                        .map(|a| {
                            Ok(AttributeView {
                                oid: a.oid,
                                values: a.values.decode_each(rules)?,
                            })
                        })
                        .collect::<der::Result<_>>()?,
                }),
                None => None,
            };
            signers.push(SignerView {
                version: si.version,
                sid: si.sid,
                digest_alg: si.digest_alg,
                signed_attrs,
                signature_algorithm: si.signature_algorithm,
                signature: si.signature.as_bytes(),
                has_unsigned_attrs: si.unsigned_attrs.is_some(),
            });
        }
        Ok(SignedDataView {
            version: sd.version,
            digest_algorithms: sd.digest_algorithms.decode_each(rules)?,
            econtent_type: sd.encap_content_info.econtent_type,
            econtent: sd.encap_content_info.econtent.map(|o| o.as_bytes()),
            certificates: match sd.certificates {
                Some(set) => set.tlvs(rules)?,
                None => Vec::new(),
            },
            has_crls: sd.crls.is_some(),
            signers,
        })
    }
}

fn check_input_size(bytes: &[u8]) -> Result<(), CmsError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(CmsError::TooLarge {
            size: bytes.len(),
            limit: MAX_INPUT_BYTES,
        });
    }
    Ok(())
}

/// The `SignedData` of a DER `ContentInfo`, or `None` when the input is not DER (or not
/// SignedData at all); the caller then takes the BER route.
fn der_signed_data(bytes: &[u8]) -> Option<AnyRef<'_>> {
    let mut reader = SliceReader::new(bytes).ok()?;
    let ci = ContentInfoRef::decode(&mut reader).ok()?;
    reader.finish().ok()?;
    (ci.content_type == oids::ID_SIGNED_DATA).then_some(ci.content)
}

/// Decode a CMS SignedData message (DER or BER) and hand `f` a borrowed view of it.
///
/// DER input (what this crate and `openssl smime -outform DER` write) is read in place. Other
/// input (indefinite lengths, constructed OCTET STRINGs) is decoded with BER rules, re-encoded
/// as DER and read from that copy, so both routes check exactly the same structure and the
/// signed attributes are always judged on their DER encoding.
pub(crate) fn with_signed_data<T>(
    bytes: &[u8],
    f: impl FnOnce(Result<SignedDataView<'_>, CmsError>) -> T,
) -> T {
    if let Err(e) = check_input_size(bytes) {
        return f(Err(e));
    }
    if let Some(view) =
        der_signed_data(bytes).and_then(|sd| SignedDataView::parse(sd, EncodingRules::Der).ok())
    {
        return f(within_certificate_limit(view));
    }
    let normalized = match decode_signed_data(bytes).and_then(|sd| Ok(sd.to_der()?)) {
        Ok(der) => der,
        Err(e) => return f(Err(e)),
    };
    let parsed = AnyRef::from_der(&normalized)
        .and_then(|sd| SignedDataView::parse(sd, EncodingRules::Ber))
        .map_err(CmsError::from)
        .and_then(within_certificate_limit);
    f(parsed)
}

/// A profile's signature carries its signer and a few intermediates; far more certificates
/// than [`MAX_CERTIFICATES`] is refused before any of them is parsed or checked.
fn within_certificate_limit(view: SignedDataView<'_>) -> Result<SignedDataView<'_>, CmsError> {
    if view.certificates.len() > MAX_CERTIFICATES {
        return Err(CmsError::TooManyCertificates {
            count: view.certificates.len(),
            limit: MAX_CERTIFICATES,
        });
    }
    Ok(view)
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
    check_input_size(bytes)?;
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
    with_signed_data(bytes, |sd| {
        let sd = sd?;
        if sd.econtent_type != oids::ID_DATA {
            return Err(CmsError::NotIdData(sd.econtent_type.to_string()));
        }
        sd.econtent.map(<[u8]>::to_vec).ok_or(CmsError::Detached)
    })
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

    /// The DER route reads the input in place; the BER route decodes, re-encodes and reads the
    /// copy. On DER input both must see the very same bytes, or the two routes could disagree.
    /// Checked on genuine messages and on every single-byte change of them that the DER route
    /// still accepts.
    #[test]
    fn der_route_and_ber_route_read_the_same_bytes() {
        use std::time::{Duration, SystemTime};
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let content = include_bytes!("../tests/data/profile-5k.xml");
        let mut checked = 0;
        for (key, cert) in [
            (
                &include_bytes!("../tests/data/p256.key")[..],
                &include_bytes!("../tests/data/p256.pem")[..],
            ),
            (
                include_bytes!("../tests/data/rsa2048.key"),
                include_bytes!("../tests/data/rsa2048.pem"),
            ),
        ] {
            let id = crate::SigningIdentity::from_pem_or_der(key, cert, &[]).unwrap();
            let signed = crate::sign(content, &id, crate::SignOptions::default(), t).unwrap();
            for pos in (0..signed.len()).filter(|p| !(60..5200).contains(p) || p % 97 == 0) {
                let mut m = signed.clone();
                m[pos] ^= 0x01;
                let Some(sd) = der_signed_data(&m) else {
                    continue;
                };
                if SignedDataView::parse(sd, EncodingRules::Der).is_err() {
                    continue;
                }
                let expected = sd.to_der().unwrap();
                match decode_signed_data(&m) {
                    Ok(owned) => assert_eq!(owned.to_der().unwrap(), expected, "byte {pos}"),
                    // Only where the DER route keeps a part raw that the verifier rejects
                    // whole anyway (revocation data, unsigned attributes).
                    Err(_) => {
                        let v =
                            crate::verify(&m, &crate::VerifyOptions::new(&Default::default(), t));
                        assert_eq!(v.verdict.label(), "Invalid", "byte {pos}");
                    }
                }
                checked += 1;
            }
        }
        assert!(checked > 1000, "{checked}");
    }
}
