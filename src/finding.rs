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

/// Another location that explains a finding (the first of two duplicate keys, the PDB that
/// blocks a workload, …).
#[derive(Clone, Debug)]
pub struct Related {
    pub file: usize,
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
    pub file: usize,
    pub span: Span,
    pub object: Option<ObjectRef>,
    /// Field path inside the object, when the finding is about a field.
    pub path: Option<FieldPath>,
    pub related: Vec<Related>,
}
