//! Passwords, PINs and access tokens never reach Debug output, reports, flow state or error
//! messages. Secret values are taken from the example scenarios (fields `password`, `pin`,
//! `access_token`) so the check covers every flow they exercise.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use enrollkit_flow::Coded;
use enrollkit_flow::secret::SecretDigest;
use std::path::Path;

use enrollkit_flow::scenario::Scenario;
use enrollkit_flow::secret::Secret;

fn scenarios() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/scenarios");
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

/// String values of secret-carrying fields, at any depth.
fn secret_values(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                match v {
                    serde_json::Value::String(s)
                        if matches!(k.as_str(), "password" | "pin" | "access_token") =>
                    {
                        out.push(s.clone())
                    }
                    _ => secret_values(v, out),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|i| secret_values(i, out)),
        _ => {}
    }
}

#[test]
fn scenario_secrets_stay_out_of_debug_reports_and_state() {
    let mut checked = 0;
    for (name, text) in scenarios() {
        let mut secrets = Vec::new();
        let raw: serde_json::Value = serde_json::from_str(&text).unwrap();
        secret_values(&raw, &mut secrets);
        // A scenario's own description may quote its values; it is echoed on purpose.
        let description = raw["description"].as_str().unwrap_or_default();
        // Short values ("1") would match unrelated text; the examples use real-looking ones.
        // The code table itself names weak PINs (123456, 000000) as examples; those are not leaks.
        let table = enrollkit_flow::codes::code_table_markdown();
        secrets.retain(|s| {
            s.len() >= 5 && !table.contains(s.as_str()) && !description.contains(s.as_str())
        });
        if secrets.is_empty() {
            continue;
        }
        let scenario = Scenario::from_json(&text).unwrap();
        let report = scenario.run();
        let outputs = [
            format!("{scenario:?}"),
            format!("{report:?}"),
            report.to_text(),
            serde_json::to_string(&report).unwrap(),
        ];
        for secret in &secrets {
            assert!(text.contains(secret.as_str()));
            for out in &outputs {
                if let Some(at) = out.find(secret.as_str()) {
                    let context = &out[at.saturating_sub(200)..(at + 100).min(out.len())];
                    panic!("{name}: `{secret}` leaked: ...{context}...");
                }
            }
        }
        checked += secrets.len();
    }
    // The examples carry passwords, PINs and a bearer token: the loop above is not vacuous.
    assert!(checked >= 5, "only {checked} secrets found in the examples");
}

#[test]
fn secret_debug_is_redacted() {
    let s = Secret::new("Corr3ct-Horse");
    assert!(!format!("{s:?}").contains("Corr3ct"));
    assert!(!format!("{:?}", SecretDigest::of(&s)).contains("Corr3ct"));
    assert!(!format!("{:?}", Some(s)).contains("Corr3ct"));
}

#[test]
fn mistyped_secrets_are_not_echoed_in_parse_errors() {
    let text = include_str!("../../../examples/scenarios/login-windows-weak-pin.json");
    // A PIN and a password written as JSON numbers instead of strings.
    for (from, to) in [
        ("\"pin\": \"123456\"", "\"pin\": 284719"),
        ("\"password\": \"Corr3ct-Horse\"", "\"password\": 90210377"),
    ] {
        assert!(text.contains(from));
        let broken = text.replacen(from, to, 1);
        let err = Scenario::from_json(&broken).unwrap_err();
        assert_eq!(err.code(), "FLOW900");
        let value = to.rsplit(' ').next().unwrap();
        assert!(
            !err.to_string().contains(value),
            "the secret {value} is echoed: {err}"
        );
        assert!(!format!("{err:?}").contains(value), "{err:?}");
    }
}
