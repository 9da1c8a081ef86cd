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
    if let Some((path, problem)) = first_unwritable_in_xml(value) {
        return Err(ProfileError::Write {
            format: "XML",
            reason: match problem {
                Unwritable::Char(ch) => format!(
                    "{path} holds the character U+{:04X}, which XML 1.0 cannot carry; write the \
                     profile as a binary property list, or remove the character",
                    u32::from(ch)
                ),
                Unwritable::Date => format!(
                    "{path} holds a date outside the years 0000 to 9999, which an XML plist \
                     date cannot carry; write the profile as a binary property list, or fix \
                     the date"
                ),
            },
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

/// Whether an XML plist date (RFC 3339, four-digit years) can carry `date`. A binary plist
/// can hold any year, and the plist crate panics formatting one outside 0000..=9999.
fn xml_date(date: &plist::Date) -> bool {
    // 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z, in seconds from the Unix epoch.
    const FIRST: i128 = -62_167_219_200;
    const LAST: i128 = 253_402_300_799;
    let time = std::time::SystemTime::from(*date);
    let seconds = match time.duration_since(std::time::UNIX_EPOCH) {
        Ok(after) => i128::from(after.as_secs()),
        Err(before) => {
            let d = before.duration();
            -i128::from(d.as_secs()) - i128::from(d.subsec_nanos() > 0)
        }
    };
    (FIRST..=LAST).contains(&seconds)
}

/// What XML cannot carry.
enum Unwritable {
    Char(char),
    Date,
}

/// Whether XML 1.0 can carry every string (key or value) and date of `value`; allocates
/// nothing, so the common case costs one pass.
fn all_xml_text(value: &Value) -> bool {
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Value::String(s) if !xml_text(s) => return false,
            Value::Date(d) if !xml_date(d) => return false,
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

/// The key path of the first string (key or value) or date XML cannot carry, and why.
/// Apple's tools and plist write such characters raw, which yields a file no XML parser reads.
fn first_unwritable_in_xml(value: &Value) -> Option<(String, Unwritable)> {
    if all_xml_text(value) {
        return None;
    }
    let mut stack = vec![(String::from("<top>"), value)];
    while let Some((path, value)) = stack.pop() {
        match value {
            Value::String(s) => {
                if let Some(c) = s.chars().find(|c| !xml_char(*c)) {
                    return Some((path, Unwritable::Char(c)));
                }
            }
            Value::Date(d) if !xml_date(d) => return Some((path, Unwritable::Date)),
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
                        return Some((format!("the key {at:?}"), Unwritable::Char(c)));
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

    /// Found by the plist_read fuzz target: a binary plist date in the year 10000 made the
    /// XML writer panic.
    #[test]
    fn dates_xml_cannot_carry_are_refused_not_a_panic() {
        use std::time::{Duration, UNIX_EPOCH};
        let last = UNIX_EPOCH + Duration::from_secs(253_402_300_799);
        let mut dict = plist::Dictionary::new();
        dict.insert("Last".into(), Value::Date(last.into()));
        assert!(xml_bytes(&Value::Dictionary(dict.clone())).is_ok());
        for (key, time) in [
            ("Later", last + Duration::from_secs(1)),
            ("Early", UNIX_EPOCH - Duration::from_secs(62_167_219_201)),
        ] {
            let mut d = dict.clone();
            d.insert(key.into(), Value::Date(time.into()));
            let value = Value::Dictionary(d);
            let err = xml_bytes(&value).unwrap_err();
            assert_eq!(err.code(), "PRF012");
            assert!(err.to_string().contains(key), "{err}");
            assert!(binary_bytes(&value).is_ok(), "binary plists carry any date");
        }
        let first = UNIX_EPOCH - Duration::from_secs(62_167_219_200);
        assert!(xml_bytes(&Value::Date(first.into())).is_ok());
    }
}
