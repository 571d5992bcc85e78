//! `path:line:col: severity[rule] message`, one finding per line (editors, grep, quickfix).
//! Control characters from manifests are escaped: a name cannot forge a line or drive the
//! terminal.

use std::io::{self, Write};

use super::{escape_controls, file_name, range};
use crate::Report;

pub fn concise(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for f in &report.findings {
        let (start, _) = range(report, f);
        writeln!(
            out,
            "{}:{}:{}: {}[{}] {}",
            escape_controls(file_name(report, f)),
            start.line,
            start.column,
            f.severity,
            f.rule,
            escape_controls(&f.message)
        )?;
    }
    Ok(())
}
