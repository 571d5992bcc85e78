//! GitHub Actions workflow commands: `::error file=…,line=…::message`, shown as annotations.

use std::io::{self, Write};

use super::{file_name, range};
use crate::Report;
use crate::finding::Severity;

/// Workflow-command data escaping; other control characters are shown escaped, not sent to
/// the runner's log raw.
fn data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c if super::is_unsafe_char(c) => {
                out.push_str(&super::escape_controls(c.encode_utf8(&mut [0; 4])));
            }
            c => out.push(c),
        }
    }
    out
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
