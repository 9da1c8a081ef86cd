//! `enrollkit codes [--json|--markdown]` and `enrollkit explain CODE`: the registry, for people
//! and scripts.

use std::process::ExitCode;

use enrollkit::diagnostic::{codes, docs};
use enrollkit::{Area, Code};

use crate::error::{CliError, CliResult};
use crate::io::Output;

/// Arguments of `enrollkit codes`.
#[derive(clap::Args)]
pub struct CodesArgs {
    /// Only this area.
    #[arg(long, value_parser = ["profile", "cms", "lint", "install", "flow", "package", "argument", "io", "internal"])]
    area: Option<String>,
    /// Print JSON: an array of {code, area, severity, summary, why, remediation}.
    #[arg(long, conflicts_with = "markdown")]
    json: bool,
    /// Print docs/codes.md.
    #[arg(long)]
    markdown: bool,
}

/// Runs `enrollkit codes`.
pub fn run_codes(args: CodesArgs) -> CliResult {
    let mut out = Output::stdout();
    if args.markdown {
        write!(out, "{}", docs::codes_markdown())?;
        out.finish()?;
        return Ok(ExitCode::SUCCESS);
    }
    let area = args
        .area
        .as_deref()
        .and_then(|word| Area::ALL.into_iter().find(|a| a.as_str() == word));
    let selected: Vec<Code> = Code::all()
        .filter(|c| area.is_none_or(|a| c.area() == a))
        .collect();
    if args.json {
        let infos: Vec<_> = selected.iter().map(|c| c.info()).collect();
        out.json(&infos)?;
    } else {
        for code in selected {
            writeln!(
                out,
                "{code}  {:<8} {:<8} {}",
                code.area(),
                code.severity(),
                code.summary()
            )?;
        }
    }
    out.finish()?;
    Ok(ExitCode::SUCCESS)
}

/// Arguments of `enrollkit explain`.
#[derive(clap::Args)]
pub struct ExplainArgs {
    /// A code such as STR003 or CMS109 (codes renamed before 1.0 are recognised too).
    code: String,
}

/// Runs `enrollkit explain`.
pub fn run_explain(args: ExplainArgs) -> CliResult {
    let wanted = args.code.trim();
    let (code, renamed) = match Code::lookup(&wanted.to_ascii_uppercase()) {
        Some(code) => (code, None),
        None => match Code::renamed(wanted) {
            Some(code) => (code, Some(wanted)),
            None => {
                return Err(CliError::coded(
                    codes::argument::INVALID_ARGUMENT,
                    None,
                    format!("{wanted} is not an enrollkit code (enrollkit codes lists them)"),
                ));
            }
        },
    };
    let mut out = Output::stdout();
    if let Some(old) = renamed {
        writeln!(out, "{old} was renamed to {code} before 1.0.\n")?;
    }
    writeln!(out, "{code} ({} area, {})", code.area(), code.severity())?;
    writeln!(out, "\n{}", code.summary())?;
    if !code.why().is_empty() {
        writeln!(out, "\nWhy: {}", code.why())?;
    }
    writeln!(out, "\nWhat to do: {}", code.remediation())?;
    out.finish()?;
    Ok(ExitCode::SUCCESS)
}
