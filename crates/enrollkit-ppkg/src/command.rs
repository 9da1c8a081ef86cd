//! Command lines that are safe for `cmd.exe`, and the agent-install recipe as data.
//!
//! XML escaping protects only the XML layer; `cmd.exe` still interprets `& | < > ^ %` and
//! quotes in a `CommandLine`. So nothing is quoted "cleverly": every interpolated value must
//! come from a small safe character set, and the constant parts are fixed text.

use std::fmt;

use crate::error::RecipeError;
use crate::model::{CommandConfig, NamedPath};
use enrollkit_diagnostic::Secret;

#[derive(Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Secret(Secret),
}

/// A command line for `ProvisioningCommands`, built from fixed text and checked values.
///
/// Parts that carry secrets (a connect key) are redacted in `Debug`. A command line read from
/// an existing answer file is one opaque part and is redacted as a whole, because it may
/// embed a key. Two command lines are equal when their text is equal.
#[derive(Clone, Default)]
pub struct CommandLine {
    parts: Vec<Part>,
}

/// `^[A-Za-z0-9._-]{1,20}$`: the only user names placed into a command line.
pub fn is_safe_user_name(name: &str) -> bool {
    (1..=20).contains(&name.len()) && name.bytes().all(is_token_byte)
}

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-')
}

/// File names allowed inside a quoted command-line argument and as asset names:
/// 1-100 of `A-Z a-z 0-9 . _ -`, not starting with a dot.
pub fn is_safe_file_name(name: &str) -> bool {
    (1..=100).contains(&name.len()) && !name.starts_with('.') && name.bytes().all(is_token_byte)
}

impl CommandLine {
    /// An empty command line.
    pub fn new() -> Self {
        CommandLine::default()
    }

    /// A command line read from an answer file: kept verbatim, redacted as a whole in `Debug`.
    pub fn from_file_text(text: impl Into<String>) -> Self {
        CommandLine {
            parts: vec![Part::Secret(Secret::new(text))],
        }
    }

    /// Appends fixed text chosen by the program (never user input).
    pub fn text(mut self, fixed: &str) -> Self {
        self.parts.push(Part::Text(fixed.to_owned()));
        self
    }

    /// Appends `"name"`; the name must pass [`is_safe_file_name`].
    pub fn quoted_file_name(self, name: &str) -> Result<Self, RecipeError> {
        if !is_safe_file_name(name) {
            return Err(RecipeError::UnsafeFileName(name.to_owned()));
        }
        Ok(self.text("\"").text(name).text("\""))
    }

    /// Appends `"dir\name"`, with `dir` fixed by the program; the name must pass
    /// [`is_safe_file_name`].
    pub fn quoted_file_name_in(self, dir: &str, name: &str) -> Result<Self, RecipeError> {
        if !is_safe_file_name(name) {
            return Err(RecipeError::UnsafeFileName(name.to_owned()));
        }
        Ok(self.text("\"").text(dir).text("\\").text(name).text("\""))
    }

    /// Appends a user name; it must match `^[A-Za-z0-9._-]{1,20}$`.
    pub fn user_name(self, name: &str) -> Result<Self, RecipeError> {
        if !is_safe_user_name(name) {
            return Err(RecipeError::UnsafeUserName(name.to_owned()));
        }
        Ok(self.text(name))
    }

    /// Appends an installer argument such as `/VERYSILENT`: 1-64 of `A-Z a-z 0-9 . _ - / : = +`.
    pub fn argument(self, arg: &str) -> Result<Self, RecipeError> {
        let ok = (1..=64).contains(&arg.len())
            && arg
                .bytes()
                .all(|b| is_token_byte(b) || matches!(b, b'/' | b':' | b'=' | b'+'));
        if !ok {
            return Err(RecipeError::UnsafeArgument(arg.to_owned()));
        }
        Ok(self.text(arg))
    }

    /// Appends a secret token (connect key): 1-256 of `A-Z a-z 0-9 . _ -`, redacted in `Debug`.
    pub fn secret_token(mut self, token: &Secret) -> Result<Self, RecipeError> {
        let value = token.expose();
        if !(1..=256).contains(&value.len()) || !value.bytes().all(is_token_byte) {
            return Err(RecipeError::UnsafeSecretToken);
        }
        self.parts.push(Part::Secret(token.clone()));
        Ok(self)
    }

