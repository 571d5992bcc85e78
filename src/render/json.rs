//! The versioned JSON report (schema version 1, documented in the README).

use std::io::{self, Write};

use serde::Serialize;

use super::{file_name, range};
use crate::Report;
use crate::finding::Severity;

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
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
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
            JsonFinding {
                rule: f.rule,
                severity: f.severity.as_str(),
                message: &f.message,
                help: f.help.as_deref(),
                file: file_name(report, f),
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
                object: f.object.as_ref().map(|o| JsonObject {
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
                            .get(r.file)
                            .map(|file| file.line_col(r.span.start));
                        JsonRelated {
                            file: report
                                .files
                                .get(r.file)
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
                let file = report.files.get(i.file);
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
