//! File helpers shared by the commands: every I/O error names the file.

use std::path::Path;

use crate::error::CliError;

/// The largest input file any command reads: the profile reader's default limit. Checked
/// before reading, so a huge file is refused without being loaded.
pub const MAX_INPUT_BYTES: u64 = enrollkit_profile::Limits::DEFAULT_MAX_INPUT_BYTES as u64;

/// Reads a whole file of at most [`MAX_INPUT_BYTES`], or fails with `PATH: reason`.
pub fn read_file(path: &Path) -> Result<Vec<u8>, CliError> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| CliError::input(path, e))?;
    let mut bytes = Vec::new();
    // Read one byte past the limit to tell "exactly at the limit" from "over it".
    file.take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| CliError::input(path, e))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(CliError::input(
            path,
            format!("file is larger than the limit of {MAX_INPUT_BYTES} bytes"),
        ));
    }
    Ok(bytes)
}

/// Writes a whole file (creating parent directories), or fails with `PATH: reason`.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| CliError::input(parent, e))?;
    }
    std::fs::write(path, bytes).map_err(|e| CliError::input(path, e))
}

/// Prints a value as pretty JSON on stdout.
pub fn print_json<T: serde::Serialize>(value: &T) -> Result<(), CliError> {
    let text = serde_json::to_string_pretty(value).map_err(CliError::input_msg)?;
    println!("{text}");
    Ok(())
}
