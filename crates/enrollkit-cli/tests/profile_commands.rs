//! `enrollkit inspect` and `enrollkit convert` through the real binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use enrollkit_testkit::{corpus_files, plistlib_tagged};

fn enrollkit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_enrollkit"))
        .args(args)
        .output()
        .unwrap()
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("enrollkit-cli-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn demo_profile(dir: &Path) -> PathBuf {
    let out = enrollkit(&["demo", "--out", dir.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir.join("enrollment.mobileconfig")
}

#[test]
fn inspect_non_plist_exits_1_with_one_line() {
    let dir = temp_dir("nonplist");
    let file = dir.join("notes.txt");
    std::fs::write(&file, "this is not a profile\n").unwrap();
    let out = enrollkit(&["inspect", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains(file.to_str().unwrap()),
        "names the file: {stderr}"
    );
    assert!(stderr.contains("not a property list"), "{stderr}");

    let out = enrollkit(&[
        "inspect",
        dir.join("missing.mobileconfig").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8(out.stderr).unwrap().lines().count(), 1);
}

#[test]
fn bad_usage_exits_2() {
    assert_eq!(enrollkit(&["inspect"]).status.code(), Some(2));
    assert_eq!(
        enrollkit(&["convert", "x", "--to", "yaml", "-o", "y"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(enrollkit(&["no-such-command"]).status.code(), Some(2));
}

#[test]
fn inspect_json_parses_and_lists_payloads() {
    let dir = temp_dir("inspect");
    let profile = demo_profile(&dir);
    let out = enrollkit(&["inspect", profile.to_str().unwrap(), "--json"]);
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["signed"], false);
    assert_eq!(json["format"], "xml");
    let payloads = json["payloads"].as_array().unwrap();
    let types: Vec<_> = payloads
        .iter()
        .map(|p| p["payload_type"].as_str().unwrap())
        .collect();
    assert!(types.contains(&"com.apple.mdm") && types.contains(&"com.apple.security.scep"));
    assert!(
        json["top_level_keys"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k == "PayloadContent")
    );
}

#[test]
fn convert_keeps_every_corpus_file_equal_for_plistlib() {
    let files = corpus_files();
    if files.is_empty() {
        println!("SKIP: ../shared not present");
        return;
    }
    let dir = temp_dir("convert");
    let original = plistlib_tagged(&files).unwrap();
    let mut outputs = Vec::new();
    for (i, file) in files.iter().enumerate() {
        for to in ["xml", "binary"] {
            let out_path = dir.join(format!("{i}.{to}"));
            let out = enrollkit(&[
                "convert",
                file.to_str().unwrap(),
                "--to",
                to,
                "-o",
                out_path.to_str().unwrap(),
            ]);
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            outputs.push((file.display().to_string(), out_path));
        }
    }
    let paths: Vec<_> = outputs.iter().map(|(_, p)| p.clone()).collect();
    let converted = plistlib_tagged(&paths).unwrap();
    for (name, path) in &outputs {
        assert_eq!(
            converted[&path.display().to_string()],
            original[name],
            "{name} -> {}",
            path.display()
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn convert_to_json_is_json() {
    let dir = temp_dir("json");
    let profile = demo_profile(&dir);
    let out_path = dir.join("p.json");
    let out = enrollkit(&[
        "convert",
        profile.to_str().unwrap(),
        "--to",
        "json",
        "-o",
        out_path.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_path).unwrap()).unwrap();
    assert_eq!(json["PayloadType"], "Configuration");
    assert_eq!(json["PayloadVersion"], 1);
}
