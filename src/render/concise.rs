//! `path:line:col: severity[rule] message`, one finding per line (editors, grep, quickfix).
//! Control characters from manifests are escaped: a name cannot forge a line or drive the
//! terminal.

use std::io::{self, Write};

use super::{escape_controls, file_name, has_lines, range, template};
use crate::report::Report;

pub fn concise(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for f in &report.findings {
        let (start, _) = range(report, f);
        let name = escape_controls(file_name(report, f));
        let at = if has_lines(report, f) {
            format!("{name}:{}:{}", start.line, start.column)
        } else {
            name.into_owned()
        };
        let from = template(report, f)
            .map(|t| format!(" (from template {})", escape_controls(t)))
            .unwrap_or_default();
        writeln!(
            out,
            "{at}: {}[{}] {}{from}",
            f.severity,
            f.rule,
            escape_controls(&f.message)
        )?;
    }
    Ok(())
}
