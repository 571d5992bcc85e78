//! Human output: one miette report per finding, with the YAML snippet, a label on the exact
//! key or value, the help, and the rule name; then a one-line summary.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::{self, Write};

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use crate::finding::{Finding, Severity};
use crate::report::Report;
use crate::source::SourceFile;

#[derive(Clone, Copy, Debug)]
pub struct HumanOptions {
    pub color: bool,
    pub width: usize,
    /// Findings only: no summary, no notes.
    pub quiet: bool,
}

/// Source lines longer than this many characters are cut to a window around the labels: a
/// one-line JSON manifest or a minified flow mapping must not print megabytes per finding
/// (and miette cannot pad to columns past 65535).
const MAX_LINE_CHARS: usize = 160;
/// How much of a cut line is shown before the first label on it.
const LEAD_CHARS: usize = 40;
/// A label spanning more lines than this is cut to its first line.
const MAX_LABEL_LINES: usize = 8;
/// Context lines around the labels (miette's `with_context_lines`).
const CONTEXT_LINES: usize = 2;

/// One shown line of a [`View`].
struct ViewLine {
    /// Offset in the view's text where the line starts.
    start: usize,
    /// `(file offset, view offset)` at each shown character boundary, the window's end
    /// included; never empty.
    map: Vec<(u32, u32)>,
}

/// What a snippet shows of a file: the lines around the labels, long lines cut to a window
/// (`…` marks the cut), control characters made visible (`␛`, `␍`), each line ending in `\n`.
/// It is miette's `SourceCode`: labels are given in view offsets ([`View::map`]), and lines
/// and columns are reported in file terms, so the header still names the real place.
struct View<'a> {
    file: &'a SourceFile,
    name: String,
    text: String,
    /// 0-based file line of the view's first line.
    first_line: usize,
    lines: Vec<ViewLine>,
}

/// How a character of a manifest is shown in a snippet.
fn push_visible(out: &mut String, c: char) {
    match c {
        // Control Pictures: one column wide, like the character they stand for.
        '\u{0}'..='\u{1f}' if c != '\t' => {
            out.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'));
        }
        '\u{7f}' => out.push('\u{2421}'),
        c if super::is_unsafe_char(c) => {
            out.push_str(&super::escape_controls(c.encode_utf8(&mut [0; 4])));
        }
        c => out.push(c),
    }
}

impl<'a> View<'a> {
    /// A view of `file` showing `spans` with their context lines.
    fn new(file: &'a SourceFile, spans: &[crate::source::Span]) -> Self {
        let text = file.text.as_str();
        let index = &file.lines;
        let count = index.line_count();
        let line_of = |o: u32| index.line_of(o);
        let label_lines = spans.iter().map(|s| {
            let first = line_of(s.start);
            let last = line_of(s.end.saturating_sub(1).max(s.start)).min(first + MAX_LABEL_LINES);
            (first, last)
        });
        let first = label_lines.clone().map(|(f, _)| f).min().unwrap_or(0);
        let last = label_lines.map(|(_, l)| l).max().unwrap_or(0);
        let first = first.saturating_sub(CONTEXT_LINES);
        let last = (last + CONTEXT_LINES).min(count.saturating_sub(1));
        let mut view = Self {
            file,
            name: super::escape_controls(&file.name).into_owned(),
            text: String::new(),
            first_line: first,
            lines: Vec::with_capacity(last + 1 - first),
        };
        for line in first..=last {
            let start = index.line_start(line).min(text.len() as u32);
            let end = index.content_end(text, line);
            // The first label starting on this line decides where a long line's window is.
            let anchor = spans
                .iter()
                .map(|s| s.start)
                .filter(|&s| s >= start && s <= end)
                .min()
                .unwrap_or(start);
            view.push_line(start, end, anchor, line + 1 < count);
        }
        view
    }

