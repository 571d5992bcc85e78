//! GitHub Actions workflow commands: `::error file=…,line=…::message`, shown as annotations.

use std::io::{self, Write};

use super::{file_name, has_lines, range, template};
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
        if let Some(t) = template(report, f) {
            message.push_str(" (from template ");
            message.push_str(t);
            message.push(')');
        }
        if let Some(help) = &f.help {
            message.push('\n');
            message.push_str(help);
        }
        let lines = if has_lines(report, f) {
            format!(
                ",line={},col={},endLine={},endColumn={}",
                start.line, start.column, end.line, end.column
            )
        } else {
            String::new()
        };
        writeln!(
            out,
            "::{level} file={}{lines},title={}::{}",
            property(file_name(report, f)),
            property(&format!("kubeha {}", f.rule)),
            data(&message)
        )?;
    }
    Ok(())
}
