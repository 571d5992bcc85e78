//! Human output: one miette report per finding, with the YAML snippet, a label on the exact
//! key or value, the help, and the rule name; then a one-line summary.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::{self, Write};

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use crate::Report;
use crate::finding::{Finding, Severity};
use crate::source::SourceFile;

#[derive(Clone, Copy, Debug)]
pub struct HumanOptions {
    pub color: bool,
    pub width: usize,
    /// Findings only: no summary, no notes.
    pub quiet: bool,
}

/// miette's `SourceCode` over a line-indexed file: finding a span's lines is a binary search,
/// not a scan from the top of the file for every label.
struct IndexedSource<'a>(&'a SourceFile);

impl SourceCode for IndexedSource<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let file = self.0;
        let text = file.text.as_bytes();
        let start = span.offset();
        let end = start + span.len();
        if end > text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let lines = &file.lines;
        let first = lines
            .line_of(start as u32)
            .saturating_sub(context_lines_before);
        let last_of_span = lines.line_of(end.saturating_sub(1).max(start) as u32);
        let last = (last_of_span + context_lines_after).min(lines.line_count().saturating_sub(1));
        // Without context, the contents start at the span itself (miette reads the header's
        // column from there), as miette's own string source does.
        let (data_start, column) = if context_lines_before == 0 {
            (start, file.line_col(start as u32).column - 1)
        } else {
            (lines.line_start(first) as usize, 0)
        };
        let data_end = (lines.line_start(last + 1) as usize).min(text.len());
        let data = text.get(data_start..data_end).unwrap_or_default();
        Ok(Box::new(MietteSpanContents::new_named(
            file.name.clone(),
            data,
            (data_start, data_end - data_start).into(),
            first,
            column,
            last - first + 1,
        )))
    }
}

struct Diag<'a> {
    message: &'a str,
    code: Option<&'a str>,
    severity: miette::Severity,
    help: Option<&'a str>,
    /// `None` for a finding at the same place as the one before: it shares that snippet.
    source: Option<IndexedSource<'a>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Diag<'a>>,
}

impl fmt::Debug for Diag<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message)
    }
}

impl fmt::Display for Diag<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message)
    }
}

impl std::error::Error for Diag<'_> {}

impl Diagnostic for Diag<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.code.map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help.map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn Diagnostic> + 'b>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|d| d as &dyn Diagnostic)))
    }
}

fn miette_severity(s: Severity) -> miette::Severity {
    match s {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    }
}

fn span(s: crate::source::Span) -> SourceSpan {
    (s.start as usize, s.len() as usize).into()
}

/// Related locations at most this many lines away share the finding's snippet.
const NEAR_LINES: usize = 4;

fn diagnostic<'a>(report: &'a Report, f: &'a Finding) -> Option<Diag<'a>> {
    let file = report.files.get(f.file)?;
    // A `# Source:` template is named on the snippet of the file the lines belong to.
    let from = f
        .origin
        .as_ref()
        .map(|t| format!("rendered from template {t}"));
    let mut labels = vec![LabeledSpan::new_primary_with_span(from, span(f.span))];
    let mut related = Vec::new();
    let line = |s: crate::source::Span| file.lines.line_of(s.start);
    for r in &f.related {
        // Near the finding: a second label in its snippet. Farther away it would open a snippet
        // of its own above the finding's, and miette's header would name the wrong place.
        if r.file == f.file && line(r.span).abs_diff(line(f.span)) <= NEAR_LINES {
            labels.push(LabeledSpan::new_with_span(
                Some(r.message.clone()),
                span(r.span),
            ));
        } else if let Some(other) = report.files.get(r.file) {
            // (a far location in the same file is shown like one in another file)
            related.push(Diag {
                message: &r.message,
                code: None,
                severity: miette::Severity::Advice,
                help: None,
                source: Some(IndexedSource(other)),
                labels: vec![LabeledSpan::new_with_span(
                    Some(r.message.clone()),
                    span(r.span),
                )],
                related: Vec::new(),
            });
        }
    }
    Some(Diag {
        message: &f.message,
        code: Some(f.rule),
        severity: miette_severity(f.severity),
        help: f.help.as_deref(),
        source: Some(IndexedSource(file)),
        labels,
        related,
    })
}

