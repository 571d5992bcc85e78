//! Findings: what a rule reports, located in a file.

use std::fmt;

use crate::model::FieldPath;
use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The object a finding is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectRef {
    pub api_version: String,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
    pub document: usize,
}

/// Which object a finding is about: one the workspace loaded, by id (its names are resolved
/// through the report when rendering), or a document that never became an object (it does
/// not fit its schema, or repeats a key), by what its text names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ObjectKey {
    Loaded(crate::model::ObjectId),
    Unloaded(Box<ObjectRef>),
}

/// Another location that explains a finding (the first of two duplicate keys, the PDB that
/// blocks a workload, …).
#[derive(Clone, Debug)]
pub struct Related {
    pub file: crate::source::FileId,
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    /// Index of the file in the report's file list.
    pub file: crate::source::FileId,
    pub span: Span,
    /// The object it is about; [`crate::report::Report::object`] gives its names.
    pub object: Option<ObjectKey>,
    /// Field path inside the object, when the finding is about a field.
    pub path: Option<FieldPath>,
    pub related: Vec<Related>,
    /// The file a person edits, when the document says (`# Source: chart/templates/web.yaml`,
    /// as `helm template` prints); lines and columns still count in the rendered input.
    pub origin: Option<String>,
    /// How to fix it, as text edits ([`Fix`]); `None` when no edit can be computed safely.
    pub fix: Option<Fix>,
}

/// Whether a fix keeps what the object does (`Safe`: applied by `--fix`) or changes its
/// behaviour (`Unsafe`: only with `--unsafe-fixes`, as in ruff).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Applicability {
    Safe,
    Unsafe,
}

/// A replacement of the bytes `span` of file `file` by `text` (an insertion when `span` is
/// empty). Every byte outside the edits stays as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub file: crate::source::FileId,
    pub span: Span,
    pub text: String,
}

/// A fix for one finding: a title for editors ("Quote `yes`") and non-overlapping edits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

impl Finding {
    /// A fingerprint that survives unrelated edits: rule + object identity + field path, never
    /// line numbers. Findings without an object (syntax errors) fall back to file + message.
    pub fn fingerprint(&self, file_name: &str, object: Option<&ObjectRef>) -> String {
        let identity = match (object, &self.path) {
            (Some(o), path) => format!(
                "{}\0{}\0{}\0{}\0{}\0{}",
                self.rule,
                crate::model::api_group(&o.api_version),
                o.kind,
                o.namespace.as_deref().unwrap_or(""),
                o.name,
                path.as_ref().map(ToString::to_string).unwrap_or_default()
            ),
            (None, _) => format!("{}\0{file_name}\0{}", self.rule, self.message),
        };
        format!("{:016x}", fnv1a(identity.as_bytes()))
    }
}

/// FNV-1a, 64 bit: stable across versions and platforms (unlike std's `DefaultHasher`).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
