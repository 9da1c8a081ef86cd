//! `enrollkit checkin parse|verify`: what a device PUT to the check-in URL.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::SystemTime;

use crate::commands::cms::{load_anchors, parse_time};
use crate::error::{CliError, CliResult};
use crate::io::{Output, read_file};

/// Arguments of `enrollkit checkin`.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Read a check-in message into its typed fields (exit 1 on a malformed message).
    Parse {
        /// The check-in body (XML or binary plist).
        file: PathBuf,
        /// Print the typed fields as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Check the Mdm-Signature over a check-in body (exit 0 only when it verifies and chains
    /// to a trusted CA).
    Verify {
        /// The check-in body, byte for byte as received.
        file: PathBuf,
        /// A file holding the Mdm-Signature header value (base64).
        #[arg(long)]
        signature: PathBuf,
        /// The device-identity CA (PEM or DER; repeatable).
        #[arg(long, required = true)]
        trust: Vec<PathBuf>,
        /// Judge certificate validity at this time (RFC 3339). Default: now.
        #[arg(long)]
        at: Option<String>,
    },
}

/// `enrollkit checkin`.
pub fn run(args: Args) -> CliResult {
    match args.command {
        Command::Parse { file, json } => {
            let body = read_file(&file)?;
            let checkin =
                enrollkit::device::read_checkin(&body).map_err(|e| CliError::input(&file, &e))?;
            let mut out = Output::stdout();
            if json {
                out.json(&checkin.to_json())?;
            } else {
                writeln!(
                    out,
                    "{}: {} from {} ({:?})",
                    file.display(),
                    checkin.message.message_type(),
                    checkin.device.as_str(),
                    checkin.channel
                )?;
            }
            out.finish()?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Verify {
            file,
            signature,
            trust,
            at,
        } => {
            let body = read_file(&file)?;
            let header = read_file(&signature)?;
            let anchors = load_anchors(&trust)?;
            let at = match at {
                Some(s) => parse_time(&s)?,
                None => SystemTime::now(),
            };
            let signer = enrollkit::device::verify_checkin_signature(&body, &header, anchors, at)
                .map_err(|e| CliError::input(&file, &e))?;
            let mut out = Output::stdout();
            writeln!(
                out,
                "{}: Verified, signed by {}",
                file.display(),
                signer.subject()
            )?;
            out.finish()?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
