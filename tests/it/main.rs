//! Integration tests: one binary (ripgrep's layout).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "tests: a panic is a failed assertion"
)]
#![allow(
    clippy::format_push_string,
    clippy::format_collect,
    clippy::too_many_lines,
    reason = "test data is built for readability; a long scenario reads best in one piece"
)]

mod cli;
mod config;
mod corpus;
mod editor;
mod fixes;
mod fixtures;
mod formats;
mod gate;
mod hostile;
mod lsp;
mod properties;
mod registry;
mod variants;

use std::path::{Path, PathBuf};

pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `kubeha check` without the CLI: discover and read `inputs`, then the pure `lint()`.
pub fn lint(inputs: &[kubeha::Input], config: &kubeha::Config) -> kubeha::Report {
    let read = kubeha::discover::read_inputs(inputs, config);
    kubeha::lint(read, config)
}

/// `path` relative to the repository, as snapshots and messages name fixtures.
pub fn relative(path: &Path) -> String {
    path.strip_prefix(repo())
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

pub fn corpus_dir() -> PathBuf {
    repo().join("tests/corpus")
}
