//! cerdas: a static site generator for the smart city portals of Indonesian regencies and
//! their province. Data flows one way: content -> config -> scaffold -> import -> markdown ->
//! site -> export -> province -> render -> output -> build -> serve (-> main), on the
//! foundations error, text, fingerprint and progress; no module uses one later in that order
//! (`tests/architecture.rs` checks).

pub mod build;
pub mod config;
pub mod content;
pub mod error;
pub mod export;
pub mod fingerprint;
pub mod import;
pub mod markdown;
pub mod output;
pub mod progress;
pub mod province;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod site;
pub mod text;

pub use build::{BuildOptions, BuildReport, build, check};
