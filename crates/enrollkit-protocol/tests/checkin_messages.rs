//! Check-in messages: one typed message per schema file, fixtures generated from the schema
//! round-trip (checked against Python's plistlib), and `Mdm-Signature` interop with openssl.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

use enrollkit_cms::{TrustAnchors, Verifier, parse_certificates};
use enrollkit_diagnostic::Coded;
use enrollkit_profile::plist::Value;
use enrollkit_protocol::checkin::*;
use enrollkit_protocol::signature::verify_mdm_signature;

fn crate_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn schema_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    names.sort();
    names
}

#[test]
fn every_checkin_schema_has_a_typed_message() {
    let ours = crate_dir().join("../../schema/apple-device-management/mdm/checkin");
    let files = schema_names(&ours);
    let typed: Vec<String> = MESSAGE_TYPES.iter().map(|(_, f)| (*f).to_owned()).collect();
    assert_eq!(files, typed);
    // The release the lint tables were first built from has no message we lack.
    let shared = crate_dir().join("../../../shared/apple-device-management/mdm/checkin");
    if shared.is_dir() {
        for name in schema_names(&shared) {
            assert!(
                typed.contains(&name),
                "{name} of ../shared has no typed message"
            );
        }
    }
}

fn fixtures() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(crate_dir().join("tests/fixtures/checkin"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

#[test]
fn schema_fixtures_round_trip_and_keep_unknown_keys() {
    assert_eq!(fixtures().len(), MESSAGE_TYPES.len());
    for path in fixtures() {
        let bytes = std::fs::read(&path).unwrap();
        let checkin = parse_checkin(&bytes, &CheckinLimits::default())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let original: Value = Value::from_reader_xml(&bytes[..]).unwrap();
        let written = Value::Dictionary(checkin.message.to_dictionary());
        assert_eq!(written, original, "{}", path.display());
        let dict = written.as_dictionary().unwrap();
        assert_eq!(dict["NotInTheSchema"].as_string(), Some("kept"));
        // Python's plistlib reads what we write as the same plist it wrote.
        let ours = to_xml(dict);
        let script = "import plistlib,sys\na=plistlib.load(open(sys.argv[1],'rb'))\nb=plistlib.loads(sys.stdin.buffer.read())\nassert a==b, (a,b)";
        let mut child = Command::new("python3")
            .args(["-c", script, path.to_str().unwrap()])
            .stdin(std::process::Stdio::piped())
            .spawn()
            .expect("python3");
        use std::io::Write as _;
        child.stdin.take().unwrap().write_all(&ours).unwrap();
        assert!(
            child.wait().unwrap().success(),
            "plistlib disagrees on {}",
            path.display()
        );
    }
}

#[test]
fn channels_and_device_identifiers() {
    let msg = |extra: &str| {
        format!(
            "<plist><dict><key>MessageType</key><string>TokenUpdate</string><key>Topic</key><string>t</string><key>Token</key><data>AA==</data><key>PushMagic</key><string>m</string>{extra}</dict></plist>"
        )
    };
    let parse = |extra: &str| parse_checkin(msg(extra).as_bytes(), &CheckinLimits::default());
    let c = parse("<key>UDID</key><string>U1</string><key>UserID</key><string>A-1</string><key>UserShortName</key><string>dana</string>").unwrap();
    assert_eq!(c.device, DeviceId::Udid("U1".into()));
    assert!(
        matches!(c.channel, Channel::User { ref user_id, ref short_name, .. } if user_id == "A-1" && short_name.as_deref() == Some("dana"))
    );
    let c = parse(
        "<key>EnrollmentID</key><string>E1</string><key>EnrollmentUserID</key><string>EU1</string>",
    )
    .unwrap();
    assert_eq!(c.device, DeviceId::EnrollmentId("E1".into()));
    for bad in [
        "",
        "<key>UDID</key><string>U1</string><key>EnrollmentID</key><string>E1</string>",
        "<key>UDID</key><string>U1</string><key>EnrollmentUserID</key><string>EU1</string>",
        "<key>EnrollmentID</key><string>E1</string><key>UserID</key><string>A-1</string>",
    ] {
        assert_eq!(parse(bad).unwrap_err().code(), "PROT005", "{bad}");
    }
    let wrong_type = parse_checkin(
        b"<plist><dict><key>MessageType</key><string>Authenticate</string><key>Topic</key><integer>1</integer><key>UDID</key><string>U</string></dict></plist>",
        &CheckinLimits::default(),
    )
    .unwrap_err();
    assert_eq!(wrong_type.code(), "PROT004");
    assert!(
        wrong_type
            .message()
            .contains("Authenticate.Topic must be a string")
    );
    // Both steps of UserAuthenticate: without and with DigestResponse.
    for extra in ["", "<key>DigestResponse</key><string>r</string>"] {
        let body = format!(
            "<plist><dict><key>MessageType</key><string>UserAuthenticate</string><key>UDID</key><string>U</string><key>UserID</key><string>A</string>{extra}</dict></plist>"
        );
        let c = parse_checkin(body.as_bytes(), &CheckinLimits::default()).unwrap();
        assert!(matches!(c.message, Message::UserAuthenticate(_)));
    }
}

#[test]
fn command_responses_with_typed_profile_list_results() {
    let body = br#"<plist version="1.0"><dict>
      <key>UDID</key><string>U1</string>
      <key>CommandUUID</key><string>C1</string>
      <key>Status</key><string>Acknowledged</string>
      <key>ProfileList</key><array><dict>
        <key>PayloadIdentifier</key><string>com.example.enroll</string>
        <key>PayloadUUID</key><string>5B1B7C0E-0D35-4C59-9E9F-8F6B8C1C2D3E</string>
        <key>PayloadVersion</key><integer>1</integer>
        <key>IsManaged</key><true/>
      </dict></array>
    </dict></plist>"#;
    let r =
        parse_command_response(body, CommandKind::ProfileList, &CheckinLimits::default()).unwrap();
    assert_eq!(r.status, CommandStatus::Acknowledged);
    let CommandResult::ProfileList(items) = &r.result else {
        panic!()
    };
    assert_eq!(items[0].payload_identifier, "com.example.enroll");
    let idle = b"<plist><dict><key>UDID</key><string>U1</string><key>Status</key><string>Idle</string></dict></plist>";
    assert_eq!(
        parse_command_response(idle, CommandKind::Other, &CheckinLimits::default())
            .unwrap()
            .status,
        CommandStatus::Idle
    );
    let bad = b"<plist><dict><key>UDID</key><string>U1</string><key>Status</key><string>Maybe</string><key>CommandUUID</key><string>C</string></dict></plist>";
    assert_eq!(
        parse_command_response(bad, CommandKind::Other, &CheckinLimits::default())
            .unwrap_err()
            .code(),
        "PROT004"
    );
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("openssl");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// An `Mdm-Signature` made by `openssl cms -sign -binary -outform DER` (detached) over a
/// check-in body verifies, for an RSA-2048 and a P-256 device key; one flipped byte does not.
#[test]
fn openssl_made_mdm_signatures_verify_and_a_flipped_byte_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("ca.ext"),
        "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n",
    )
    .unwrap();
    std::fs::write(
        d.join("leaf.ext"),
        "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n",
    )
    .unwrap();
    openssl(
        d,
        &[
            "req",
            "-x509",
            "-nodes",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-subj",
            "/CN=Device Identity CA",
            "-days",
            "2",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign",
        ],
    );
    let body =
        std::fs::read(crate_dir().join("tests/fixtures/checkin/authenticate.plist")).unwrap();
    std::fs::write(d.join("body.plist"), &body).unwrap();
    let verifier = Verifier::new(
        TrustAnchors::new(parse_certificates(&std::fs::read(d.join("ca.pem")).unwrap()).unwrap())
            .unwrap(),
    );
    for (name, key) in [
        ("rsa", vec!["-newkey", "rsa:2048"]),
        (
            "p256",
            vec!["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
        ),
    ] {
        let (k, csr, pem, sig) = (
            format!("{name}.key"),
            format!("{name}.csr"),
            format!("{name}.pem"),
            format!("{name}.sig"),
        );
        let mut req = vec!["req", "-new", "-nodes", "-subj", "/CN=device"];
        req.extend(key);
        req.extend(["-keyout", &k, "-out", &csr]);
        openssl(d, &req);
        openssl(
            d,
            &[
                "x509",
                "-req",
                "-in",
                &csr,
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-days",
                "1",
                "-extfile",
                "leaf.ext",
                "-out",
                &pem,
            ],
        );
        openssl(
            d,
            &[
                "cms",
                "-sign",
                "-binary",
                "-outform",
                "DER",
                "-in",
                "body.plist",
                "-signer",
                &pem,
                "-inkey",
                &k,
                "-out",
                &sig,
            ],
        );
        use base64::Engine as _;
        let header =
            base64::engine::general_purpose::STANDARD.encode(std::fs::read(d.join(&sig)).unwrap());
        let signer = verify_mdm_signature(header.as_bytes(), &body, &verifier, SystemTime::now())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(signer.subject().contains("CN=device"));
        let mut flipped = body.clone();
        flipped[body.len() / 2] ^= 0x20;
        let err = verify_mdm_signature(header.as_bytes(), &flipped, &verifier, SystemTime::now())
            .unwrap_err();
        assert_eq!(err.code(), "PROT007", "{name}");
    }
}