    /// The full text, as written into the answer file.
    pub fn to_text(&self) -> Secret {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Secret(s) => out.push_str(s.expose()),
            }
        }
        Secret::new(out)
    }

    /// True when the text is empty or whitespace.
    pub fn is_blank(&self) -> bool {
        self.to_text().is_blank()
    }
}

impl PartialEq for CommandLine {
    fn eq(&self, other: &Self) -> bool {
        self.to_text() == other.to_text()
    }
}

impl Eq for CommandLine {}

impl fmt::Debug for CommandLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CommandLine(")?;
        for part in &self.parts {
            match part {
                Part::Text(t) => f.write_str(t)?,
                Part::Secret(_) => f.write_str("<redacted>")?,
            }
        }
        f.write_str(")")
    }
}

/// Installing an agent MSI silently with a connect key, as parameterized data.
///
/// Renders `msiexec /i "<msi>" /quiet /norestart /l*v "%WINDIR%\Temp\<log>"
/// JCINSTALLERARGUMENTS="-k <key> <installer_args…>"` as a `PrimaryContext` command whose
/// success codes are 0 and 3010 (success, restart needed). `/norestart` keeps msiexec from
/// rebooting the device in the middle of OOBE; the verbose log is what to read when the
/// install fails on a device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentRecipe {
    /// `CommandConfig Name`, for example `Install_Agent`.
    pub command_name: String,
    /// File name of the MSI asset, for example `agent.msi`.
    pub msi_file_name: String,
    /// The agent connect key.
    pub connect_key: Secret,
    /// Arguments passed through to the agent installer after `-k <key>`.
    pub installer_args: Vec<String>,
    /// File name of msiexec's verbose log, written to `%WINDIR%\Temp` on the device.
    pub log_file_name: String,
    /// `ReturnCodeSuccess`.
    pub return_code_success: i64,
    /// `ReturnCodeRestart`.
    pub return_code_restart: i64,
    /// `ContinueInstall`: keep applying the package if the install fails.
    pub continue_install: bool,
    /// `RestartRequired`.
    pub restart_required: bool,
}

impl AgentRecipe {
    /// The usual recipe: `/VERYSILENT /NORESTART`, codes 0 and 3010, continue on failure, log
    /// `%WINDIR%\Temp\enrollkit-agent-install.log`.
    pub fn new(msi_file_name: impl Into<String>, connect_key: Secret) -> Self {
        AgentRecipe {
            command_name: "Install_Agent".to_owned(),
            msi_file_name: msi_file_name.into(),
            connect_key,
            installer_args: vec!["/VERYSILENT".to_owned(), "/NORESTART".to_owned()],
            log_file_name: "enrollkit-agent-install.log".to_owned(),
            return_code_success: 0,
            return_code_restart: 3010,
            continue_install: true,
            restart_required: false,
        }
    }

    /// The command line, every value checked.
    pub fn command_line(&self) -> Result<CommandLine, RecipeError> {
        let mut line = CommandLine::new()
            .text("msiexec /i ")
            .quoted_file_name(&self.msi_file_name)?
            .text(" /quiet /norestart /l*v ")
            .quoted_file_name_in(r"%WINDIR%\Temp", &self.log_file_name)?
            .text(" JCINSTALLERARGUMENTS=\"-k ")
            .secret_token(&self.connect_key)?;
        for arg in &self.installer_args {
            line = line.text(" ").argument(arg)?;
        }
        Ok(line.text("\""))
    }

    /// The `CommandConfig`, with the MSI at `asset_dir\<msi>` on the build machine.
    pub fn command_config(&self, asset_dir: &str) -> Result<CommandConfig, RecipeError> {
        if !is_safe_user_name(&self.command_name) {
            return Err(RecipeError::UnsafeArgument(self.command_name.clone()));
        }
        Ok(CommandConfig {
            name: self.command_name.clone(),
            command_file: Some(builder_path(asset_dir, &self.msi_file_name)?),
            command_line: self.command_line()?,
            continue_install: Some(self.continue_install),
            dependency_packages: Vec::<NamedPath>::new(),
            restart_required: Some(self.restart_required),
            return_code_restart: Some(self.return_code_restart),
            return_code_success: Some(self.return_code_success),
        })
    }
}

