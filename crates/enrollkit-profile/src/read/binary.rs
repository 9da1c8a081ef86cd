//! Binary property lists (`bplist00`) through plist's event reader.

use std::io::Cursor;

use plist::stream::{BinaryReader, Event, OwnedEvent};

use super::build::PlistEvent;

impl PlistEvent<'static> {
    pub(super) fn from_owned(event: OwnedEvent) -> Self {
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

/// The events of a binary property list.
pub(super) fn events(
    bytes: &[u8],
) -> impl Iterator<Item = Result<PlistEvent<'static>, String>> + '_ {
    BinaryReader::new(Cursor::new(bytes))
        .map(|event| event.map(PlistEvent::from_owned).map_err(|e| e.to_string()))
}
