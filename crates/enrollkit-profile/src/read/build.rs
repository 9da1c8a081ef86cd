//! Values from an event stream, with an explicit stack so depth is bounded by the limits and
//! never by the call stack.

use std::borrow::Cow;

use plist::{Date, Dictionary, Integer, Uid, Value};

use crate::{Limits, ProfileError};

/// One property-list event; XML text is borrowed from the input until it becomes a value.
#[derive(Debug, PartialEq)]
pub(super) enum PlistEvent<'a> {
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

/// What one value costs in memory beyond its string or data bytes: the value itself plus an
/// allocation (`plist::Value` is 32 bytes on 64-bit targets).
const VALUE_WEIGHT: usize = std::mem::size_of::<Value>() + 16;

impl PlistEvent<'_> {
    /// The string or data bytes the event carries.
    fn payload_len(&self) -> usize {
        match self {
            PlistEvent::String(s) => s.len(),
            PlistEvent::Data(d) => d.len(),
            _ => 0,
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
pub(super) fn build<'a>(
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
    // Every value as it will exist in memory and in XML or JSON output — its bytes, a fixed
    // cost, and its depth (each output line is indented by it) — with each reference to a
    // shared binary object counted again: the budget that keeps a small file from expanding
    // into gigabytes.
    let mut expanded = 0usize;
    for event in events {
        let event = event.map_err(|reason| ProfileError::Malformed { format, reason })?;
        values += 1;
        expanded = expanded.saturating_add(VALUE_WEIGHT + event.payload_len() + stack.len());
        if expanded > limits.max_expanded_bytes {
            return Err(ProfileError::TooBig {
                what: "bytes once shared objects are expanded",
                limit: limits.max_expanded_bytes,
            });
        }
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
