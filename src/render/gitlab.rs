//! GitLab Code Quality (a JSON array of CodeClimate-style issues): findings in the merge
//! request widget and the changes tab.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::{file_name, range};
use crate::finding::Severity;
use crate::report::Report;

pub fn gitlab(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let issues: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let (start, end) = range(report, f);
            let name = file_name(report, f);
            let severity = match f.severity {
                Severity::Error => "critical",
                Severity::Warning => "major",
                Severity::Info => "info",
            };
            let mut description = f.message.clone();
            if let Some(help) = &f.help {
                description.push_str(". ");
                description.push_str(help);
            }
            json!({
                "type": "issue",
                "check_name": f.rule,
                "description": description,
                "categories": ["Bug Risk"],
                "severity": severity,
                // The file is part of the identity: one object in two environments is two issues.
                "fingerprint": format!("{}-{}", f.fingerprint(name, report.object(f)), super::fnv_hex(name)),
                "location": {
                    "path": name.strip_prefix("./").unwrap_or(name),
                    "lines": { "begin": start.line, "end": end.line },
                },
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues).map_err(io::Error::other)?;
    writeln!(out)
}
