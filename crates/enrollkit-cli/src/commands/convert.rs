//! `enrollkit convert FILE --to xml|binary|json -o OUT`.

use std::path::PathBuf;
use std::process::ExitCode;

use base64::Engine;
use enrollkit::profile::plist::Value;
use enrollkit::profile::{binary_bytes, xml_bytes};

use crate::error::{CliError, CliResult};
use crate::io::{read_file, write_file};

/// Target format.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Target {
    /// XML property list in Apple's layout.
    Xml,
    /// Binary property list.
    Binary,
    /// JSON (one way: data becomes base64, dates RFC 3339 strings).
    Json,
}

/// Arguments of `enrollkit convert`.
#[derive(clap::Args)]
pub struct Args {
    /// Input property list (XML, binary or CMS-signed; a signature is dropped, not verified).
    file: PathBuf,
    /// Output format.
    #[arg(long)]
    to: Target,
    /// Output file.
    #[arg(short, long)]
    output: PathBuf,
}

/// Converts a plist value to JSON: data as base64, dates as RFC 3339 strings, UIDs as integers.
pub fn to_json(value: &Value) -> serde_json::Value {
    match value {
        Value::Array(items) => serde_json::Value::Array(items.iter().map(to_json).collect()),
        Value::Dictionary(dict) => {
            serde_json::Value::Object(dict.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
        }
        Value::Boolean(b) => serde_json::Value::Bool(*b),
        Value::Data(d) => {
            serde_json::Value::String(base64::engine::general_purpose::STANDARD.encode(d))
        }
        Value::Date(d) => serde_json::Value::String(d.to_xml_format()),
        Value::Real(r) => serde_json::Number::from_f64(*r)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null),
        Value::Integer(i) => match (i.as_signed(), i.as_unsigned()) {
            (Some(s), _) => serde_json::Value::from(s),
            (None, Some(u)) => serde_json::Value::from(u),
            (None, None) => serde_json::Value::Null,
        },
        Value::String(s) => serde_json::Value::String(s.clone()),
        Value::Uid(u) => serde_json::Value::from(u.get()),
        _ => serde_json::Value::Null,
    }
}

/// Runs `enrollkit convert`.
pub fn run(args: Args) -> CliResult {
    let bytes = read_file(&args.file)?;
    let loaded = enrollkit::load::load(&bytes).map_err(|e| CliError::input(&args.file, &e))?;
    let out = match args.to {
        Target::Xml => xml_bytes(&loaded.value),
        Target::Binary => binary_bytes(&loaded.value),
        Target::Json => {
            let mut text = serde_json::to_string_pretty(&to_json(&loaded.value)).map_err(|e| {
                CliError::coded(
                    enrollkit::diagnostic::codes::internal::INTERNAL,
                    Some(&args.file),
                    e,
                )
            })?;
            text.push('\n');
            Ok(text.into_bytes())
        }
    }
    .map_err(|e| CliError::input(&args.file, &e))?;
    write_file(&args.output, &out)?;
    Ok(ExitCode::SUCCESS)
}
