//! File and output helpers shared by the commands: every I/O error names the file and is
//! coded; writing to a closed pipe ends the command quietly; nothing here panics.

use std::fmt;
use std::io::{BufWriter, Stdout, Write};
use std::path::{Path, PathBuf};

use enrollkit::diagnostic::codes;

use crate::error::{CliError, Failure};

/// The largest input file any command reads: the profile reader's default limit. Checked
/// before reading, so a huge file is refused without being loaded.
pub const MAX_INPUT_BYTES: u64 = enrollkit::profile::Limits::DEFAULT_MAX_INPUT_BYTES as u64;

/// Reads a whole file of at most [`MAX_INPUT_BYTES`], or fails with `PATH: reason`.
pub fn read_file(path: &Path) -> Result<Vec<u8>, CliError> {
    let file = std::fs::File::open(path)
        .map_err(|e| CliError::coded(codes::io::READ_FAILED, Some(path), e))?;
    // One byte past the limit is read, to tell "exactly at the limit" from "over it".
    read_limited(file, path)
}

/// Where the files a config names may be read from: the config's folder, and the roots the
/// user allowed on the command line. Every read goes through `cap-std`, so an absolute path,
/// `..` or a symlink cannot leave the folder it is resolved in.
pub struct Confined {
    base: (PathBuf, cap_std::fs::Dir),
    allowed: Vec<(PathBuf, cap_std::fs::Dir)>,
}

fn open_root(path: &Path) -> Result<(PathBuf, cap_std::fs::Dir), CliError> {
    let read_error = |e: std::io::Error| CliError::coded(codes::io::READ_FAILED, Some(path), e);
    let canonical = std::fs::canonicalize(path).map_err(read_error)?;
    let dir = cap_std::fs::Dir::open_ambient_dir(&canonical, cap_std::ambient_authority())
        .map_err(read_error)?;
    Ok((canonical, dir))
}

impl Confined {
    /// Reads relative to `base`, and inside each of `allowed`.
    pub fn new(base: &Path, allowed: &[PathBuf]) -> Result<Self, CliError> {
        Ok(Confined {
            base: open_root(base)?,
            allowed: allowed
                .iter()
                .map(|root| open_root(root))
                .collect::<Result<_, _>>()?,
        })
    }

    /// Reads `name` (as written in the config) within the limits of [`read_file`]: inside the
    /// base folder when it stays there, else inside an allowed root that holds its resolved
    /// location, else `IO004`.
    pub fn read(&self, name: &str) -> Result<Vec<u8>, CliError> {
        let (base_path, base) = &self.base;
        let shown = base_path.join(name);
        let path = Path::new(name);
        if path.is_relative() {
            match base.open(path) {
                Ok(file) => return read_limited(file, &shown),
                Err(e) if e.kind() != std::io::ErrorKind::PermissionDenied => {
                    return Err(CliError::coded(codes::io::READ_FAILED, Some(&shown), e));
                }
                // cap-std refuses an escape with PermissionDenied: try the allowed roots.
                Err(_) => {}
            }
        }
        let outside = || {
            CliError::coded(
                codes::io::OUTSIDE_ALLOWED_FOLDER,
                Some(&shown),
                format!(
                    "the path leaves the config's folder {} (absolute, `..` or a symlink); allow its folder with --allow-root",
                    base_path.display()
                ),
            )
        };
        // Where the path really leads, symlinks resolved; then read it through the root's
        // capability, so the check and the read see the same file.
        let resolved = std::fs::canonicalize(base_path.join(path)).map_err(|_| outside())?;
        for (root_path, root) in std::iter::once(&self.base).chain(&self.allowed) {
            if let Ok(inside) = resolved.strip_prefix(root_path) {
                let file = root
                    .open(inside)
                    .map_err(|e| CliError::coded(codes::io::READ_FAILED, Some(&resolved), e))?;
                return read_limited(file, &resolved);
            }
        }
        Err(outside())
    }
}

fn read_limited(file: impl std::io::Read, path: &Path) -> Result<Vec<u8>, CliError> {
    use std::io::Read;
    let mut bytes = Vec::new();
    file.take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| CliError::coded(codes::io::READ_FAILED, Some(path), e))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(CliError::coded(
            codes::io::FILE_TOO_LARGE,
            Some(path),
            format!("file is larger than the limit of {MAX_INPUT_BYTES} bytes"),
        ));
    }
    Ok(bytes)
}

/// Reads a UTF-8 text file.
pub fn read_text(path: &Path) -> Result<String, CliError> {
    String::from_utf8(read_file(path)?)
        .map_err(|_| CliError::coded(codes::io::READ_FAILED, Some(path), "the file is not UTF-8"))
}

/// Writes a whole file (creating parent directories), or fails with `PATH: reason`.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let write_error =
        |at: &Path, e: std::io::Error| CliError::coded(codes::io::WRITE_FAILED, Some(at), e);
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| write_error(parent, e))?;
    }
    std::fs::write(path, bytes).map_err(|e| write_error(path, e))
}

/// Standard output for a command's results (`writeln!(out, ...)?` works on it). Every write is checked: a closed pipe ends the
/// command quietly (exit 0, as grep and ripgrep do), any other failure (`> /dev/full`) is a
/// one-line `IO002` error with exit 1.
pub struct Output {
    out: BufWriter<Stdout>,
}

impl Output {
    /// Buffered standard output.
    pub fn stdout() -> Self {
        Output {
            out: BufWriter::new(std::io::stdout()),
        }
    }

    /// Writes formatted text.
    pub fn write_fmt(&mut self, args: fmt::Arguments<'_>) -> Result<(), CliError> {
        self.out.write_fmt(args).map_err(output_error)
    }

    /// Writes one value as pretty JSON and a newline.
    pub fn json<T: serde::Serialize>(&mut self, value: &T) -> Result<(), CliError> {
        self.json_inline(value)?;
        self.write_fmt(format_args!("\n"))
    }

    /// Writes one value as pretty JSON, without a newline (an element of a streamed array).
    pub fn json_inline<T: serde::Serialize>(&mut self, value: &T) -> Result<(), CliError> {
        serde_json::to_writer_pretty(&mut self.out, value).map_err(|e| match e.io_error_kind() {
            Some(kind) => output_error(std::io::Error::from(kind)),
            None => CliError::coded(codes::internal::INTERNAL, None, e),
        })
    }

    /// Flushes; call before the command returns so late write errors are reported.
    pub fn finish(mut self) -> Result<(), CliError> {
        self.out.flush().map_err(output_error)
    }
}

fn output_error(e: std::io::Error) -> CliError {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        return CliError {
            failure: Failure::PipeClosed,
            code: codes::io::WRITE_FAILED,
            message: "standard output was closed".into(),
        };
    }
    CliError::coded(
        codes::io::WRITE_FAILED,
        None,
        format!("cannot write to standard output: {e}"),
    )
}

/// One line on stderr; a failure to write it is ignored (there is nowhere left to report it).
pub fn note(args: fmt::Arguments<'_>) {
    let _ = writeln!(std::io::stderr(), "{args}");
}
