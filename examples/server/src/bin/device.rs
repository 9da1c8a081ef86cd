//! `enrollkit-device`: simulated devices over real HTTP against a running reference server.
//!
//! - `enroll`: one enrollment (account-driven, profile-driven or OTA); prints its report.
//! - `load`: many concurrent account-driven enrollments; prints throughput and latencies.
//! - `prepare-checkins`: enrolls devices up to their first check-in and saves the signed
//!   `Authenticate` and `TokenUpdate` of each (the check-in benchmark's stream).
//! - `bench-checkins`: sends a saved stream to a server (this one or NanoMDM).

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Args, Parser, Subcommand, ValueEnum};
use enrollkit::cms::KeyAlgorithm;
use enrollkit::diagnostic::Platform;
use enrollkit_server::device::{
    DeviceError, Enroller, Lab, Latency, Report, SignIn, StoredCheckin, Target, code_of,
};
use tokio::sync::Semaphore;

#[derive(Parser)]
#[command(name = "enrollkit-device", about = "Simulated devices over real HTTP")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// One enrollment; prints its report (JSON).
    Enroll {
        #[command(flatten)]
        server: ServerArgs,
        #[command(flatten)]
        device: DeviceArgs,
        /// The exchange.
        #[arg(long, value_enum, default_value_t = Exchange::AccountDriven)]
        exchange: Exchange,
        /// The work address (account-driven).
        #[arg(long, default_value = "alice@example.test")]
        user: String,
        /// Sign in at the provider's login form with this user name…
        #[arg(long)]
        username: Option<String>,
        /// …and password.
        #[arg(long)]
        password: Option<String>,
        /// Or sign in with a browser: `sh -c COMMAND` gets the URL as `$1`.
        #[arg(long, conflicts_with = "username")]
        browser: Option<String>,
        /// Save the served profile here.
        #[arg(long)]
        save_profile: Option<PathBuf>,
        /// Present the spent token and challenge again afterwards.
        #[arg(long)]
        replay_checks: bool,
        /// Check in with this Topic instead of the profile's.
        #[arg(long)]
        topic: Option<String>,
    },
    /// Many concurrent account-driven enrollments; prints the load report (JSON).
    Load {
        #[command(flatten)]
        server: ServerArgs,
        #[command(flatten)]
        load: LoadArgs,
        /// Write each enrollment's report (one JSON per line) here.
        #[arg(long)]
        reports: Option<PathBuf>,
    },
    /// Enrolls devices up to their first check-in; saves their signed check-ins.
    PrepareCheckins {
        #[command(flatten)]
        server: ServerArgs,
        #[command(flatten)]
        load: LoadArgs,
        /// The stream file (JSON).
        #[arg(long)]
        out: PathBuf,
    },
    /// Sends a saved check-in stream (each device's Authenticate, then its TokenUpdate).
    BenchCheckins {
        /// The stream file.
        #[arg(long)]
        stream: PathBuf,
        /// The server's origin, e.g. `http://127.0.0.1:19000`.
        #[arg(long)]
        origin: String,
        /// Send every check-in to this path (NanoMDM: `/mdm`) instead of its own.
        #[arg(long)]
        path: Option<String>,
        /// Devices checking in at once.
        #[arg(long, default_value_t = 32)]
        concurrency: usize,
        /// A name for the report.
        #[arg(long, default_value = "server")]
        label: String,
        /// The server's TLS root (PEM), for an https origin.
        #[arg(long)]
        tls_ca: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Exchange {
    AccountDriven,
    ProfileDriven,
    Ota,
}

#[derive(Args, Clone)]
struct ServerArgs {
    /// The service's origin, e.g. `https://enroll.example.test:18443`.
    #[arg(long)]
    origin: String,
    /// Addresses the service's names resolve to, one per server instance.
    #[arg(long = "instance", default_values_t = ["127.0.0.1".parse::<IpAddr>().unwrap_or(IpAddr::from([127, 0, 0, 1]))])]
    instances: Vec<IpAddr>,
    /// Host names to resolve to the instances (the service and the account domain).
    #[arg(long = "name", default_values_t = ["enroll.example.test".to_owned(), "example.test".to_owned()])]
    names: Vec<String>,
    /// Port for https URLs without one (`.well-known` is fetched at the domain's root).
    #[arg(long)]
    https_port: Option<u16>,
    /// The server's TLS root (PEM).
    #[arg(long)]
    tls_ca: Option<PathBuf>,
    /// The folder `enrollkit-server init` wrote (device and attestation CAs).
    #[arg(long)]
    keys: PathBuf,
    /// The SCEP challenge webhook's secret.
    #[arg(long)]
    scep_secret: String,
    /// Seconds a request is retried while the server is down.
    #[arg(long, default_value_t = 120)]
    retry_seconds: u64,
}

#[derive(Args, Clone)]
struct DeviceArgs {
    /// `ios` or `macos`.
    #[arg(long, default_value = "ios")]
    platform: String,
    /// OS version.
    #[arg(long, default_value = "18.1")]
    os: String,
    /// Product.
    #[arg(long, default_value = "iPhone17,1")]
    product: String,
    /// The built-in identity's key (`rsa` is what OTA encryption needs).
    #[arg(long, default_value = "p256")]
    attestation_key: String,
}

#[derive(Args, Clone)]
struct LoadArgs {
    /// Enrollments.
    #[arg(long, default_value_t = 1000)]
    count: usize,
    /// Enrollments in flight at once.
    #[arg(long, default_value_t = 1000)]
    concurrency: usize,
    /// Users sign in as `PREFIX01`… at `@DOMAIN`, round robin.
    #[arg(long, default_value = "load")]
    user_prefix: String,
    /// How many such users exist.
    #[arg(long, default_value_t = 20)]
    users: usize,
    /// Their password.
    #[arg(long, default_value = "load-password")]
    password: String,
    /// The account domain.
    #[arg(long, default_value = "example.test")]
    domain: String,
}

fn main() -> ExitCode {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("enrollkit-device: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command)) {
        Ok(report) => {
            println!("{report}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("enrollkit-device: {e}");
            ExitCode::FAILURE
        }
    }
}

fn other(e: impl std::fmt::Display) -> DeviceError {
    DeviceError::Other(e.to_string())
}

fn setup(server: &ServerArgs) -> Result<(Target, Lab), DeviceError> {
    let tls_ca = match &server.tls_ca {
        Some(p) => Some(std::fs::read(p).map_err(|e| other(format!("{}: {e}", p.display())))?),
        None => None,
    };
    let names: Vec<&str> = server.names.iter().map(String::as_str).collect();
    let target = Target::new(
        &server.instances,
        &names,
        tls_ca.as_deref(),
        server.https_port,
        Duration::from_secs(server.retry_seconds),
    )?;
    Ok((target, Lab::load(&server.keys, &server.scep_secret)?))
}

fn platform(name: &str) -> Result<Platform, DeviceError> {
    match name {
        "ios" => Ok(Platform::Ios),
        "macos" => Ok(Platform::MacOs),
        other_name => Err(other(format!("unknown platform {other_name}"))),
    }
}

fn key(name: &str) -> Result<KeyAlgorithm, DeviceError> {
    match name {
        "p256" => Ok(KeyAlgorithm::EcP256),
        "rsa" => Ok(KeyAlgorithm::Rsa { bits: 2048 }),
        other_name => Err(other(format!("unknown key {other_name}"))),
    }
}

fn summary(report: &Report) -> serde_json::Value {
    serde_json::to_value(report).unwrap_or_default()
}

async fn run(command: Command) -> Result<String, DeviceError> {
    match command {
        Command::Enroll {
            server,
            device,
            exchange,
            user,
            username,
            password,
            browser,
            save_profile,
            replay_checks,
            topic,
        } => {
            let (target, lab) = setup(&server)?;
            let sign_in = match (browser, username, password) {
                (Some(command), _, _) => SignIn::Browser { command },
                (None, Some(username), Some(password)) => SignIn::Form { username, password },
                _ => return Err(other("give --username and --password, or --browser")),
            };
            let enroller = Enroller {
                target: &target,
                lab: &lab,
                sign_in,
                origin: server.origin.clone(),
                stop_before_checkin: false,
                replay_checks,
                topic,
            };
            let mut d = lab.device(
                platform(&device.platform)?,
                &device.os,
                &device.product,
                key(&device.attestation_key)?,
            )?;
            let report = match exchange {
                Exchange::AccountDriven => enroller.account_driven(&mut d, &user).await?,
                Exchange::ProfileDriven => enroller.profile_driven(&mut d).await?,
                Exchange::Ota => enroller.ota(&mut d).await?,
            };
            if let Some(path) = save_profile {
                std::fs::write(&path, &report.profile)
                    .map_err(|e| other(format!("{}: {e}", path.display())))?;
            }
            Ok(summary(&report).to_string())
        }
        Command::Load {
            server,
            load,
            reports,
        } => {
            let started = Instant::now();
            let (results, elapsed) = enroll_many(&server, &load, false, started).await?;
            let mut lines = String::new();
            let mut per_enrollment = Vec::new();
            let mut per_request = Vec::new();
            let (mut failed, mut retries, mut resigned) = (Vec::new(), 0u32, 0usize);
            for result in &results {
                match result {
                    Ok(r) => {
                        lines.push_str(&summary(r).to_string());
                        lines.push('\n');
                        per_enrollment.push(r.steps.iter().map(|s| s.millis).sum::<f64>());
                        per_request.extend(r.steps.iter().map(|s| s.millis));
                        retries += r.steps.iter().map(|s| s.retries).sum::<u32>();
                        resigned += usize::from(r.sign_ins > 1);
                    }
                    Err(e) => failed.push(e.to_string()),
                }
            }
            if let Some(path) = reports {
                std::fs::write(&path, lines)
                    .map_err(|e| other(format!("{}: {e}", path.display())))?;
            }
            let completed = results.len() - failed.len();
            Ok(serde_json::json!({
                "count": load.count,
                "concurrency": load.concurrency,
                "instances": server.instances.len(),
                "completed": completed,
                "failed": failed.len(),
                "failures": failed.iter().take(20).collect::<Vec<_>>(),
                "seconds": elapsed.as_secs_f64(),
                "enrollments_per_second": completed as f64 / elapsed.as_secs_f64(),
                "enrollment_latency": Latency::of(per_enrollment),
                "request_latency": Latency::of(per_request),
                "retried_requests": retries,
                "signed_in_again": resigned,
            })
            .to_string())
        }
        Command::PrepareCheckins { server, load, out } => {
            let (results, elapsed) = enroll_many(&server, &load, true, Instant::now()).await?;
            let mut stream = Vec::new();
            for r in results {
                let r = r?;
                stream.push(
                    r.checkins
                        .iter()
                        .map(StoredCheckin::from_request)
                        .collect::<Vec<_>>(),
                );
            }
            let text = serde_json::to_string(&stream).map_err(other)?;
            std::fs::write(&out, text).map_err(|e| other(format!("{}: {e}", out.display())))?;
            Ok(
                serde_json::json!({"devices": stream.len(), "seconds": elapsed.as_secs_f64()})
                    .to_string(),
            )
        }
        Command::BenchCheckins {
            stream,
            origin,
            path,
            concurrency,
            label,
            tls_ca,
        } => {
            bench(
                &stream,
                &origin,
                path.as_deref(),
                concurrency,
                &label,
                tls_ca.as_ref(),
            )
            .await
        }
    }
}

/// Runs `load.count` account-driven enrollments with at most `load.concurrency` at once.
async fn enroll_many(
    server: &ServerArgs,
    load: &LoadArgs,
    stop_before_checkin: bool,
    started: Instant,
) -> Result<(Vec<Result<Report, DeviceError>>, Duration), DeviceError> {
    let (target, lab) = setup(server)?;
    let shared = Arc::new((target, lab, server.origin.clone()));
    let gate = Arc::new(Semaphore::new(load.concurrency.max(1)));
    let mut tasks = Vec::new();
    for i in 0..load.count {
        let shared = Arc::clone(&shared);
        let gate = Arc::clone(&gate);
        let user = format!("{}{:02}", load.user_prefix, i % load.users.max(1) + 1);
        let address = format!("{user}@{}", load.domain);
        let password = load.password.clone();
        tasks.push(tokio::spawn(async move {
            let _permit = gate.acquire().await.map_err(other)?;
            let (target, lab, origin) = &*shared;
            let enroller = Enroller {
                target,
                lab,
                sign_in: SignIn::Form {
                    username: user,
                    password,
                },
                origin: origin.clone(),
                stop_before_checkin,
                replay_checks: !stop_before_checkin,
                topic: None,
            };
            let mut device =
                lab.device(Platform::Ios, "18.1", "iPhone17,1", KeyAlgorithm::EcP256)?;
            enroller.account_driven(&mut device, &address).await
        }));
    }
    let mut results = Vec::new();
    for t in tasks {
        results.push(t.await.map_err(other)?);
    }
    Ok((results, started.elapsed()))
}

/// Sends each device's check-ins in order, `concurrency` devices at once.
async fn bench(
    stream: &PathBuf,
    origin: &str,
    path: Option<&str>,
    concurrency: usize,
    label: &str,
    tls_ca: Option<&PathBuf>,
) -> Result<String, DeviceError> {
    let text =
        std::fs::read_to_string(stream).map_err(|e| other(format!("{}: {e}", stream.display())))?;
    let devices: Vec<Vec<StoredCheckin>> = serde_json::from_str(&text).map_err(other)?;
    let mut builder = reqwest::Client::builder();
    if let Some(path) = tls_ca {
        let pem = std::fs::read(path).map_err(|e| other(format!("{}: {e}", path.display())))?;
        builder = builder
            .tls_built_in_root_certs(false)
            .add_root_certificate(reqwest::Certificate::from_pem(&pem).map_err(other)?);
    }
    let client = builder
        .pool_max_idle_per_host(concurrency)
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(other)?;
    let queue = Arc::new(std::sync::Mutex::new(devices.into_iter()));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency.max(1) {
        let queue = Arc::clone(&queue);
        let client = client.clone();
        let origin = origin.to_owned();
        let path = path.map(str::to_owned);
        workers.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            let mut refusals: Vec<String> = Vec::new();
            loop {
                let next = queue.lock().map_err(other)?.next();
                let Some(checkins) = next else { break };
                for c in checkins {
                    let url = format!("{origin}{}", path.as_deref().unwrap_or(&c.path));
                    let (parts, body) = c.to_request(&url)?.into_parts();
                    let t = Instant::now();
                    let mut b = client.put(&url).body(body);
                    for (n, v) in &parts.headers {
                        b = b.header(n, v);
                    }
                    let r = b.send().await.map_err(other)?;
                    let status = r.status().as_u16();
                    let bytes = r.bytes().await.map_err(other)?;
                    samples.push(t.elapsed().as_secs_f64() * 1e3);
                    if status != 200 {
                        let resp = http::Response::builder()
                            .status(status)
                            .body(bytes.to_vec())
                            .map_err(other)?;
                        refusals.push(format!(
                            "{status} {}",
                            code_of(&resp).unwrap_or_else(|| String::from_utf8_lossy(&bytes)
                                .chars()
                                .take(120)
                                .collect())
                        ));
                    }
                }
            }
            Ok::<_, DeviceError>((samples, refusals))
        }));
    }
    let (mut samples, mut refusals) = (Vec::new(), Vec::new());
    for w in workers {
        let (s, r) = w.await.map_err(other)??;
        samples.extend(s);
        refusals.extend(r);
    }
    let elapsed = started.elapsed().as_secs_f64();
    Ok(serde_json::json!({
        "label": label,
        "checkins": samples.len(),
        "refused": refusals.len(),
        "refusals": refusals.iter().take(10).collect::<Vec<_>>(),
        "seconds": elapsed,
        "checkins_per_second": samples.len() as f64 / elapsed,
        "latency": Latency::of(samples),
        "concurrency": concurrency,
    })
    .to_string())
}
