//! Which files to lint: explicit files as given, directories walked for `*.yaml`/`*.yml`
//! (respecting `.gitignore`, via the `ignore` crate), and stdin.
//!
//! Every file has one identity: its path is made absolute and cleaned (`./`, `a/../`) before it
//! is deduplicated (by canonical path, so a symlink or `./k8s/x.yaml` next to `k8s/x.yaml` is
//! one file), matched against `exclude` globs, or reported. Reported names are relative to the
//! current directory when the file is under it, else absolute.
//!
//! Well-known YAML files that are not manifests (Helm chart sources, kustomizations, compose
//! files, CI workflows, pre-commit and kubeha configs) are skipped, named or walked.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use ignore::WalkBuilder;

use crate::source::Role;

/// What the configuration says about discovering one path: whether it is excluded and how many
/// bytes of it may be read. A [`crate::Config`] answers alike for every path; a
/// [`crate::configs::Resolver`] asks each path's nearest `.kubeha.yaml`.
pub trait Policy {
    /// Whether `path` (absolute, cleaned; a directory when `is_dir`) is not to be linted.
    fn excludes(&self, path: &Path, is_dir: bool) -> bool;
    /// `limits.max-file-bytes` for the file at `path`.
    fn max_file_bytes(&self, path: &Path) -> usize;
}

/// What the user asked to lint.
#[derive(Debug, Clone)]
pub enum Input {
    Path(PathBuf),
    /// Loaded so cross-object rules can resolve references, but not reported on (`--context`).
    Context(PathBuf),
    /// Standard input, already read, with the name findings should carry.
    Stdin {
        name: String,
        bytes: Vec<u8>,
    },
}

/// One file to lint, as discovery found it (not read yet).
#[derive(Debug, Clone)]
enum FileInput {
    Disk {
        name: String,
        path: PathBuf,
        /// Only context: its findings are not reported.
        context: bool,
        /// Found by walking a directory (not named): skipped when it holds no Kubernetes object.
        walked: bool,
        /// Read at most this many bytes.
        limit: usize,
    },
    Stdin {
        name: String,
        bytes: Vec<u8>,
    },
}

/// One file to lint, read: what [`crate::lint`] takes. The language server builds these from
/// its open buffers; the CLI from [`read_inputs`].
#[derive(Debug, Clone)]
pub struct InputFile {
    /// The name findings carry: relative to the working directory, or absolute, or the
    /// stdin name.
    pub name: String,
    /// The absolute, cleaned path of a file on disk (`None`: standard input or a buffer).
    pub path: Option<PathBuf>,
    /// [`Role::Linted`] or [`Role::Context`].
    pub role: Role,
    /// Found by walking a directory (not named): skipped when it holds no Kubernetes object.
    pub walked: bool,
    /// Read from standard input: there is no file on disk whose lines these are.
    pub stdin: bool,
    pub content: Result<Vec<u8>, ReadError>,
}

impl InputFile {
    /// A named in-memory file (an editor buffer, a test), linted.
    pub fn in_memory(name: impl Into<String>, path: Option<PathBuf>, bytes: Vec<u8>) -> Self {
        Self {
            name: name.into(),
            path,
            role: Role::Linted,
            walked: false,
            stdin: false,
            content: Ok(bytes),
        }
    }
}

/// Why a file's bytes could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// Larger than `limits.max-file-bytes` (`size`: what `stat` said, when it could tell).
    TooLarge { size: Option<u64>, limit: usize },
    /// The operating system's error.
    Io(String),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::TooLarge {
                size: Some(size),
                limit,
            } => write!(
                f,
                "file is {size} bytes, more than the limit of {limit} bytes"
            ),
            ReadError::TooLarge { size: None, limit } => {
                write!(f, "file is more than the limit of {limit} bytes")
            }
            ReadError::Io(message) => f.write_str(message),
        }
    }
}

