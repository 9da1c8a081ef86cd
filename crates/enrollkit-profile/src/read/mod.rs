//! Reading XML, binary and CMS-signed property lists, within [`Limits`].
//!
//! Each format is its own event source ([`xml`], [`binary`]); [`build`] turns events into a
//! value under the limits, so both formats share one bound on depth, values and size.

mod binary;
mod build;
mod xml;

use plist::{Dictionary, Value};

use crate::{Limits, Profile, ProfileError, ReadOptions};

/// The encoding a property list was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceFormat {
    /// XML property list.
    Xml,
    /// Binary property list (`bplist00`).
    Binary,
}

/// The CMS wrapper of a signed profile, handed back unverified.
///
/// Reading never verifies: pass [`container`](SignedContainer::container) to
/// `enrollkit-cms` to get a verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedContainer {
    /// The signed content (the inner property list bytes).
    pub content: Vec<u8>,
    /// The CMS `ContentInfo` exactly as read (DER or BER).
    pub container: Vec<u8>,
}

/// A property list read by [`read_value`].
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedValue {
    /// The value.
    pub value: Value,
    /// The encoding of the (inner) property list.
    pub format: SourceFormat,
    /// The CMS wrapper, when the input was signed.
    pub signed: Option<SignedContainer>,
}

/// A profile read by [`read_profile`].
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedProfile {
    /// The profile.
    pub profile: Profile,
    /// The encoding of the (inner) property list.
    pub format: SourceFormat,
    /// The CMS wrapper, when the input was signed.
    pub signed: Option<SignedContainer>,
}

/// Reads any property list: XML, binary, or wrapped in CMS SignedData (not verified).
///
/// ```
/// use enrollkit_profile::{read_value, ReadOptions, SourceFormat};
/// let loaded = read_value(b"<plist><array><integer>7</integer></array></plist>", &ReadOptions::default()).unwrap();
/// assert_eq!(loaded.format, SourceFormat::Xml);
/// assert_eq!(loaded.value.as_array().unwrap()[0].as_signed_integer(), Some(7));
/// ```
pub fn read_value(bytes: &[u8], options: &ReadOptions) -> Result<LoadedValue, ProfileError> {
    let limits = &options.limits;
    if bytes.len() > limits.max_input_bytes {
        return Err(ProfileError::InputTooLarge {
            size: bytes.len(),
            limit: limits.max_input_bytes,
        });
    }
    if let Some(content) = signed_content(bytes)? {
        let (value, format) = parse_plain(&content, limits)?;
        return Ok(LoadedValue {
            value,
            format,
            signed: Some(SignedContainer {
                content,
                container: bytes.to_vec(),
            }),
        });
    }
    let (value, format) = parse_plain(bytes, limits)?;
    Ok(LoadedValue {
        value,
        format,
        signed: None,
    })
}

/// Reads a configuration profile: XML, binary, or CMS-signed (the signature is not verified).
///
/// The profile model is lossless: every key, including unknown ones, survives a
/// read → write round trip in its original order.
pub fn read_profile(bytes: &[u8], options: &ReadOptions) -> Result<LoadedProfile, ProfileError> {
    let LoadedValue {
        value,
        format,
        signed,
    } = read_value(bytes, options)?;
    let dict = into_dictionary(value)?;
    if let Some(count) = dict
        .get("PayloadContent")
        .and_then(Value::as_array)
        .map(Vec::len)
        .filter(|n| *n > options.limits.max_payloads)
    {
        return Err(ProfileError::TooManyPayloads {
            count,
            limit: options.limits.max_payloads,
        });
    }
    Ok(LoadedProfile {
        profile: Profile::from_dictionary(dict),
        format,
        signed,
    })
}

/// Unwraps a top-level dictionary or says what was found instead.
pub(crate) fn into_dictionary(value: Value) -> Result<Dictionary, ProfileError> {
    match value {
        Value::Dictionary(d) => Ok(d),
        other => Err(ProfileError::NotADictionary {
            found: kind_name(&other),
        }),
    }
}

