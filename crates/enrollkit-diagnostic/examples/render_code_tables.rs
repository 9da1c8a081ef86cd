//! Writes the registry's tables into every document that shows one: `docs/codes.md` whole,
//! and the area tables inside crate docs and guides. Run from the workspace root:
//! `cargo run -p enrollkit-diagnostic --example render_code_tables`.
//!
//! A table in a document is the run of lines that starts with `| Code | Severity |` (after
//! the line prefix, `//! ` in Rust sources) and continues while lines start with `|`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use enrollkit_diagnostic::{Area, docs};

/// (file, line prefix, areas whose tables it shows, in order)
const PLACES: &[(&str, &str, &[Area])] = &[
    (
        "crates/enrollkit-lint/RULES.md",
        "",
        &[Area::Lint, Area::Install],
    ),
    ("docs/lint-rules.md", "", &[Area::Lint, Area::Install]),
    ("crates/enrollkit-flow/src/lib.rs", "//! ", &[Area::Flow]),
    ("crates/enrollkit-ppkg/src/lib.rs", "//! ", &[Area::Package]),
];

fn replace_tables(text: &str, prefix: &str, areas: &[Area]) -> String {
    let mut out = Vec::new();
    let mut lines = text.lines().peekable();
    let mut next_area = areas.iter();
    while let Some(line) = lines.next() {
        let body = line.strip_prefix(prefix.trim_end()).map(str::trim_start);
        if body.is_some_and(|b| {
            b.starts_with("| Code | Severity |") || b.starts_with("| code | severity |")
        }) {
            while lines
                .peek()
                .and_then(|l| l.strip_prefix(prefix.trim_end()))
                .is_some_and(|b| b.trim_start().starts_with('|'))
            {
                lines.next();
            }
            let area = next_area.next().expect("more tables than areas");
            for row in docs::area_table(*area).lines() {
                out.push(format!("{prefix}{row}"));
            }
        } else {
            out.push(line.to_owned());
        }
    }
    assert!(next_area.next().is_none(), "fewer tables than areas");
    out.join("\n") + "\n"
}

fn main() {
    std::fs::write("docs/codes.md", docs::codes_markdown()).unwrap();
    println!("wrote docs/codes.md");
    for (file, prefix, areas) in PLACES {
        let text = std::fs::read_to_string(file).unwrap();
        let new = replace_tables(&text, prefix, areas);
        if new != text {
            std::fs::write(file, new).unwrap();
            println!("updated {file}");
        }
    }
}
