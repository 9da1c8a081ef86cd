//! The committed schema tables against Apple's YAML: (1) they equal the generator's output,
//! (2) an independent naive PyYAML walk (no memoisation, depth-limited) sees the same facts.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use enrollkit_lint::Platform;
use enrollkit_lint::schema::{self, Introduced, KeySpec, Lit, OsSupport, Presence, UeMode};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn schema_dir() -> Option<PathBuf> {
    let dir = crate_dir().join("../../../shared/apple-device-management/mdm/profiles");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("SKIP: ../shared not present");
        None
    }
}

#[test]
fn committed_tables_equal_generator_output() {
    let Some(dir) = schema_dir() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("schema_data.rs");
    let status = Command::new("python3")
        .arg(crate_dir().join("tools/gen_schema.py"))
        .arg("--schema-dir")
        .arg(&dir)
        .arg("--out")
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success(), "generator failed");
    let generated = std::fs::read_to_string(&out).unwrap();
    let committed = std::fs::read_to_string(crate_dir().join("src/schema_data.rs")).unwrap();
    assert!(
        generated == committed,
        "src/schema_data.rs is stale: run python3 crates/enrollkit-lint/tools/gen_schema.py"
    );
}

const DEPTH: usize = 3;

/// The oracle: a plain recursive walk over PyYAML's objects, written independently of the
/// generator (no key-set numbering, no sorting, no interning), cut at DEPTH.
const ORACLE: &str = r#"
import glob, os, sys, yaml
DEPTH = int(sys.argv[2])
def ver(v):
    s = str(v)
    if s in ("n/a", "all"):
        return s
    parts = [int(p) for p in s.split(".")] + [0, 0]
    return "%d.%d.%d" % tuple(parts[:3])
def support(prefix, so):
    for os_name, spec in sorted((so or {}).items()):
        spec = spec or {}
        for field in ("introduced", "deprecated", "removed"):
            if field in spec:
                print("%s|%s|%s=%s" % (prefix, os_name, field, ver(spec[field])))
        for field in ("multiple", "supervised", "allowmanualinstall", "requiresdep", "userapprovedmdm"):
            if field in spec:
                print("%s|%s|%s=%s" % (prefix, os_name, field, str(spec[field]).lower()))
        ue = spec.get("userenrollment")
        if isinstance(ue, dict) and "mode" in ue:
            print("%s|%s|ue=%s" % (prefix, os_name, ue["mode"]))
def num(v):
    return "%.6f" % float(v)
def walk(prefix, keys, depth):
    for k in keys or []:
        path = prefix + "/" + str(k["key"])
        allowed = ",".join(num(v) if isinstance(v, (int, float)) else str(v) for v in (k.get("rangelist") or []))
        rng = k.get("range") or {}
        print("%s|%s|%s|%s|%s|%s|%s" % (path, k["type"], k.get("presence", "-"), allowed,
              num(rng["min"]) if "min" in rng else "-", num(rng["max"]) if "max" in rng else "-",
              k.get("format", "-")))
        support(path, k.get("supportedOS"))
        if depth + 1 < DEPTH:
            walk(path, k.get("subkeys"), depth + 1)
for f in sorted(glob.glob(os.path.join(sys.argv[1], "*.yaml"))):
    d = yaml.safe_load(open(f, "rb"))
    prefix = d["payload"]["payloadtype"] + "@" + os.path.basename(f)
    support(prefix, d["payload"].get("supportedOS"))
    walk(prefix, d.get("payloadkeys"), 0)
"#;

fn num(v: f64) -> String {
    format!("{v:.6}")
}

fn ver(i: &Introduced) -> String {
    match i {
        Introduced::NotAvailable => "n/a".into(),
        Introduced::All => "all".into(),
        Introduced::In(v) => format!("{}.{}.{}", v.major, v.minor, v.patch),
    }
}

