//! `enrollkit-server`: `init` writes throwaway keys for a local run; `serve` runs the server.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Parser, Subcommand};
use enrollkit::protocol::engine::Engine;
use enrollkit_server::app::{self, App};
use enrollkit_server::clock::Clock;
use enrollkit_server::config::ServerConfig;
use enrollkit_server::{config, idp, keys, store, tls};

#[derive(Parser)]
#[command(
    name = "enrollkit-server",
    about = "The enrollkit reference enrollment server"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write a throwaway profile signer, device-identity CA, attestation CA and TLS
    /// certificate into DIR (for local runs and tests only).
    Init {
        /// Output folder.
        #[arg(long)]
        dir: PathBuf,
        /// Names for the TLS certificate (DNS names or IP addresses; repeatable).
        #[arg(long = "tls-name", default_values_t = ["localhost".to_owned(), "127.0.0.1".to_owned()])]
        tls_names: Vec<String>,
        /// Validity in days.
        #[arg(long, default_value_t = 30)]
        days: u64,
    },
    /// Print a configuration (TOML) for the keys `init` wrote, with fresh secrets.
    Config(Box<config::ConfigArgs>),
    /// Serve.
    Serve {
        /// The configuration file (TOML).
        #[arg(long)]
        config: PathBuf,
        /// Listen here instead of the configuration's address (several instances, one file).
        #[arg(long)]
        listen: Option<SocketAddr>,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_ansi(false)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Init {
            dir,
            tls_names,
            days,
        } => {
            let names: Vec<&str> = tls_names.iter().map(String::as_str).collect();
            keys::init(&dir, &names, days)
                .map(|()| println!("wrote {} into {}", keys::FILES.join(", "), dir.display()))
        }
        Command::Config(args) => config::write(&args).map(|text| print!("{text}")),
        Command::Serve { config, listen } => serve(config, listen),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("enrollkit-server: {e}");
            ExitCode::FAILURE
        }
    }
}

fn serve(path: PathBuf, listen: Option<SocketAddr>) -> Result<(), String> {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let mut config = ServerConfig::load(&path)?;
    if let Some(addr) = listen {
        config.listen = addr;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(run(config))
}

async fn run(config: ServerConfig) -> Result<(), String> {
    let engine =
        Engine::new(config.engine.clone(), keys::load(&config.keys)?).map_err(|e| e.to_string())?;
    let store = store::Store::open(&config.database, 32)
        .await
        .map_err(|e| e.to_string())?;
    let app = Arc::new(App {
        engine,
        store,
        idp: idp::Idp::new(&config.jwks_uri)?,
        clock: Clock::default(),
        scep_webhook_secret: enrollkit::Secret::new(config.scep_webhook_secret.clone()),
        admin_password: enrollkit::Secret::new(config.admin_password.clone()),
        test_clock: config.test_clock,
        body_limit: config.body_limit,
        body_timeout: Duration::from_secs(config.body_timeout_seconds),
    });
    tokio::spawn(app::timer_loop(Arc::clone(&app)));
    let router = app::router(app);
    let handle = axum_server::Handle::new();
    let shutdown = handle.clone();
    tokio::spawn(async move {
        let mut term =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = async { if let Some(t) = term.as_mut() { t.recv().await; } else { std::future::pending::<()>().await } } => {}
        }
        shutdown.graceful_shutdown(Some(Duration::from_secs(5)));
    });
    let scheme = if config.tls.is_some() {
        "https"
    } else {
        "http"
    };
    tracing::info!("listening on {scheme}://{}", config.listen);
    let service = router.into_make_service();
    match &config.tls {
        Some(files) => {
            let tls =
                axum_server::tls_rustls::RustlsConfig::from_config(tls::server_config(files)?);
            let mut server = axum_server::bind_rustls(config.listen, tls).handle(handle);
            limit_header_time(&mut server);
            server.serve(service).await.map_err(|e| e.to_string())
        }
        None => {
            let mut server = axum_server::bind(config.listen).handle(handle);
            limit_header_time(&mut server);
            server.serve(service).await.map_err(|e| e.to_string())
        }
    }
}

/// Headers must arrive within 10 s: a slow-drip client is cut off (hyper needs a timer).
fn limit_header_time<A>(server: &mut axum_server::Server<A>) {
    server
        .http_builder()
        .http1()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(Duration::from_secs(10));
}
