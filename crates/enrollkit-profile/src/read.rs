//! Reading XML, binary and CMS-signed property lists, within [`Limits`].

use std::borrow::Cow;
use std::io::Cursor;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use plist::stream::{BinaryReader, Event, OwnedEvent};
use plist::{Date, Dictionary, Integer, Uid, Value};
use quick_xml::escape::resolve_xml_entity;
use quick_xml::events::Event as XmlEvent;

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
    if enrollkit_cms::looks_like_cms(bytes) {
        let content = enrollkit_cms::extract_signed_content(bytes)?;
        if enrollkit_cms::looks_like_cms(&content) {
            return Err(ProfileError::NestedSignature);
        }
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

/// A short article + noun for error messages.
pub(crate) fn kind_name(v: &Value) -> &'static str {
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

fn parse_plain(bytes: &[u8], limits: &Limits) -> Result<(Value, SourceFormat), ProfileError> {
    if bytes.starts_with(b"bplist00") {
        let events = BinaryReader::new(Cursor::new(bytes))
            .map(|event| event.map(PlistEvent::from_owned).map_err(|e| e.to_string()));
        return Ok((build(events, limits, "binary")?, SourceFormat::Binary));
    }
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first = text.iter().find(|b| !b.is_ascii_whitespace());
    if first != Some(&b'<') {
        return Err(ProfileError::UnknownFormat);
    }
    Ok((
        build(XmlEvents::new(bytes), limits, "XML")?,
        SourceFormat::Xml,
    ))
}

/// One property-list event; XML text is borrowed from the input until it becomes a value.
#[derive(Debug, PartialEq)]
enum PlistEvent<'a> {
    StartArray,
    StartDictionary,
    EndCollection,
    String(Cow<'a, str>),
    Data(Vec<u8>),
    Boolean(bool),
    Date(Date),
    Integer(Integer),
    Real(f64),
    Uid(Uid),
    Unsupported,
}

impl PlistEvent<'static> {
    fn from_owned(event: OwnedEvent) -> Self {
        match event {
            Event::StartArray(_) => PlistEvent::StartArray,
            Event::StartDictionary(_) => PlistEvent::StartDictionary,
            Event::EndCollection => PlistEvent::EndCollection,
            Event::String(s) => PlistEvent::String(s),
            Event::Data(d) => PlistEvent::Data(d.into_owned()),
            Event::Boolean(b) => PlistEvent::Boolean(b),
            Event::Date(d) => PlistEvent::Date(d),
            Event::Integer(i) => PlistEvent::Integer(i),
            Event::Real(r) => PlistEvent::Real(r),
            Event::Uid(u) => PlistEvent::Uid(u),
            _ => PlistEvent::Unsupported,
        }
    }
}

/// XML property-list events straight from quick-xml's borrowing slice reader.
///
/// This follows `plist::stream::XmlReader` (plist 1.10.3, which uses the same quick-xml) rule for
/// rule — element names by local name, text and entity handling, whitespace-tolerant base64,
/// `0x` integers, skipped comments/CDATA/processing instructions — and words errors the way
/// `plist::Error` displays them, but does not copy the input into a buffer or build an owned
/// event per element. `tests::xml_events_match_plist_xml_reader` checks the equivalence.
struct XmlEvents<'a> {
    reader: quick_xml::Reader<&'a [u8]>,
    finished: bool,
}

type XmlResult<T> = Result<T, String>;

