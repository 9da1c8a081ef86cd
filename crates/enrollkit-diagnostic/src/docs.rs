//! The registry rendered as Markdown: the one generator behind every code table in the docs.

use crate::{Area, Code, codes};

fn cell(text: &str) -> String {
    if text.is_empty() {
        "—".to_owned()
    } else {
        text.replace('|', "\\|")
    }
}

/// The table of one area: `| Code | Severity | Meaning | Why | Remediation |`.
pub fn area_table(area: Area) -> String {
    let mut out =
        String::from("| Code | Severity | Meaning | Why | Remediation |\n|---|---|---|---|---|\n");
    for code in Code::all().filter(|c| c.area() == area) {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            code,
            code.severity(),
            cell(code.summary()),
            cell(code.why()),
            cell(code.remediation()),
        ));
    }
    out
}

/// The table of renamed codes: `| Was | Now |`.
pub fn renamed_table() -> String {
    let mut out = String::from("| Was | Now |\n|---|---|\n");
    for (was, now) in codes::RENAMED {
        out.push_str(&format!("| `{was}` | {now} |\n"));
    }
    out
}

/// The whole of `docs/codes.md`.
pub fn codes_markdown() -> String {
    let mut out = String::from(
        "# Codes\n\n\
         <!-- Generated from the registry in crates/enrollkit-diagnostic (codes/<area>.rs): \
         `enrollkit codes --markdown > docs/codes.md`. A test keeps this file equal to the registry. -->\n\n\
         Every code enrollkit emits, in every crate, the CLI and every binding, follows one grammar: \
         a family of two to four capital letters and three digits (`STR001`, `CMS109`, `FLOW107`). \
         Each family belongs to one area; bindings raise one exception class per area. \
         The severity is fixed per code. `enrollkit codes [--json]` lists them and \
         `enrollkit explain CODE` prints one.\n",
    );
    for area in Area::ALL {
        out.push_str(&format!(
            "\n## {} (`{}`: {})\n\n",
            area_title(area),
            area.as_str(),
            area.families().join(", ")
        ));
        out.push_str(&area_table(area));
    }
    out.push_str(
        "\n## Renamed before 1.0\n\n\
         The first releases spoke six code grammars; each old code maps to exactly one new one. \
         `enrollkit explain` accepts the old spelling and names the new code.\n\n",
    );
    out.push_str(&renamed_table());
    out
}

fn area_title(area: Area) -> &'static str {
    match area {
        Area::Profile => "Profiles",
        Area::Cms => "CMS signing, verification and encryption",
        Area::Lint => "Lint",
        Area::Install => "Install check",
        Area::Flow => "Enrollment flows",
        Area::Package => "Windows provisioning packages",
        Area::Protocol => "Enrollment protocol engine",
        Area::Argument => "Arguments",
        Area::Io => "Files and output",
        Area::Internal => "Internal",
    }
}
