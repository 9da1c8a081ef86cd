//! The codes this crate emits: the `Lint` and `Install` areas of the registry in
//! `enrollkit-diagnostic` (`codes/lint.rs`, `codes/install.rs`).
//!
//! Every rule is re-exported here by its code (`rules::MDM002`), so checks read as the table
//! does. [`RULES`] lists them; [`rules_markdown`] renders them through the registry's one
//! generator, and a test keeps `RULES.md` and `docs/lint-rules.md` equal to it.

use enrollkit_diagnostic::codes::{install, lint};
use enrollkit_diagnostic::{Area, Code, docs};

pub use enrollkit_diagnostic::codes::install::{
    CHK001, CHK002, CHK003, CHK004, CHK005, CHK006, CHK007, CHK008, CHK009, CHK010, CHK011, CHK012,
    NO_IDENTIFIER, NOT_A_PROFILE_LIST,
};
// Every lint code (the module's `ALL` comes along; use [`rules`] for the combined list).
pub use enrollkit_diagnostic::codes::lint::*;

/// Every rule of the lint and the install check, in documentation order.
pub fn rules() -> impl Iterator<Item = Code> {
    lint::ALL.iter().chain(install::ALL).copied()
}

/// The rule with `code`, if it is one of this crate's.
pub fn rule(code: &str) -> Option<Code> {
    rules().find(|r| r.as_str() == code)
}

/// The rule tables as Markdown: lint findings, then the install check.
pub fn rules_markdown() -> String {
    format!(
        "{}\n{}",
        docs::area_table(Area::Lint),
        docs::area_table(Area::Install)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_the_registry_areas() {
        assert!(rules().all(|r| matches!(r.area(), Area::Lint | Area::Install)));
        assert_eq!(rule("MDM002"), Some(MDM002));
        assert_eq!(rule("NOPE"), None);
        assert!(rules().all(|r| !r.why().is_empty() || r.area() == Area::Install));
    }

    #[test]
    fn docs_carry_the_table() {
        let table = rules_markdown();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for doc in ["RULES.md", "../../docs/lint-rules.md"] {
            let text = std::fs::read_to_string(root.join(doc)).unwrap();
            assert!(
                text.contains(&table),
                "{doc} is out of date: paste the output of rules_markdown() \
                 (cargo run -p enrollkit-lint --example rules_table)"
            );
        }
    }
}