impl<'a> XmlEvents<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        let mut reader = quick_xml::Reader::from_reader(bytes);
        let config = reader.config_mut();
        config.trim_text(false);
        config.check_end_names = true;
        config.expand_empty_elements = true;
        XmlEvents {
            reader,
            finished: false,
        }
    }

    /// An error worded as `plist::Error` displays it: kind and byte offset.
    fn error(&self, kind: &str) -> String {
        format!("{kind} (offset {})", self.reader.buffer_position())
    }

    fn xml_error(&self, err: &quick_xml::Error) -> String {
        use quick_xml::Error as X;
        match err {
            X::Io(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
                self.error("UnexpectedEof")
            }
            X::Io(io) => self.error(&format!("Io(Kind({:?}))", io.kind())),
            X::Syntax(_) => self.error("UnexpectedEof"),
            X::IllFormed(_) | X::InvalidAttr(_) | X::Escape(_) | X::Namespace(_) => {
                self.error("InvalidXmlSyntax")
            }
            X::Encoding(_) => self.error("InvalidXmlUtf8"),
        }
    }

    fn read_xml_event(&mut self) -> XmlResult<XmlEvent<'a>> {
        match self.reader.read_event() {
            Ok(event) => Ok(event),
            Err(err) => Err(self.xml_error(&err)),
        }
    }

    /// The text of an element up to its end tag, with character and predefined entity
    /// references resolved (unknown entities are dropped, as plist does).
    fn read_content(&mut self) -> XmlResult<Cow<'a, str>> {
        let mut content: Cow<'a, str> = Cow::Borrowed("");
        loop {
            match self.read_xml_event()? {
                XmlEvent::Text(text) => {
                    if content.is_empty() {
                        content = text.into_inner();
                    } else {
                        content.to_mut().push_str(&text);
                    }
                }
                XmlEvent::GeneralRef(reference) => match reference.resolve_char_ref() {
                    Ok(Some(ch)) => content.to_mut().push(ch),
                    Ok(None) => {
                        if let Some(entity) = resolve_xml_entity(&reference) {
                            content.to_mut().push_str(entity);
                        }
                    }
                    Err(err) => return Err(self.xml_error(&err)),
                },
                XmlEvent::End(_) => return Ok(content),
                XmlEvent::Eof => return Err(self.error("UnclosedXmlElement")),
                XmlEvent::Start(_) => return Err(self.error("UnexpectedXmlOpeningTag")),
                XmlEvent::PI(_)
                | XmlEvent::Empty(_)
                | XmlEvent::Comment(_)
                | XmlEvent::CData(_)
                | XmlEvent::Decl(_)
                | XmlEvent::DocType(_) => {}
            }
        }
    }

    fn read_next(&mut self) -> XmlResult<Option<PlistEvent<'a>>> {
        loop {
            match self.read_xml_event()? {
                XmlEvent::Start(start) => {
                    let event = match start.local_name().as_ref() {
                        "plist" => continue,
                        "array" => PlistEvent::StartArray,
                        "dict" => PlistEvent::StartDictionary,
                        "key" | "string" => PlistEvent::String(self.read_content()?),
                        "data" => {
                            let content = self.read_content()?;
                            let encoded: Vec<u8> = content
                                .bytes()
                                .filter(|b| !b.is_ascii_whitespace())
                                .collect();
                            match BASE64.decode(&encoded) {
                                Ok(data) => PlistEvent::Data(data),
                                Err(_) => return Err(self.error("InvalidDataString")),
                            }
                        }
                        "date" => match Date::from_xml_format(&self.read_content()?) {
                            Ok(date) => PlistEvent::Date(date),
                            Err(_) => return Err(self.error("InvalidDateString")),
                        },
                        "integer" => match parse_integer(&self.read_content()?) {
                            Some(i) => PlistEvent::Integer(i),
                            None => return Err(self.error("InvalidIntegerString")),
                        },
                        "real" => match self.read_content()?.parse::<f64>() {
                            Ok(r) => PlistEvent::Real(r),
                            Err(_) => return Err(self.error("InvalidRealString")),
                        },
                        "true" => PlistEvent::Boolean(true),
                        "false" => PlistEvent::Boolean(false),
                        _ => return Err(self.error("UnknownXmlElement")),
                    };
                    return Ok(Some(event));
                }
                XmlEvent::End(end) => {
                    if matches!(end.local_name().as_ref(), "array" | "dict") {
                        return Ok(Some(PlistEvent::EndCollection));
                    }
                }
                XmlEvent::Eof => return Ok(None),
                XmlEvent::Text(text) => {
                    if !text.chars().all(char::is_whitespace) {
                        return Err(self.error("UnexpectedXmlCharactersExpectedElement"));
                    }
                }
                XmlEvent::GeneralRef(reference) => {
                    let blank = match reference.resolve_char_ref() {
                        Ok(Some(ch)) => ch.is_whitespace(),
                        Ok(None) => resolve_xml_entity(&reference)
                            .is_some_and(|e| e.chars().all(char::is_whitespace)),
                        Err(err) => return Err(self.xml_error(&err)),
                    };
                    if !blank {
                        return Err(self.error("UnexpectedXmlCharactersExpectedElement"));
                    }
                }
                XmlEvent::Decl(_)
                | XmlEvent::DocType(_)
                | XmlEvent::PI(_)
                | XmlEvent::CData(_)
                | XmlEvent::Comment(_)
                | XmlEvent::Empty(_) => {}
            }
        }
    }
}

impl<'a> Iterator for XmlEvents<'a> {
    type Item = XmlResult<PlistEvent<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        match self.read_next() {
            Ok(Some(event)) => Some(Ok(event)),
            Ok(None) => {
                self.finished = true;
                None
            }
            Err(err) => {
                self.finished = true;
                Some(Err(err))
            }
        }
    }
}

/// An XML `<integer>`: `0x` hex (unsigned), else `i64`, else `u64` — plist's rules, which
/// follow CFPropertyList and NetBSD's proplib.
fn parse_integer(s: &str) -> Option<Integer> {
    if s.starts_with("0x") {
        u64::from_str_radix(s.trim_start_matches("0x"), 16)
            .ok()
            .map(Integer::from)
    } else {
        match s.parse::<i64>() {
            Ok(v) => Some(v.into()),
            Err(_) => s.parse::<u64>().ok().map(Integer::from),
        }
    }
}

