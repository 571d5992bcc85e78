//! `path:line:col: severity[rule] message`, one finding per line (editors, grep, quickfix).

use std::io::{self, Write};

use super::{file_name, range};
use crate::Report;

pub fn concise(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for f in &report.findings {
        let (start, _) = range(report, f);
        writeln!(
            out,
            "{}:{}:{}: {}[{}] {}",
            file_name(report, f),
            start.line,
            start.column,
            f.severity,
            f.rule,
            f.message
        )?;
    }
    Ok(())
}
