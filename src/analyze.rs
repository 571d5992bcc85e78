//! The analysis stage: every enabled rule over a loaded [`Workspace`], then suppressions and
//! the sort; once per config when files have configs of their own ([`analyze_set`]).

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::configs::ConfigSet;
use crate::finding::{Finding, ObjectKey};
use crate::index::{BrokenObject, Index};
use crate::load::Workspace;
use crate::model::{self, Object, ObjectList as _};
use crate::problems::LoadProblems;
use crate::report::{Incomplete, NARROWED_RULES, Report};
use crate::rules::{self, Context, RULES, Sink};
use crate::source::{FileId, LoadError, Role, SourceFile};
use crate::suppress;

/// Runs every enabled rule over a loaded workspace and applies suppressions.
pub fn analyze(ws: &Workspace, config: &Config) -> Report {
    let all = |_: FileId| true;
    let found = find(ws, config, &all, &|_| config.default_namespace.as_str());
    let mut report = report_for(ws, config, &all, found);
    report.object_refs = object_table(ws);
    report
}

/// Every object's names, by [`crate::model::ObjectId`] (see [`Report::object`]).
fn object_table(ws: &Workspace) -> Vec<(FileId, crate::finding::ObjectRef)> {
    ws.objects
        .iter()
        .map(|o| (o.file, rules::object_ref(o)))
        .collect()
}

/// [`analyze`] with each file's own config. The rules run over the whole workspace (so
/// references across configs resolve) once per class of configs under which they run alike
/// ([`Config::same_rules`]: per-environment configs usually differ only in `ignore:`,
/// `exclude:` or `default-namespace`), so a thousand such configs cost one run of the rules;
/// then each config's files get their findings, suppressions and config file, and the reports
/// are merged in file order.
pub fn analyze_set(ws: &Workspace, configs: &ConfigSet) -> Report {
    let groups = configs.configs();
    if groups.len() == 1 {
        return analyze(ws, configs.run());
    }
    let mut class_of: Vec<usize> = Vec::with_capacity(groups.len());
    let mut leads: Vec<&Config> = Vec::new();
    for config in groups {
        let class = leads.iter().position(|lead| lead.same_rules(config));
        class_of.push(class.unwrap_or_else(|| {
            leads.push(config);
            leads.len() - 1
        }));
    }
    let group_of = |file: FileId| configs.group_of(file);
    // Which configs govern a linted file (the others have nothing to report).
    let mut lints = vec![false; groups.len()];
    for (i, source) in ws.files.iter().enumerate() {
        if source.is_linted()
            && let Some(l) = lints.get_mut(group_of(FileId::new(i)))
        {
            *l = true;
        }
    }
    let namespace_of = |file: FileId| configs.of(file).default_namespace.as_str();
    let mut reports = Vec::new();
    for (class, lead) in leads.iter().enumerate() {
        let in_class = |file: FileId| class_of.get(group_of(file)) == Some(&class);
        let mut found = find(ws, lead, &in_class, &namespace_of);
        let mut by_group: HashMap<usize, Vec<Finding>> = HashMap::new();
        for f in std::mem::take(&mut found.findings) {
            by_group.entry(group_of(f.file)).or_default().push(f);
        }
        for (group, config) in groups.iter().enumerate() {
            if class_of.get(group) != Some(&class) || !lints.get(group).copied().unwrap_or(false) {
                continue;
            }
            let mine = |file: FileId| group_of(file) == group;
            let findings = by_group.remove(&group).unwrap_or_default();
            reports.push(report_for(
                ws,
                config,
                &mine,
                Found {
                    findings,
                    incomplete: found.incomplete.clone(),
                    rules_run: found.rules_run.clone(),
                },
            ));
        }
    }
    merge(ws, reports.into_iter())
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
    let mut incomplete_at: HashMap<(FileId, crate::source::Span), usize> = HashMap::new();
    let mut warned: std::collections::HashSet<String> = std::collections::HashSet::new();
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
        out.objects += report.objects;
        for i in report.incomplete {
            if let Some(&at) = incomplete_at.get(&(i.file, i.span)) {
                if let Some(o) = out.incomplete.get_mut(at) {
                    o.rules.extend(i.rules);
                    o.rules.sort_unstable();
                    o.rules.dedup();
                }
            } else {
                incomplete_at.insert((i.file, i.span), out.incomplete.len());
                out.incomplete.push(i);
            }
        }
        for w in report.warnings {
            if warned.insert(w.clone()) {
                out.warnings.push(w);
            }
        }
        out.rules_run.extend(report.rules_run);
    }
    let order: HashMap<&str, usize> = RULES
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
    out.object_refs = object_table(ws);
    sort_findings(&mut out.findings);
    out
}

