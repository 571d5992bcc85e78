//! Baselines: record today's findings, then report only new ones. Adopting kubeha on a large
//! legacy repository should not mean fixing everything first.
//!
//! Findings are matched by fingerprint (rule + object identity + field path, never line
//! numbers), so unrelated edits do not resurface old findings.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::render::file_name;
use crate::report::Report;

/// The baseline format this kubeha writes and reads.
pub const VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Entry>,
}

/// One recorded finding. Only `fingerprint` matters for matching; the rest helps a reader.
#[derive(Debug, Serialize, Deserialize)]
pub struct Entry {
    pub fingerprint: String,
    pub rule: String,
    pub file: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    pub message: String,
}

impl Baseline {
    pub fn of(report: &Report) -> Self {
        Self {
            version: VERSION,
            findings: report
                .findings
                .iter()
                .map(|f| {
                    let file = file_name(report, f);
                    Entry {
                        fingerprint: f.fingerprint(file, report.object(f)),
                        rule: f.rule.to_owned(),
                        file: file.to_owned(),
                        object: report.object(f).map(|o| match &o.namespace {
                            Some(ns) => format!("{}/{ns}/{}", o.kind, o.name),
                            None => format!("{}/{}", o.kind, o.name),
                        }),
                        message: f.message.clone(),
                    }
                })
                .collect(),
        }
    }

    /// Removes the findings the baseline already has (each entry absorbs one finding);
    /// returns how many were removed.
    pub fn filter(&self, report: &mut Report) -> usize {
        let mut known: HashMap<&str, usize> = HashMap::new();
        for e in &self.findings {
            *known.entry(e.fingerprint.as_str()).or_default() += 1;
        }
        let fingerprints: Vec<String> = report
            .findings
            .iter()
            .map(|f| f.fingerprint(file_name(report, f), report.object(f)))
            .collect();
        let before = report.findings.len();
        let mut keep = fingerprints
            .iter()
            .map(|fp| match known.get_mut(fp.as_str()) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => true,
            });
        report.findings.retain(|_| keep.next().unwrap_or(true));
        before - report.findings.len()
    }
}
