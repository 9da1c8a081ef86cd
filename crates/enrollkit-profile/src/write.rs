//! Writing property lists: XML in Apple's layout, and binary.

use plist::Value;

use crate::ProfileError;

/// Serializes any plist value as XML in Apple's layout (XML declaration, DOCTYPE, tab
/// indentation, root element at column 0, trailing newline).
///
/// ```
/// let xml = enrollkit_profile::xml_bytes(&plist::Value::Boolean(true)).unwrap();
/// assert_eq!(
///     String::from_utf8(xml).unwrap(),
///     "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
///      <!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n\
///      <plist version=\"1.0\">\n<true/>\n</plist>\n"
/// );
/// ```
pub fn xml_bytes(value: &Value) -> Result<Vec<u8>, ProfileError> {
    let mut out = Vec::with_capacity(4096);
    value
        .to_writer_xml(&mut out)
        .map_err(|e| ProfileError::Write {
            format: "XML",
            reason: e.to_string(),
        })?;
    if out.last() != Some(&b'\n') {
        out.push(b'\n');
    }
    Ok(out)
}

/// Serializes any plist value as a binary property list.
pub fn binary_bytes(value: &Value) -> Result<Vec<u8>, ProfileError> {
    let mut out = Vec::with_capacity(4096);
    value
        .to_writer_binary(&mut out)
        .map_err(|e| ProfileError::Write {
            format: "binary",
            reason: e.to_string(),
        })?;
    Ok(out)
}