/// An open collection: where its items start in the shared scratch stacks, so each
/// collection is allocated once, at its final size, when it closes.
enum Frame {
    Array { start: usize },
    Dict { start: usize, key: Option<String> },
}

/// Builds a value from an event stream with an explicit stack, so depth is bounded by
/// `limits` and never by the call stack.
fn build<'a>(
    events: impl Iterator<Item = Result<PlistEvent<'a>, String>>,
    limits: &Limits,
    format: &'static str,
) -> Result<Value, ProfileError> {
    let malformed = |reason: &str| ProfileError::Malformed {
        format,
        reason: reason.to_owned(),
    };
    let mut stack: Vec<Frame> = Vec::new();
    // Items of all open arrays, and entries of all open dictionaries, innermost last.
    let mut items: Vec<Value> = Vec::new();
    let mut entries: Vec<(String, Value)> = Vec::new();
    let mut root: Option<Value> = None;
    let mut values = 0usize;
    let mut decoded = 0usize;
    for event in events {
        let event = event.map_err(|reason| ProfileError::Malformed { format, reason })?;
        values += 1;
        if values > limits.max_values {
            return Err(ProfileError::TooBig {
                what: "values",
                limit: limits.max_values,
            });
        }
        if root.is_some() {
            return Err(malformed("content after the top-level value"));
        }
        let completed = match event {
            PlistEvent::StartArray | PlistEvent::StartDictionary => {
                if stack.len() >= limits.max_depth {
                    return Err(ProfileError::TooDeep {
                        limit: limits.max_depth,
                        at: path_of(&stack, items.len()),
                    });
                }
                // Keys arrive as strings; a dictionary awaiting its key cannot open a collection.
                if let Some(Frame::Dict { key: None, .. }) = stack.last() {
                    return Err(malformed("dictionary key is not a string"));
                }
                stack.push(if event == PlistEvent::StartDictionary {
                    Frame::Dict {
                        start: entries.len(),
                        key: None,
                    }
                } else {
                    Frame::Array { start: items.len() }
                });
                continue;
            }
            PlistEvent::EndCollection => match stack.pop() {
                Some(Frame::Array { start }) => Value::Array(items.drain(start..).collect()),
                // A repeated key keeps its first position and takes the last value, as plistlib does.
                Some(Frame::Dict { start, key: None }) => {
                    Value::Dictionary(entries.drain(start..).collect::<Dictionary>())
                }
                Some(Frame::Dict { key: Some(key), .. }) => {
                    return Err(malformed(&format!("key {key:?} has no value")));
                }
                None => return Err(malformed("unbalanced end of collection")),
            },
            PlistEvent::String(s) => {
                decoded = add_decoded(decoded, s.len(), limits)?;
                if let Some(Frame::Dict {
                    key: pending @ None,
                    ..
                }) = stack.last_mut()
                {
                    *pending = Some(s.into_owned());
                    continue;
                }
                Value::String(s.into_owned())
            }
            PlistEvent::Data(d) => {
                decoded = add_decoded(decoded, d.len(), limits)?;
                Value::Data(d)
            }
            PlistEvent::Boolean(b) => Value::Boolean(b),
            PlistEvent::Date(d) => Value::Date(d),
            PlistEvent::Integer(i) => Value::Integer(i),
            PlistEvent::Real(r) => Value::Real(r),
            PlistEvent::Uid(u) => Value::Uid(u),
            PlistEvent::Unsupported => return Err(malformed("unsupported event")),
        };
        match stack.last_mut() {
            None => root = Some(completed),
            Some(Frame::Array { .. }) => items.push(completed),
            Some(Frame::Dict { key, .. }) => match key.take() {
                Some(key) => entries.push((key, completed)),
                None => return Err(malformed("dictionary key is not a string")),
            },
        }
    }
    if !stack.is_empty() {
        return Err(malformed("unexpected end of input"));
    }
    root.ok_or_else(|| malformed("no value"))
}

fn add_decoded(total: usize, more: usize, limits: &Limits) -> Result<usize, ProfileError> {
    let total = total.saturating_add(more);
    if total > limits.max_decoded_bytes {
        return Err(ProfileError::TooBig {
            what: "decoded bytes",
            limit: limits.max_decoded_bytes,
        });
    }
    Ok(total)
}

