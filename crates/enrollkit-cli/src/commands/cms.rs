//! CMS commands: `sign`, `verify`, `unsign`, `encrypt`, `decrypt`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::SystemTime;

use enrollkit::Coded;
use enrollkit::cms::{
    CmsError, ContentEncryption, PrivateKey, SigningIdentity, SystemRandom, TrustAnchors, Verifier,
};
use serde::Serialize;

use crate::error::{CliError, CliResult};
use crate::io::{Output, read_file, write_file};

pub(crate) fn parse_time(s: &str) -> Result<SystemTime, CliError> {
    let t = time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .map_err(|e| CliError::usage(format!("not an RFC 3339 time: {s}: {e}")))?;
    Ok(SystemTime::from(t))
}

/// Arguments of `enrollkit sign`.
#[derive(clap::Args)]
pub struct SignArgs {
    /// Profile (or any content) to sign.
    input: PathBuf,
    /// Output file (DER CMS SignedData).
    #[arg(short, long)]
    output: PathBuf,
    /// Private key (PEM or DER: PKCS#8, PKCS#1, SEC1).
    #[arg(long, requires = "cert", conflicts_with = "p12")]
    key: Option<PathBuf>,
    /// Signer certificate (PEM or DER; extra PEM certificates join the chain).
    #[arg(long, requires = "key")]
    cert: Option<PathBuf>,
    /// Intermediate certificates to include (repeatable).
    #[arg(long)]
    chain: Vec<PathBuf>,
    /// PKCS#12 identity (its own chain is included).
    #[arg(long, requires = "password_env")]
    p12: Option<PathBuf>,
    /// Environment variable holding the PKCS#12 password.
    #[arg(long)]
    password_env: Option<String>,
    /// Signing time (RFC 3339); with it, output is deterministic. Default: now.
    #[arg(long)]
    signing_time: Option<String>,
}

fn identity(args: &SignArgs) -> Result<SigningIdentity, CliError> {
    if let Some(p12) = &args.p12 {
        let var = args.password_env.as_deref().unwrap_or_default();
        let password = std::env::var(var).map_err(|e| {
            CliError::usage(match e {
                std::env::VarError::NotPresent => format!("environment variable {var} is not set"),
                std::env::VarError::NotUnicode(_) => {
                    format!("environment variable {var} is not valid UTF-8")
                }
            })
        })?;
        return SigningIdentity::from_pkcs12(&read_file(p12)?, &password)
            .map_err(|e| CliError::input(p12, &e));
    }
    let (Some(key), Some(cert)) = (&args.key, &args.cert) else {
        return Err(CliError::usage(
            "give --key and --cert, or --p12 and --password-env",
        ));
    };
    let key_bytes = read_file(key)?;
    let cert_bytes = read_file(cert)?;
    let chain: Vec<Vec<u8>> = args
        .chain
        .iter()
        .map(|p| read_file(p))
        .collect::<Result<_, _>>()?;
    let chain_refs: Vec<&[u8]> = chain.iter().map(Vec::as_slice).collect();
    SigningIdentity::from_pem_or_der(&key_bytes, &cert_bytes, &chain_refs).map_err(|e| {
        // Name the file the error is about: a certificate problem is the certificate's (or
        // the chain's), a mismatch is both files', anything else the key's.
        match &e {
            CmsError::BadCertificate(_) => {
                let culprit = std::iter::once((cert, &cert_bytes))
                    .chain(args.chain.iter().zip(&chain))
                    .find(|(_, bytes)| enrollkit::cms::parse_certificates(bytes).is_err())
                    .map_or(cert, |(path, _)| path);
                CliError::input(culprit, &e)
            }
            CmsError::KeyCertMismatch => CliError::coded(
                e.code(),
                None,
                format!("{} and {}: {e}", key.display(), cert.display()),
            ),
            _ => CliError::input(key, &e),
        }
    })
}

/// `enrollkit sign`.
pub fn run_sign(args: SignArgs) -> CliResult {
    let content = read_file(&args.input)?;
    let identity = identity(&args)?;
    let (time, deterministic) = match &args.signing_time {
        Some(s) => (parse_time(s)?, true),
        None => (SystemTime::now(), false),
    };
    let signed = enrollkit::signing::sign(&content, identity, deterministic, time)
        .map_err(|e| CliError::input(&args.input, &e))?;
    write_file(&args.output, &signed)?;
    Ok(ExitCode::SUCCESS)
}

/// Arguments of `enrollkit verify`.
#[derive(clap::Args)]
pub struct VerifyArgs {
    /// Signed profile (DER or BER CMS), or an unsigned plist.
    file: PathBuf,
    /// Trusted anchor certificates (PEM, may hold several; repeatable).
    #[arg(long)]
    trust: Vec<PathBuf>,
    /// Judge certificate validity at this time (RFC 3339). Default: now.
    #[arg(long)]
    at: Option<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct VerifyJson<'a> {
    file: String,
    verdict: &'static str,
    reason_code: Option<&'static str>,
    reason: Option<&'a str>,
    content_bytes: Option<usize>,
    signer_chain: Vec<String>,
}

