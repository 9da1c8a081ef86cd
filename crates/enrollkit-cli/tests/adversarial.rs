//! The adversarial run's defects, each as a regression test through the release surface (the
//! CLI): inputs are generated here (no committed blobs), every refusal is a coded one-line
//! error, and memory and time stay bounded.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use der::{Any, Decode, Encode, Tag, TagNumber, Tagged};
use enrollkit_testkit::{python, run_measured};

const EXE: &str = env!("CARGO_BIN_EXE_enrollkit");

/// CPU time (user + system) of the children this process has waited for, from
/// /proc/self/stat (Linux reports it in USER_HZ = 100 ticks a second); `None` elsewhere.
/// The "within 1 s" limits are judged on the command's CPU time, so a loaded machine does not
/// fail them; wall time is the fallback where /proc is missing.
fn children_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; cutime and cstime are fields 16 and 17.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(13)?.parse::<u64>().ok()? + fields.get(14)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// Runs the CLI and returns its output and its cost: CPU time where the platform reports it,
/// wall time otherwise.
fn enrollkit_timed(args: &[&str]) -> (Output, Duration) {
    let (cpu, wall) = (children_cpu_time(), Instant::now());
    let out = enrollkit(args);
    let took = match (cpu, children_cpu_time()) {
        (Some(before), Some(after)) => after.saturating_sub(before),
        _ => wall.elapsed(),
    };
    (out, took)
}

fn enrollkit(args: &[&str]) -> Output {
    Command::new(EXE)
        .args(args)
        .envs(package_secrets())
        .output()
        .unwrap()
}

/// The example config's `{ env = "NAME" }` secrets, as the CI job would set them.
fn package_secrets() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bindings/fixtures/package-secrets.json"),
    )
    .unwrap();
    let map: std::collections::BTreeMap<String, String> = serde_json::from_str(&text).unwrap();
    map.into_iter().collect()
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bindings/fixtures")
}

fn fixture(name: &str) -> String {
    fixtures().join(name).to_str().unwrap().to_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// One error line naming `code`, exit 1.
fn assert_coded(out: &Output, code: &str) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains(&format!("error[{code}]")), "{stderr}");
    stderr
}

