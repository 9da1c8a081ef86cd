//! Minimal DER *writer* for assembling SignedData from pre-encoded pieces.
//!
//! Only definite-length headers are produced; all parsing goes through the `der` crate. Writing the
//! outer shells by hand lets the signer reuse certificate and name encodings prepared once, instead
//! of cloning and re-encoding them for every signature (see docs/cms.md, "Performance").

/// Number of bytes a DER header with this tag byte and content length takes.
pub(crate) fn header_len(len: usize) -> usize {
    1 + match len {
        0..=0x7f => 1,
        0x80..=0xff => 2,
        0x100..=0xffff => 3,
        0x1_0000..=0xff_ffff => 4,
        _ => 5,
    }
}

/// Total TLV length for a value of `len` bytes.
pub(crate) fn tlv_len(len: usize) -> usize {
    header_len(len) + len
}

/// Append a DER header (single-byte tag) for content of `len` bytes.
pub(crate) fn push_header(out: &mut Vec<u8>, tag: u8, len: usize) {
    out.push(tag);
    let bytes = (len as u64).to_be_bytes();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        let n = bytes.len() - skip;
        out.push(0x80 | n as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
}

/// Append a complete TLV.
pub(crate) fn push_tlv(out: &mut Vec<u8>, tag: u8, value: &[u8]) {
    push_header(out, tag, value.len());
    out.extend_from_slice(value);
}

/// Encode a complete TLV into a new vector.
pub(crate) fn tlv(tag: u8, value: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(tlv_len(value.len()));
    push_tlv(&mut v, tag, value);
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use der::{Encode, asn1::OctetString};

    #[test]
    fn headers_match_der_crate() {
        for len in [0usize, 1, 127, 128, 255, 256, 65535, 65536, 300_000] {
            let value = vec![7u8; len];
            let ours = tlv(0x04, &value);
            let theirs = OctetString::new(value).unwrap().to_der().unwrap();
            assert_eq!(ours, theirs, "len {len}");
            assert_eq!(tlv_len(len), ours.len());
        }
    }
}