    fn push_line(&mut self, start: u32, end: u32, anchor: u32, line_break: bool) {
        let text = self.file.text.as_str();
        let content = text.get(start as usize..end as usize).unwrap_or("");
        let long = content.len() > MAX_LINE_CHARS && content.chars().nth(MAX_LINE_CHARS).is_some();
        let (from, to) = if long {
            let before = text.get(start as usize..anchor as usize).unwrap_or("");
            let from = before
                .char_indices()
                .rev()
                .nth(LEAD_CHARS.saturating_sub(1))
                .map_or(start, |(i, _)| start + i as u32);
            let after = text.get(from as usize..end as usize).unwrap_or("");
            let to = after
                .char_indices()
                .nth(MAX_LINE_CHARS)
                .map_or(end, |(i, _)| from + i as u32);
            (from, to)
        } else {
            (start, end)
        };
        let line_start = self.text.len();
        if from > start {
            self.text.push('…');
        }
        let mut map = Vec::new();
        for (i, c) in text
            .get(from as usize..to as usize)
            .unwrap_or("")
            .char_indices()
        {
            map.push((from + i as u32, self.text.len() as u32));
            push_visible(&mut self.text, c);
        }
        map.push((to, self.text.len() as u32));
        if to < end {
            self.text.push('…');
        }
        if line_break {
            self.text.push('\n');
        }
        self.lines.push(ViewLine {
            start: line_start,
            map,
        });
    }

    /// The view offset showing file offset `offset` (clamped into the view).
    fn offset_of(&self, offset: u32) -> usize {
        let line = self.file.lines.line_of(offset);
        let Some(shown) = line
            .checked_sub(self.first_line)
            .and_then(|i| self.lines.get(i))
        else {
            return if line < self.first_line {
                0
            } else {
                self.text.len()
            };
        };
        let i = shown.map.partition_point(|&(o, _)| o <= offset);
        let (_, view) = shown
            .map
            .get(i.saturating_sub(1))
            .copied()
            .unwrap_or_default();
        view as usize
    }

    /// A file span as a miette span of the view; long labels are cut to their first lines.
    fn span(&self, s: crate::source::Span) -> SourceSpan {
        let first = self.file.lines.line_of(s.start);
        let mut end = s.end.max(s.start);
        if self.file.lines.line_of(end.saturating_sub(1).max(s.start)) > first + MAX_LABEL_LINES {
            end = self.file.lines.content_end(&self.file.text, first);
        }
        let start = self.offset_of(s.start);
        let end = self.offset_of(end).max(start);
        (start, end - start).into()
    }

    /// The 0-based view line holding view offset `offset`.
    fn line_at(&self, offset: usize) -> usize {
        self.lines
            .partition_point(|l| l.start <= offset)
            .saturating_sub(1)
    }

    /// The file column (0-based, in characters) of a view offset.
    fn column_at(&self, offset: usize) -> usize {
        let Some(line) = self.lines.get(self.line_at(offset)) else {
            return 0;
        };
        let i = line.map.partition_point(|&(_, v)| v as usize <= offset);
        let (file_offset, _) = line
            .map
            .get(i.saturating_sub(1))
            .copied()
            .unwrap_or_default();
        self.file.line_col(file_offset).column - 1
    }
}

impl SourceCode for View<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let start = span.offset();
        let end = start + span.len();
        if end > self.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let first = self.line_at(start).saturating_sub(context_lines_before);
        let last_of_span = self.line_at(end.saturating_sub(1).max(start));
        let last = (last_of_span + context_lines_after).min(self.lines.len().saturating_sub(1));
        // Without context, the contents start at the span itself (miette reads the header's
        // column from there), as miette's own string source does.
        let (data_start, column) = if context_lines_before == 0 {
            (start, self.column_at(start))
        } else {
            (self.lines.get(first).map_or(0, |l| l.start), 0)
        };
        let data_end = self
            .lines
            .get(last + 1)
            .map_or(self.text.len(), |l| l.start);
        let data = self
            .text
            .as_bytes()
            .get(data_start..data_end)
            .unwrap_or_default();
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            data,
            (data_start, data_end.saturating_sub(data_start)).into(),
            self.first_line + first,
            column,
            last.saturating_sub(first) + 1,
        )))
    }
}

struct Diag<'a> {
    message: String,
    code: Option<&'a str>,
    severity: miette::Severity,
    help: Option<String>,
    /// `None` for a finding at the same place as the one before: it shares that snippet.
    source: Option<View<'a>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Diag<'a>>,
}

impl fmt::Debug for Diag<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Diag<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
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
        self.help
            .as_deref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
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

fn escaped(s: &str) -> String {
    super::escape_controls(s).into_owned()
}