/// A short article + noun naming a plist value's type, for error messages
/// (shared by every crate that reports a mistyped value).
///
/// ```
/// use enrollkit_profile::{kind_name, plist::Value};
/// assert_eq!(kind_name(&Value::Integer(7.into())), "an integer");
/// ```
pub fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::Array(_) => "an array",
        Value::Dictionary(_) => "a dictionary",
        Value::Boolean(_) => "a boolean",
        Value::Data(_) => "data",
        Value::Date(_) => "a date",
        Value::Real(_) => "a real",
        Value::Integer(_) => "an integer",
        Value::String(_) => "a string",
        Value::Uid(_) => "a UID",
        _ => "an unknown value",
    }
}

/// The content of a CMS-signed input (unverified), or `None` for a plain property list.
#[cfg(feature = "cms")]
fn signed_content(bytes: &[u8]) -> Result<Option<Vec<u8>>, ProfileError> {
    if !enrollkit_cms::looks_like_cms(bytes) {
        return Ok(None);
    }
    let content = enrollkit_cms::extract_signed_content(bytes)?;
    if enrollkit_cms::looks_like_cms(&content) {
        return Err(ProfileError::NestedSignature);
    }
    Ok(Some(content))
}

/// Without the `cms` feature a signed input is recognised (a DER or BER SEQUENCE where a
/// property list would start with `<` or `bplist00`) and refused with its own code.
#[cfg(not(feature = "cms"))]
fn signed_content(bytes: &[u8]) -> Result<Option<Vec<u8>>, ProfileError> {
    match bytes.first() {
        Some(0x30) => Err(ProfileError::SignedWithoutCms),
        _ => Ok(None),
    }
}

fn parse_plain(bytes: &[u8], limits: &Limits) -> Result<(Value, SourceFormat), ProfileError> {
    if bytes.starts_with(b"bplist00") {
        let value = build::build(binary::events(bytes), limits, "binary")?;
        return Ok((value, SourceFormat::Binary));
    }
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first = text.iter().find(|b| !b.is_ascii_whitespace());
    if first != Some(&b'<') {
        return Err(ProfileError::UnknownFormat);
    }
    Ok((
        build::build(xml::XmlEvents::new(bytes), limits, "XML")?,
        SourceFormat::Xml,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use enrollkit_diagnostic::Coded;

    fn nested(depth: usize) -> Vec<u8> {
        let mut s = String::from("<plist>");
        s.push_str(&"<array>".repeat(depth));
        s.push_str(&"</array>".repeat(depth));
        s.push_str("</plist>");
        s.into_bytes()
    }

    #[test]
    fn depth_limit_is_a_clean_error() {
        let err = read_value(&nested(10_000), &ReadOptions::default()).unwrap_err();
        assert_eq!(err.code(), "PRF002");
        assert!(read_value(&nested(50), &ReadOptions::default()).is_ok());
    }

    #[test]
    fn size_limit_is_checked_first() {
        let options = ReadOptions::with_limits(Limits {
            max_input_bytes: 10,
            ..Limits::default()
        });
        let err = read_value(&nested(5), &options).unwrap_err();
        assert!(matches!(err, ProfileError::InputTooLarge { limit: 10, .. }));
    }

    #[test]
    fn non_plist_is_unknown_format() {
        let err = read_value(b"hello world", &ReadOptions::default()).unwrap_err();
        assert_eq!(err.code(), "PRF005");
        let err = read_value(b"", &ReadOptions::default()).unwrap_err();
        assert_eq!(err.code(), "PRF005");
    }

    #[test]
    fn malformed_xml_is_an_error() {
        for bad in [
            &b"<plist><dict><key>a</key></dict></plist>"[..],
            b"<plist><dict><integer>1</integer></dict></plist>",
            b"<plist><array>",
            b"<plist><integer>x</integer></plist>",
        ] {
            let err = read_value(bad, &ReadOptions::default()).unwrap_err();
            assert_eq!(err.code(), "PRF006", "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn values_limit_bounds_expansion() {
        let mut s = String::from("<plist><array>");
        s.push_str(&"<true/>".repeat(100));
        s.push_str("</array></plist>");
        let options = ReadOptions::with_limits(Limits {
            max_values: 50,
            ..Limits::default()
        });
        let err = read_value(s.as_bytes(), &options).unwrap_err();
        assert_eq!(err.code(), "PRF003");
    }

    #[test]
    fn top_level_must_be_a_dictionary_for_profiles() {
        let err = read_profile(b"<plist><array/></plist>", &ReadOptions::default()).unwrap_err();
        assert!(matches!(
            err,
            ProfileError::NotADictionary { found: "an array" }
        ));
    }
}
