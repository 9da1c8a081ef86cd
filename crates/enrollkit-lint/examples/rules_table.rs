//! Prints the rule table as Markdown (paste it into RULES.md and docs/lint-rules.md).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

fn main() {
    print!("{}", enrollkit_lint::rules::rules_markdown());
}
