//! Windows PIN policy for self-service provisioning.
//!
//! Length limits are configurable within Windows' 4–127 range; the default minimum is 6 digits
//! (the reference product's rule; Windows itself defaults to 4). Numeric PINs whose digit-to-digit
//! step is constant modulo 10 are always simple patterns and are rejected: `123456` (step 1),
//! `975319` (step 8), `000000` (step 0, repeats), `9630` (step 7).

use serde::{Deserialize, Serialize};

use enrollkit_diagnostic::Code;

use crate::codes;
use crate::error::FlowError;
use crate::secret::Secret;

/// Windows' own bounds for PIN lengths.
pub const WINDOWS_PIN_LENGTH_RANGE: std::ops::RangeInclusive<u8> = 4..=127;

/// PIN rules set by the Windows login-window policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PinPolicy {
    /// Shortest allowed PIN (default 6).
    pub min_length: u8,
    /// Longest allowed PIN (default 127).
    pub max_length: u8,
    /// Only digits allowed (default true).
    pub digits_only: bool,
}

impl Default for PinPolicy {
    fn default() -> Self {
        PinPolicy {
            min_length: 6,
            max_length: 127,
            digits_only: true,
        }
    }
}

/// Why a PIN was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinProblem {
    /// Shorter than the minimum.
    TooShort {
        /// The policy minimum.
        min: u8,
    },
    /// Longer than the maximum.
    TooLong {
        /// The policy maximum.
        max: u8,
    },
    /// Contains a non-digit while the policy is digits only.
    NotDigits,
    /// Every digit is `step` (mod 10) after the previous one.
    ConstantStep {
        /// The step, 0 for repeats.
        step: u8,
    },
}

impl PinProblem {
    /// The code table entry.
    pub fn code(self) -> Code {
        match self {
            PinProblem::TooShort { .. } | PinProblem::TooLong { .. } => codes::PIN_LENGTH,
            PinProblem::NotDigits => codes::PIN_CHARACTERS,
            PinProblem::ConstantStep { .. } => codes::PIN_PATTERN,
        }
    }

    /// A sentence for the user (never contains the PIN).
    pub fn message(self) -> String {
        match self {
            PinProblem::TooShort { min } => format!("the PIN must have at least {min} digits"),
            PinProblem::TooLong { max } => format!("the PIN must have at most {max} digits"),
            PinProblem::NotDigits => "the PIN must contain digits only".to_owned(),
            PinProblem::ConstantStep { step: 0 } => {
                "the PIN repeats one digit; choose a less predictable PIN".to_owned()
            }
            PinProblem::ConstantStep { step } => format!(
                "every digit of the PIN is {step} (mod 10) after the previous one; choose a less predictable PIN"
            ),
        }
    }
}

/// The constant step (mod 10) between consecutive digits, when the PIN is at least two ASCII
/// digits and the step never changes.
pub fn constant_step(pin: &str) -> Option<u8> {
    let digits: Vec<u8> = pin
        .chars()
        .map(|c| c.to_digit(10).and_then(|d| u8::try_from(d).ok()))
        .collect::<Option<_>>()?;
    let steps: Vec<u8> = digits
        .windows(2)
        .map(|w| match w {
            [a, b] => (b + 10 - a) % 10,
            _ => 0,
        })
        .collect();
    let first = *steps.first()?;
    steps.iter().all(|s| *s == first).then_some(first)
}

impl PinPolicy {
    /// Checks the policy itself: `4 <= min_length <= max_length <= 127`.
    pub fn validate(&self) -> Result<(), FlowError> {
        if !WINDOWS_PIN_LENGTH_RANGE.contains(&self.min_length)
            || !WINDOWS_PIN_LENGTH_RANGE.contains(&self.max_length)
            || self.min_length > self.max_length
        {
            return Err(FlowError::Configuration(format!(
                "PIN lengths must satisfy 4 <= min_length ({}) <= max_length ({}) <= 127",
                self.min_length, self.max_length
            )));
        }
        Ok(())
    }

    /// Checks a PIN against the policy; the first problem found is returned.
    pub fn check(&self, pin: &Secret) -> Result<(), PinProblem> {
        let pin = pin.expose();
        let len = pin.chars().count();
        if len < usize::from(self.min_length) {
            return Err(PinProblem::TooShort {
                min: self.min_length,
            });
        }
        if len > usize::from(self.max_length) {
            return Err(PinProblem::TooLong {
                max: self.max_length,
            });
        }
        if self.digits_only && !pin.chars().all(|c| c.is_ascii_digit()) {
            return Err(PinProblem::NotDigits);
        }
        match constant_step(pin) {
            Some(step) => Err(PinProblem::ConstantStep { step }),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use enrollkit_diagnostic::Coded;

    fn check(pin: &str) -> Result<(), PinProblem> {
        PinPolicy::default().check(&Secret::new(pin))
    }

    #[test]
    fn reference_examples() {
        assert_eq!(check("123456"), Err(PinProblem::ConstantStep { step: 1 }));
        assert_eq!(check("975319"), Err(PinProblem::ConstantStep { step: 8 }));
        assert_eq!(check("000000"), Err(PinProblem::ConstantStep { step: 0 }));
        assert_eq!(check("159371"), Err(PinProblem::ConstantStep { step: 4 }));
        assert_eq!(
            check("901234"),
            Err(PinProblem::ConstantStep { step: 1 }),
            "wraps at ten"
        );
        assert_eq!(check("111311"), Ok(()), "partial patterns are allowed");
        assert_eq!(check("998755"), Ok(()));
        assert_eq!(check("12345"), Err(PinProblem::TooShort { min: 6 }));
        assert_eq!(check("12a456"), Err(PinProblem::NotDigits));
    }

    #[test]
    fn configurable_lengths() {
        let p = PinPolicy {
            min_length: 4,
            max_length: 8,
            digits_only: true,
        };
        p.validate().unwrap();
        assert_eq!(p.check(&Secret::new("2580")), Ok(()));
        assert_eq!(
            p.check(&Secret::new("9630")),
            Err(PinProblem::ConstantStep { step: 7 })
        );
        assert_eq!(
            p.check(&Secret::new("258013579")),
            Err(PinProblem::TooLong { max: 8 })
        );
        let bad = PinPolicy { min_length: 3, ..p };
        assert_eq!(bad.validate().unwrap_err().code(), "FLOW003");
        let bad = PinPolicy { min_length: 9, ..p };
        assert!(bad.validate().is_err());
    }

    #[test]
    fn problems_map_to_codes() {
        assert_eq!(PinProblem::TooShort { min: 6 }.code().as_str(), "FLOW207");
        assert_eq!(PinProblem::NotDigits.code().as_str(), "FLOW208");
        assert_eq!(
            PinProblem::ConstantStep { step: 1 }.code().as_str(),
            "FLOW209"
        );
    }
}
