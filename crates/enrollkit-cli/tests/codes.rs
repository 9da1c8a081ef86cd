//! `enrollkit codes` and `enrollkit explain`: every code has the one grammar, every listed code
//! can be explained, and the documents only name codes the registry has.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::{Command, Output};

fn enrollkit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_enrollkit"))
        .args(args)
        .output()
        .unwrap()
}

/// `FAMILY` (2-4 capitals) then three digits.
fn well_formed(code: &str) -> bool {
    let family = code.trim_end_matches(|c: char| c.is_ascii_digit());
    (2..=4).contains(&family.len())
        && family.bytes().all(|b| b.is_ascii_uppercase())
        && code.len() - family.len() == 3
}

fn listed_codes() -> Vec<serde_json::Value> {
    let out = enrollkit(&["codes", "--json"]);
    assert!(out.status.success());
    serde_json::from_slice::<serde_json::Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn every_listed_code_has_the_grammar_and_an_explanation() {
    let codes = listed_codes();
    assert!(codes.len() > 200, "{}", codes.len());
    for entry in &codes {
        let code = entry["code"].as_str().unwrap();
        assert!(well_formed(code), "{code}");
        for field in ["area", "severity", "summary", "remediation"] {
            assert!(!entry[field].as_str().unwrap().is_empty(), "{code} {field}");
        }
        let out = enrollkit(&["explain", code]);
        assert!(out.status.success(), "explain {code}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.starts_with(code), "{text}");
        assert!(
            text.contains(entry["remediation"].as_str().unwrap()),
            "{text}"
        );
    }
}

#[test]
fn explain_names_renamed_codes_and_refuses_unknown_ones() {
    let out = enrollkit(&["explain", "PROFILE_MALFORMED"]);
    assert!(out.status.success());
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("renamed to PRF006")
    );
    let out = enrollkit(&["explain", "STR999"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("error[ARG001]"), "{err}");
}

#[test]
fn documents_name_only_registered_codes() {
    let listed: std::collections::HashSet<String> = listed_codes()
        .iter()
        .map(|e| e["code"].as_str().unwrap().to_owned())
        .collect();
    let families: std::collections::HashSet<String> = listed
        .iter()
        .map(|c| {
            c.trim_end_matches(|ch: char| ch.is_ascii_digit())
                .to_owned()
        })
        .collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut docs: Vec<_> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.push(root.join("README.md"));
    docs.push(root.join("crates/enrollkit-lint/RULES.md"));
    let old_grammar = [
        "PROFILE_",
        "PPKGP",
        "PPKGW",
        "PPKGR",
        "PPKGB",
        "PPKGC",
        "CTX00",
        "INSTALL00",
        "INVALID_ARGUMENT",
    ];
    let mut unknown = Vec::new();
    for doc in &docs {
        let text = std::fs::read_to_string(doc).unwrap();
        // docs/codes.md lists the old spellings on purpose, in its rename table.
        let body = text.split("## Renamed before 1.0").next().unwrap();
        for word in body.split(|c: char| !c.is_ascii_alphanumeric()) {
            let family = word.trim_end_matches(|c: char| c.is_ascii_digit());
            if well_formed(word) && families.contains(family) && !listed.contains(word) {
                unknown.push(format!("{}: {word}", doc.display()));
            }
        }
        for old in old_grammar {
            if body.contains(old) {
                unknown.push(format!("{}: old code spelling {old}", doc.display()));
            }
        }
        // `cms.bad_signature` and the like; `cms.rs` and `docs/cms.md` are file names.
        for (at, _) in body.match_indices("cms.") {
            let rest: String = body[at + 4..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if !rest.is_empty() && !["rs", "md"].contains(&rest.as_str()) {
                unknown.push(format!("{}: old code spelling cms.{rest}", doc.display()));
            }
        }
    }
    assert!(unknown.is_empty(), "{unknown:#?}");
}
