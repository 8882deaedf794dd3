//! cerdas: a static site generator for the smart city portals of Indonesian regencies and
//! their province. Data flows one way: files -> content -> site -> render -> output.

pub mod build;
pub mod config;
pub mod content;
pub mod error;
pub mod export;
pub mod fingerprint;
pub mod markdown;
pub mod output;
pub mod province;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod site;

pub use build::{BuildOptions, BuildReport, build, check};
