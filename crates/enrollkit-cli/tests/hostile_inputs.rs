//! Hostile inputs through the CLI: a clean error (exit 1) within bounded memory.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::Path;

fn run_measured(args: &[&str]) -> (i32, String, u64) {
    enrollkit_testkit::run_measured(env!("CARGO_BIN_EXE_enrollkit"), args)
}

fn temp_file(name: &str, write: impl FnOnce(&mut std::fs::File)) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("enrollkit-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    let mut f = std::fs::File::create(&path).unwrap();
    write(&mut f);
    path
}

fn assert_clean_refusal(path: &Path, expect: &str) {
    for command in ["inspect", "convert"] {
        let p = path.to_str().unwrap();
        let args: Vec<&str> = if command == "inspect" {
            vec!["inspect", p]
        } else {
            vec!["convert", p, "--to", "xml", "-o", "/dev/null"]
        };
        let (code, stderr, maxrss_kib) = run_measured(&args);
        assert_eq!(code, 1, "{command}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{command}: {stderr}");
        assert!(stderr.contains(expect), "{command}: {stderr}");
        assert!(
            maxrss_kib < 64 * 1024,
            "{command}: peak RSS {maxrss_kib} KiB"
        );
    }
}

#[test]
fn a_100_mb_plist_is_refused_without_loading_it() {
    let path = temp_file("huge.plist", |f| {
        f.write_all(b"<plist><array>").unwrap();
        let chunk = "<string>xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx</string>".repeat(1000);
        for _ in 0..(100 * 1024 * 1024 / chunk.len()) {
            f.write_all(chunk.as_bytes()).unwrap();
        }
        f.write_all(b"</array></plist>").unwrap();
    });
    assert!(std::fs::metadata(&path).unwrap().len() >= 100_000_000);
    assert_clean_refusal(&path, "larger than the limit");
    std::fs::remove_file(path).ok();
}

#[test]
fn an_array_nested_10000_deep_is_refused() {
    let path = temp_file("deep.plist", |f| {
        f.write_all(b"<plist>").unwrap();
        f.write_all("<array>".repeat(10_000).as_bytes()).unwrap();
        f.write_all("</array>".repeat(10_000).as_bytes()).unwrap();
        f.write_all(b"</plist>").unwrap();
    });
    assert_clean_refusal(&path, "nesting deeper than 100 levels");
}

#[test]
fn a_dictionary_nested_10000_deep_is_refused() {
    let path = temp_file("deepdict.plist", |f| {
        f.write_all(b"<plist>").unwrap();
        f.write_all("<dict><key>k</key>".repeat(10_000).as_bytes())
            .unwrap();
        f.write_all(b"<true/>").unwrap();
        f.write_all("</dict>".repeat(10_000).as_bytes()).unwrap();
        f.write_all(b"</plist>").unwrap();
    });
    assert_clean_refusal(&path, "nesting deeper than 100 levels at k.k.k");
}