/// Related locations at most this many lines away share the finding's snippet.
const NEAR_LINES: usize = 4;

fn diagnostic<'a>(report: &'a Report, f: &'a Finding) -> Option<Diag<'a>> {
    let file = report.files.get(f.file.index())?;
    let line = |s: crate::source::Span| file.lines.line_of(s.start);
    // Near the finding: a second label in its snippet. Farther away it would open a snippet
    // of its own above the finding's, and miette's header would name the wrong place.
    let (near, far): (Vec<_>, Vec<_>) = f
        .related
        .iter()
        .partition(|r| r.file == f.file && line(r.span).abs_diff(line(f.span)) <= NEAR_LINES);
    let spans: Vec<_> = std::iter::once(f.span)
        .chain(near.iter().map(|r| r.span))
        .collect();
    let view = View::new(file, &spans);
    // A `# Source:` template is named on the snippet of the file the lines belong to.
    let from = f
        .origin
        .as_ref()
        .map(|t| escaped(&format!("rendered from template {t}")));
    let mut labels = vec![LabeledSpan::new_primary_with_span(from, view.span(f.span))];
    for r in near {
        labels.push(LabeledSpan::new_with_span(
            Some(escaped(&r.message)),
            view.span(r.span),
        ));
    }
    let mut related = Vec::new();
    for r in far {
        // (a far location in the same file is shown like one in another file)
        let Some(other) = report.files.get(r.file.index()) else {
            continue;
        };
        let view = View::new(other, &[r.span]);
        related.push(Diag {
            message: escaped(&r.message),
            code: None,
            severity: miette::Severity::Advice,
            help: None,
            labels: vec![LabeledSpan::new_with_span(
                Some(escaped(&r.message)),
                view.span(r.span),
            )],
            source: Some(view),
            related: Vec::new(),
        });
    }
    Some(Diag {
        message: escaped(&f.message),
        code: Some(f.rule),
        severity: miette_severity(f.severity),
        help: f.help.as_deref().map(escaped),
        source: Some(view),
        labels,
        related,
    })
}

/// A finding at the same place as the one printed before it: its message and help, under
/// that snippet, without repeating it.
fn same_place(f: &Finding) -> Diag<'_> {
    Diag {
        message: escaped(&f.message),
        code: Some(f.rule),
        severity: miette_severity(f.severity),
        help: f.help.as_deref().map(escaped),
        source: None,
        labels: Vec::new(),
        related: Vec::new(),
    }
}

fn handler(color: bool, width: usize) -> GraphicalReportHandler {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(width)
        .with_context_lines(CONTEXT_LINES)
        .with_links(false)
}

/// One error with a snippet of `file` (a config file), rendered like a finding: long lines
/// cut, control characters made visible.
pub fn human_error(
    file: &SourceFile,
    message: &str,
    span: Option<(crate::source::Span, &str)>,
    help: Option<&str>,
    color: bool,
) -> String {
    let (source, labels) = match span {
        Some((span, label)) => {
            let view = View::new(file, &[span]);
            let label = LabeledSpan::new_primary_with_span(Some(escaped(label)), view.span(span));
            (Some(view), vec![label])
        }
        None => (None, Vec::new()),
    };
    let diag = Diag {
        message: escaped(message),
        code: Some("kubeha::config"),
        severity: miette::Severity::Error,
        help: help.map(escaped),
        source,
        labels,
        related: Vec::new(),
    };
    let mut out = String::new();
    if handler(color, 100).render_report(&mut out, &diag).is_err() {
        out = diag.message;
    }
    out
}

pub fn human(report: &Report, options: HumanOptions, out: &mut dyn Write) -> io::Result<()> {
    let handler = handler(options.color, options.width);
    let mut buf = String::new();
    let mut previous: Option<(crate::source::FileId, u32)> = None;
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
        if let Some(help) = f.help.as_deref()
            && !helps.insert((f.rule, help))
        {
            diag.help = Some(REPEATED_HELP.to_owned());
        }
        buf.clear();
        if handler.render_report(&mut buf, &diag).is_err() {
            buf.clear();
            buf.push_str(&diag.message);
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
pub(super) fn summary(report: &Report) -> String {
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
    let baselined = if report.fixed > 0 {
        format!("{baselined} {} fixed.", report.fixed)
    } else {
        baselined
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
