//! The analysis stage: every enabled rule over a loaded [`Workspace`], then suppressions and
//! the sort; once per config when files have configs of their own ([`analyze_set`]).

use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::configs::ConfigSet;
use crate::finding::Finding;
use crate::index::{BrokenObject, Index};
use crate::load::Workspace;
use crate::model::{self, Object};
use crate::problems::LoadProblems;
use crate::report::{Incomplete, NARROWED_RULES, Report};
use crate::rules::{self, Context, RULES, Sink};
use crate::source::{FileId, LoadError, Role, SourceFile};
use crate::suppress;

/// Runs every enabled rule over a loaded workspace and applies suppressions.
pub fn analyze(ws: &Workspace, config: &Config) -> Report {
    analyze_files(ws, ws.files.clone(), config)
}

/// [`analyze`] with each file's own config: once per config that governs a linted file, over
/// the whole workspace (the other configs' files are context there, so references across
/// them resolve), then the reports merged in file order.
pub fn analyze_set(ws: &Workspace, configs: &ConfigSet) -> Report {
    let [config] = configs.configs() else {
        return merge(
            ws,
            configs
                .configs()
                .iter()
                .enumerate()
                .filter_map(|(group, config)| {
                    let mine = |file: usize| configs.group_of(FileId::new(file)) == group;
                    if !(0..ws.files.len())
                        .any(|f| mine(f) && ws.files.get(f).is_some_and(|s| s.is_linted()))
                    {
                        return None;
                    }
                    let files = ws
                        .files
                        .iter()
                        .enumerate()
                        .map(|(f, source)| {
                            if mine(f) || source.role != Role::Linted {
                                Arc::clone(source)
                            } else {
                                Arc::new(SourceFile {
                                    role: Role::Context,
                                    ..SourceFile::clone(source)
                                })
                            }
                        })
                        .collect();
                    Some(analyze_files(ws, files, config))
                }),
        );
    };
    analyze(ws, config)
}

/// One report of the per-config reports of [`analyze_set`]: each group's findings (on its own
/// files), its config file appended to the file list, warnings and rules run without repeats.
fn merge(ws: &Workspace, reports: impl Iterator<Item = Report>) -> Report {
    let mut out = Report {
        files: ws.files.clone(),
        input_errors: ws.input_errors.clone(),
        documents: ws.document_count(),
        skipped: ws.skipped.clone(),
        ..Report::default()
    };
    let workspace_files = FileId::new(ws.files.len());
    for mut report in reports {
        // A group's config file, if any, is its file `workspace_files`.
        let config_file = report.files.get(workspace_files.index()).map(|source| {
            out.files.push(Arc::clone(source));
            FileId::new(out.files.len() - 1)
        });
        let renumber = |file: &mut FileId| {
            if *file == workspace_files
                && let Some(c) = config_file
            {
                *file = c;
            }
        };
        for f in &mut report.findings {
            renumber(&mut f.file);
            f.related.iter_mut().for_each(|r| renumber(&mut r.file));
            if let Some(fix) = &mut f.fix {
                fix.edits.iter_mut().for_each(|e| renumber(&mut e.file));
            }
        }
        out.findings.append(&mut report.findings);
        out.object_refs.append(&mut report.object_refs);
        for i in report.incomplete {
            match out
                .incomplete
                .iter_mut()
                .find(|o| (o.file, o.span) == (i.file, i.span))
            {
                Some(o) => {
                    o.rules.extend(i.rules);
                    o.rules.sort_unstable();
                    o.rules.dedup();
                }
                None => out.incomplete.push(i),
            }
        }
        for w in report.warnings {
            if !out.warnings.contains(&w) {
                out.warnings.push(w);
            }
        }
        out.rules_run.extend(report.rules_run);
    }
    let order: std::collections::HashMap<&str, usize> = RULES
        .iter()
        .enumerate()
        .map(|(i, r)| (r.meta().name, i))
        .collect();
    out.rules_run
        .sort_by_key(|r| order.get(r).copied().unwrap_or(usize::MAX));
    out.rules_run.dedup();
    for i in &mut out.incomplete {
        i.rules
            .sort_by_key(|r| order.get(r).copied().unwrap_or(usize::MAX));
    }
    out.object_refs.sort_by_key(|(file, _)| *file);
    out.objects = out.object_refs.len();
    sort_findings(&mut out.findings);
    out
}

/// [`analyze`] over `files`: the workspace's files, each in the role it has in this analysis.
fn analyze_files(ws: &Workspace, files: Vec<Arc<SourceFile>>, config: &Config) -> Report {
    let mut report = Report {
        files,
        input_errors: ws.input_errors.clone(),
        documents: ws.document_count(),
        skipped: ws.skipped.clone(),
        ..Report::default()
    };
    let objects = &ws.objects;
    let problems = &ws.problems;
    report.object_refs = objects
        .iter()
        .filter(|o| report.is_linted(o.file))
        .map(|o| (o.file, rules::object_ref(o)))
        .collect();
    report.objects = report.object_refs.len();

    let (broken, any_unparsed) = narrowed(&mut report, problems, config);
    let variants = variants_of(&report.files, config, objects);
    let index = Index::with_variants(objects, &broken, any_unparsed, variants);
    let mut findings = run_rules(&report.files, problems, objects, &index, config);
    report.rules_run = RULES
        .iter()
        .map(|r| r.meta().name)
        .filter(|name| config.is_enabled(name))
        .collect();
    findings.retain(|f| report.is_linted(f.file));
    for f in &mut findings {
        if let Some(o) = &f.object {
            f.origin = ws.origins.get(&(f.file, o.document)).cloned();
        }
    }
    // The config file joins the file list so unused `ignore:` entries can point into it.
    let config_file = config.source.as_ref().map(|source| {
        report.files.push(Arc::clone(source));
        FileId::new(report.files.len() - 1)
    });
    let outcome = suppress::apply(
        &mut findings,
        &suppress::Run {
            objects,
            files: &report.files,
            config_file,
            config,
            rules_run: &report.rules_run,
            partial: ws.partial,
            comments: &ws.comments,
        },
    );
    findings.extend(outcome.unused);
    report.warnings = outcome.warnings;
    sort_findings(&mut findings);
    report.findings = findings;
    report
}

