//! The sans-IO engine of an Apple enrollment server.
//!
//! Bytes of a request in, bytes of a response and the effects to carry out back, the
//! enrollment's state as serde data between requests — the way rustls is the engine of a TLS
//! connection. The server around it (HTTP, the identity provider's token endpoint, storage)
//! stays thin: see `examples/` and docs/flows.md.

pub mod build;
pub mod checkin;
pub mod engine;
pub mod entropy;
pub mod error;
pub mod oidc;
pub mod signature;
pub mod simulator;

mod http_util;
mod serde_b64;

/// The secret types the engine shares with the flows.
pub mod secret {
    pub use enrollkit_flow::secret::{Secret, SecretDigest};
}

pub use error::{AppleError, ProtocolError};
