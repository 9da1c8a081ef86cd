//! The CLI's error type and exit-code convention.
//!
//! 0 success; 1 invalid input or a failed check; 2 bad usage (clap also exits 2 on usage errors).

use std::fmt;
use std::path::Path;
use std::process::ExitCode;

/// Which exit code an error maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Invalid input or a failed check: exit 1.
    Input,
    /// Bad usage (missing option, conflicting options): exit 2.
    Usage,
}

/// An error printed as one line on stderr.
#[derive(Debug)]
pub struct CliError {
    /// Exit-code class.
    pub failure: Failure,
    /// The full one-line message, already naming the file when there is one.
    pub message: String,
}

impl CliError {
    /// Invalid input about `path`: `PATH: reason`.
    pub fn input(path: &Path, reason: impl fmt::Display) -> Self {
        CliError {
            failure: Failure::Input,
            message: format!("{}: {}", path.display(), one_line(&reason.to_string())),
        }
    }

    /// Invalid input not tied to a file.
    pub fn input_msg(reason: impl fmt::Display) -> Self {
        CliError {
            failure: Failure::Input,
            message: one_line(&reason.to_string()),
        }
    }

    /// Bad usage.
    pub fn usage(reason: impl fmt::Display) -> Self {
        CliError {
            failure: Failure::Usage,
            message: one_line(&reason.to_string()),
        }
    }

    /// The process exit code for this error.
    pub fn exit_code(&self) -> ExitCode {
        match self.failure {
            Failure::Input => ExitCode::from(1),
            Failure::Usage => ExitCode::from(2),
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Errors must stay on one line so scripts can grep them.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Result type of every command.
pub type CliResult = Result<ExitCode, CliError>;
