//! Which `.kubeha.yaml` governs each file.
//!
//! Precedence, highest first:
//! 1. `--config FILE` or `--no-config`: one configuration for every file.
//! 2. The nearest `.kubeha.yaml` (or `.kubeha.yml`): in the file's directory, else the closest
//!    parent directory that has one, stopping at the repository root (the directory holding
//!    `.git`). The nearest file wins whole: nothing is merged from a config further up (as in
//!    ruff's hierarchical configuration). A directory with its own config is governed by it,
//!    including whether it is excluded. Standard input is governed by the config nearest to its
//!    `--stdin-filename`, else to the working directory.
//! 3. The defaults, for a file with no config above it.
//!
//! Command-line switches (`--select`, `--ignore`, `--exclude`, `--kubernetes-version`) apply on
//! top of whichever config governs a file.
//!
//! Each file is linted with its own config, but every file is context for every other: a
//! Service governed by one config still sees the Deployment governed by another
//! ([`crate::analyze_set`]).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use crate::config::{Config, ConfigError, FILE_NAMES};
use crate::discover::{Inputs, Policy, absolute, current_dir};
use crate::source::FileId;

impl Policy for Config {
    fn excludes(&self, path: &Path, _is_dir: bool) -> bool {
        self.exclude.matches(path)
    }

    fn max_file_bytes(&self, _path: &Path) -> usize {
        self.limits.max_file_bytes
    }
}

/// The configs of a run and which one governs each file.
#[derive(Debug, Clone)]
pub struct ConfigSet {
    /// `configs[0]` is the run's: the config of the first path named (its `threads`, and the
    /// limits standard input is read with).
    configs: Vec<Config>,
    /// Per workspace file (in load order), the index of its config; a file beyond the end
    /// (one added later) is governed by `configs[0]`.
    of_file: Vec<usize>,
}

impl ConfigSet {
    /// One config for every file.
    pub fn single(config: Config) -> Self {
        ConfigSet {
            configs: vec![config],
            of_file: Vec::new(),
        }
    }

    /// The run's config (see [`ConfigSet`]).
    pub fn run(&self) -> &Config {
        self.configs
            .first()
            .unwrap_or_else(|| unreachable!("a set has one config"))
    }

    pub fn configs(&self) -> &[Config] {
        &self.configs
    }

    /// The index of the config governing workspace file `file`.
    pub fn group_of(&self, file: FileId) -> usize {
        self.of_file.get(file.index()).copied().unwrap_or(0)
    }

    /// The config governing workspace file `file`.
    pub fn of(&self, file: FileId) -> &Config {
        self.configs
            .get(self.group_of(file))
            .unwrap_or_else(|| self.run())
    }

    /// The index of the config read from `path` (`None`: the defaults), if the set has it.
    pub fn find(&self, path: Option<&Path>) -> Option<usize> {
        self.configs.iter().position(|c| c.path.as_deref() == path)
    }

    /// Adds a config; returns its index.
    pub fn add(&mut self, config: Config) -> usize {
        self.configs.push(config);
        self.configs.len() - 1
    }

    /// Records that the next workspace file (one added after loading) is governed by config
    /// `group`.
    pub fn push_file(&mut self, group: usize) {
        self.of_file.push(group);
    }
}

/// The `.kubeha.yaml` (or `.kubeha.yml`) in `dir` or its nearest parent directory that has
/// one, stopping at the repository root (the directory holding `.git`), like git and ruff.
pub fn nearest_config(dir: &Path) -> Option<PathBuf> {
    nearest_in(dir, &mut HashMap::new())
}

/// [`nearest_config`], remembering the answer for every directory it passed in `cache`.
fn nearest_in(dir: &Path, cache: &mut HashMap<PathBuf, Option<PathBuf>>) -> Option<PathBuf> {
    let mut visited = Vec::new();
    let mut found = None;
    for d in dir.ancestors() {
        if let Some(cached) = cache.get(d) {
            found.clone_from(cached);
            break;
        }
        visited.push(d.to_owned());
        if let Some(file) = FILE_NAMES.iter().map(|n| d.join(n)).find(|p| p.is_file()) {
            found = Some(file);
            break;
        }
        if d.join(".git").exists() {
            break;
        }
    }
    for d in visited {
        cache.insert(d, found.clone());
    }
    found
}

/// How a config is read: from its file (`Some`), or the defaults (`None`), with the
/// command-line switches applied.
pub type LoadConfig<'a> = dyn Fn(Option<&Path>) -> Result<Config, ConfigError> + Sync + 'a;

