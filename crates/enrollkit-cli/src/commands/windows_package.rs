//! `enrollkit windows-package`: build a Windows provisioning package plan from a TOML config,
//! or check an existing `customizations.xml`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use enrollkit::diagnostic::has_errors;
use enrollkit::ppkg::{PackageSpec, SettingsStore};
use enrollkit::{Diagnostic, Secret};

use crate::error::{CliError, CliResult};
use crate::io::{Confined, Output, note, read_file, read_text, write_file};

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
    /// A folder outside the config's own from which the config may read assets (repeatable).
    /// Without it, `[agent] msi` and `[merge] answer_file` must stay inside the config's folder.
    #[arg(long, value_name = "DIR", requires = "config")]
    pub allow_root: Vec<PathBuf>,
}

/// Runs the command.
pub fn run(args: Args) -> CliResult {
    match (&args.check, &args.config, &args.output) {
        (Some(path), _, _) => check(path, &args),
        (None, Some(config), Some(out)) => build(config, out, &args.allow_root, args.json),
        _ => Err(CliError::usage(
            "give --config FILE.toml -o DIR, or --check customizations.xml",
        )),
    }
}

fn report(file: &Path, findings: &[Diagnostic], json: bool, written: &[String]) -> CliResult {
    let mut out = Output::stdout();
    if json {
        out.json(&serde_json::json!({
            "file": file.display().to_string(),
            "valid": !has_errors(findings),
            "diagnostics": findings,
            "written": written,
        }))?;
    } else {
        for finding in findings {
            writeln!(out, "{}: {finding}", file.display())?;
        }
        for path in written {
            note(format_args!("wrote {path}"));
        }
    }
    out.finish()?;
    Ok(if has_errors(findings) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn check(path: &Path, args: &Args) -> CliResult {
    let bytes = read_file(path)?;
    let store = SettingsStore::parse(&args.store)
        .ok_or_else(|| CliError::usage(format!("unknown store `{}`", args.store)))?;
    let findings = enrollkit::package::check_answer_file(&bytes, store)
        .map_err(|e| CliError::input(path, &e))?;
    report(path, &findings, args.json, &[])
}

fn build(config: &Path, out: &Path, allow_roots: &[PathBuf], json: bool) -> CliResult {
    let text = read_text(config)?;
    let spec = PackageSpec::from_toml(&text).map_err(|e| CliError::input(config, &e))?;
    // `{ env = "NAME" }` secrets come from this process's environment; a missing one is
    // reported by the build (PPKG505) with the key that needs it.
    let secrets: Vec<(String, Secret)> = spec
        .secret_variables()
        .into_iter()
        .filter_map(|name| std::env::var(&name).ok().map(|v| (name, Secret::new(v))))
        .collect();
    let spec = spec.with_secrets(secrets);
    let dir = config
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    let files = Confined::new(dir, allow_roots)?;
    let mut assets = Vec::new();
    for rel in spec.asset_paths() {
        let bytes = files.read(&rel)?;
        assets.push((rel, bytes));
    }
    let base = match spec.base_answer_file() {
        Some(rel) => Some(files.read(rel)?),
        None => None,
    };
    let borrowed: Vec<(String, &[u8])> = assets
        .iter()
        .map(|(rel, bytes)| (rel.clone(), bytes.as_slice()))
        .collect();
    let output = spec
        .build(&borrowed, base.as_deref())
        .map_err(|e| CliError::input(config, &e))?;
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
        let path = out.join("assets").join(enrollkit::ppkg::file_name_of(rel));
        write_file(&path, bytes)?;
        written.push(path.display().to_string());
    }
    report(config, &output.diagnostics, json, &written)
}
