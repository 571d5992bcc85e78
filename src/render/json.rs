//! The versioned JSON report (schema version 1, documented in the README).

use std::io::{self, Write};

use serde::Serialize;

use super::{file_name, has_lines, range, template};
use crate::finding::Severity;
use crate::report::Report;

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    findings: Vec<JsonFinding<'a>>,
    summary: Summary,
    /// Paths that could not be read (the exit code is 2).
    errors: Vec<JsonError<'a>>,
    /// Files not linted because they are not manifests.
    skipped: Vec<JsonSkipped<'a>>,
    /// Where cross-object rules were switched off, and why.
    incomplete: Vec<JsonIncomplete<'a>>,
}

#[derive(Serialize)]
struct JsonError<'a> {
    file: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonSkipped<'a> {
    file: &'a str,
    reason: &'a str,
}

#[derive(Serialize)]
struct JsonIncomplete<'a> {
    file: &'a str,
    line: usize,
    reason: &'a str,
    /// `null`: every namespace.
    namespaces: Option<&'a [String]>,
    rules: &'a [&'static str],
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    help: Option<&'a str>,
    file: &'a str,
    /// `null` when the finding is attributed to a `# Source:` template of standard input,
    /// whose lines are not the template's.
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    /// The `# Source:` template the document was rendered from, when `file` is the rendered
    /// file itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    template: Option<&'a str>,
    object: Option<JsonObject<'a>>,
    related: Vec<JsonRelated<'a>>,
}

#[derive(Serialize)]
struct JsonObject<'a> {
    #[serde(rename = "apiVersion")]
    api_version: &'a str,
    kind: &'a str,
    namespace: Option<&'a str>,
    name: &'a str,
    document: usize,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    message: &'a str,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    documents: usize,
    objects: usize,
    skipped: usize,
    findings: Counts,
}

#[derive(Serialize)]
struct Counts {
    error: usize,
    warning: usize,
    info: usize,
}

pub fn json(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let findings = report
        .findings
        .iter()
        .map(|f| {
            let (start, end) = range(report, f);
            let lines = has_lines(report, f);
            JsonFinding {
                rule: f.rule,
                severity: f.severity.as_str(),
                message: &f.message,
                help: f.help.as_deref(),
                file: file_name(report, f),
                line: lines.then_some(start.line),
                column: lines.then_some(start.column),
                end_line: lines.then_some(end.line),
                end_column: lines.then_some(end.column),
                template: template(report, f),
                object: report.object(f).map(|o| JsonObject {
                    api_version: &o.api_version,
                    kind: &o.kind,
                    namespace: o.namespace.as_deref(),
                    name: &o.name,
                    document: o.document,
                }),
                related: f
                    .related
                    .iter()
                    .map(|r| {
                        let at = report
                            .files
                            .get(r.file.index())
                            .map(|file| file.line_col(r.span.start));
                        JsonRelated {
                            file: report
                                .files
                                .get(r.file.index())
                                .map_or("", |file| file.name.as_str()),
                            line: at.map_or(1, |a| a.line),
                            column: at.map_or(1, |a| a.column),
                            message: &r.message,
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    let doc = JsonReport {
        version: 1,
        findings,
        summary: Summary {
            files: report.linted_files(),
            documents: report.documents,
            objects: report.objects,
            skipped: report.skipped.len(),
            findings: Counts {
                error: report.count(Severity::Error),
                warning: report.count(Severity::Warning),
                info: report.count(Severity::Info),
            },
        },
        errors: report
            .input_errors
            .iter()
            .map(|e| JsonError {
                file: &e.path,
                message: &e.message,
            })
            .collect(),
        skipped: report
            .skipped
            .iter()
            .map(|s| JsonSkipped {
                file: &s.path,
                reason: s.reason.as_str(),
            })
            .collect(),
        incomplete: report
            .incomplete
            .iter()
            .map(|i| {
                let file = report.files.get(i.file.index());
                JsonIncomplete {
                    file: file.map_or("", |f| f.name.as_str()),
                    line: file.map_or(1, |f| f.line_col(i.span.start).line),
                    reason: i.reason,
                    namespaces: i.namespaces.as_deref(),
                    rules: &i.rules,
                }
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::other)?;
    writeln!(out)
}