/// A `PrimaryContext` command that runs `line` with the asset `file_name` (at
/// `asset_dir\file_name` on the build machine) beside it: success codes 0 and 3010, no
/// restart, and the rest of the package applies if it fails.
pub fn asset_command(
    name: &str,
    asset_dir: &str,
    file_name: &str,
    line: CommandLine,
) -> Result<CommandConfig, RecipeError> {
    Ok(CommandConfig {
        name: name.to_owned(),
        command_file: Some(builder_path(asset_dir, file_name)?),
        command_line: line,
        continue_install: Some(true),
        dependency_packages: Vec::new(),
        restart_required: Some(false),
        return_code_restart: Some(3010),
        return_code_success: Some(0),
    })
}

/// `dir\file` on the Windows build machine; the file name must be safe.
pub fn builder_path(dir: &str, file_name: &str) -> Result<String, RecipeError> {
    if !is_safe_file_name(file_name) {
        return Err(RecipeError::UnsafeFileName(file_name.to_owned()));
    }
    Ok(format!("{}\\{file_name}", dir.trim_end_matches('\\')))
}

/// `net localgroup <group> <user> /add`, with both names checked against the safe set.
pub fn add_to_local_group(group: &str, user: &str) -> Result<CommandLine, RecipeError> {
    CommandLine::new()
        .text("net localgroup ")
        .user_name(group)
        .map_err(|_| RecipeError::UnsafeArgument(group.to_owned()))?
        .text(" ")
        .user_name(user)
        .map(|line| line.text(" /add"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agent_command_line_is_exact_and_redacted() {
        let recipe = AgentRecipe::new("agent.msi", Secret::new("abc123DEF"));
        let line = recipe.command_line().unwrap();
        assert_eq!(
            line.to_text().expose(),
            r#"msiexec /i "agent.msi" /quiet /norestart /l*v "%WINDIR%\Temp\enrollkit-agent-install.log" JCINSTALLERARGUMENTS="-k abc123DEF /VERYSILENT /NORESTART""#
        );
        let dbg = format!("{line:?} {recipe:?}");
        assert!(!dbg.contains("abc123DEF"), "{dbg}");
        assert!(dbg.contains("<redacted>"));
        let config = recipe.command_config(r"C:\build\assets").unwrap();
        assert_eq!(
            config.command_file.as_deref(),
            Some(r"C:\build\assets\agent.msi")
        );
        assert_eq!(config.return_code_success, Some(0));
        assert_eq!(config.return_code_restart, Some(3010));
    }

    #[test]
    fn user_names_are_restricted() {
        for ok in [
            "localadmin",
            "a",
            "first.last",
            "x_y-z",
            "ABCDEFGHIJKLMNOPQRST",
        ] {
            assert!(is_safe_user_name(ok), "{ok}");
        }
        for bad in [
            "",
            "a b",
            "a&calc",
            "x|y",
            "%USERNAME%",
            "a\"b",
            "ABCDEFGHIJKLMNOPQRSTU",
            "ü",
            "a^b",
            "a<b",
        ] {
            assert!(!is_safe_user_name(bad), "{bad}");
            assert!(add_to_local_group("Administrators", bad).is_err(), "{bad}");
        }
        let line = add_to_local_group("Administrators", "localadmin").unwrap();
        assert_eq!(
            line.to_text().expose(),
            "net localgroup Administrators localadmin /add"
        );
    }

    #[test]
    fn unsafe_values_are_rejected() {
        let key = Secret::new("k\" & calc");
        assert_eq!(
            AgentRecipe::new("agent.msi", key).command_line(),
            Err(RecipeError::UnsafeSecretToken)
        );
        let ok = Secret::new("k");
        assert!(
            AgentRecipe::new("a b.msi", ok.clone())
                .command_line()
                .is_err()
        );
        assert!(
            AgentRecipe::new("..\\x.msi", ok.clone())
                .command_line()
                .is_err()
        );
        let mut r = AgentRecipe::new("agent.msi", ok);
        r.installer_args = vec!["/LOG=%TEMP%".into()];
        assert!(matches!(
            r.command_line(),
            Err(RecipeError::UnsafeArgument(_))
        ));
    }

    #[test]
    fn parsed_lines_are_opaque_in_debug() {
        let line = CommandLine::from_file_text("msiexec -k SECRETKEY");
        assert!(!format!("{line:?}").contains("SECRETKEY"));
        assert_eq!(line, CommandLine::new().text("msiexec -k SECRETKEY"));
    }
}
