//! Time as an input: [`Timestamp`] and the monotonic-clock guard every flow applies.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::error::FlowError;

/// A point in time, in whole seconds since the Unix epoch (UTC).
///
/// Flows never read a clock: the host passes the time of every event. In JSON a timestamp is an
/// RFC 3339 string (`"2024-05-02T09:00:00Z"`); integers (Unix seconds) are accepted on input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

/// Earliest and latest accepted instants (years 1970 through 9999), so formatting never fails.
const MIN_SECONDS: i64 = 0;
const MAX_SECONDS: i64 = 253_402_300_799;

impl Timestamp {
    /// A timestamp from Unix seconds; `None` outside 1970-01-01 ..= 9999-12-31.
    pub fn from_unix(seconds: i64) -> Option<Self> {
        (MIN_SECONDS..=MAX_SECONDS)
            .contains(&seconds)
            .then_some(Timestamp(seconds))
    }

    /// Unix seconds.
    pub fn unix(self) -> i64 {
        self.0
    }

    /// Parses an RFC 3339 date-time such as `2024-05-02T09:00:00Z` (fractions are truncated).
    pub fn parse_rfc3339(text: &str) -> Result<Self, FlowError> {
        let parsed = OffsetDateTime::parse(text, &Rfc3339).map_err(|e| FlowError::Timestamp {
            text: text.to_owned(),
            reason: e.to_string(),
        })?;
        Timestamp::from_unix(parsed.unix_timestamp()).ok_or_else(|| FlowError::Timestamp {
            text: text.to_owned(),
            reason: "outside 1970..=9999".to_owned(),
        })
    }

    /// This instant plus `seconds` (saturating at the supported range).
    pub fn plus_seconds(self, seconds: i64) -> Self {
        Timestamp(
            self.0
                .saturating_add(seconds)
                .clamp(MIN_SECONDS, MAX_SECONDS),
        )
    }

    /// Seconds from `earlier` to `self` (negative when `earlier` is later).
    pub fn seconds_since(self, earlier: Timestamp) -> i64 {
        self.0 - earlier.0
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let formatted = OffsetDateTime::from_unix_timestamp(self.0)
            .ok()
            .and_then(|t| t.format(&Rfc3339).ok());
        match formatted {
            Some(text) => f.write_str(&text),
            None => write!(f, "@{}", self.0),
        }
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Repr {
            Seconds(i64),
            Text(String),
        }
        match Repr::deserialize(deserializer)? {
            Repr::Seconds(s) => Timestamp::from_unix(s)
                .ok_or_else(|| serde::de::Error::custom("timestamp outside 1970..=9999")),
            Repr::Text(t) => Timestamp::parse_rfc3339(&t).map_err(serde::de::Error::custom),
        }
    }
}

/// The last event time a flow has accepted. Every event is checked against it: an event earlier
/// than the recorded time is rejected with `FLOW001`, never silently accepted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Clock {
    last: Option<Timestamp>,
}

impl Clock {
    /// The time of the last accepted event, if any.
    pub fn last(&self) -> Option<Timestamp> {
        self.last
    }

    /// Accepts `at` when it is not earlier than the last accepted time and records it.
    pub fn advance(&mut self, at: Timestamp) -> Result<(), FlowError> {
        match self.last {
            Some(last) if at < last => Err(FlowError::ClockWentBackwards { at, last }),
            _ => {
                self.last = Some(at);
                Ok(())
            }
        }
    }

    /// Checks `now` against the last accepted time without recording it (for queries).
    pub fn check(&self, now: Timestamp) -> Result<(), FlowError> {
        match self.last {
            Some(last) if now < last => Err(FlowError::ClockWentBackwards { at: now, last }),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use enrollkit_diagnostic::Coded;

    #[test]
    fn rfc3339_round_trip_and_integer_input() {
        let t = Timestamp::parse_rfc3339("2024-05-02T09:00:00Z").unwrap();
        assert_eq!(t.unix(), 1_714_640_400);
        assert_eq!(t.to_string(), "2024-05-02T09:00:00Z");
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, "\"2024-05-02T09:00:00Z\"");
        let back: Timestamp = serde_json::from_str("1714640400").unwrap();
        assert_eq!(back, t);
        assert!(serde_json::from_str::<Timestamp>("\"yesterday\"").is_err());
        assert!(serde_json::from_str::<Timestamp>("-5").is_err());
    }

    #[test]
    fn clock_rejects_earlier_events() {
        let mut clock = Clock::default();
        let t0 = Timestamp::from_unix(100).unwrap();
        clock.advance(t0).unwrap();
        clock.advance(t0).unwrap();
        let err = clock
            .advance(Timestamp::from_unix(99).unwrap())
            .unwrap_err();
        assert_eq!(err.code(), "FLOW001");
        assert_eq!(clock.last(), Some(t0));
    }
}