/// What [`read_inputs`] found: the files, read, and what could not be walked or was skipped.
#[derive(Debug, Default)]
pub struct Inputs {
    pub files: Vec<InputFile>,
    pub errors: Vec<InputError>,
    pub skipped: Vec<Skipped>,
    /// Only part of the tree is reported on: named files, stdin, `--context`.
    pub partial: bool,
}

/// A path that could not be read or walked. Reported, and the other files are still linted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub path: String,
    pub message: String,
}

/// Why a YAML file was not linted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SkipReason {
    /// A directory with `Chart.yaml`: templates are not YAML until rendered.
    HelmChart,
    Kustomization,
    Compose,
    Workflow,
    /// `.pre-commit-config.yaml`, `.kubeha.yaml`, `.gitlab-ci.yml` and the like.
    ToolConfig,
    /// Matched an `--exclude` or config `exclude:` glob.
    Excluded,
    /// Found in a directory walk, and none of its documents has `apiVersion` and `kind`.
    NotManifest,
}

impl SkipReason {
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::HelmChart => "helm-chart",
            SkipReason::Kustomization => "kustomization",
            SkipReason::Compose => "compose",
            SkipReason::Workflow => "workflow",
            SkipReason::ToolConfig => "tool-config",
            SkipReason::Excluded => "excluded",
            SkipReason::NotManifest => "not-a-manifest",
        }
    }
}

/// A file (or, for a Helm chart, a directory) that was not linted, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub path: String,
    pub reason: SkipReason,
}

/// Path globs (`--exclude`, config `exclude:`), each matched against the path relative to its
/// base directory (the working directory, or the config file's directory).
#[derive(Debug, Clone, Default)]
pub struct PathGlobs {
    globs: Vec<(PathBuf, globset::GlobMatcher)>,
}

impl PathGlobs {
    /// Adds `glob`, relative to `base` (an absolute directory).
    pub fn add(&mut self, base: &Path, glob: &str) -> Result<(), globset::Error> {
        let mut base = clean_path(base);
        let mut clean = glob.trim_start_matches("./");
        // `../legacy/*` from a subdirectory: the glob's base moves up.
        while let Some(rest) = clean.strip_prefix("../") {
            base.pop();
            clean = rest.trim_start_matches("./");
        }
        let clean = clean.strip_suffix('/').unwrap_or(clean);
        let matcher = globset::Glob::new(clean)?.compile_matcher();
        self.globs.push((base, matcher));
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.globs.is_empty()
    }

    /// Whether an absolute path, or one of its directories below a glob's base, matches.
    pub fn matches(&self, path: &Path) -> bool {
        self.globs.iter().any(|(base, glob)| {
            let Ok(rel) = path.strip_prefix(base) else {
                return glob.is_match(path);
            };
            // `vendor` excludes `vendor/x.yaml`, as in `.gitignore`.
            rel.ancestors()
                .filter(|a| !a.as_os_str().is_empty())
                .any(|a| glob.is_match(slashed(a)))
        })
    }
}

