//! `enrollkit demo --out DIR`: the README's main job, end to end.
//!
//! Builds an enrollment profile, writes and re-reads it, signs and verifies it as a device
//! would, lints it and checks it against a managed device, and simulates two enrollments.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use enrollkit::cms::{KeyAlgorithm, TrustAnchors, Verifier, generate_throwaway_identity};
use enrollkit::diagnostic::codes;
use enrollkit::lint::{Enrollment, LintContext, Platform};
use enrollkit::profile::{
    EnrollmentProfileBuilder, IdentitySource, Profile, ScepContent, ServerCapability,
};
use enrollkit::signing::VerdictKind;
use enrollkit::{Code, Coded};

use crate::commands::inspect;
use crate::error::{CliError, CliResult};
use crate::io::{Output, write_file};

/// Arguments of `enrollkit demo`.
#[derive(clap::Args)]
pub struct Args {
    /// Directory for the generated files.
    #[arg(long, default_value = "demo-out")]
    out: PathBuf,
}

/// A step of the demo that did not come out as expected.
pub(crate) fn broken(what: impl std::fmt::Display) -> CliError {
    CliError::coded(codes::internal::INTERNAL, None, format!("demo: {what}"))
}

fn coded(e: &(impl Coded + std::fmt::Display)) -> CliError {
    CliError::coded(e.code(), None, format!("demo: {e}"))
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
        .map_err(|e| coded(&e))
}

pub(crate) struct Demo {
    pub(crate) out: Output,
    dir: PathBuf,
}

impl Demo {
    fn step(&mut self, n: u32, what: &str) -> Result<(), CliError> {
        writeln!(self.out, "\n== {n}. {what}")
    }

    pub(crate) fn write(&mut self, name: &str, bytes: &[u8]) -> Result<PathBuf, CliError> {
        let path = self.dir.join(name);
        write_file(&path, bytes)?;
        writeln!(self.out, "wrote {} ({} bytes)", path.display(), bytes.len())?;
        Ok(path)
    }
}

/// Runs `enrollkit demo`.
pub fn run(args: Args) -> CliResult {
    let mut demo = Demo {
        out: Output::stdout(),
        dir: args.out,
    };
    demo.step(
        1,
        "Build an enrollment profile (SCEP identity + MDM payload, wired by UUID)",
    )?;
    let profile = demo_profile()?;
    let xml = profile.to_xml().map_err(|e| coded(&e))?;
    let unsigned = demo.write("enrollment.mobileconfig", &xml)?;

    demo.step(2, "Read it back and inspect it")?;
    let loaded = enrollkit::load::load(&xml).map_err(|e| CliError::input(&unsigned, &e))?;
    if loaded.profile().map_err(|e| coded(&e))? != profile {
        return Err(broken("the read-back profile differs from what was built"));
    }
    let inspection = enrollkit::inspect::Inspection::of_loaded(&loaded).map_err(|e| coded(&e))?;
    inspect::print_text(&mut demo.out, &unsigned.display().to_string(), &inspection)?;

    let signed = sign_and_verify(&mut demo, &xml)?;
    lint_profile(&mut demo, &signed)?;
    simulate_enrollments(&mut demo)?;

    let dir = demo.dir.display().to_string();
    writeln!(demo.out, "\ndemo finished: files are in {dir}")?;
    demo.out.finish()?;
    Ok(ExitCode::SUCCESS)
}

