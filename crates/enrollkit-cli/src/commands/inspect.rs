//! `enrollkit inspect FILE [--json]`: signed or not, top-level keys, payloads, MDM settings.

use std::path::PathBuf;
use std::process::ExitCode;

use enrollkit::inspect::Inspection;
use enrollkit::profile::SourceFormat;
use serde::Serialize;

use crate::error::{CliError, CliResult};
use crate::io::{Output, read_file};

/// Arguments of `enrollkit inspect`.
#[derive(clap::Args)]
pub struct Args {
    /// Profile to inspect (XML, binary or CMS-signed).
    file: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// `inspect --json`: the facade's inspection with the file name.
#[derive(Serialize)]
struct FileInspection<'a> {
    file: String,
    #[serde(flatten)]
    inspection: &'a Inspection,
}

/// Prints the human form of an inspection.
pub fn print_text(out: &mut Output, file: &str, i: &Inspection) -> Result<(), CliError> {
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    writeln!(out, "file:        {file}")?;
    let signed = match (i.signed, i.signer.first()) {
        (false, _) => "no".to_owned(),
        (true, Some(signer)) => format!("yes, by {signer} (not verified; use `enrollkit verify`)"),
        (true, None) => "yes (not verified; use `enrollkit verify`)".to_owned(),
    };
    writeln!(out, "signed:      {signed}")?;
    let format = match i.format {
        SourceFormat::Xml => "xml",
        SourceFormat::Binary => "binary",
    };
    writeln!(out, "format:      {format}")?;
    writeln!(out, "identifier:  {}", dash(&i.identifier))?;
    writeln!(out, "uuid:        {}", dash(&i.uuid))?;
    writeln!(out, "name:        {}", dash(&i.display_name))?;
    writeln!(
        out,
        "encrypted:   {}",
        if i.encrypted { "yes" } else { "no" }
    )?;
    writeln!(out, "keys:        {}", i.top_level_keys.join(", "))?;
    if let Some(mdm) = &i.mdm {
        writeln!(out, "mdm topic:   {}", dash(&mdm.topic))?;
        writeln!(out, "mdm server:  {}", dash(&mdm.server_url))?;
    }
    writeln!(out, "payloads:    {}", i.payloads.len())?;
    for p in &i.payloads {
        writeln!(
            out,
            "  [{}] {}  {}  {}  {}",
            p.index,
            dash(&p.payload_type),
            dash(&p.identifier),
            dash(&p.uuid),
            dash(&p.display_name)
        )?;
    }
    Ok(())
}

/// Runs `enrollkit inspect`.
pub fn run(args: Args) -> CliResult {
    let bytes = read_file(&args.file)?;
    let inspection =
        enrollkit::inspect::inspect(&bytes).map_err(|e| CliError::input(&args.file, &e))?;
    let file = args.file.display().to_string();
    let mut out = Output::stdout();
    if args.json {
        out.json(&FileInspection {
            file,
            inspection: &inspection,
        })?;
    } else {
        print_text(&mut out, &file, &inspection)?;
    }
    out.finish()?;
    Ok(ExitCode::SUCCESS)
}
