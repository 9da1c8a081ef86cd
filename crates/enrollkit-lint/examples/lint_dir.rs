//! Lints every `.mobileconfig` under a directory (macOS, device enrollment, MDM install) and
//! prints the findings: `cargo run --example lint_dir -- DIR`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|e| e == "mobileconfig") {
            out.push(p);
        }
    }
}

fn main() {
    let dir = std::env::args().nth(1).expect("usage: lint_dir DIR");
    let mut files = Vec::new();
    walk(Path::new(&dir), &mut files);
    let ctx = enrollkit_lint::LintContext::default();
    for f in files {
        let value = plist::Value::from_file(&f).unwrap();
        for d in enrollkit_lint::lint_value(&value, &ctx) {
            println!("{}: {d}", f.display());
        }
    }
}
