//! The server's time: the system clock, plus an offset a test may move forward.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use enrollkit::flow::clock::Timestamp;

/// The system clock with a test offset (seconds).
#[derive(Debug, Default)]
pub struct Clock {
    offset: AtomicI64,
}

impl Clock {
    /// Now, offset included.
    pub fn now(&self) -> Timestamp {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let t = i64::try_from(secs)
            .unwrap_or(i64::MAX)
            .saturating_add(self.offset.load(Ordering::Relaxed));
        // Clamped into the range Timestamp accepts, so the conversion cannot fail.
        #[allow(clippy::expect_used, reason = "the value is clamped into range")]
        Timestamp::from_unix(t.clamp(0, 253_402_300_799)).expect("in range")
    }

    /// Moves the clock forward (a test's clock; refused unless the server allows it).
    pub fn advance(&self, seconds: i64) {
        self.offset.fetch_add(seconds.max(0), Ordering::Relaxed);
    }
}
