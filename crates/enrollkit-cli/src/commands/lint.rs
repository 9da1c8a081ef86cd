//! `enrollkit lint FILE...` and `enrollkit check-install NEW --installed FILE...`.
//!
//! `lint` exits 1 when any file has an error-level finding (or cannot be read);
//! `check-install` exits 1 when the device would reject NEW.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::SystemTime;

use enrollkit_diagnostic::Diagnostic;
use enrollkit_lint::install::{InstallReport, InstalledSet, ProfileSummary, summaries_from_value};
use enrollkit_lint::{Enrollment, InstallMethod, LintContext, Platform, Version, lint_value};
use enrollkit_profile::{LoadedValue, ReadOptions, read_value};
use serde::Serialize;

use crate::error::{CliError, CliResult};
use crate::io::{print_json, read_file};

/// Target-device options shared by both commands.
#[derive(clap::Args, Clone)]
pub struct ContextArgs {
    /// Target platform.
    #[arg(long, default_value = "macos", value_parser = ["ios", "macos", "tvos", "visionos", "watchos"])]
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
        let platform: Platform = self.platform.parse().map_err(CliError::usage)?;
        let enrollment: Enrollment = self.enrollment.parse().map_err(CliError::usage)?;
        let os_version = match &self.os_version {
            Some(v) => Some(v.parse::<Version>().map_err(CliError::usage)?),
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

fn load(path: &Path) -> Result<LoadedValue, CliError> {
    let bytes = read_file(path)?;
    read_value(&bytes, &ReadOptions::default()).map_err(|e| CliError::input(path, e))
}

/// Runs `enrollkit lint`.
pub fn run_lint(args: LintArgs) -> CliResult {
    let ctx = args.context.context()?;
    let mut results = Vec::with_capacity(args.files.len());
    let mut failed = false;
    for path in &args.files {
        let loaded = load(path)?;
        let findings = lint_value(&loaded.value, &ctx);
        failed |= findings.iter().any(Diagnostic::is_error);
        results.push(FileFindings {
            file: path.display().to_string(),
            findings,
        });
    }
    if args.json {
        print_json(&results)?;
    } else {
        for r in &results {
            for d in &r.findings {
                println!("{}: {}", r.file, human_line(d));
            }
        }
    }
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

/// The signer chain of a CMS-signed file (signer first); empty when unsigned. Trust is not
/// judged here, only the identity, so no anchors are needed.
fn signer_chain(bytes: &[u8], loaded: &LoadedValue) -> Vec<Vec<u8>> {
    if loaded.signed.is_none() {
        return Vec::new();
    }
    let anchors = enrollkit_cms::TrustAnchors::default();
    let options = enrollkit_cms::VerifyOptions::new(&anchors, SystemTime::now());
    enrollkit_cms::verify(bytes, &options).signer_chain
}

fn summaries(path: &Path) -> Result<Vec<ProfileSummary>, CliError> {
    let bytes = read_file(path)?;
    let loaded =
        read_value(&bytes, &ReadOptions::default()).map_err(|e| CliError::input(path, e))?;
    let mut list = summaries_from_value(&loaded.value).map_err(|e| CliError::input(path, e))?;
    let chain = signer_chain(&bytes, &loaded);
    if !chain.is_empty()
        && let [only] = list.as_mut_slice()
    {
        only.signer_certificates = chain;
    }
    Ok(list)
}

/// Runs `enrollkit check-install`.
pub fn run_check_install(args: CheckInstallArgs) -> CliResult {
    let ctx = args.context.context()?;
    let mut new = summaries(&args.new)?;
    if new.len() != 1 {
        return Err(CliError::input(&args.new, "expected one profile"));
    }
    let new = new.remove(0);
    let mut installed = Vec::new();
    for path in &args.installed {
        installed.extend(summaries(path)?);
    }
    let report: InstallReport = InstalledSet::new(installed).check(&new, &ctx);
    if args.json {
        print_json(&report)?;
    } else {
        let file = args.new.display();
        let verdict = match &report.outcome {
            enrollkit_lint::install::InstallOutcome::Install => {
                "installs as a new profile".to_owned()
            }
            enrollkit_lint::install::InstallOutcome::Replace { identifier } => {
                format!("replaces the installed profile {identifier}")
            }
            enrollkit_lint::install::InstallOutcome::Rejected => {
                "REJECTED by the device".to_owned()
            }
        };
        println!("{file}: {verdict}");
        for p in &report.plan {
            let change = serde_json::to_value(p.change)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            println!("  {change:<16} {} {}", p.payload_type, p.identifier);
        }
        for d in &report.diagnostics {
            println!("{file}: {}", human_line(d));
        }
    }
    Ok(if report.rejected() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