/// A readable key path of the open collections, for error messages. `items_len` is the
/// length of the shared array-item stack (an array's index is its item count so far).
fn path_of(stack: &[Frame], items_len: usize) -> String {
    let mut path = String::new();
    for (i, frame) in stack.iter().enumerate() {
        match frame {
            Frame::Array { start } => {
                // Items of this array end where the next open array's items start.
                let end = stack
                    .iter()
                    .skip(i + 1)
                    .find_map(|f| match f {
                        Frame::Array { start } => Some(*start),
                        Frame::Dict { .. } => None,
                    })
                    .unwrap_or(items_len);
                path.push_str(&format!("[{}]", end - start));
            }
            Frame::Dict { key: Some(key), .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Dict { key: None, .. } => {}
        }
    }
    if path.is_empty() {
        "<top>".into()
    } else {
        path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The events plist's own `XmlReader` produces, in the same shape as [`XmlEvents`].
    fn plist_xml_events(bytes: &[u8]) -> String {
        let events: Vec<_> = plist::stream::XmlReader::new(Cursor::new(bytes))
            .map(|e| e.map(PlistEvent::from_owned).map_err(|e| e.to_string()))
            .collect();
        format!("{events:?}")
    }

    fn our_xml_events(bytes: &[u8]) -> String {
        let events: Vec<_> = XmlEvents::new(bytes).collect();
        format!("{events:?}")
    }

    const RICH_XML: &str = "\u{feff}<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n\
        <!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n\
        <plist version=\"1.0\"><!-- c --><?pi x?>\n<dict>\n\
        <key>s&amp;&lt;&gt;&quot;&apos;&#65;&#x42;&nope;</key><string>a<![CDATA[<b>]]>c \u{e9}\r\n</string>\n\
        <key>e</key><string/><key>e2</key><string></string>\n\
        <key>d</key><data>\n  AAEC\n  /w==\n</data><key>d0</key><data/>\n\
        <key>t</key><date>2024-02-29T12:34:56Z</date>\n\
        <key>i</key><array><integer>-9223372036854775808</integer><integer>18446744073709551615</integer>\
        <integer>0x0xff</integer><integer>+7</integer></array>\n\
        <key>r</key><array><real>1.5</real><real>-0</real><real>1e3</real><real>nan</real><real>inf</real></array>\n\
        <key>b</key><array><true/><false/><true></true></array>\n\
        &#32;&#x9;<key>n</key><x:dict xmlns:x=\"urn:x\"><key>k</key><x:string>v</x:string></x:dict>\n\
        </dict></plist>\n";

    #[test]
    fn xml_events_match_plist_xml_reader() {
        let seed = RICH_XML.as_bytes();
        assert!(read_value(seed, &ReadOptions::default()).is_ok());
        let mut cases: Vec<Vec<u8>> = vec![
            seed.to_vec(),
            b"<plist><integer> 1</integer></plist>".to_vec(),
            b"<plist><real>x</real></plist>".to_vec(),
            b"<plist><date>2024-13-01T00:00:00Z</date></plist>".to_vec(),
            b"<plist><data>A=B=</data></plist>".to_vec(),
            b"<plist><foo/></plist>".to_vec(),
            b"<plist><true>x</true></plist>".to_vec(),
            b"<plist><string>a<b/></string></plist>".to_vec(),
            b"<plist><string>a&#0;</string></plist>".to_vec(),
            b"<plist><string>a</key></plist>".to_vec(),
            b"<plist>&amp;<true/></plist>".to_vec(),
            b"<plist><true/></plist>trailing".to_vec(),
            b"<plist><string>\xff</string></plist>".to_vec(),
        ];
        for at in 0..seed.len() {
            cases.push(seed[..at].to_vec());
            let mut deleted = seed.to_vec();
            deleted.remove(at);
            cases.push(deleted);
            for b in b"<>&/;x\xff" {
                let mut changed = seed.to_vec();
                changed[at] = *b;
                cases.push(changed);
            }
        }
        let mut failures = 0;
        for case in &cases {
            let ours = our_xml_events(case);
            failures += usize::from(ours.contains("Err("));
            assert_eq!(
                our_xml_events(case),
                plist_xml_events(case),
                "{}",
                String::from_utf8_lossy(case)
            );
        }
        // Both outcomes are well represented, so the comparison covers the error paths too.
        assert!(failures > 100 && cases.len() - failures > 100, "{failures}");
    }

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
        assert_eq!(err.code(), "PROFILE_TOO_DEEP");
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
        assert_eq!(err.code(), "PROFILE_UNKNOWN_FORMAT");
        let err = read_value(b"", &ReadOptions::default()).unwrap_err();
        assert_eq!(err.code(), "PROFILE_UNKNOWN_FORMAT");
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
            assert_eq!(
                err.code(),
                "PROFILE_MALFORMED",
                "{}",
                String::from_utf8_lossy(bad)
            );
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
        assert_eq!(err.code(), "PROFILE_TOO_BIG");
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
