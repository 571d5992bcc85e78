//! GitHub Actions workflow commands: `::error file=…,line=…::message`, shown as annotations.

use std::io::{self, Write};

use super::{file_name, has_lines, range, template};
use crate::finding::Severity;
use crate::report::Report;

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
