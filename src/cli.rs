//! Command-line definitions (clap).

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "kubeha",
    version = concat!(env!("CARGO_PKG_VERSION"), " (", env!("KUBEHA_COMMIT"), ")"),
    about = "Finds availability gaps in Kubernetes manifests and points at the exact line"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint manifests (files, directories, or `-` for stdin).
    Check(Box<CheckArgs>),
    /// List every rule: name, group, default severity, on/off, summary.
    Rules {
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
    },
    /// Benchmark helpers (not a stable interface).
    #[command(hide = true, subcommand)]
    Debug(DebugCommand),
    /// Print the JSON Schema of `.kubeha.yaml` (for editor completion and validation).
    ConfigSchema,
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff), e.g. `kubeha man > kubeha.1`.
    Man,
    /// Run the language server on stdin/stdout (for editors: diagnostics as you type,
    /// hover docs, quick fixes).
    Lsp,
    /// Print a rule's documentation.
    Explain {
        /// The rule name, e.g. `single-replica`.
        rule: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum DebugCommand {
    /// Parse the files with saphyr-parser only (events, no tree): the floor `check` is measured against.
    ParseFloor { paths: Vec<PathBuf> },
}

#[derive(Debug, clap::Args)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "command-line flags are independent switches, as clap models them"
)]
#[command(group(clap::ArgGroup::new("fixing").args(["fix", "diff"]).multiple(true)))]
pub struct CheckArgs {
    /// Files or directories to lint; `-` reads standard input.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the `--format` output to this file, and print human output to stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Load these files or directories too, for cross-object references (a PDB, a Service, an
    /// HPA), but report only on PATHs. For pre-commit: `kubeha check --context . changed.yaml`.
    #[arg(long, value_name = "PATH")]
    pub context: Vec<PathBuf>,
    /// Run only these rules (comma-separated); names an off-by-default rule to switch it on.
    #[arg(long, value_delimiter = ',', value_name = "RULE,...")]
    pub select: Vec<String>,
    /// Do not run these rules (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULE,...")]
    pub ignore: Vec<String>,
    /// Exit with 1 when a finding at or above this severity remains.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,
    /// Use this config file instead of discovering `.kubeha.yaml`.
    #[arg(long, conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore any `.kubeha.yaml`.
    #[arg(long)]
    pub no_config: bool,
    /// Check apiVersions against this Kubernetes version (e.g. 1.29; default: the newest known).
    #[arg(long, value_name = "VERSION")]
    pub kubernetes_version: Option<String>,
    /// Report only findings that are not in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings in this baseline file (and exit 0).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Print only the per-rule counts (rule, severity, count) and the summary.
    #[arg(long)]
    pub statistics: bool,
    /// The file name to report for standard input (only with `-`).
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,
    /// Do not lint files matching this glob (repeatable; relative to the working directory).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Exit 0 when the paths hold no manifest (by default that is an error, exit 2).
    #[arg(long)]
    pub allow_empty: bool,
    /// Print findings only: no summary, no notes, no warnings.
    #[arg(long, short)]
    pub quiet: bool,
    /// Colour the human output: auto (a terminal, unless NO_COLOR is set; FORCE_COLOR forces it).
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
    /// Apply the safe fixes to the files (standard input: print the fixed text), then report
    /// what remains.
    #[arg(long, conflicts_with = "write_baseline")]
    pub fix: bool,
    /// Print a unified diff of the fixes and change nothing; exit 1 when there is something to fix.
    #[arg(long, conflicts_with = "write_baseline")]
    pub diff: bool,
    /// With --fix or --diff: apply the unsafe fixes too (they change behaviour: a new
    /// PodDisruptionBudget, more replicas, a spread constraint).
    #[arg(long, requires = "fixing")]
    pub unsafe_fixes: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Concise,
    Json,
    /// SARIF 2.1.0 (GitHub code scanning, GitLab, Azure DevOps).
    Sarif,
    /// JUnit XML (test reports in most CI systems).
    Junit,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
    /// GitLab Code Quality report (the merge request widget).
    Gitlab,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}
