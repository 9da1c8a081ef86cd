//! `enrollkit demo --out DIR`: the README's main job, end to end.
//!
//! Builds an enrollment profile, writes and re-reads it, and prints what a user needs to
//! see at each step.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use enrollkit_profile::{
    EnrollmentProfileBuilder, IdentitySource, Profile, ReadOptions, ScepContent, ServerCapability,
    read_profile,
};

use crate::commands::inspect;
use crate::error::{CliError, CliResult};
use crate::io::write_file;

/// Arguments of `enrollkit demo`.
#[derive(clap::Args)]
pub struct Args {
    /// Directory for the generated files.
    #[arg(long, default_value = "demo-out")]
    out: PathBuf,
}

/// The demo's enrollment profile: SCEP identity + MDM payload, deterministic UUIDs.
pub fn demo_profile() -> Result<Profile, CliError> {
    EnrollmentProfileBuilder::new("com.example.enrollkit.demo.enroll")
        .organization("Example Corp")
        .display_name("Example Corp device enrollment")
        .server_url("https://mdm.example.com/mdm")
        .check_in_url("https://mdm.example.com/checkin")
        .topic("com.apple.mgmt.External.5f0c7f8e-3d0a-4a43-9a51-7e6b1d0c2a11")
        .server_capability(ServerCapability::PerUserConnections)
        .check_out_when_removed(true)
        .identity(IdentitySource::Scep(
            ScepContent::default()
                .with_url("https://mdm.example.com/scep")
                .with_name("Example Corp CA")
                .with_subject(vec![vec![vec![
                    "CN".to_owned(),
                    "%SerialNumber%".to_owned(),
                ]]])
                .with_challenge("demo-one-time-challenge")
                .with_keysize(2048i64)
                .with_key_usage(5i64),
        ))
        .build()
        .map_err(|e| CliError::input_msg(format!("building the demo profile: {e}")))
}

