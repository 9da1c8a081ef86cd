//! `enrollkit windows-package`: build a Windows provisioning package plan from a TOML config,
//! or check an existing `customizations.xml`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use enrollkit_diagnostic::{Diagnostic, has_errors};
use enrollkit_ppkg::{AnswerFile, PackageSpec, SettingsStore, ValidateOptions, validate};

use crate::error::{CliError, CliResult};
use crate::io::{print_json, read_file, write_file};

/// Arguments of `windows-package`.
#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("mode").required(true).args(["config", "check"])))]
pub struct Args {
    /// TOML package config (see examples/windows/onboarding.toml); needs -o.
    #[arg(long, value_name = "FILE.toml", requires = "output")]
    pub config: Option<PathBuf>,
    /// Output directory for customizations.xml, build-manifest.json, build.ps1 and assets/.
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Validate an existing customizations.xml (exit 1 on any error).
    #[arg(long, value_name = "customizations.xml", conflicts_with_all = ["config", "output"])]
    pub check: Option<PathBuf>,
    /// Settings store the checked file will be built against.
    #[arg(long, default_value = "desktop", value_parser = ["common", "desktop", "hololens", "iotuap", "mobile", "team"])]
    pub store: String,
    /// Print findings (and written files) as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs the command.
pub fn run(args: Args) -> CliResult {
    match (&args.check, &args.config, &args.output) {
        (Some(path), _, _) => check(path, &args),
        (None, Some(config), Some(out)) => build(config, out, args.json),
        _ => Err(CliError::usage(
            "give --config FILE.toml -o DIR, or --check customizations.xml",
        )),
    }
}

fn report(file: &Path, findings: &[Diagnostic], json: bool, written: &[String]) -> CliResult {
    if json {
        print_json(&serde_json::json!({
            "file": file.display().to_string(),
            "valid": !has_errors(findings),
            "diagnostics": findings,
            "written": written,
        }))?;
    } else {
        for finding in findings {
            println!("{}: {finding}", file.display());
        }
        for path in written {
            eprintln!("wrote {path}");
        }
    }
    Ok(if has_errors(findings) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn check(path: &Path, args: &Args) -> CliResult {
    let bytes = read_file(path)?;
    let file = AnswerFile::parse(&bytes)
        .map_err(|e| CliError::input(path, format!("{} {e}", e.code())))?;
    let store = SettingsStore::parse(&args.store)
        .ok_or_else(|| CliError::usage(format!("unknown store `{}`", args.store)))?;
    let findings = validate(&file, &ValidateOptions { store });
    report(path, &findings, args.json, &[])
}

fn build(config: &Path, out: &Path, json: bool) -> CliResult {
    let text = read_file(config)?;
    let text =
        String::from_utf8(text).map_err(|_| CliError::input(config, "config is not UTF-8"))?;
    let spec = PackageSpec::from_toml(&text)
        .map_err(|e| CliError::input(config, format!("{} {e}", e.code())))?;
    let dir = config.parent().unwrap_or_else(|| Path::new("."));
    let mut assets = Vec::new();
    for rel in spec.asset_paths() {
        let bytes = read_file(&dir.join(&rel))?;
        assets.push((rel, bytes));
    }
    let base = match spec.base_answer_file() {
        Some(rel) => Some(read_file(&dir.join(rel))?),
        None => None,
    };
    let borrowed: Vec<(String, &[u8])> = assets
        .iter()
        .map(|(rel, bytes)| (rel.clone(), bytes.as_slice()))
        .collect();
    let output = spec
        .build(&borrowed, base.as_deref())
        .map_err(|e| CliError::input(config, format!("{} {e}", e.code())))?;
    if has_errors(&output.diagnostics) {
        // Do not write a package that Windows would reject.
        return report(config, &output.diagnostics, json, &[]);
    }
    let mut written = Vec::new();
    for file in &output.files {
        let path = out.join(&file.path);
        write_file(&path, &file.bytes)?;
        written.push(path.display().to_string());
    }
    for (rel, bytes) in &assets {
        let path = out.join("assets").join(enrollkit_ppkg::file_name_of(rel));
        write_file(&path, bytes)?;
        written.push(path.display().to_string());
    }
    report(config, &output.diagnostics, json, &written)
}