/// What the rules found over the workspace, for the files one analysis reports on.
struct Found {
    findings: Vec<Finding>,
    incomplete: Vec<Incomplete>,
    rules_run: Vec<&'static str>,
}

/// Runs the rules `config` enables over the whole workspace and keeps the findings on the
/// linted files `reported` marks (the others are context, as if loaded with `--context`).
/// `namespace_of` is the default namespace of each file's own config.
fn find<'c>(
    ws: &Workspace,
    config: &Config,
    reported: &dyn Fn(FileId) -> bool,
    namespace_of: &dyn Fn(FileId) -> &'c str,
) -> Found {
    let (broken, any_unparsed, incomplete) =
        narrowed(&ws.files, &ws.problems, config, namespace_of);
    let variants = variants_of(&ws.files, config, &ws.objects);
    let index = Index::with_variants(&ws.objects, &broken, any_unparsed, variants);
    let mut findings = run_rules(&ws.files, &ws.problems, &ws.objects, &index, config);
    findings.retain(|f| {
        ws.files.get(f.file.index()).is_some_and(|s| s.is_linted()) && reported(f.file)
    });
    Found {
        findings,
        incomplete,
        rules_run: RULES
            .iter()
            .map(|r| r.meta().name)
            .filter(|name| config.is_enabled(name))
            .collect(),
    }
}

/// The report on the files `mine` marks, under `config`: what [`find`] found there, with
/// template origins, the config's suppressions applied (its file joins the list), sorted.
fn report_for(
    ws: &Workspace,
    config: &Config,
    mine: &dyn Fn(FileId) -> bool,
    found: Found,
) -> Report {
    let mut report = Report {
        files: ws.files.clone(),
        input_errors: ws.input_errors.clone(),
        documents: ws.document_count(),
        skipped: ws.skipped.clone(),
        incomplete: found.incomplete,
        rules_run: found.rules_run,
        ..Report::default()
    };
    let objects = &ws.objects;
    report.objects = objects
        .iter()
        .filter(|o| report.is_linted(o.file) && mine(o.file))
        .count();
    let mut findings = found.findings;
    for f in &mut findings {
        let document = match &f.object {
            Some(ObjectKey::Loaded(id)) => objects.object(*id).map(|o| o.document),
            Some(ObjectKey::Unloaded(o)) => Some(o.document),
            None => None,
        };
        if let Some(document) = document {
            f.origin = ws.origins.get(&(f.file, document)).cloned();
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
            ran: &report.rules_run,
            partial: ws.partial,
            comments: &ws.comments,
            reported: mine,
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
fn narrowed<'c>(
    files: &[Arc<SourceFile>],
    problems: &LoadProblems,
    config: &Config,
    namespace_of: &dyn Fn(FileId) -> &'c str,
) -> (Vec<BrokenObject>, bool, Vec<Incomplete>) {
    let rules: Vec<&'static str> = NARROWED_RULES
        .iter()
        .copied()
        .filter(|r| config.is_enabled(r))
        .collect();
    let mut incomplete = Vec::new();
    let mut broken = problems.broken.clone();
    let mut any_unparsed = false;
    for (b, (file, span)) in problems.broken.iter().zip(&problems.broken_at) {
        incomplete.push(Incomplete {
            file: *file,
            span: *span,
            namespaces: Some(vec![b.namespace.clone()]),
            reason: "does not fit its schema",
            rules: rules.clone(),
        });
    }
    for (file, e) in &problems.yaml {
        let text = files.get(file.index()).map_or("", |f| f.text.as_str());
        let namespaces = unparsed_namespaces(text, e, namespace_of(*file));
        match &namespaces {
            Some(list) => broken.extend(list.iter().map(|ns| BrokenObject {
                namespace: ns.clone(),
            })),
            None => any_unparsed = true,
        }
        incomplete.push(Incomplete {
            file: *file,
            span: e.span,
            namespaces,
            reason: "could not be parsed",
            rules: rules.clone(),
        });
    }
    if rules.is_empty() {
        incomplete.clear();
    }
    (broken, any_unparsed, incomplete)
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
