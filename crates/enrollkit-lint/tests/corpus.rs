//! Every real-world profile in ../shared/corpus lints without error-level findings under
//! macOS / device enrollment / MDM install (the corpus is a set of macOS management profiles).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use enrollkit_lint::{LintContext, lint_value};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|e| e == "mobileconfig") {
            out.push(path);
        }
    }
}

#[test]
fn corpus_has_no_errors_on_macos_device_mdm() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    if !root.is_dir() {
        println!("SKIP: ../shared not present");
        return;
    }
    let mut files = Vec::new();
    walk(&root, &mut files);
    assert!(
        files.len() >= 90,
        "corpus has only {} profiles",
        files.len()
    );
    let ctx = LintContext::default();
    let mut errors = Vec::new();
    let mut warnings = 0;
    for file in &files {
        let value = plist::Value::from_file(file).unwrap();
        for d in lint_value(&value, &ctx) {
            if d.is_error() {
                errors.push(format!("{}: {d}", file.display()));
            } else {
                warnings += 1;
            }
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    // The corpus is not spotless: PayloadEnabled, deprecated keys and custom domains are expected.
    assert!(warnings > 0);
}