/// A finding at the same place as the one printed before it: its message and help, under
/// that snippet, without repeating it.
fn same_place(f: &Finding) -> Diag<'_> {
    Diag {
        message: &f.message,
        code: Some(f.rule),
        severity: miette_severity(f.severity),
        help: f.help.as_deref(),
        source: None,
        labels: Vec::new(),
        related: Vec::new(),
    }
}

pub fn human(report: &Report, options: HumanOptions, out: &mut dyn Write) -> io::Result<()> {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        .with_context_lines(2)
        .with_links(false);
    let mut buf = String::new();
    let mut previous: Option<(usize, u32)> = None;
    // Help is printed the first time a rule gives it; a repeat says where it was.
    let mut helps: HashSet<(&str, &str)> = HashSet::new();
    for f in &report.findings {
        let place = (f.file, f.span.start);
        let diag = if previous == Some(place) {
            Some(same_place(f))
        } else {
            diagnostic(report, f)
        };
        previous = Some(place);
        let Some(mut diag) = diag else {
            continue;
        };
        if let Some(help) = diag.help
            && !helps.insert((f.rule, help))
        {
            diag.help = Some(REPEATED_HELP);
        }
        buf.clear();
        if handler.render_report(&mut buf, &diag).is_err() {
            buf.clear();
            buf.push_str(&f.message);
            buf.push('\n');
        }
        out.write_all(buf.as_bytes())?;
        writeln!(out)?;
    }
    if options.quiet {
        return Ok(());
    }
    if !report.findings.is_empty() {
        statistics_table(report, out)?;
        writeln!(out)?;
    }
    writeln!(out, "{}", summary(report))?;
    for line in super::notes(report) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

const REPEATED_HELP: &str = "as for the first finding of this rule above";

/// `--statistics`: the per-rule table and the summary line, no findings.
pub fn statistics(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    if !report.findings.is_empty() {
        statistics_table(report, out)?;
        writeln!(out)?;
    }
    writeln!(out, "{}", summary(report))
}

/// One row per rule and severity: how many findings, and the `.kubeha.yaml` line that
/// switches the rule off. Most findings first.
fn statistics_table(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut counts: HashMap<(&str, Severity), usize> = HashMap::new();
    for f in &report.findings {
        *counts.entry((f.rule, f.severity)).or_default() += 1;
    }
    let mut rows: Vec<((&str, Severity), usize)> = counts.into_iter().collect();
    rows.sort_by(|((ra, sa), ca), ((rb, sb), cb)| sb.cmp(sa).then(cb.cmp(ca)).then(ra.cmp(rb)));
    let width = rows
        .iter()
        .map(|((r, _), _)| r.len())
        .max()
        .unwrap_or(4)
        .max(4);
    writeln!(
        out,
        "{:>6}  {:<8}  {:<width$}  to switch it off, in .kubeha.yaml",
        "count", "severity", "rule"
    )?;
    for ((rule, severity), count) in rows {
        writeln!(
            out,
            "{count:>6}  {:<8}  {rule:<width$}  rules: {{ {rule}: off }}",
            severity.as_str()
        )?;
    }
    Ok(())
}

/// `Found 3 problems (1 error, 2 warnings, 0 info) in 2 files, 7 objects.`
pub fn summary(report: &Report) -> String {
    let files = crate::rules::plural(report.linted_files(), "file", "files");
    let objects = crate::rules::plural(report.objects, "object", "objects");
    let baselined = if report.baselined > 0 {
        format!(
            " {} in the baseline.",
            crate::rules::plural(report.baselined, "finding was", "findings were")
        )
    } else {
        String::new()
    };
    if report.findings.is_empty() {
        return format!("No problems found in {files} ({objects}).{baselined}");
    }
    let errors = report.count(Severity::Error);
    let warnings = report.count(Severity::Warning);
    let info = report.count(Severity::Info);
    format!(
        "Found {} ({}, {}, {info} info) in {files} ({objects}).{baselined}",
        crate::rules::plural(report.findings.len(), "problem", "problems"),
        crate::rules::plural(errors, "error", "errors"),
        crate::rules::plural(warnings, "warning", "warnings"),
    )
}
