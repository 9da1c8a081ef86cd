//! Every real-world profile in ../shared/corpus lints without error-level findings under
//! macOS / device enrollment / MDM install (the corpus is a set of macOS management profiles).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use enrollkit_lint::{LintContext, lint_value};

#[test]
fn corpus_has_no_errors_on_macos_device_mdm() {
    if enrollkit_testkit::shared_dir().is_none() {
        println!("SKIP: ../shared not present");
        return;
    }
    let files = enrollkit_testkit::corpus_files();
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
