//! Limits on what the reader accepts, so hostile input fails fast and in bounded memory.

/// Resource limits for reading. The defaults suit real profiles with a wide margin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted input, in bytes (default 16 MiB).
    pub max_input_bytes: usize,
    /// Deepest accepted nesting of arrays and dictionaries (default 100).
    pub max_depth: usize,
    /// Most values in one property list (default 1,000,000). Binary plists can share objects,
    /// so a small file can otherwise expand enormously.
    pub max_values: usize,
    /// Most decoded string and data bytes in one property list (default 64 MiB).
    pub max_decoded_bytes: usize,
    /// Most bytes the value may take once built and written out, counting every reference to a
    /// shared binary object again (default 64 MiB): each value weighs its string or data bytes,
    /// a fixed in-memory cost, and its nesting depth (the indentation of its output line).
    pub max_expanded_bytes: usize,
    /// Most payloads in `PayloadContent` (default 4,096).
    pub max_payloads: usize,
}

impl Limits {
    /// The default [`max_input_bytes`](Limits::max_input_bytes): 16 MiB.
    pub const DEFAULT_MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_bytes: Self::DEFAULT_MAX_INPUT_BYTES,
            max_depth: 100,
            max_values: 1_000_000,
            max_decoded_bytes: 64 * 1024 * 1024,
            max_expanded_bytes: 64 * 1024 * 1024,
            max_payloads: 4096,
        }
    }
}

/// Options for [`read_profile`](crate::read_profile) and [`read_value`](crate::read_value).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// Resource limits.
    pub limits: Limits,
}

impl ReadOptions {
    /// Options with the given limits.
    pub fn with_limits(limits: Limits) -> Self {
        ReadOptions { limits }
    }
}
