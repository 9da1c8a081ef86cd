//! `enrollkit lint FILE...` and `enrollkit check-install NEW --installed FILE...`.
//!
//! `lint` exits 1 when any file has an error-level finding (or cannot be read);
//! `check-install` exits 1 when the device would reject NEW, lint findings included.

use std::path::PathBuf;
use std::process::ExitCode;

use enrollkit::check::InstallCheck;
use enrollkit::lint::install::InstallOutcome;
use enrollkit::lint::{Enrollment, InstallMethod, LintContext};
use enrollkit::{Diagnostic, OsVersion, Platform};
use serde::Serialize;

use crate::error::{CliError, CliResult};
use crate::io::{Output, read_file};

/// Target-device options shared by both commands.
#[derive(clap::Args, Clone)]
pub struct ContextArgs {
    /// Target platform.
    #[arg(long, default_value = "macos", value_parser = ["ios", "ipados", "macos", "tvos", "visionos", "watchos"])]
    platform: String,
    /// Target OS version (for example 17.4); default: the newest release.
    #[arg(long, value_name = "V")]
    os_version: Option<String>,
    /// Enrollment type.
    #[arg(long, default_value = "device", value_parser = ["device", "user", "ade"])]
    enrollment: String,
    /// The device is supervised.
    #[arg(long)]
    supervised: bool,
    /// The profile is installed by the user (Safari, Settings, Configurator), not by MDM.
    #[arg(long)]
    manual_install: bool,
}

impl ContextArgs {
    fn context(&self) -> Result<LintContext, CliError> {
        let platform: Platform = self.platform.parse().map_err(|e| CliError::usage_of(&e))?;
        let enrollment: Enrollment = self
            .enrollment
            .parse()
            .map_err(|e| CliError::usage_of(&e))?;
        let os_version = match &self.os_version {
            Some(v) => Some(v.parse::<OsVersion>().map_err(|e| CliError::usage_of(&e))?),
            None => None,
        };
        Ok(LintContext {
            platform,
            os_version,
            enrollment,
            supervised: self.supervised,
            install: if self.manual_install {
                InstallMethod::Manual
            } else {
                InstallMethod::Mdm
            },
        })
    }
}

/// Arguments of `enrollkit lint`.
#[derive(clap::Args)]
pub struct LintArgs {
    /// Profiles to lint (XML, binary or CMS-signed).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    #[command(flatten)]
    context: ContextArgs,
    /// Print JSON instead of one line per finding.
    #[arg(long)]
    json: bool,
}

/// Findings of one file, also the JSON shape of `lint --json` (an array of these).
#[derive(Serialize)]
pub struct FileFindings {
    /// The file.
    pub file: String,
    /// Its findings, in order.
    pub findings: Vec<Diagnostic>,
}

/// Runs `enrollkit lint`. Results are written file by file as they are found (in JSON too,
/// as the elements of one array), so memory does not grow with the number of files.
pub fn run_lint(args: LintArgs) -> CliResult {
    let ctx = args.context.context()?;
    let mut failed = false;
    let mut out = Output::stdout();
    if args.json {
        write!(out, "[")?;
    }
    for (index, path) in args.files.iter().enumerate() {
        let bytes = read_file(path)?;
        let findings =
            enrollkit::check::lint(&bytes, &ctx).map_err(|e| CliError::input(path, &e))?;
        failed |= findings.iter().any(Diagnostic::is_error);
        let file = path.display().to_string();
        if args.json {
            write!(out, "{}", if index == 0 { "\n" } else { ",\n" })?;
            out.json_inline(&FileFindings { file, findings })?;
        } else {
            for d in &findings {
                writeln!(out, "{file}: {}", human_line(d))?;
            }
        }
    }
    if args.json {
        writeln!(out, "\n]")?;
    }
    out.finish()?;
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `SEVERITY CODE PATH: message (remediation)` with the severity in upper case.
fn human_line(d: &Diagnostic) -> String {
    let severity = d.severity.as_str().to_ascii_uppercase();
    let mut line = format!("{severity} {} {}: {}", d.code, d.location, d.message);
    if !d.remediation.is_empty() {
        line.push_str(&format!(" ({})", d.remediation));
    }
    line
}

/// Arguments of `enrollkit check-install`.
#[derive(clap::Args)]
pub struct CheckInstallArgs {
    /// The profile to install (XML, binary or CMS-signed).
    new: PathBuf,
    /// Installed profiles: full profiles, a ProfileList command answer, or an array of
    /// ProfileList entries.
    #[arg(long, num_args = 1.., value_name = "FILE")]
    installed: Vec<PathBuf>,
    #[command(flatten)]
    context: ContextArgs,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// Runs `enrollkit check-install`.
pub fn run_check_install(args: CheckInstallArgs) -> CliResult {
    let ctx = args.context.context()?;
    let mut installed = enrollkit::check::Installed::new();
    for path in &args.installed {
        let bytes = read_file(path)?;
        installed
            .add(&bytes)
            .map_err(|e| CliError::input(path, &e))?;
    }
    let new = read_file(&args.new)?;
    let report = enrollkit::check::check_install(&new, installed.into_profiles(), &ctx)
        .map_err(|e| CliError::input(&args.new, &e))?;
    let mut out = Output::stdout();
    if args.json {
        out.json(&report)?;
    } else {
        print_report(&mut out, &args.new.display().to_string(), &report)?;
    }
    out.finish()?;
    Ok(if report.rejected() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_report(out: &mut Output, file: &str, report: &InstallCheck) -> Result<(), CliError> {
    let verdict = match &report.outcome {
        InstallOutcome::Install => "installs as a new profile".to_owned(),
        InstallOutcome::Replace { identifier } => {
            format!("replaces the installed profile {identifier}")
        }
        InstallOutcome::Rejected => "REJECTED by the device".to_owned(),
    };
    writeln!(out, "{file}: {verdict}")?;
    for p in &report.plan {
        let change = serde_json::to_value(p.change)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        writeln!(out, "  {change:<16} {} {}", p.payload_type, p.identifier)?;
    }
    for d in report.lint.iter().chain(&report.diagnostics) {
        writeln!(out, "{file}: {}", human_line(d))?;
    }
    Ok(())
}