fn step(n: u32, what: &str) {
    println!("\n== {n}. {what}");
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, CliError> {
    let path = dir.join(name);
    write_file(&path, bytes)?;
    println!("wrote {} ({} bytes)", path.display(), bytes.len());
    Ok(path)
}

/// Runs `enrollkit demo`.
pub fn run(args: Args) -> CliResult {
    step(
        1,
        "Build an enrollment profile (SCEP identity + MDM payload, wired by UUID)",
    );
    let profile = demo_profile()?;
    let xml = profile
        .to_xml()
        .map_err(|e| CliError::input_msg(format!("writing the demo profile: {e}")))?;
    let unsigned = write(&args.out, "enrollment.mobileconfig", &xml)?;

    step(2, "Read it back and inspect it");
    let loaded =
        read_profile(&xml, &ReadOptions::default()).map_err(|e| CliError::input(&unsigned, e))?;
    if loaded.profile != profile {
        return Err(CliError::input(
            &unsigned,
            "read-back differs from what was built",
        ));
    }
    inspect::print_text(&inspect::summarize(
        &unsigned.display().to_string(),
        &loaded,
    ));

    let signed = sign_and_verify(&args.out, &profile, &xml)?;
    lint_profile(&args.out, &signed)?;
    simulate_enrollments(&args.out)?;

    println!("\ndemo finished: files are in {}", args.out.display());
    Ok(ExitCode::SUCCESS)
}

/// Signs the profile with a throwaway identity and verifies it the way a device would:
/// with the throwaway root trusted (Verified), without it (Not Verified), and tampered (Invalid).
fn sign_and_verify(out: &Path, profile: &Profile, xml: &[u8]) -> Result<Vec<u8>, CliError> {
    use enrollkit_cms::{
        CmsSigner, KeyAlgorithm, SignOptions, TrustAnchors, Verdict, VerifyOptions,
        generate_throwaway_identity, verify,
    };
    let cms_error = |e: enrollkit_cms::CmsError| CliError::input_msg(format!("demo signing: {e}"));
    step(
        3,
        "Sign it with a throwaway identity (P-256 signer issued by a throwaway root)",
    );
    let now = SystemTime::now();
    let throwaway = generate_throwaway_identity(
        "enrollkit demo signer",
        "Example Corp",
        now,
        Duration::from_secs(24 * 3600),
        KeyAlgorithm::default(),
    )
    .map_err(cms_error)?;
    write(
        out,
        "throwaway-root.pem",
        throwaway
            .root_certificate_pem()
            .map_err(cms_error)?
            .as_bytes(),
    )?;
    let signer =
        CmsSigner::new(throwaway.identity.clone(), SignOptions::default()).map_err(cms_error)?;
    let signed = enrollkit_profile::crypto::sign_profile(profile, &signer, now)
        .map_err(|e| CliError::input_msg(format!("demo signing: {e}")))?;
    let signed_path = write(out, "enrollment.signed.mobileconfig", &signed)?;

    step(4, "Verify it as a device would");
    let trusted = TrustAnchors::new(vec![throwaway.root_certificate.clone()]).map_err(cms_error)?;
    let untrusted = TrustAnchors::default();
    let mut tampered = signed.clone();
    if let Some(i) = find(&tampered, b"mdm.example.com") {
        tampered[i] ^= 0x20;
    }
    let checks = [
        ("root trusted", &signed, &trusted, "Verified"),
        ("root not trusted", &signed, &untrusted, "NotVerified"),
        ("one byte changed", &tampered, &trusted, "Invalid"),
    ];
    for (what, bytes, anchors, expected) in checks {
        let result = verify(bytes, &VerifyOptions::new(anchors, now));
        let reason = result
            .verdict
            .reason()
            .map(|r| format!(" ({}: {})", r.code, r.message))
            .unwrap_or_default();
        println!("{what:>17}: {}{reason}", result.verdict.label());
        if result.verdict.label() != expected {
            return Err(CliError::input(
                &signed_path,
                format!("expected {expected} when {what}"),
            ));
        }
        if result.verdict == Verdict::Verified && result.content.as_deref() != Some(xml) {
            return Err(CliError::input(
                &signed_path,
                "verified content differs from the profile",
            ));
        }
    }
    Ok(signed)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Lints the signed profile for a Mac enrolled by MDM, then checks what a device that is
/// already enrolled with another vendor would do with it.
fn lint_profile(out: &Path, signed: &[u8]) -> Result<(), CliError> {
    use enrollkit_lint::install::{InstalledSet, ProfileSummary};
    use enrollkit_lint::{Enrollment, LintContext, Platform, lint_value};
    let path = out.join("enrollment.signed.mobileconfig");
    let loaded = enrollkit_profile::read_value(signed, &ReadOptions::default())
        .map_err(|e| CliError::input(&path, e))?;

    step(
        5,
        "Lint it (macOS, device enrollment, installed by MDM) and check it against a managed device",
    );
    let ctx = LintContext::new(Platform::MacOs).with_enrollment(Enrollment::Device);
    let findings = lint_value(&loaded.value, &ctx);
    for finding in &findings {
        println!("{}: {finding}", path.display());
    }
    let errors = findings.iter().filter(|d| d.is_error()).count();
    println!("{} findings, {errors} errors", findings.len());
    if errors > 0 {
        return Err(CliError::input(&path, "the demo profile has lint errors"));
    }

    // A device already enrolled with another vendor's MDM payload.
    let other = EnrollmentProfileBuilder::new("com.othervendor.enroll")
        .organization("Other Vendor")
        .server_url("https://mdm.othervendor.example/connect")
        .topic("com.apple.mgmt.External.0000-other")
        .identity(IdentitySource::Scep(
            ScepContent::default().with_url("https://mdm.othervendor.example/scep"),
        ))
        .build()
        .map_err(|e| CliError::input_msg(format!("building the other vendor's profile: {e}")))?;
    let summary = |dict: &enrollkit_profile::plist::Dictionary| {
        ProfileSummary::from_dictionary(dict).map_err(|e| CliError::input(&path, e))
    };
    let installed = InstalledSet::new(vec![summary(&other.to_dictionary())?]);
    let new = summary(
        loaded
            .value
            .as_dictionary()
            .ok_or_else(|| CliError::input(&path, "not a dictionary"))?,
    )?;
    let report = installed.check(&new, &ctx);
    println!(
        "on a device enrolled with Other Vendor: {:?}",
        report.outcome
    );
    for finding in &report.diagnostics {
        println!("  {finding}");
    }
    if !report.rejected() {
        return Err(CliError::input(
            &path,
            "a second MDM payload should be rejected",
        ));
    }
    Ok(())
}

/// The two reference flows, as scenarios shipped in `examples/scenarios/`.
const DEMO_SCENARIOS: [(&str, &str); 2] = [
    (
        "web-jit-create.json",
        include_str!("../../../../examples/scenarios/web-jit-create.json"),
    ),
    (
        "login-macos-happy.json",
        include_str!("../../../../examples/scenarios/login-macos-happy.json"),
    ),
];

/// Runs one web-enrollment and one login-window scenario and checks their expectations.
fn simulate_enrollments(out: &Path) -> Result<(), CliError> {
    step(
        6,
        "Simulate a web enrollment (JIT) and a login-window self-service sign-in",
    );
    for (name, json) in DEMO_SCENARIOS {
        let path = write(out, &format!("scenarios/{name}"), json.as_bytes())?;
        let report =
            enrollkit_flow::scenario::run_json(json).map_err(|e| CliError::input(&path, e))?;
        print!("{}", report.to_text());
        if !report.passed {
            return Err(CliError::input(
                &path,
                format!(
                    "scenario did not end as expected: {}",
                    report.mismatches.join("; ")
                ),
            ));
        }
    }
    Ok(())
}
