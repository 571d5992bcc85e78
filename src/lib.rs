#![warn(unreachable_pub)]
//! kubeha: a Kubernetes manifest linter for high availability.
//!
//! One pipeline, one direction: discover and read ([`discover::read_inputs`]) → load
//! ([`load::Workspace`], parallel) → index → rules (parallel) → suppressions → sort.
//! [`lint`] does no I/O, builds no thread pool and spawns nothing: the CLI and the language
//! server call it (or [`analyze`] on a workspace they keep) in a pool of their own.

pub(crate) mod analyze;
pub mod baseline;
pub mod config;
pub mod configs;
pub mod discover;
pub(crate) mod edit;
pub mod finding;
pub mod fix;
pub(crate) mod index;
pub mod load;
pub mod lsp;
pub mod model;
pub mod problems;
pub mod render;
pub mod report;
pub mod rules;
pub mod source;
pub mod suggest;
pub(crate) mod suppress;

pub use analyze::{analyze, analyze_set};
pub use config::Config;
pub use configs::ConfigSet;
pub use discover::{Input, InputError, InputFile, Inputs, SkipReason, Skipped};
pub use finding::{Finding, Severity};
pub use load::Workspace;
pub use report::{Incomplete, NARROWED_RULES, Report};
pub use suppress::PEER_CHECKS;

/// Lints `inputs` with `config`: load, then [`analyze`]. No output, no I/O.
pub fn lint(inputs: Inputs, config: &Config) -> Report {
    analyze(&Workspace::load(inputs, config), config)
}

/// [`lint`] with each file's own config ([`configs`]).
pub fn lint_set(inputs: Inputs, configs: &ConfigSet) -> Report {
    analyze_set(&Workspace::load_set(inputs, configs), configs)
}
