//! GitHub Actions workflow commands: `::error file=…,line=…::message`, shown as annotations.

use std::io::{self, Write};

use super::{file_name, range};
use crate::Report;
use crate::finding::Severity;

/// Workflow-command data escaping.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Workflow-command property escaping (also `:` and `,`).
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn github(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for f in &report.findings {
        let (start, end) = range(report, f);
        let level = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut message = f.message.clone();
        if let Some(help) = &f.help {
            message.push('\n');
            message.push_str(help);
        }
        writeln!(
            out,
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            property(file_name(report, f)),
            start.line,
            start.column,
            end.line,
            end.column,
            property(&format!("kubeha {}", f.rule)),
            data(&message)
        )?;
    }
    Ok(())
}
