//! The reference enrollment server: the enrollkit engine behind real HTTP.
//!
//! Everything protocol-specific happens in `enrollkit::protocol::engine`. This crate maps HTTP
//! to engine calls (`app`), carries out the effects in a transaction with the enrollment
//! (`store`: SQLite or PostgreSQL, optimistic versions), talks to the identity provider
//! (`idp`), renders the portal and admin pages (`pages`), and terminates TLS configured to
//! Apple's requirements for enrollment endpoints (`tls`). `device` is a device simulator over
//! real HTTP for the test suite and the load runs.

pub mod app;
pub mod clock;
pub mod config;
pub mod device;
pub mod idp;
pub mod keys;
pub mod pages;
pub mod store;
pub mod tls;
