//! The CLI's error type and exit-code convention.
//!
//! 0 success; 1 invalid input or a failed check; 2 bad usage (clap also exits 2 on usage errors).
//! Every error names its registry code: `enrollkit: error[PRF006]: FILE: reason`.

use std::fmt;
use std::path::Path;
use std::process::ExitCode;

use enrollkit::diagnostic::codes;
use enrollkit::{Code, Coded};

/// Which exit code an error maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Invalid input or a failed check: exit 1.
    Input,
    /// Bad usage (missing option, conflicting options): exit 2.
    Usage,
    /// Standard output was closed by its reader (`| head`): stop quietly, exit 0.
    PipeClosed,
}

/// An error printed as one line on stderr.
#[derive(Debug)]
pub struct CliError {
    /// Exit-code class.
    pub failure: Failure,
    /// The registry code.
    pub code: Code,
    /// The full one-line message, already naming the file when there is one.
    pub message: String,
}

impl CliError {
    /// A coded error about `path`: `PATH: reason`.
    pub fn input(path: &Path, error: &(impl Coded + fmt::Display)) -> Self {
        CliError::coded(error.code(), Some(path), error)
    }

    /// A coded error not tied to a file.
    pub fn of(error: &(impl Coded + fmt::Display)) -> Self {
        CliError::coded(error.code(), None, error)
    }

    /// An input error with an explicit code.
    pub fn coded(code: Code, path: Option<&Path>, reason: impl fmt::Display) -> Self {
        let reason = one_line(&reason.to_string());
        CliError {
            failure: Failure::Input,
            code,
            message: match path {
                Some(path) => format!("{}: {reason}", path.display()),
                None => reason,
            },
        }
    }

    /// Bad usage (exit 2).
    pub fn usage(reason: impl fmt::Display) -> Self {
        CliError {
            failure: Failure::Usage,
            code: codes::argument::INVALID_ARGUMENT,
            message: one_line(&reason.to_string()),
        }
    }

    /// Bad usage caused by a coded error (an unknown platform word, a bad version).
    pub fn usage_of(error: &(impl Coded + fmt::Display)) -> Self {
        CliError {
            failure: Failure::Usage,
            code: error.code(),
            message: one_line(&error.to_string()),
        }
    }

    /// The process exit code for this error.
    pub fn exit_code(&self) -> ExitCode {
        match self.failure {
            Failure::Input => ExitCode::from(1),
            Failure::Usage => ExitCode::from(2),
            Failure::PipeClosed => ExitCode::SUCCESS,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error[{}]: {}", self.code, self.message)
    }
}

/// Errors must stay on one line so scripts can grep them.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Result type of every command.
pub type CliResult = Result<ExitCode, CliError>;