/// The trust anchors in the given PEM or DER files.
pub(crate) fn load_anchors(files: &[PathBuf]) -> Result<TrustAnchors, CliError> {
    let mut anchors = Vec::new();
    for t in files {
        anchors.extend(
            enrollkit::cms::parse_certificates(&read_file(t)?)
                .map_err(|e| CliError::input(t, &e))?,
        );
    }
    TrustAnchors::new(anchors).map_err(|e| CliError::of(&e))
}

/// `enrollkit verify`: exit 0 only for Verified.
pub fn run_verify(args: VerifyArgs) -> CliResult {
    let bytes = read_file(&args.file)?;
    let anchors = load_anchors(&args.trust)?;
    let at = match &args.at {
        Some(s) => parse_time(s)?,
        None => SystemTime::now(),
    };
    let report = enrollkit::signing::verify(&Verifier::new(anchors), &bytes, at);
    let file = args.file.display().to_string();
    let subjects = report.signer_subjects();
    let mut out = Output::stdout();
    if args.json {
        out.json(&VerifyJson {
            file,
            verdict: report.verdict.label(),
            reason_code: report.reason.as_ref().map(|r| r.code.as_str()),
            reason: report.reason.as_ref().map(|r| r.message.as_str()),
            content_bytes: report.content.as_ref().map(Vec::len),
            signer_chain: subjects,
        })?;
    } else {
        match &report.reason {
            Some(r) => writeln!(
                out,
                "{file}: {} ({}: {})",
                report.verdict.label(),
                r.code,
                r.message
            )?,
            None => writeln!(out, "{file}: {}", report.verdict.label())?,
        }
        for (i, s) in subjects.iter().enumerate() {
            writeln!(out, "  [{i}] {s}")?;
        }
    }
    out.finish()?;
    Ok(if report.is_verified() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Arguments of `enrollkit unsign`.
#[derive(clap::Args)]
pub struct UnsignArgs {
    /// Signed profile (DER or BER CMS).
    input: PathBuf,
    /// Output file (the embedded content, unverified).
    #[arg(short, long)]
    output: PathBuf,
}

/// `enrollkit unsign`: write the embedded content without verifying it.
pub fn run_unsign(args: UnsignArgs) -> CliResult {
    let bytes = read_file(&args.input)?;
    let content = enrollkit::cms::extract_signed_content(&bytes)
        .map_err(|e| CliError::input(&args.input, &e))?;
    write_file(&args.output, &content)?;
    Ok(ExitCode::SUCCESS)
}

/// Content-encryption choices on the command line.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Cipher {
    /// AES-256-CBC (default).
    Aes256,
    /// Triple-DES CBC for old devices.
    Des3,
}

/// Arguments of `enrollkit encrypt`.
#[derive(clap::Args)]
pub struct EncryptArgs {
    /// Profile whose PayloadContent is encrypted.
    input: PathBuf,
    /// Recipient certificate (RSA; PEM or DER), usually the device identity.
    #[arg(long)]
    recipient: PathBuf,
    /// Output profile (XML) with EncryptedPayloadContent.
    #[arg(short, long)]
    output: PathBuf,
    /// Content-encryption algorithm.
    #[arg(long, value_enum, default_value = "aes256")]
    cipher: Cipher,
}

/// `enrollkit encrypt`: move PayloadContent into EncryptedPayloadContent.
pub fn run_encrypt(args: EncryptArgs) -> CliResult {
    let profile = read_file(&args.input)?;
    let recipient = enrollkit::signing::first_certificate(&read_file(&args.recipient)?)
        .map_err(|e| CliError::input(&args.recipient, &e))?;
    let alg = match args.cipher {
        Cipher::Aes256 => ContentEncryption::Aes256Cbc,
        Cipher::Des3 => ContentEncryption::DesEde3Cbc,
    };
    let xml = enrollkit::signing::encrypt_profile(&profile, &recipient, alg, &SystemRandom::new())
        .map_err(|e| CliError::input(&args.input, &e))?;
    write_file(&args.output, &xml)?;
    Ok(ExitCode::SUCCESS)
}

/// Arguments of `enrollkit decrypt`.
#[derive(clap::Args)]
pub struct DecryptArgs {
    /// Profile with EncryptedPayloadContent.
    input: PathBuf,
    /// Recipient private key (RSA; PEM or DER).
    #[arg(long)]
    key: PathBuf,
    /// The recipient's certificate (PEM or DER): only recipients addressed to it are tried.
    #[arg(long)]
    cert: Option<PathBuf>,
    /// Output profile (XML) with PayloadContent restored.
    #[arg(short, long)]
    output: PathBuf,
}

/// `enrollkit decrypt`: restore PayloadContent from EncryptedPayloadContent.
pub fn run_decrypt(args: DecryptArgs) -> CliResult {
    let profile = read_file(&args.input)?;
    let key = PrivateKey::from_pem_or_der(&read_file(&args.key)?)
        .map_err(|e| CliError::input(&args.key, &e))?;
    let cert = match &args.cert {
        Some(path) => Some(
            enrollkit::signing::first_certificate(&read_file(path)?)
                .map_err(|e| CliError::input(path, &e))?,
        ),
        None => None,
    };
    let xml = enrollkit::signing::decrypt_profile(&profile, &key, cert.as_deref())
        .map_err(|e| CliError::input(&args.input, &e))?;
    write_file(&args.output, &xml)?;
    Ok(ExitCode::SUCCESS)
}
