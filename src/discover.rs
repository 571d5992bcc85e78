//! Which files to lint: explicit files as given, directories walked for `*.yaml`/`*.yml`
//! (respecting `.gitignore`, via the `ignore` crate), and stdin.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use ignore::WalkBuilder;

/// What the user asked to lint.
#[derive(Debug, Clone)]
pub enum Input {
    Path(PathBuf),
    /// Standard input, already read, with the name findings should carry.
    Stdin {
        name: String,
        bytes: Vec<u8>,
    },
}

/// One file to lint.
#[derive(Debug, Clone)]
pub enum FileInput {
    Disk { name: String, path: PathBuf },
    Stdin { name: String, bytes: Vec<u8> },
}

impl FileInput {
    pub fn name(&self) -> &str {
        match self {
            FileInput::Disk { name, .. } | FileInput::Stdin { name, .. } => name,
        }
    }
}

/// A path that could not be read or walked. Reported, and the other files are still linted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub path: String,
    pub message: String,
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
    for input in inputs {
        match input {
            Input::Stdin { name, bytes } => files.push(FileInput::Stdin {
                name: name.clone(),
                bytes: bytes.clone(),
            }),
            Input::Path(path) => match std::fs::metadata(path) {
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
                        });
                    }
                }
                Ok(_) => walk(path, &mut files, &mut errors, &mut seen),
            },
        }
    }
    (files, errors)
}

fn walk(
    dir: &Path,
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
