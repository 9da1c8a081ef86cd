//! One module per subcommand. Each exposes an `Args` (clap) and `run(Args) -> CliResult`.

pub mod checkin;
pub mod cms;
pub mod codes;
pub mod convert;
pub mod demo;
mod demo_engine;
pub mod flow;
pub mod inspect;
pub mod lint;
pub mod windows_package;
