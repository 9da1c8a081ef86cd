//! Test helpers shared by enrollkit's crates: where `../shared` is, the corpus files, and
//! the Python `plistlib` oracle.
// Test helpers: a failure to run an oracle is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod rate;

use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine;
use enrollkit_profile::plist::Value;

/// The `shared/` directory beside the checkout, if present.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared");
    dir.is_dir().then_some(dir)
}

/// Every `.mobileconfig` under `shared/corpus`, sorted; empty when `shared/` is absent.
pub fn corpus_files() -> Vec<PathBuf> {
    let Some(shared) = shared_dir() else {
        return Vec::new();
    };
    let mut files = Vec::new();
    let mut stack = vec![shared.join("corpus")];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "mobileconfig") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The bytes of every corpus file (see [`corpus_files`]), or `None` with a `SKIP` line when
/// `shared/` is absent: the one corpus walker of the workspace's tests, benches and examples.
pub fn corpus_bytes() -> Option<Vec<Vec<u8>>> {
    if shared_dir().is_none() {
        println!("SKIP: ../shared not present");
        return None;
    }
    Some(
        corpus_files()
            .iter()
            .filter_map(|path| std::fs::read(path).ok())
            .collect(),
    )
}

/// Runs `program ARGS` under Python's `resource` module (standard output discarded) and returns (exit code, stderr, peak resident set size in KiB): the RSS the OS
/// measured for the child, not an estimate of ours.
pub fn run_measured(program: &str, args: &[&str]) -> (i32, String, u64) {
    let script = r#"
import json, resource, subprocess, sys
p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
print(json.dumps({"code": p.returncode, "stderr": p.stderr.decode("utf-8", "replace"),
                  "maxrss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"#;
    let out = Command::new(python())
        .arg("-c")
        .arg(script)
        .arg(program)
        .args(args)
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("its JSON report");
    (
        v["code"].as_i64().unwrap_or(-1) as i32,
        v["stderr"].as_str().unwrap_or_default().to_owned(),
        v["maxrss_kib"].as_u64().unwrap_or(u64::MAX),
    )
}

/// The Python interpreter for oracles: `$ENROLLKIT_PYTHON`, else `python3`.
pub fn python() -> String {
    std::env::var("ENROLLKIT_PYTHON").unwrap_or_else(|_| "python3".into())
}

/// Reads each file with Python's `plistlib` and returns its type-tagged JSON.
pub fn plistlib_tagged(files: &[PathBuf]) -> Result<serde_json::Value, String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("oracles/plist_tagged.py");
    let output = Command::new(python())
        .arg(&script)
        .args(files)
        .output()
        .map_err(|e| format!("running {}: {e}", python()))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    serde_json::from_slice(&output.stdout).map_err(|e| e.to_string())
}

/// The same type-tagged JSON as `oracles/plist_tagged.py`, for a value read by enrollkit.
pub fn tagged(value: &Value) -> serde_json::Value {
    use serde_json::json;
    match value {
        Value::Boolean(b) => json!({ "bool": b }),
        Value::Integer(i) => match (i.as_signed(), i.as_unsigned()) {
            (Some(s), _) => json!({ "integer": s.to_string() }),
            (None, Some(u)) => json!({ "integer": u.to_string() }),
            (None, None) => json!({ "integer": null }),
        },
        Value::Real(r) => json!({ "real": r }),
        Value::String(s) => json!({ "string": s }),
        Value::Data(d) => {
            json!({ "data": base64::engine::general_purpose::STANDARD.encode(d) })
        }
        Value::Date(d) => json!({ "date": d.to_xml_format() }),
        Value::Uid(u) => json!({ "uid": u.get() }),
        Value::Array(items) => json!({ "array": items.iter().map(tagged).collect::<Vec<_>>() }),
        Value::Dictionary(dict) => json!({
            "dict": dict.iter().map(|(k, v)| json!([k, tagged(v)])).collect::<Vec<_>>()
        }),
        _ => json!({ "unknown": null }),
    }
}