fn profile_xml(payloads: usize) -> String {
    let mut items = String::new();
    for i in 0..payloads {
        items.push_str(&format!(
            "<dict><key>PayloadType</key><string>com.apple.wifi.managed</string>\
             <key>PayloadVersion</key><integer>1</integer>\
             <key>PayloadIdentifier</key><string>com.example.wifi.{i}</string>\
             <key>PayloadUUID</key><string>00000000-0000-4000-8000-{i:012}</string>\
             <key>SSID_STR</key><string>corp</string></dict>"
        ));
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><plist version=\"1.0\"><dict>\
         <key>PayloadType</key><string>Configuration</string>\
         <key>PayloadVersion</key><integer>1</integer>\
         <key>PayloadIdentifier</key><string>com.example.profile</string>\
         <key>PayloadUUID</key><string>6D1F9D5C-5B2A-4C55-9E0B-6F2D6C1A0E11</string>\
         <key>PayloadContent</key><array>{items}</array></dict></plist>"
    )
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn sign(dir: &Path, input: &Path, name: &str) -> PathBuf {
    let out = dir.join(name);
    let run = enrollkit(&[
        "sign",
        s(input),
        "-o",
        s(&out),
        "--key",
        &fixture("signer-p256.key"),
        "--cert",
        &fixture("signer-p256.pem"),
        "--signing-time",
        "2029-06-01T00:00:00Z",
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    out
}

fn python_writes(script: &str, out: &Path) {
    let run = Command::new(python())
        .arg("-c")
        .arg(script)
        .arg(out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
}

/// Defect 1: Output errors: `> /dev/full` is one coded line and exit 1 for every command; a reader
/// that closes the pipe early (`| head -c1`) ends the command quietly with exit 0.
#[test]
fn unwritable_output_is_an_error_and_a_closed_pipe_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let profile = write(dir.path(), "p.mobileconfig", profile_xml(3).as_bytes());
    let signed = sign(dir.path(), &profile, "p.signed");
    let scenario =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/scenarios/web-jit-create.json");
    let bad_xml =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/windows/bad-customizations.xml");
    let ca_pem = fixture("ca.pem");
    // A finding, so plain `lint` has a line to write.
    let noisy = write(
        dir.path(),
        "noisy.mobileconfig",
        profile_xml(1)
            .replace(
                "<key>SSID_STR</key>",
                "<key>Bogus</key><true/><key>SSID_STR</key>",
            )
            .as_bytes(),
    );
    let commands: Vec<Vec<&str>> = vec![
        vec!["inspect", s(&profile)],
        vec!["inspect", s(&profile), "--json"],
        vec!["verify", s(&signed), "--trust", &ca_pem],
        vec!["lint", s(&noisy)],
        vec!["lint", s(&profile), "--json"],
        vec!["flow", "run", s(&scenario)],
        vec!["windows-package", "--check", s(&bad_xml)],
        vec!["codes"],
        vec!["explain", "STR001"],
    ];
    for args in &commands {
        let out = Command::new(EXE)
            .args(args)
            .stdout(File::create("/dev/full").unwrap())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains("error[IO002]"), "{args:?}: {stderr}");
    }
    // Enough output to fill the pipe, so the writes come after the reader is gone.
    let big = write(dir.path(), "big.mobileconfig", profile_xml(3000).as_bytes());
    for args in [vec!["inspect", s(&big)], vec!["codes", "--json"]] {
        let mut child = Command::new(EXE)
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut one = [0u8; 1];
        child.stdout.take().unwrap().read_exact(&mut one).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            matches!(out.status.code(), Some(0) | Some(141)),
            "{args:?}: {:?}",
            out.status
        );
        assert!(
            out.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The elements of a DER SEQUENCE (or the explicit content of a context tag), as TLVs.
fn elements(tlv: &[u8]) -> Vec<Any> {
    let any = Any::from_der(tlv).unwrap();
    let mut out = Vec::new();
    let mut rest = any.value();
    while !rest.is_empty() {
        let (element, tail) = Any::from_der_partial(rest).unwrap();
        out.push(element);
        rest = tail;
    }
    out
}

fn constructed(tag: Tag, parts: &[Any]) -> Vec<u8> {
    let mut value = Vec::new();
    for p in parts {
        value.extend(p.to_der().unwrap());
    }
    Any::new(tag, value).unwrap().to_der().unwrap()
}

fn context(number: u32) -> Tag {
    Tag::ContextSpecific {
        constructed: true,
        number: TagNumber(number),
    }
}

/// `[oid, [0] { inner }]` of a ContentInfo, with the inner SEQUENCE's elements changed by `f`.
fn rewrite_content_info(der: &[u8], f: impl FnOnce(&mut Vec<Any>)) -> Vec<u8> {
    let mut info = elements(der);
    let mut inner = elements(info[1].value());
    f(&mut inner);
    let inner_der = constructed(Tag::Sequence, &inner);
    info[1] = Any::new(context(0), inner_der).unwrap();
    constructed(Tag::Sequence, &info)
}

/// Defect 2: A SignedData carrying 50,000 valid certificates: a coded verdict within a second, not
/// minutes of chain building.
#[test]
fn fifty_thousand_certificates_are_refused_in_a_second() {
    let dir = tempfile::tempdir().unwrap();
    let profile = write(dir.path(), "p.mobileconfig", profile_xml(1).as_bytes());
    let signed = std::fs::read(sign(dir.path(), &profile, "p.signed")).unwrap();
    // A small valid certificate from the trusted CA (about 320 bytes), so 50,000 of them fit
    // in the 16 MiB input limit, as in the adversarial run.
    let key = dir.path().join("extra.key");
    let csr = dir.path().join("extra.csr");
    let extra = dir.path().join("extra.der");
    let (ca, ca_key) = (fixture("ca.pem"), fixture("ca.key"));
    for args in [
        vec![
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-noout",
            "-out",
            s(&key),
        ],
        vec![
            "req",
            "-new",
            "-key",
            s(&key),
            "-subj",
            "/CN=x",
            "-out",
            s(&csr),
        ],
        vec![
            "x509",
            "-req",
            "-in",
            s(&csr),
            "-CA",
            &ca,
            "-CAkey",
            &ca_key,
            "-days",
            "3650",
            "-outform",
            "DER",
            "-out",
            s(&extra),
        ],
    ] {
        let run = Command::new("openssl").args(&args).output().unwrap();
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
    }
    let extra = std::fs::read(&extra).unwrap();
    let flooded = rewrite_content_info(&signed, |sd| {
        let at = sd.iter().position(|e| e.tag() == context(0)).unwrap();
        let mut certificates = elements(&sd[at].to_der().unwrap())
            .remove(0)
            .to_der()
            .unwrap();
        certificates.extend(extra.repeat(49_999));
        sd[at] = Any::new(context(0), certificates).unwrap();
    });
    assert!(
        flooded.len() > 15_000_000 && flooded.len() < 16 * 1024 * 1024,
        "{}",
        flooded.len()
    );
    let path = write(dir.path(), "flooded.signed", &flooded);
    let (out, took) = enrollkit_timed(&[
        "verify",
        s(&path),
        "--trust",
        &fixture("ca.pem"),
        "--at",
        "2030-01-01T00:00:00Z",
        "--json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(report["verdict"], "Invalid");
    assert_eq!(report["reason_code"], "CMS016", "{report}");
    assert!(took < Duration::from_secs(1), "{took:?}");
    // The same message inspected or linted: the signer certificates are read the same way.
    let out = enrollkit(&["inspect", s(&path)]);
    assert_coded(&out, "CMS016");
}

/// Defect 3: An EnvelopedData with 37,500 recipients: a coded error within a second, no RSA operation
/// per recipient.
#[test]
fn thirty_seven_thousand_recipients_are_refused_in_a_second() {
    let dir = tempfile::tempdir().unwrap();
    let profile = write(dir.path(), "p.mobileconfig", profile_xml(1).as_bytes());
    let encrypted = dir.path().join("p.encrypted");
    let run = enrollkit(&[
        "encrypt",
        s(&profile),
        "--recipient",
        &fixture("signer-rsa.pem"),
        "-o",
        s(&encrypted),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = std::fs::read_to_string(&encrypted).unwrap();
    let value = enrollkit::profile::plist::Value::from_reader_xml(text.as_bytes()).unwrap();
    let envelope = value.as_dictionary().unwrap()["EncryptedPayloadContent"]
        .as_data()
        .unwrap()
        .to_vec();
    // 37,500 recipients addressed to another (RSA-1024) certificate, beside the real one.
    let foreign_key = dir.path().join("foreign.key");
    let foreign = dir.path().join("foreign.pem");
    let foreign_msg = dir.path().join("foreign.der");
    let plain = write(dir.path(), "plain.bin", b"x");
    for args in [
        vec![
            "req",
            "-x509",
            "-newkey",
            "rsa:1024",
            "-nodes",
            "-keyout",
            s(&foreign_key),
        ],
        vec![
            "cms",
            "-encrypt",
            "-binary",
            "-outform",
            "DER",
            "-in",
            s(&plain),
            "-out",
        ],
    ] {
        let mut command = Command::new("openssl");
        command.args(&args);
        if args[0] == "req" {
            command.args(["-subj", "/CN=foreign", "-days", "1", "-out", s(&foreign)]);
        } else {
            command.arg(&foreign_msg).arg(&foreign);
        }
        let run = command.output().unwrap();
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
    }
    let recipient_set = |der: &[u8]| {
        let inner = elements(elements(der)[1].value());
        let set = inner.into_iter().find(|e| e.tag() == Tag::Set).unwrap();
        elements(&set.to_der().unwrap()).remove(0).to_der().unwrap()
    };
    let foreign_recipient = recipient_set(&std::fs::read(&foreign_msg).unwrap());
    let flooded = rewrite_content_info(&envelope, |ed| {
        let at = ed.iter().position(|e| e.tag() == Tag::Set).unwrap();
        let mut recipients = elements(&ed[at].to_der().unwrap())
            .remove(0)
            .to_der()
            .unwrap();
        recipients.extend(foreign_recipient.repeat(37_500));
        ed[at] = Any::new(Tag::Set, recipients).unwrap();
    });
    let mut dict = value.as_dictionary().unwrap().clone();
    dict.insert(
        "EncryptedPayloadContent".into(),
        enrollkit::profile::plist::Value::Data(flooded),
    );
    let path = write(
        dir.path(),
        "flooded.mobileconfig",
        &enrollkit::profile::xml_bytes(&enrollkit::profile::plist::Value::Dictionary(dict))
            .unwrap(),
    );
    let (out, took) = enrollkit_timed(&[
        "decrypt",
        s(&path),
        "--key",
        &fixture("other.key"),
        "-o",
        s(&dir.path().join("out.mobileconfig")),
    ]);
    assert_coded(&out, "CMS017");
    assert!(took < Duration::from_secs(1), "{took:?}");
}

/// Defect 4: A replacement that carries the installed profile's signer certificate but a signature
/// that does not verify: the device refuses it, and so does the check.
#[test]
fn a_forged_replacement_signature_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let profile = write(dir.path(), "p.mobileconfig", profile_xml(1).as_bytes());
    let installed = sign(dir.path(), &profile, "installed.signed");
    let mut forged = std::fs::read(&installed).unwrap();
    // The SignerInfo's signature is the last element of the message.
    *forged.last_mut().unwrap() ^= 0x55;
    let forged = write(dir.path(), "forged.signed", &forged);
    let out = enrollkit(&[
        "check-install",
        s(&forged),
        "--installed",
        s(&installed),
        "--manual-install",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["outcome"]["kind"], "rejected");
    let codes: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"CHK012"), "{codes:?}");
    // verify agrees: Invalid.
    let out = enrollkit(&["verify", s(&forged), "--trust", &fixture("ca.pem")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Invalid"));
}

fn package_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/windows");
    std::fs::create_dir_all(dir.path().join("assets")).unwrap();
    std::fs::copy(
        examples.join("assets/agent.msi"),
        dir.path().join("assets/agent.msi"),
    )
    .unwrap();
    std::fs::copy(
        examples.join("onboarding.toml"),
        dir.path().join("onboarding.toml"),
    )
    .unwrap();
    dir
}

fn set_config(dir: &Path, from: &str, to: &str) -> PathBuf {
    let path = dir.join("onboarding.toml");
    let text = std::fs::read_to_string(&path).unwrap().replace(from, to);
    std::fs::write(&path, text).unwrap();
    path
}

/// Defect 5: Files a config names stay inside the config's folder: absolute paths, `..` and symlinks
/// are refused unless `--allow-root` names the folder; nothing is copied.
#[test]
fn package_inputs_stay_inside_the_config_folder() {
    let outside = tempfile::tempdir().unwrap();
    // An OLE compound-file signature, so the package check takes it as an MSI.
    let secret = write(
        outside.path(),
        "secret.msi",
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 not for the package",
    );
    for (name, path) in [
        ("absolute", s(&secret).to_owned()),
        ("dot-dot", "../../../../../../../../etc/passwd".to_owned()),
        ("symlink", "assets/link.msi".to_owned()),
    ] {
        let dir = package_dir();
        std::os::unix::fs::symlink(&secret, dir.path().join("assets/link.msi")).unwrap();
        let config = set_config(
            dir.path(),
            "msi = \"assets/agent.msi\"",
            &format!("msi = \"{path}\""),
        );
        let out_dir = dir.path().join("out");
        let out = enrollkit(&["windows-package", "--config", s(&config), "-o", s(&out_dir)]);
        assert_coded(&out, "IO004");
        assert!(!out_dir.exists(), "{name}: nothing may be written");
        if name != "dot-dot" {
            let out = enrollkit(&[
                "windows-package",
                "--config",
                s(&config),
                "-o",
                s(&out_dir),
                "--allow-root",
                s(outside.path()),
            ]);
            assert!(
                out.status.success(),
                "{name}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

/// Defect 6: A secret of the wrong TOML type is refused without its value.
#[test]
fn numeric_secrets_are_not_echoed() {
    for (from, to, value) in [
        (
            "password = { env = \"ENROLLKIT_LOCAL_ADMIN_PASSWORD\" }",
            "password = 77712345",
            "77712345",
        ),
        (
            "secret = { env = \"ENROLLKIT_ENROLLMENT_SECRET\" }",
            "secret = 4.5e9",
            "4.5e9",
        ),
        (
            "key = { env = \"ENROLLKIT_WIFI_PASSPHRASE\" }",
            "key = 31415926",
            "31415926",
        ),
        (
            "connect_key = { env = \"ENROLLKIT_AGENT_CONNECT_KEY\" }",
            "connect_key = 27182818",
            "27182818",
        ),
    ] {
        let dir = package_dir();
        let config = set_config(dir.path(), from, to);
        let out = enrollkit(&[
            "windows-package",
            "--config",
            s(&config),
            "-o",
            s(&dir.path().join("out")),
        ]);
        let stderr = assert_coded(&out, "PPKG501");
        assert!(!stderr.contains(value), "{stderr}");
        assert!(stderr.contains("value not shown"), "{stderr}");
    }
}

/// Defect 7: A 3 MB binary plist whose arrays share one string 999,000 times, 97 levels deep: a coded
/// limit error in bounded memory, not hundreds of megabytes of JSON.
#[test]
fn shared_binary_objects_cannot_amplify() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.plist");
    python_writes(
        r#"
import plistlib, sys
leaf = "s" * 8
level = [leaf] * 999_000          # one string object, referenced 999,000 times
for _ in range(96):               # 97 levels: each array refers to the next one
    level = [level]
with open(sys.argv[1], "wb") as f:
    plistlib.dump({"PayloadContent": level}, f, fmt=plistlib.FMT_BINARY)
"#,
        &path,
    );
    let size = std::fs::metadata(&path).unwrap().len();
    assert!(size > 900_000 && size < 4_000_000, "{size}");
    for args in [
        vec!["convert", s(&path), "--to", "json", "-o", "/dev/null"],
        vec!["inspect", s(&path), "--json"],
    ] {
        let (code, stderr, maxrss_kib) = run_measured(EXE, &args);
        assert_eq!(code, 1, "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains("error[PRF003]"), "{stderr}");
        assert!(
            maxrss_kib < 128 * 1024,
            "{args:?}: peak RSS {maxrss_kib} KiB"
        );
    }
}

/// Defect 8: Lint keeps at most 1,000 findings per profile (then one STR016 with the count) and
/// streams file by file: forty copies of a profile with 60,000 findings stay in bounded memory
/// (before, every finding of every file was kept: about 2.4 million here).
#[test]
fn lint_findings_are_capped_and_streamed() {
    let dir = tempfile::tempdir().unwrap();
    let mut keys = String::new();
    for n in 0..60_000 {
        keys.push_str(&format!("<key>Unknown{n}</key><true/>"));
    }
    let xml = profile_xml(1).replace("<key>SSID_STR</key>", &format!("{keys}<key>SSID_STR</key>"));
    assert!(xml.len() > 1_500_000, "{}", xml.len());
    let file = write(dir.path(), "noisy.mobileconfig", xml.as_bytes());
    let out = enrollkit(&["lint", s(&file), "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = report[0]["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1001);
    assert_eq!(findings[1000]["code"], "STR016");
    assert!(
        findings[1000]["message"]
            .as_str()
            .unwrap()
            .starts_with("59"),
        "{}",
        findings[1000]
    );
    let mut args = vec!["lint", "--json"];
    let name = s(&file).to_owned();
    for _ in 0..40 {
        args.push(&name);
    }
    let (_, stderr, maxrss_kib) = run_measured(EXE, &args);
    assert!(stderr.is_empty(), "{stderr}");
    assert!(
        maxrss_kib < 256 * 1024,
        "peak RSS {maxrss_kib} KiB for 40 files"
    );
}

/// Defect 9: The installed profiles of one check are bounded in total, not only per file.
#[test]
fn installed_inputs_are_bounded_in_total() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("list.plist");
    python_writes(
        r#"
import plistlib, sys
entry = {"PayloadIdentifier": "com.example.p", "PayloadUUID": "U",
         "PayloadContent": [{"PayloadType": "com.apple.wifi.managed",
                             "PayloadIdentifier": "com.example.p.w", "PayloadUUID": "W"}]}
with open(sys.argv[1], "wb") as f:
    plistlib.dump({"ProfileList": [entry] * 30_000}, f, fmt=plistlib.FMT_BINARY)
"#,
        &list,
    );
    let new = write(dir.path(), "new.mobileconfig", profile_xml(1).as_bytes());
    let list = s(&list);
    let one = enrollkit(&["check-install", s(&new), "--installed", list]);
    assert!(
        one.status.success(),
        "{}",
        String::from_utf8_lossy(&one.stderr)
    );
    let (code, stderr, maxrss_kib) = run_measured(
        EXE,
        &[
            "check-install",
            s(&new),
            "--installed",
            list,
            list,
            list,
            list,
            list,
        ],
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("error[CHK103]"), "{stderr}");
    assert!(maxrss_kib < 200 * 1024, "peak RSS {maxrss_kib} KiB");
}

/// Every failure after the key operation reads the same: wrong key, content that is not a
/// plist, a plist that is not a payload array. No padding oracle.
#[test]
fn decryption_failures_are_indistinguishable() {
    let dir = tempfile::tempdir().unwrap();
    let encrypt_raw = |name: &str, content: &[u8]| -> PathBuf {
        let plain = write(dir.path(), &format!("{name}.bin"), content);
        let der = dir.path().join(format!("{name}.der"));
        let run = Command::new("openssl")
            .args([
                "cms", "-encrypt", "-binary", "-aes256", "-outform", "DER", "-in",
            ])
            .arg(&plain)
            .arg("-out")
            .arg(&der)
            .arg(fixture("signer-rsa.pem"))
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let mut dict = enrollkit::profile::plist::Dictionary::new();
        for (k, v) in [
            ("PayloadType", "Configuration"),
            ("PayloadIdentifier", "com.example.enc"),
            ("PayloadUUID", "6D1F9D5C-5B2A-4C55-9E0B-6F2D6C1A0E11"),
        ] {
            dict.insert(k.into(), v.into());
        }
        dict.insert("PayloadVersion".into(), 1.into());
        dict.insert("IsEncrypted".into(), true.into());
        dict.insert(
            "EncryptedPayloadContent".into(),
            enrollkit::profile::plist::Value::Data(std::fs::read(&der).unwrap()),
        );
        write(
            dir.path(),
            &format!("{name}.mobileconfig"),
            &enrollkit::profile::xml_bytes(&enrollkit::profile::plist::Value::Dictionary(dict))
                .unwrap(),
        )
    };
    let not_plist = encrypt_raw("text", b"hello, this is not a property list");
    let not_array = encrypt_raw("dict", b"<plist version=\"1.0\"><dict/></plist>");
    let good = encrypt_raw(
        "good",
        b"<plist version=\"1.0\"><array><dict/></array></plist>",
    );
    let decrypt = |file: &Path, key: &str| {
        enrollkit(&[
            "decrypt",
            s(file),
            "--key",
            &fixture(key),
            "-o",
            s(&dir.path().join("o")),
        ])
    };
    assert!(decrypt(&good, "signer-rsa.key").status.success());
    let wrong_key = dir.path().join("wrong.key");
    let run = Command::new("openssl")
        .args([
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-out",
        ])
        .arg(&wrong_key)
        .output()
        .unwrap();
    assert!(run.status.success());
    let wrong = enrollkit(&[
        "decrypt",
        s(&good),
        "--key",
        s(&wrong_key),
        "-o",
        s(&dir.path().join("o")),
    ]);
    // The reason after `error[CODE]: FILE: ` must be the same for all three.
    let reasons: Vec<String> = [
        wrong,
        decrypt(&not_plist, "signer-rsa.key"),
        decrypt(&not_array, "signer-rsa.key"),
    ]
    .iter()
    .map(|out| {
        let line = assert_coded(out, "CMS014");
        line.splitn(4, ": ").nth(3).unwrap().trim().to_owned()
    })
    .collect();
    assert_eq!(reasons[0], reasons[1], "{reasons:?}");
    assert_eq!(reasons[1], reasons[2], "{reasons:?}");
}

/// XML: an unknown entity is refused, not dropped; a control character XML 1.0 cannot carry is
/// refused on writing, naming the key.
#[test]
fn xml_entities_and_control_characters() {
    let dir = tempfile::tempdir().unwrap();
    let entity = write(
        dir.path(),
        "entity.plist",
        b"<plist version=\"1.0\"><dict><key>PayloadType</key><string>x&e;y</string></dict></plist>",
    );
    let stderr = assert_coded(&enrollkit(&["inspect", s(&entity)]), "PRF006");
    assert!(stderr.contains("UnknownXmlEntity"), "{stderr}");
    let control = dir.path().join("control.plist");
    python_writes(
        r#"
import plistlib, sys
with open(sys.argv[1], "wb") as f:
    plistlib.dump({"PayloadContent": [{"Bell": "ding\x07"}]}, f, fmt=plistlib.FMT_BINARY)
"#,
        &control,
    );
    let out = enrollkit(&[
        "convert",
        s(&control),
        "--to",
        "xml",
        "-o",
        s(&dir.path().join("x")),
    ]);
    let stderr = assert_coded(&out, "PRF012");
    assert!(
        stderr.contains("PayloadContent[0].Bell") && stderr.contains("U+0007"),
        "{stderr}"
    );
    assert!(!dir.path().join("x").exists());
}

/// Messages name the thing that is wrong: a bad certificate (not the key), a PKCS#12 with a key
/// but no certificate, a password variable that is set but not UTF-8.
#[test]
fn messages_point_at_the_right_thing() {
    let dir = tempfile::tempdir().unwrap();
    let profile = write(dir.path(), "p.mobileconfig", profile_xml(1).as_bytes());
    let bad_cert = write(
        dir.path(),
        "bad-cert.pem",
        b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    );
    let out = enrollkit(&[
        "sign",
        s(&profile),
        "-o",
        s(&dir.path().join("o")),
        "--key",
        &fixture("signer-p256.key"),
        "--cert",
        s(&bad_cert),
    ]);
    let stderr = assert_coded(&out, "CMS007");
    assert!(
        stderr.contains("bad-cert.pem") && !stderr.contains("signer-p256.key"),
        "{stderr}"
    );

    let key_only = dir.path().join("key-only.p12");
    let run = Command::new("openssl")
        .args([
            "pkcs12",
            "-export",
            "-nocerts",
            "-passout",
            "pass:secret",
            "-inkey",
        ])
        .arg(fixture("signer-rsa.key"))
        .arg("-out")
        .arg(&key_only)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let out = Command::new(EXE)
        .args([
            "sign",
            s(&profile),
            "-o",
            s(&dir.path().join("o")),
            "--p12",
            s(&key_only),
            "--password-env",
            "P12_PASSWORD",
        ])
        .env("P12_PASSWORD", "secret")
        .output()
        .unwrap();
    let stderr = assert_coded(&out, "CMS009");
    assert!(
        stderr.contains("no private key together with its certificate"),
        "{stderr}"
    );

    use std::os::unix::ffi::OsStrExt;
    let out = Command::new(EXE)
        .args([
            "sign",
            s(&profile),
            "-o",
            s(&dir.path().join("o")),
            "--p12",
            &fixture("signer-rsa.p12"),
            "--password-env",
            "P12_PASSWORD",
        ])
        .env("P12_PASSWORD", std::ffi::OsStr::from_bytes(b"sec\xffret"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("not valid UTF-8") && !stderr.contains("not set"),
        "{stderr}"
    );
}
