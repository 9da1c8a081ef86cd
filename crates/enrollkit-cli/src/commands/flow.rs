//! `enrollkit flow run SCENARIO.json [--json]`: run an enrollment-flow scenario.
//! `enrollkit flow login-profile POLICY.json -o OUT.mobileconfig`: the macOS side of a
//! login-window policy as a profile (login-window text, Platform SSO for the first account).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use enrollkit::flow::scenario::Scenario;

use crate::error::{CliError, CliResult};
use crate::io::{Output, note, read_text, write_file};

/// Enrollment-flow commands.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: FlowCommand,
}

#[derive(Subcommand)]
enum FlowCommand {
    /// Run a scenario: print every transition, action and diagnostic; exit 0 when the
    /// scenario's `expect` block (final state and diagnostic codes) matches, 1 otherwise.
    Run(RunArgs),
    /// Write the profile a macOS login-window policy needs: `com.apple.loginwindow` with the
    /// policy's text and, with `first_account = "platform_sso"`, the Platform SSO payload.
    LoginProfile(LoginProfileArgs),
}

#[derive(clap::Args)]
struct LoginProfileArgs {
    /// The policy as JSON, or a login-window scenario (its `policy` is used).
    policy: PathBuf,
    /// Output .mobileconfig (XML, unsigned; sign it with `enrollkit sign`).
    #[arg(short = 'o', long = "output")]
    output: PathBuf,
    /// The profile's PayloadIdentifier.
    #[arg(long, default_value = "com.example.loginwindow")]
    identifier: String,
    /// Bundle identifier of the SSO extension Platform SSO runs through (default: Microsoft's
    /// Enterprise SSO extension, with its team and URLs).
    #[arg(long, value_name = "BUNDLE_ID", requires_all = ["sso_team", "sso_url"])]
    sso_extension: Option<String>,
    /// Team identifier of that extension.
    #[arg(long, value_name = "TEAM_ID", requires = "sso_extension")]
    sso_team: Option<String>,
    /// URL the extension handles (repeatable).
    #[arg(long, value_name = "URL", requires = "sso_extension")]
    sso_url: Vec<String>,
}

#[derive(clap::Args)]
struct RunArgs {
    /// Scenario JSON file (format: docs/flows.md).
    scenario: PathBuf,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

/// Runs the flow command.
pub fn run(args: Args) -> CliResult {
    match args.command {
        FlowCommand::Run(run_args) => run_scenario(run_args),
        FlowCommand::LoginProfile(args) => login_profile(args),
    }
}

fn login_profile(args: LoginProfileArgs) -> CliResult {
    use enrollkit::flow::FlowError;
    use enrollkit::flow::login_window::ProvisioningPolicy;
    use enrollkit::login_window::{PlatformSsoExtension, login_window_profile};
    let text = read_text(&args.policy)?;
    let bad = |e: serde_json::Error| {
        CliError::input(
            &args.policy,
            &FlowError::Configuration(format!("not a login-window policy: {e}")),
        )
    };
    let value: serde_json::Value = serde_json::from_str(&text).map_err(bad)?;
    let policy_value = value.get("policy").cloned().unwrap_or(value);
    let policy: ProvisioningPolicy = serde_json::from_value(policy_value).map_err(bad)?;
    let sso = match (args.sso_extension, args.sso_team) {
        (Some(extension_identifier), Some(team_identifier)) => PlatformSsoExtension {
            extension_identifier,
            team_identifier,
            urls: args.sso_url,
        },
        _ => PlatformSsoExtension::microsoft_enterprise_sso(),
    };
    let profile = login_window_profile(&policy, &args.identifier, Some(&sso))
        .map_err(|e| CliError::input(&args.policy, &e))?;
    let xml = profile
        .to_xml()
        .map_err(|e| CliError::input(&args.policy, &enrollkit::Error::from(e)))?;
    write_file(&args.output, &xml)?;
    note(format_args!("wrote {}", args.output.display()));
    Ok(ExitCode::SUCCESS)
}

fn run_scenario(args: RunArgs) -> CliResult {
    let text = read_text(&args.scenario)?;
    let scenario = Scenario::from_json(&text).map_err(|e| CliError::input(&args.scenario, &e))?;
    let report = scenario.run();
    let mut out = Output::stdout();
    if args.json {
        out.json(&report)?;
    } else {
        write!(out, "{}", report.to_text())?;
    }
    out.finish()?;
    if report.passed {
        Ok(ExitCode::SUCCESS)
    } else {
        note(format_args!(
            "enrollkit: {}: expectation not met: {}",
            args.scenario.display(),
            report.mismatches.join("; ")
        ));
        Ok(ExitCode::from(1))
    }
}
