//! `enrollkit flow run SCENARIO.json [--json]`: run an enrollment-flow scenario.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use enrollkit::flow::scenario::Scenario;

use crate::error::{CliError, CliResult};
use crate::io::{Output, note, read_text};

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
    }
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
