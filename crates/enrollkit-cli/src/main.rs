//! `enrollkit`: inspect, convert, sign, verify, lint and simulate Apple enrollment profiles
//! and Windows provisioning answer files.
//!
//! Every command translates its arguments into a use case of the `enrollkit` facade and its
//! result into text or JSON; the composing happens there, once, for the CLI and the bindings.
//! Exit codes: 0 success, 1 invalid input or a failed check, 2 bad usage.

mod commands;
mod error;
mod io;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::commands::*;

#[derive(Parser)]
#[command(
    name = "enrollkit",
    version,
    about = "Zero-touch and self-service device enrollment toolkit"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Show whether a profile is signed, its top-level keys, its payloads and MDM settings.
    Inspect(inspect::Args),
    /// Convert a profile to XML, binary plist or JSON.
    Convert(convert::Args),
    /// Generate, sign, verify and lint an enrollment profile, and simulate an enrollment.
    Demo(demo::Args),
    /// Run enrollment-flow scenarios (web enrollment with JIT, login-window provisioning).
    Flow(flow::Args),
    /// Build a Windows provisioning answer file, manifest and icd.exe script, or check one.
    WindowsPackage(windows_package::Args),
    /// Sign a profile as CMS SignedData (DER), from PEM/DER key + certificates or PKCS#12.
    Sign(cms::SignArgs),
    /// Verify a signed profile: prints Verified / NotVerified / Invalid / Unsigned (exit 0 only for Verified).
    Verify(cms::VerifyArgs),
    /// Write the content of a signed profile without verifying it.
    Unsign(cms::UnsignArgs),
    /// Encrypt a profile's PayloadContent to a recipient certificate (EncryptedPayloadContent).
    Encrypt(cms::EncryptArgs),
    /// Decrypt a profile's EncryptedPayloadContent with the recipient key.
    Decrypt(cms::DecryptArgs),
    /// Lint profiles against Apple's schema for a target device (exit 1 on any error finding).
    Lint(lint::LintArgs),
    /// Predict what a device does with NEW given its installed profiles, lint included (exit 1 if rejected).
    CheckInstall(lint::CheckInstallArgs),
    /// Read a check-in message, or check its Mdm-Signature.
    Checkin(checkin::Args),
    /// List every code enrollkit emits, with area, severity, meaning and remediation.
    Codes(codes::CodesArgs),
    /// Explain one code (exit 1 for an unknown code).
    Explain(codes::ExplainArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Inspect(args) => inspect::run(args),
        Command::Convert(args) => convert::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Flow(args) => flow::run(args),
        Command::WindowsPackage(args) => windows_package::run(args),
        Command::Sign(args) => cms::run_sign(args),
        Command::Verify(args) => cms::run_verify(args),
        Command::Unsign(args) => cms::run_unsign(args),
        Command::Encrypt(args) => cms::run_encrypt(args),
        Command::Decrypt(args) => cms::run_decrypt(args),
        Command::Lint(args) => lint::run_lint(args),
        Command::CheckInstall(args) => lint::run_check_install(args),
        Command::Checkin(args) => checkin::run(args),
        Command::Codes(args) => codes::run_codes(args),
        Command::Explain(args) => codes::run_explain(args),
    };
    match result {
        Ok(code) => code,
        Err(err) if err.failure == error::Failure::PipeClosed => err.exit_code(),
        Err(err) => {
            io::note(format_args!("enrollkit: {err}"));
            err.exit_code()
        }
    }
}
