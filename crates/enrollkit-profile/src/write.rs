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
    if let Some((path, ch)) = first_non_xml_char(value) {
        return Err(ProfileError::Write {
            format: "XML",
            reason: format!(
                "{path} holds the character U+{:04X}, which XML 1.0 cannot carry; write the \
                 profile as a binary property list, or remove the character",
                u32::from(ch)
            ),
        });
    }
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

/// XML 1.0 `Char`: tab, newline, carriage return, and U+0020 up, except U+FFFE and U+FFFF.
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

/// Whether XML 1.0 can carry every character of `s` (printable ASCII checked bytewise first).
fn xml_text(s: &str) -> bool {
    s.bytes()
        .all(|b| (0x20..0x7f).contains(&b) || matches!(b, b'\t' | b'\n' | b'\r'))
        || s.chars().all(xml_char)
}

/// Whether XML 1.0 can carry every string (key or value) of `value`; allocates nothing, so
/// the common case costs one pass over the strings.
fn all_xml_text(value: &Value) -> bool {
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Value::String(s) if !xml_text(s) => return false,
            Value::Array(items) => stack.extend(items.iter()),
            Value::Dictionary(dict) => {
                for (key, item) in dict {
                    if !xml_text(key) {
                        return false;
                    }
                    stack.push(item);
                }
            }
            _ => {}
        }
    }
    true
}

/// The key path and character of the first string (key or value) XML 1.0 cannot carry.
/// Apple's tools and plist write such characters raw, which yields a file no XML parser reads.
fn first_non_xml_char(value: &Value) -> Option<(String, char)> {
    if all_xml_text(value) {
        return None;
    }
    let mut stack = vec![(String::from("<top>"), value)];
    while let Some((path, value)) = stack.pop() {
        match value {
            Value::String(s) => {
                if let Some(c) = s.chars().find(|c| !xml_char(*c)) {
                    return Some((path, c));
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate().rev() {
                    stack.push((format!("{path}[{i}]"), item));
                }
            }
            Value::Dictionary(dict) => {
                let entries: Vec<_> = dict.iter().collect();
                for (key, item) in entries.into_iter().rev() {
                    let at = if path == "<top>" {
                        key.clone()
                    } else {
                        format!("{path}.{key}")
                    };
                    if let Some(c) = key.chars().find(|c| !xml_char(*c)) {
                        return Some((format!("the key {at:?}"), c));
                    }
                    stack.push((at, item));
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use enrollkit_diagnostic::Coded;

    #[test]
    fn control_characters_are_refused_naming_the_key() {
        let mut dict = plist::Dictionary::new();
        dict.insert("Name".into(), "ok\ttab".into());
        let mut inner = plist::Dictionary::new();
        inner.insert("Bell".into(), "ding\u{7}".into());
        dict.insert(
            "PayloadContent".into(),
            Value::Array(vec![Value::Dictionary(inner)]),
        );
        let err = xml_bytes(&Value::Dictionary(dict)).unwrap_err();
        assert_eq!(err.code(), "PRF012");
        let text = err.to_string();
        assert!(
            text.contains("PayloadContent[0].Bell") && text.contains("U+0007"),
            "{text}"
        );
        // Binary plists carry any string.
        assert!(binary_bytes(&Value::String("ding\u{7}".into())).is_ok());
        assert!(xml_bytes(&Value::String("tab\tnewline\ncr\r".into())).is_ok());
    }
}