/// Signs the profile with a throwaway identity and verifies it the way a device would:
/// with the throwaway root trusted (Verified), without it (Not Verified), and tampered (Invalid).
fn sign_and_verify(demo: &mut Demo, xml: &[u8]) -> Result<Vec<u8>, CliError> {
    demo.step(
        3,
        "Sign it with a throwaway identity (P-256 signer issued by a throwaway root)",
    )?;
    let now = SystemTime::now();
    let throwaway = generate_throwaway_identity(
        "enrollkit demo signer",
        "Example Corp",
        now,
        Duration::from_secs(24 * 3600),
        KeyAlgorithm::default(),
    )
    .map_err(|e| coded(&e))?;
    let root_pem = throwaway.root_certificate_pem().map_err(|e| coded(&e))?;
    demo.write("throwaway-root.pem", root_pem.as_bytes())?;
    let signed = enrollkit::signing::sign(xml, throwaway.identity.clone(), false, now)
        .map_err(|e| coded(&e))?;
    demo.write("enrollment.signed.mobileconfig", &signed)?;

    demo.step(4, "Verify it as a device would")?;
    let trusted = Verifier::new(
        TrustAnchors::new(vec![throwaway.root_certificate.clone()]).map_err(|e| coded(&e))?,
    );
    let untrusted = Verifier::new(TrustAnchors::default());
    let mut tampered = signed.clone();
    if let Some(i) = find(&tampered, b"mdm.example.com") {
        tampered[i] ^= 0x20;
    }
    let checks = [
        ("root trusted", &signed, &trusted, VerdictKind::Verified),
        (
            "root not trusted",
            &signed,
            &untrusted,
            VerdictKind::NotVerified,
        ),
        (
            "one byte changed",
            &tampered,
            &trusted,
            VerdictKind::Invalid,
        ),
    ];
    for (what, bytes, verifier, expected) in checks {
        let report = enrollkit::signing::verify(verifier, bytes, now);
        let reason = report
            .reason
            .as_ref()
            .map(|r| format!(" ({}: {})", r.code, r.message))
            .unwrap_or_default();
        writeln!(demo.out, "{what:>17}: {}{reason}", report.verdict.label())?;
        if report.verdict != expected {
            return Err(broken(format!("expected {} when {what}", expected.label())));
        }
        if report.is_verified() && report.content.as_deref() != Some(xml) {
            return Err(broken("verified content differs from the profile"));
        }
    }
    Ok(signed)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Lints the signed profile for a Mac enrolled by MDM, then checks what a device that is
/// already enrolled with another vendor would do with it.
fn lint_profile(demo: &mut Demo, signed: &[u8]) -> Result<(), CliError> {
    let path = demo.dir.join("enrollment.signed.mobileconfig");
    let file = path.display().to_string();
    demo.step(
        5,
        "Lint it (macOS, device enrollment, installed by MDM) and check it against a managed device",
    )?;
    let ctx = LintContext::new(Platform::MacOs).with_enrollment(Enrollment::Device);
    let findings = enrollkit::check::lint(signed, &ctx).map_err(|e| CliError::input(&path, &e))?;
    for finding in &findings {
        writeln!(demo.out, "{file}: {finding}")?;
    }
    let errors = findings.iter().filter(|d| d.is_error()).count();
    writeln!(demo.out, "{} findings, {errors} errors", findings.len())?;
    if errors > 0 {
        return Err(broken("the demo profile has lint errors"));
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
        .map_err(|e| coded(&e))?;
    let installed = enrollkit::check::installed_profiles(&other.to_xml().map_err(|e| coded(&e))?)
        .map_err(|e| coded(&e))?;
    let report = enrollkit::check::check_install(signed, installed, &ctx)
        .map_err(|e| CliError::input(&path, &e))?;
    writeln!(
        demo.out,
        "on a device enrolled with Other Vendor: {:?}",
        report.outcome
    )?;
    for finding in &report.diagnostics {
        writeln!(demo.out, "  {finding}")?;
    }
    if !report.rejected() || !report.diagnostics.iter().any(|d| d.code == CHK002) {
        return Err(broken("a second MDM payload should be rejected"));
    }
    Ok(())
}

const CHK002: Code = codes::install::CHK002;

/// The login-window reference flow, as the scenario shipped in `examples/scenarios/`.
const LOGIN_SCENARIO: (&str, &str) = (
    "login-macos-happy.json",
    include_str!("../../../../examples/scenarios/login-macos-happy.json"),
);

/// Enrolls through the engine (account-driven JIT, an 8-minute expiry), then runs the
/// login-window scenario.
fn simulate_enrollments(demo: &mut Demo) -> Result<(), CliError> {
    demo.step(
        6,
        "Enroll through the engine: a simulated device, byte for byte, against the protocol engine",
    )?;
    crate::commands::demo_engine::simulate(demo)?;
    demo.step(7, "Simulate a login-window self-service sign-in (macOS)")?;
    let (name, json) = LOGIN_SCENARIO;
    let path = demo.write(&format!("scenarios/{name}"), json.as_bytes())?;
    let report =
        enrollkit::flow::scenario::run_json(json).map_err(|e| CliError::input(&path, &e))?;
    write!(demo.out, "{}", report.to_text())?;
    if !report.passed {
        return Err(broken(format!(
            "scenario {name} did not end as expected: {}",
            report.mismatches.join("; ")
        )));
    }
    Ok(())
}
