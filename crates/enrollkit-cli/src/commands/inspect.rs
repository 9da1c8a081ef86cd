//! `enrollkit inspect FILE [--json]`: signed or not, top-level keys, and each payload.

use std::path::PathBuf;
use std::process::ExitCode;

use enrollkit_profile::{LoadedProfile, ReadOptions, SourceFormat, read_profile};
use serde::Serialize;

use crate::error::{CliError, CliResult};
use crate::io::{print_json, read_file};

/// Arguments of `enrollkit inspect`.
#[derive(clap::Args)]
pub struct Args {
    /// Profile to inspect (XML, binary or CMS-signed).
    file: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// What `inspect` reports, also its JSON shape.
#[derive(Serialize)]
pub struct Inspection {
    /// The file.
    pub file: String,
    /// Whether the profile is wrapped in CMS SignedData (not verified here).
    pub signed: bool,
    /// `xml` or `binary` (of the inner plist when signed).
    pub format: SourceFormat,
    /// Top-level keys, in file order.
    pub top_level_keys: Vec<String>,
    /// `PayloadIdentifier`.
    pub identifier: Option<String>,
    /// `PayloadUUID`.
    pub uuid: Option<String>,
    /// `PayloadDisplayName`.
    pub display_name: Option<String>,
    /// Whether the payloads are encrypted.
    pub encrypted: bool,
    /// One entry per payload.
    pub payloads: Vec<PayloadSummary>,
}

/// One payload in `inspect` output.
#[derive(Serialize)]
pub struct PayloadSummary {
    /// Position in `PayloadContent`.
    pub index: usize,
    /// `PayloadType`.
    pub payload_type: Option<String>,
    /// `PayloadIdentifier`.
    pub identifier: Option<String>,
    /// `PayloadUUID`.
    pub uuid: Option<String>,
    /// `PayloadDisplayName`.
    pub display_name: Option<String>,
}

/// Summarizes a loaded profile.
pub fn summarize(file: &str, loaded: &LoadedProfile) -> Inspection {
    let profile = &loaded.profile;
    Inspection {
        file: file.to_owned(),
        signed: loaded.signed.is_some(),
        format: loaded.format,
        top_level_keys: profile.to_dictionary().keys().cloned().collect(),
        identifier: profile.identifier.clone(),
        uuid: profile.uuid.clone(),
        display_name: profile.display_name.clone(),
        encrypted: profile.is_encrypted == Some(true),
        payloads: profile
            .payloads()
            .iter()
            .enumerate()
            .map(|(index, p)| PayloadSummary {
                index,
                payload_type: p.payload_type().map(str::to_owned),
                identifier: p.identifier().map(str::to_owned),
                uuid: p.uuid().map(str::to_owned),
                display_name: p.display_name().map(str::to_owned),
            })
            .collect(),
    }
}

/// Prints the human form of an inspection.
pub fn print_text(i: &Inspection) {
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    println!("file:        {}", i.file);
    println!(
        "signed:      {}",
        if i.signed {
            "yes (not verified; use `enrollkit verify`)"
        } else {
            "no"
        }
    );
    println!(
        "format:      {}",
        match i.format {
            SourceFormat::Xml => "xml",
            SourceFormat::Binary => "binary",
        }
    );
    println!("identifier:  {}", dash(&i.identifier));
    println!("uuid:        {}", dash(&i.uuid));
    println!("name:        {}", dash(&i.display_name));
    println!("encrypted:   {}", if i.encrypted { "yes" } else { "no" });
    println!("keys:        {}", i.top_level_keys.join(", "));
    println!("payloads:    {}", i.payloads.len());
    for p in &i.payloads {
        println!(
            "  [{}] {}  {}  {}  {}",
            p.index,
            dash(&p.payload_type),
            dash(&p.identifier),
            dash(&p.uuid),
            dash(&p.display_name)
        );
    }
}

/// Runs `enrollkit inspect`.
pub fn run(args: Args) -> CliResult {
    let bytes = read_file(&args.file)?;
    let loaded = read_profile(&bytes, &ReadOptions::default())
        .map_err(|e| CliError::input(&args.file, e))?;
    let inspection = summarize(&args.file.display().to_string(), &loaded);
    if args.json {
        print_json(&inspection)?;
    } else {
        print_text(&inspection);
    }
    Ok(ExitCode::SUCCESS)
}