/// Finds the nearest `.kubeha.yaml` of every path discovery meets, loading each config once;
/// as a [`Policy`] it answers with the config that governs the path.
pub struct Resolver<'a> {
    load: &'a LoadConfig<'a>,
    /// `--config` / `--no-config`: this one governs every file.
    fixed: bool,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Directory → its nearest config file (`None`: none up to the repository root).
    nearest: HashMap<PathBuf, Option<PathBuf>>,
    configs: Vec<Config>,
    index: HashMap<Option<PathBuf>, usize>,
    /// The first config that could not be read: the run stops with it.
    error: Option<ConfigError>,
}

impl<'a> Resolver<'a> {
    /// Resolves each path's nearest config. `first` (absolute) is where the run's config is
    /// looked for: the first path named (its directory, for a file), or the working directory.
    pub fn new(first: &Path, load: &'a LoadConfig<'a>) -> Result<Self, ConfigError> {
        let resolver = Resolver {
            load,
            fixed: false,
            state: Mutex::new(State::default()),
        };
        let found = resolver.nearest(first);
        let config = load(found.as_deref())?;
        resolver.add(found, config);
        Ok(resolver)
    }

    /// One config for every path.
    pub fn fixed(config: Config, load: &'a LoadConfig<'a>) -> Self {
        let resolver = Resolver {
            load,
            fixed: true,
            state: Mutex::new(State::default()),
        };
        resolver.add(config.path.clone(), config);
        resolver
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the cache wrong: take it as it is.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn add(&self, path: Option<PathBuf>, config: Config) -> usize {
        let mut state = self.state();
        let i = state.configs.len();
        state.configs.push(config);
        state.index.insert(path, i);
        i
    }

    /// The config file nearest to directory `dir`, up to the repository root.
    fn nearest(&self, dir: &Path) -> Option<PathBuf> {
        nearest_in(dir, &mut self.state().nearest)
    }

    /// The index of the config governing directory `dir`, loading it on first sight.
    fn config_for_dir(&self, dir: &Path) -> usize {
        if self.fixed {
            return 0;
        }
        let found = self.nearest(dir);
        if let Some(&i) = self.state().index.get(&found) {
            return i;
        }
        match (self.load)(found.as_deref()) {
            Ok(config) => self.add(found, config),
            Err(e) => {
                let mut state = self.state();
                state.error.get_or_insert(e);
                // Go on with the defaults; the run stops with the error once discovery ends.
                drop(state);
                match (self.load)(None) {
                    Ok(config) => self.add(found, config),
                    Err(_) => 0,
                }
            }
        }
    }

    /// The index of the config governing `path` (a directory is governed by its own config).
    fn config_for(&self, path: &Path, is_dir: bool) -> usize {
        let dir = if is_dir {
            path
        } else {
            path.parent().unwrap_or(path)
        };
        self.config_for_dir(dir)
    }

    fn with_config<T>(&self, i: usize, f: impl FnOnce(&Config) -> T) -> T {
        let state = self.state();
        let config = state
            .configs
            .get(i)
            .or(state.configs.first())
            .unwrap_or_else(|| unreachable!("created with one"));
        f(config)
    }

    /// Assigns each file of `inputs` its config (a file on disk by its path, standard input by
    /// its name) and ends: the set of configs that govern them, or the first config error.
    pub fn finish(&self, inputs: &Inputs) -> Result<ConfigSet, ConfigError> {
        let cwd = current_dir();
        let of_file: Vec<usize> = inputs
            .files
            .iter()
            .map(|f| match &f.path {
                Some(path) => self.config_for(path, false),
                None if f.stdin && f.name != "<stdin>" => {
                    self.config_for(&absolute(Path::new(&f.name), &cwd), false)
                }
                None => self.config_for_dir(&cwd),
            })
            .collect();
        let state = std::mem::take(&mut *self.state());
        if let Some(e) = state.error {
            return Err(e);
        }
        // Keep the run's config and those governing a file, in order of first sight.
        let mut keep: Vec<usize> = vec![0];
        for &g in &of_file {
            if !keep.contains(&g) {
                keep.push(g);
            }
        }
        let mut configs: Vec<Option<Config>> = state.configs.into_iter().map(Some).collect();
        let renumbered: HashMap<usize, usize> = keep
            .iter()
            .enumerate()
            .map(|(new, &old)| (old, new))
            .collect();
        let configs = keep
            .iter()
            .filter_map(|&old| configs.get_mut(old).and_then(Option::take))
            .collect();
        Ok(ConfigSet {
            configs,
            of_file: of_file
                .iter()
                .map(|g| renumbered.get(g).copied().unwrap_or(0))
                .collect(),
        })
    }
}

impl Policy for Resolver<'_> {
    fn excludes(&self, path: &Path, is_dir: bool) -> bool {
        let i = self.config_for(path, is_dir);
        self.with_config(i, |c| c.excludes(path, is_dir))
    }

    fn max_file_bytes(&self, path: &Path) -> usize {
        let i = self.config_for(path, false);
        self.with_config(i, |c| c.max_file_bytes(path))
    }
}