fn support_lines(prefix: &str, entries: &[(Platform, OsSupport)], out: &mut BTreeSet<String>) {
    for (platform, s) in entries {
        let os = platform.name();
        let mut add = |field: &str, value: String| {
            out.insert(format!("{prefix}|{os}|{field}={value}"));
        };
        if let Some(i) = &s.introduced {
            add("introduced", ver(i));
        }
        if let Some(v) = s.deprecated {
            add("deprecated", ver(&Introduced::In(v)));
        }
        if let Some(v) = s.removed {
            add("removed", ver(&Introduced::In(v)));
        }
        for (field, value) in [
            ("multiple", s.multiple),
            ("supervised", s.supervised),
            ("allowmanualinstall", s.allow_manual_install),
            ("requiresdep", s.requires_dep),
            ("userapprovedmdm", s.user_approved_mdm),
        ] {
            if let Some(b) = value {
                add(field, b.to_string());
            }
        }
        if let Some(m) = s.user_enrollment {
            let mode = match m {
                UeMode::Allowed => "allowed",
                UeMode::Required => "required",
                UeMode::Forbidden => "forbidden",
                UeMode::Ignored => "ignored",
            };
            add("ue", mode.to_owned());
        }
    }
}

fn key_lines(prefix: &str, key: &KeySpec, depth: usize, out: &mut BTreeSet<String>) {
    let path = format!("{prefix}/{}", key.name);
    let allowed: Vec<String> = key
        .allowed
        .iter()
        .map(|l| match l {
            Lit::Str(s) => (*s).to_owned(),
            Lit::Int(i) => num(*i as f64),
            Lit::Real(r) => num(*r),
        })
        .collect();
    let presence = match key.presence {
        Presence::Required => "required",
        Presence::Optional => "optional",
        Presence::Unstated => "-",
    };
    out.insert(format!(
        "{path}|<{}>|{presence}|{}|{}|{}|{}",
        key.ty.name(),
        allowed.join(","),
        key.min.map_or("-".into(), num),
        key.max.map_or("-".into(), num),
        key.format_pattern().unwrap_or("-"),
    ));
    support_lines(&path, key.support, out);
    if depth + 1 < DEPTH {
        for child in key.children() {
            key_lines(&path, child, depth + 1, out);
        }
    }
}

#[test]
fn tables_match_an_independent_yaml_walk() {
    let Some(dir) = schema_dir() else { return };
    let output = Command::new("python3")
        .arg("-c")
        .arg(ORACLE)
        .arg(&dir)
        .arg(DEPTH.to_string())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let expected: BTreeSet<String> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();

    let mut actual = BTreeSet::new();
    for p in schema::all_payload_schemas() {
        let prefix = format!("{}@{}", p.payload_type, p.source);
        support_lines(&prefix, p.support, &mut actual);
        for key in p.keys() {
            key_lines(&prefix, key, 0, &mut actual);
        }
    }
    let missing: Vec<_> = expected.difference(&actual).take(10).collect();
    let extra: Vec<_> = actual.difference(&expected).take(10).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "tables differ from the YAML\nmissing: {missing:#?}\nextra: {extra:#?}"
    );
    assert!(
        expected.len() > 4000,
        "oracle saw only {} facts",
        expected.len()
    );
}

#[test]
fn known_facts_from_the_reference() {
    // Facts quoted in the reference notes (apple-profiles.md §3, §4.3, §5.1).
    let mdm = &schema::payload_schemas("com.apple.mdm")[0];
    for platform in Platform::ALL {
        assert_eq!(mdm.support(platform).multiple, Some(false), "{platform}");
    }
    assert_eq!(mdm.support(Platform::WatchOs).supervised, Some(true));
    assert_eq!(
        mdm.support(Platform::WatchOs).allow_manual_install,
        Some(false)
    );
    let sso = schema::payload_schemas("com.apple.extensiblesso");
    assert!(sso.iter().all(|s| Platform::ALL.iter().all(
        |p| s.support(*p).not_available() || s.support(*p).allow_manual_install == Some(false)
    )));
    let vpn = &schema::payload_schemas("com.apple.vpn.managed")[0];
    assert_eq!(
        vpn.support(Platform::Ios).user_enrollment,
        Some(UeMode::Forbidden)
    );
    let top = schema::top_level().unwrap();
    assert!(
        top.key("TargetDeviceType")
            .unwrap()
            .allowed
            .contains(&Lit::Int(6))
    );
    assert_eq!(schema::SCHEMA_INPUT_SHA256.len(), 64);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/schema_data.rs");
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.starts_with("// @generated"));
}