/// `p` with forward slashes, for glob matching and reporting.
pub fn slashed(p: &Path) -> String {
    let s = p.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        s.into_owned()
    } else {
        s.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

/// The current directory, cleaned (empty when it cannot be read); read once per process.
pub fn current_dir() -> PathBuf {
    static CWD: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    CWD.get_or_init(|| {
        std::env::current_dir()
            .map(|d| clean_path(&d))
            .unwrap_or_default()
    })
    .clone()
}

/// `p` made absolute against `cwd`, with `.` and `a/..` removed (without touching the disk).
pub fn absolute(p: &Path, cwd: &Path) -> PathBuf {
    if p.is_absolute() {
        clean_path(p)
    } else {
        clean_path(&cwd.join(p))
    }
}

fn clean_path(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push(c);
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// The name a file is reported under: relative to `cwd` when it is under it, else absolute.
pub fn display_name(abs: &Path, cwd: &Path) -> String {
    match abs.strip_prefix(cwd) {
        Ok(rel) if !rel.as_os_str().is_empty() => slashed(rel),
        _ => slashed(abs),
    }
}

/// Reads at most `limit` bytes; `Ok(None)` when there is more. Every input goes through
/// here (files, stdin, the config file, the baseline): a path whose size `stat` cannot tell
/// (`/dev/zero`, a pipe, procfs) must not be read without end.
pub fn read_limited(reader: impl std::io::Read, limit: usize) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    reader
        .take((limit as u64).saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok((bytes.len() <= limit).then_some(bytes))
}

/// [`read_limited`] on a file.
pub fn read_file_limited(path: &Path, limit: usize) -> Result<Vec<u8>, ReadError> {
    let io = |e: std::io::Error| ReadError::Io(e.to_string());
    let file = std::fs::File::open(path).map_err(io)?;
    if let Ok(meta) = file.metadata()
        && meta.is_file()
        && meta.len() > limit as u64
    {
        return Err(ReadError::TooLarge {
            size: Some(meta.len()),
            limit,
        });
    }
    read_limited(file, limit)
        .map_err(io)?
        .ok_or(ReadError::TooLarge { size: None, limit })
}

fn is_yaml(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

/// A well-known YAML file that is not a manifest, by its name and place.
fn well_known(path: &Path) -> Option<SkipReason> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    let stem = name
        .strip_suffix(".yaml")
        .or_else(|| name.strip_suffix(".yml"))
        .unwrap_or(&name);
    if stem == "kustomization" {
        return Some(SkipReason::Kustomization);
    }
    if stem == "compose"
        || stem == "docker-compose"
        || stem.starts_with("compose.")
        || stem.starts_with("docker-compose.")
        || stem.starts_with("docker-compose-")
    {
        return Some(SkipReason::Compose);
    }
    // A lone `Chart.yaml` or `values.yaml` (a chart's directory is skipped before this).
    let exact = path.file_name()?.to_str()?;
    if matches!(
        exact,
        "Chart.yaml" | "Chart.yml" | "values.yaml" | "values.yml"
    ) {
        return Some(SkipReason::HelmChart);
    }
    if matches!(
        stem,
        ".pre-commit-config"
            | ".pre-commit-hooks"
            | ".kubeha"
            | ".gitlab-ci"
            | ".golangci"
            | ".goreleaser"
            | ".yamllint"
    ) {
        return Some(SkipReason::ToolConfig);
    }
    let parent = path.parent()?;
    let dir = parent.file_name().and_then(|d| d.to_str()).unwrap_or("");
    let grand = parent
        .parent()
        .and_then(Path::file_name)
        .and_then(|d| d.to_str())
        .unwrap_or("");
    if matches!(dir, "workflows" | "actions") && matches!(grand, ".github" | ".gitea" | ".forgejo")
    {
        return Some(SkipReason::Workflow);
    }
    None
}

/// What discovery found.
#[derive(Debug, Default)]
struct Discovered {
    pub files: Vec<FileInput>,
    pub errors: Vec<InputError>,
    pub skipped: Vec<Skipped>,
}

struct Walker<'a> {
    cwd: PathBuf,
    policy: &'a dyn Policy,
    out: Discovered,
    /// Canonical paths seen, so one file is loaded once.
    seen: HashSet<PathBuf>,
    /// Directory → the Helm chart root above it (None: not in a chart).
    chart_of: HashMap<PathBuf, Option<PathBuf>>,
    charts_reported: HashSet<PathBuf>,
}

impl<'a> Walker<'a> {
    fn new(policy: &'a dyn Policy) -> Self {
        Walker {
            cwd: current_dir(),
            policy,
            out: Discovered::default(),
            seen: HashSet::new(),
            chart_of: HashMap::new(),
            charts_reported: HashSet::new(),
        }
    }

    /// The chart directory `dir` is in, if any (a directory with `Chart.yaml`, up to the
    /// repository root).
    fn chart_root(&mut self, dir: &Path) -> Option<PathBuf> {
        if let Some(found) = self.chart_of.get(dir) {
            return found.clone();
        }
        let found = if dir.join("Chart.yaml").is_file() || dir.join("Chart.yml").is_file() {
            Some(dir.to_owned())
        } else if dir.join(".git").exists() {
            None
        } else {
            dir.parent().and_then(|p| self.chart_root(p))
        };
        self.chart_of.insert(dir.to_owned(), found.clone());
        found
    }

    fn skip(&mut self, path: &Path, reason: SkipReason) {
        let path = display_name(path, &self.cwd);
        self.out.skipped.push(Skipped { path, reason });
    }

    fn skip_chart(&mut self, chart: &Path) {
        if self.charts_reported.insert(chart.to_owned()) {
            let mut name = display_name(chart, &self.cwd);
            name.push('/');
            self.out.skipped.push(Skipped {
                path: name,
                reason: SkipReason::HelmChart,
            });
        }
    }

    /// Queues a file unless it is excluded, a known non-manifest, or already queued.
    fn file(&mut self, abs: PathBuf, context: bool, walked: bool) {
        if self.policy.excludes(&abs, false) {
            if !walked {
                self.skip(&abs, SkipReason::Excluded);
            }
            return;
        }
        if let Some(chart) = abs.parent().and_then(|d| self.chart_root(d)) {
            self.skip_chart(&chart);
            return;
        }
        if let Some(reason) = well_known(&abs) {
            self.skip(&abs, reason);
            return;
        }
        let key = std::fs::canonicalize(&abs).unwrap_or_else(|_| abs.clone());
        if self.seen.insert(key) {
            self.out.files.push(FileInput::Disk {
                name: display_name(&abs, &self.cwd),
                limit: self.policy.max_file_bytes(&abs),
                path: abs,
                context,
                walked,
            });
        }
    }

    fn walk(&mut self, dir: &Path, context: bool) {
        if let Some(chart) = self.chart_root(dir) {
            self.skip_chart(&chart);
            return;
        }
        let walker = WalkBuilder::new(dir)
            .sort_by_file_name(std::cmp::Ord::cmp)
            .build();
        let mut prune: Option<PathBuf> = None;
        for entry in walker {
            match entry {
                Ok(entry) => {
                    let path = absolute(entry.path(), &self.cwd);
                    if prune.as_ref().is_some_and(|p| path.starts_with(p)) {
                        continue;
                    }
                    let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
                    if is_dir && path != clean_path(dir) {
                        if self.policy.excludes(&path, true) {
                            prune = Some(path);
                        } else if path.join("Chart.yaml").is_file()
                            || path.join("Chart.yml").is_file()
                        {
                            self.skip_chart(&path);
                            prune = Some(path);
                        }
                        continue;
                    }
                    if entry.file_type().is_some_and(|t| t.is_file()) && is_yaml(&path) {
                        self.file(path, context, true);
                    }
                }
                Err(e) => self.out.errors.push(InputError {
                    path: display_name(dir, &self.cwd),
                    message: e.to_string(),
                }),
            }
        }
    }
}

/// Finds the files of `inputs` (explicit files, walked directories, stdin) and reads them, in
/// parallel, each through the bounded reader.
pub fn read_inputs(inputs: &[Input], policy: &dyn Policy) -> Inputs {
    use rayon::prelude::*;
    let discovered = discover(inputs, policy);
    let files = discovered
        .files
        .into_par_iter()
        .map(|f| match f {
            FileInput::Stdin { name, bytes } => InputFile {
                name,
                path: None,
                role: Role::Linted,
                walked: false,
                stdin: true,
                content: Ok(bytes),
            },
            FileInput::Disk {
                name,
                path,
                context,
                walked,
                limit,
            } => InputFile {
                content: read_file_limited(&path, limit),
                name,
                path: Some(path),
                role: if context { Role::Context } else { Role::Linted },
                walked,
                stdin: false,
            },
        })
        .collect();
    Inputs {
        files,
        errors: discovered.errors,
        skipped: discovered.skipped,
        partial: is_partial(inputs),
    }
}

/// Only part of the tree is reported on: named files, stdin, `--context`.
fn is_partial(inputs: &[Input]) -> bool {
    inputs.iter().any(|i| match i {
        Input::Context(_) | Input::Stdin { .. } => true,
        Input::Path(p) => !p.is_dir(),
    })
}

/// Why a directory walk would not lint the file at `path` (absolute), if it would not: not
/// YAML, excluded, in a Helm chart, or a well-known non-manifest. For the language server,
/// which is handed files the walk did not see.
pub fn walk_skips(path: &Path, policy: &dyn Policy) -> Option<SkipReason> {
    if !is_yaml(path) {
        return Some(SkipReason::NotManifest);
    }
    if policy.excludes(path, false) {
        return Some(SkipReason::Excluded);
    }
    let mut w = Walker::new(policy);
    if path.parent().and_then(|d| w.chart_root(d)).is_some() {
        return Some(SkipReason::HelmChart);
    }
    well_known(path)
}

/// Finds the files of `inputs`: explicit files, walked directories, stdin.
fn discover(inputs: &[Input], policy: &dyn Policy) -> Discovered {
    let mut w = Walker::new(policy);
    // Files to report on first, so a file that is also in a context directory stays reported.
    let reported = inputs.iter().filter(|i| !matches!(i, Input::Context(_)));
    let context = inputs.iter().filter(|i| matches!(i, Input::Context(_)));
    for input in reported.chain(context) {
        let (path, is_context) = match input {
            Input::Stdin { name, bytes } => {
                w.out.files.push(FileInput::Stdin {
                    name: name.clone(),
                    bytes: bytes.clone(),
                });
                continue;
            }
            Input::Path(path) => (path, false),
            Input::Context(path) => (path, true),
        };
        let abs = absolute(path, &w.cwd);
        match std::fs::metadata(&abs) {
            Err(e) => w.out.errors.push(InputError {
                path: path.display().to_string(),
                message: e.to_string(),
            }),
            // A file named explicitly is linted whatever its extension.
            Ok(meta) if !meta.is_dir() => w.file(abs, is_context, false),
            Ok(_) => w.walk(&abs, is_context),
        }
    }
    w.out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_cleaned_and_shown_relative() {
        let cwd = Path::new("/repo");
        assert_eq!(
            absolute(Path::new("./k8s/../k8s/pdb.yaml"), cwd),
            Path::new("/repo/k8s/pdb.yaml")
        );
        assert_eq!(
            display_name(&absolute(Path::new("./k8s/pdb.yaml"), cwd), cwd),
            "k8s/pdb.yaml"
        );
        assert_eq!(
            display_name(Path::new("/elsewhere/a.yaml"), cwd),
            "/elsewhere/a.yaml"
        );
    }

    #[test]
    fn globs_match_relative_to_their_base() {
        let mut g = PathGlobs::default();
        g.add(Path::new("/repo"), "./vendor/**").unwrap();
        g.add(Path::new("/repo"), "legacy").unwrap();
        assert!(g.matches(Path::new("/repo/vendor/a/b.yaml")));
        assert!(g.matches(Path::new("/repo/legacy/x.yaml")));
        assert!(!g.matches(Path::new("/repo/k8s/vendor.yaml")));
        assert!(!g.matches(Path::new("/other/vendor/a.yaml")));
    }

    #[test]
    fn well_known_non_manifests() {
        for (p, r) in [
            ("/r/base/kustomization.yaml", SkipReason::Kustomization),
            ("/r/docker-compose.yml", SkipReason::Compose),
            ("/r/compose.prod.yaml", SkipReason::Compose),
            ("/r/.pre-commit-config.yaml", SkipReason::ToolConfig),
            ("/r/.github/workflows/ci.yml", SkipReason::Workflow),
            ("/r/chart/Chart.yaml", SkipReason::HelmChart),
        ] {
            assert_eq!(well_known(Path::new(p)), Some(r), "{p}");
        }
        assert_eq!(well_known(Path::new("/r/k8s/deploy.yaml")), None);
        assert_eq!(well_known(Path::new("/r/k8s/values-prod.yaml")), None);
        assert_eq!(well_known(Path::new("/r/vendor/chart.yaml")), None);
    }
}
