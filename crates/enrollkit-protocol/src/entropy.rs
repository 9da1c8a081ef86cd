//! Randomness as an input: the engine never reaches for a global random source, so a test or
//! a demo can ask for deterministic output, and a server passes the operating system's.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::secret::Secret;

/// Where the engine gets its random bytes: tokens, challenges, sign-in state, PayloadUUIDs.
pub trait Entropy {
    /// Fills `out` with random bytes.
    fn fill(&mut self, out: &mut [u8]);

    /// A fresh 256-bit token as base64url without padding (43 characters).
    fn token(&mut self) -> Secret {
        let mut bytes = [0u8; 32];
        self.fill(&mut bytes);
        Secret::new(B64URL.encode(bytes))
    }

    /// A fresh random (version 4) UUID.
    fn uuid(&mut self) -> Uuid {
        let mut bytes = [0u8; 16];
        self.fill(&mut bytes);
        uuid::Builder::from_random_bytes(bytes).into_uuid()
    }
}

/// The operating system's random source (through aws-lc-rs).
#[derive(Debug, Default, Clone, Copy)]
pub struct OsEntropy;

impl Entropy for OsEntropy {
    fn fill(&mut self, out: &mut [u8]) {
        // aws-lc-rs fills from the OS generator and only fails if the OS cannot provide
        // randomness at all; then nothing the engine makes may be trusted, so stop here.
        #[allow(
            clippy::expect_used,
            reason = "no safe answer exists without randomness"
        )]
        aws_lc_rs::rand::fill(out).expect("the operating system's random source failed");
    }
}

/// Deterministic bytes from a seed (SHA-256 in counter mode), for tests, demos and
/// reproducible output. Never use it for a real enrollment.
///
/// ```
/// use enrollkit_protocol::entropy::{Entropy, SeededEntropy};
/// let a = SeededEntropy::new("demo").token();
/// let b = SeededEntropy::new("demo").token();
/// assert_eq!(a.expose(), b.expose());
/// assert_eq!(a.expose().len(), 43);
/// ```
#[derive(Debug, Clone)]
pub struct SeededEntropy {
    seed: [u8; 32],
    counter: u64,
}

impl SeededEntropy {
    /// A generator for this seed.
    pub fn new(seed: &str) -> Self {
        SeededEntropy {
            seed: Sha256::digest(seed.as_bytes()).into(),
            counter: 0,
        }
    }
}

impl Entropy for SeededEntropy {
    fn fill(&mut self, out: &mut [u8]) {
        for chunk in out.chunks_mut(32) {
            let mut h = Sha256::new();
            h.update(self.seed);
            h.update(self.counter.to_be_bytes());
            self.counter += 1;
            let block = h.finalize();
            chunk.copy_from_slice(&block[..chunk.len()]);
        }
    }
}
