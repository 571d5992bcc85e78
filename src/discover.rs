//! Which files to lint: explicit files as given, directories walked for `*.yaml`/`*.yml`
//! (respecting `.gitignore`, via the `ignore` crate), and stdin.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use ignore::WalkBuilder;

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

/// One file to lint.
#[derive(Debug, Clone)]
pub enum FileInput {
    Disk {
        name: String,
        path: PathBuf,
        /// Only context: its findings are not reported.
        context: bool,
    },
    Stdin {
        name: String,
        bytes: Vec<u8>,
    },
}

impl FileInput {
    pub fn name(&self) -> &str {
        match self {
            FileInput::Disk { name, .. } | FileInput::Stdin { name, .. } => name,
        }
    }

    pub fn is_context(&self) -> bool {
        matches!(self, FileInput::Disk { context: true, .. })
    }
}

/// A path that could not be read or walked. Reported, and the other files are still linted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub path: String,
    pub message: String,
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

/// [`read_limited`] on a file, with the errors as messages.
pub fn read_file_limited(path: &Path, limit: usize) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    if let Ok(meta) = file.metadata()
        && meta.is_file()
        && meta.len() > limit as u64
    {
        return Err(format!(
            "file is {} bytes, more than the limit of {limit} bytes",
            meta.len()
        ));
    }
    read_limited(file, limit)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("file is more than the limit of {limit} bytes"))
}

fn is_yaml(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

pub fn discover(inputs: &[Input]) -> (Vec<FileInput>, Vec<InputError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    // Files to report on first, so a file that is also in a context directory stays reported.
    let reported = inputs.iter().filter(|i| !matches!(i, Input::Context(_)));
    let context = inputs.iter().filter(|i| matches!(i, Input::Context(_)));
    for input in reported.chain(context) {
        let (path, is_context) = match input {
            Input::Stdin { name, bytes } => {
                files.push(FileInput::Stdin {
                    name: name.clone(),
                    bytes: bytes.clone(),
                });
                continue;
            }
            Input::Path(path) => (path, false),
            Input::Context(path) => (path, true),
        };
        match std::fs::metadata(path) {
            Err(e) => errors.push(InputError {
                path: path.display().to_string(),
                message: e.to_string(),
            }),
            // A file named explicitly is linted whatever its extension.
            Ok(meta) if !meta.is_dir() => {
                if seen.insert(path.clone()) {
                    files.push(FileInput::Disk {
                        name: path.display().to_string(),
                        path: path.clone(),
                        context: is_context,
                    });
                }
            }
            Ok(_) => walk(path, is_context, &mut files, &mut errors, &mut seen),
        }
    }
    (files, errors)
}

fn walk(
    dir: &Path,
    context: bool,
    files: &mut Vec<FileInput>,
    errors: &mut Vec<InputError>,
    seen: &mut HashSet<PathBuf>,
) {
    let walker = WalkBuilder::new(dir)
        .sort_by_file_name(std::cmp::Ord::cmp)
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                let path = entry.path();
                if entry.file_type().is_some_and(|t| t.is_file())
                    && is_yaml(path)
                    && seen.insert(path.to_owned())
                {
                    files.push(FileInput::Disk {
                        name: path.display().to_string(),
                        path: path.to_owned(),
                        context,
                    });
                }
            }
            Err(e) => errors.push(InputError {
                path: dir.display().to_string(),
                message: e.to_string(),
            }),
        }
    }
}
