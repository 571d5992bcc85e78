//! `path:line:col: severity[rule] message`, one finding per line (editors, grep, quickfix).

use std::io::{self, Write};

use super::{file_name, has_lines, range, template};
use crate::Report;

pub fn concise(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for f in &report.findings {
        let (start, _) = range(report, f);
        let at = if has_lines(report, f) {
            format!("{}:{}:{}", file_name(report, f), start.line, start.column)
        } else {
            file_name(report, f).to_owned()
        };
        let from = template(report, f)
            .map(|t| format!(" (from template {t})"))
            .unwrap_or_default();
        writeln!(out, "{at}: {}[{}] {}{from}", f.severity, f.rule, f.message)?;
    }
    Ok(())
}