/// By file, position, rule, message.
fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (a.file, a.span.start, a.rule, &a.message, a.span.end).cmp(&(
            b.file,
            b.span.start,
            b.rule,
            &b.message,
            b.span.end,
        ))
    });
}

/// Every enabled rule over the loaded objects, in parallel.
fn run_rules(
    files: &[Arc<SourceFile>],
    problems: &LoadProblems,
    objects: &[Object],
    index: &Index<'_>,
    config: &Config,
) -> Vec<Finding> {
    RULES
        .par_iter()
        .filter_map(|rule| {
            let meta = rule.meta();
            let settings = config.settings(meta.name).filter(|s| s.enabled)?;
            let cx = Context {
                files,
                problems,
                objects,
                index,
                settings,
                kubernetes_version: config.kubernetes_version,
            };
            let mut sink = Sink::new(meta.name, settings.severity, files);
            sink.severity_configured = settings.severity_configured;
            rule.check(&cx, &mut sink);
            Some(sink.findings)
        })
        .flatten()
        .collect()
}

/// The run's variant model: its files' directories, the config's `variants:`, its objects.
fn variants_of(files: &[Arc<SourceFile>], config: &Config, objects: &[Object]) -> model::Variants {
    let units: Vec<model::FileUnit<'_>> = files
        .iter()
        .map(|f| model::FileUnit {
            name: &f.name,
            stdin: f.stdin,
            context: f.role == Role::Context,
        })
        .collect();
    model::Variants::new(&units, &config.variants, objects)
}

/// What the index must treat as unknown: every object that failed to decode (its namespace is
/// known), and every document that failed to parse, narrowed to the namespaces its text names
/// (an unreadable file, or a templated namespace, leaves every namespace unknown). Records
/// each in `report.incomplete` with the rules it switches off.
fn narrowed(
    report: &mut Report,
    problems: &LoadProblems,
    config: &Config,
) -> (Vec<BrokenObject>, bool) {
    let rules: Vec<&'static str> = NARROWED_RULES
        .iter()
        .copied()
        .filter(|r| config.is_enabled(r))
        .collect();
    let mut broken = problems.broken.clone();
    let mut any_unparsed = false;
    for (b, (file, span)) in problems.broken.iter().zip(&problems.broken_at) {
        report.incomplete.push(Incomplete {
            file: *file,
            span: *span,
            namespaces: Some(vec![b.namespace.clone()]),
            reason: "does not fit its schema",
            rules: rules.clone(),
        });
    }
    for (file, e) in &problems.yaml {
        let text = report
            .files
            .get(file.index())
            .map_or("", |f| f.text.as_str());
        let namespaces = unparsed_namespaces(text, e, &config.default_namespace);
        match &namespaces {
            Some(list) => broken.extend(list.iter().map(|ns| BrokenObject {
                namespace: ns.clone(),
            })),
            None => any_unparsed = true,
        }
        report.incomplete.push(Incomplete {
            file: *file,
            span: e.span,
            namespaces,
            reason: "could not be parsed",
            rules: rules.clone(),
        });
    }
    if rules.is_empty() {
        report.incomplete.clear();
    }
    (broken, any_unparsed)
}

/// The namespaces an unparseable document may belong to: every `namespace:` value its text
/// writes, and the default namespace (for when `metadata.namespace` is not among them). `None`
/// when that cannot be told: the file was not read, or a value is templated or an alias.
fn unparsed_namespaces(text: &str, e: &LoadError, default: &str) -> Option<Vec<String>> {
    // A file that is not UTF-8 is read lossily: its namespaces are in its whole text.
    let not_utf8 = e.message.starts_with("file is not valid UTF-8");
    if text.is_empty()
        || (e.message.starts_with("file is ") && !not_utf8)
        || e.message.starts_with("more than")
    {
        return None;
    }
    let region = if not_utf8 {
        text
    } else {
        document_region(text, e.span.start as usize)
    };
    let mut found = vec![default.to_owned()];
    for line in region.lines() {
        let line = line.split(" #").next().unwrap_or("");
        let mut rest = line;
        while let Some(at) = rest.find("namespace:") {
            let before = rest.get(..at).and_then(|b| b.chars().last());
            let after = rest.get(at + "namespace:".len()..).unwrap_or("");
            rest = after;
            if before.is_some_and(|c| !(c.is_whitespace() || matches!(c, '{' | ',' | '"' | '\''))) {
                continue;
            }
            let value = after
                .split([',', '}'])
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches(['"', '\'']);
            if value.is_empty() || value == "null" || value == "~" {
                continue;
            }
            if value.contains("{{")
                || value.contains('$')
                || value.starts_with(['*', '&', '!', '|', '>'])
            {
                return None;
            }
            if !found.iter().any(|f| f == value) {
                found.push(value.to_owned());
            }
        }
    }
    Some(found)
}

/// The `---`-separated region of `text` holding byte `at`.
fn document_region(text: &str, at: usize) -> &str {
    let mut start = 0;
    let mut end = text.len();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with("---") {
            if offset <= at {
                start = offset;
            } else {
                end = offset;
                break;
            }
        }
        offset += line.len();
    }
    text.get(start..end).unwrap_or(text)
}
