//! What a run found, for renderers, the baseline and the language server.

use std::sync::Arc;

use crate::discover::{InputError, Skipped};
use crate::finding::{Finding, ObjectKey, ObjectRef, Severity};
use crate::source::{SourceFile, Span};

/// Everything a run found, ready for any renderer.
#[derive(Debug, Default)]
pub struct Report {
    pub files: Vec<Arc<SourceFile>>,
    /// Sorted by file, position, rule.
    pub findings: Vec<Finding>,
    /// Paths that could not be read (exit code 2); the rest were linted.
    pub input_errors: Vec<InputError>,
    pub documents: usize,
    pub objects: usize,
    /// Every object of the workspace, by [`crate::model::ObjectId`]: what findings' object
    /// ids name, and (those of linted files) what formats that list what was checked show
    /// (JUnit).
    pub object_refs: Vec<(crate::source::FileId, ObjectRef)>,
    /// The rules that ran, in registry order.
    pub rules_run: Vec<&'static str>,
    /// Not findings, but worth saying (a suppression without a reason).
    pub warnings: Vec<String>,
    /// Findings left out because the baseline has them.
    pub baselined: usize,
    /// Fixes applied before this report was made (`check --fix`).
    pub fixed: usize,
    /// Files (and Helm chart directories) not linted because they are not manifests.
    pub skipped: Vec<Skipped>,
    /// Where cross-object rules could not conclude, because a document failed to load.
    pub incomplete: Vec<Incomplete>,
}

/// The cross-object rules that stay silent in a namespace where an object failed to load
/// ("matches nothing" could be wrong: the match may be in the broken document).
pub const NARROWED_RULES: &[&str] = &[
    "service-selects-nothing",
    "pdb-matches-nothing",
    "hpa-target-missing",
    "ingress-backend-missing",
    "statefulset-service-missing",
    "missing-pdb",
];

/// A document that failed to load, and what it switched off.
#[derive(Debug, Clone)]
pub struct Incomplete {
    pub file: crate::source::FileId,
    pub span: Span,
    /// The namespaces it may belong to; `None`: it cannot be told, so every namespace.
    pub namespaces: Option<Vec<String>>,
    /// Why: "could not be parsed" or "does not fit its schema".
    pub reason: &'static str,
    /// The rules (of [`NARROWED_RULES`], those that ran) switched off there.
    pub rules: Vec<&'static str>,
}

impl Report {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// Files reported on (not `--context` only, not skipped, not the config).
    pub fn linted_files(&self) -> usize {
        self.files.iter().filter(|f| f.is_linted()).count()
    }

    /// The object finding `f` is about, by its names.
    pub fn object<'r>(&'r self, f: &'r Finding) -> Option<&'r ObjectRef> {
        match f.object.as_ref()? {
            ObjectKey::Loaded(id) => self.object_refs.get(id.index()).map(|(_, o)| o),
            ObjectKey::Unloaded(o) => Some(o),
        }
    }

    /// Whether findings in `file` are shown.
    pub fn is_linted(&self, file: crate::source::FileId) -> bool {
        self.files.get(file.index()).is_some_and(|f| f.is_linted())
    }
}
