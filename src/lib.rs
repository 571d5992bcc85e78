//! kubeha: a Kubernetes manifest linter for high availability.
//!
//! One pipeline, one direction: discover → load (parallel) → index → rules (parallel) → sort.
//! [`lint`] is the only entry point; it never prints and never exits.

pub mod baseline;
pub mod config;
pub mod discover;
pub mod finding;
pub mod index;
pub mod model;
pub mod render;
pub mod rules;
pub mod source;
pub mod suggest;
pub mod suppress;

use std::sync::Arc;

use rayon::prelude::*;
use serde_json::Value;

pub use config::Config;
pub use discover::{Input, InputError, SkipReason, Skipped};
pub use finding::{Finding, Severity};

use crate::discover::FileInput;
use crate::finding::ObjectRef;
use crate::index::{BrokenObject, Index};
use crate::model::{FieldPath, Object, Typed, decode, resolve};
use crate::rules::{Context, RULES, Sink};
use crate::source::{Document, DuplicateKey, Limits, LoadError, SourceFile, Span, load_str};

/// Everything a run found, ready for any renderer.
#[derive(Debug, Default)]
pub struct Report {
    pub files: Vec<Arc<SourceFile>>,
    /// Sorted by file, position, rule.
    pub findings: Vec<Finding>,
    /// Paths that could not be read (exit code 2); the rest were linted.
    pub input_errors: Vec<InputError>,
    pub documents: usize,
    pub objects: usize,
    /// Per file: loaded only as `--context` (not reported on).
    pub context: Vec<bool>,
    /// Every object of the reported files, for formats that list what was checked (JUnit).
    pub object_refs: Vec<(usize, ObjectRef)>,
    /// The rules that ran, in registry order.
    pub rules_run: Vec<&'static str>,
    /// Not findings, but worth saying (a suppression without a reason).
    pub warnings: Vec<String>,
    /// Findings left out because the baseline has them.
    pub baselined: usize,
    /// Files (and Helm chart directories) not linted because they are not manifests.
    pub skipped: Vec<Skipped>,
    /// Where cross-object rules could not conclude, because a document failed to load.
    pub incomplete: Vec<Incomplete>,
}

/// The cross-object rules that stay silent in a namespace where an object failed to load
/// ("matches nothing" could be wrong: the match may be in the broken document).
pub const NARROWED_RULES: &[&str] = &[
    "service-selects-nothing",
    "pdb-matches-nothing",
    "hpa-target-missing",
    "ingress-backend-missing",
    "statefulset-service-missing",
    "missing-pdb",
];

/// A document that failed to load, and what it switched off.
#[derive(Debug, Clone)]
pub struct Incomplete {
    pub file: usize,
    pub span: Span,
    /// The namespaces it may belong to; `None`: it cannot be told, so every namespace.
    pub namespaces: Option<Vec<String>>,
    /// Why: "could not be parsed" or "does not fit its schema".
    pub reason: &'static str,
    /// The rules (of [`NARROWED_RULES`], those that ran) switched off there.
    pub rules: Vec<&'static str>,
}

impl Report {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// Files reported on (not `--context` only).
    pub fn linted_files(&self) -> usize {
        self.context.iter().filter(|c| !**c).count()
    }
}

/// A document that is not a usable object, or an object that does not fit its schema.
#[derive(Debug, Clone)]
pub struct InvalidObject {
    pub file: usize,
    pub span: Span,
    pub object: Option<ObjectRef>,
    pub message: String,
    pub help: String,
}

#[derive(Debug, Clone)]
pub struct DuplicateInFile {
    pub file: usize,
    pub object: Option<ObjectRef>,
    pub key: DuplicateKey,
}

/// What loading found wrong, for the manifest rules to report.
#[derive(Debug, Default)]
pub struct LoadProblems {
    pub yaml: Vec<(usize, LoadError)>,
    pub objects: Vec<InvalidObject>,
    pub duplicates: Vec<DuplicateInFile>,
    pub broken: Vec<BrokenObject>,
    /// Where each of `broken` is: `(file, span)`.
    pub broken_at: Vec<(usize, Span)>,
}

impl LoadProblems {
    fn extend(&mut self, other: LoadProblems) {
        self.yaml.extend(other.yaml);
        self.objects.extend(other.objects);
        self.duplicates.extend(other.duplicates);
        self.broken.extend(other.broken);
        self.broken_at.extend(other.broken_at);
    }
}

struct LoadedFile {
    source: Arc<SourceFile>,
    /// `(document, template path)` from `# Source:` comments.
    origins: Vec<(usize, String)>,
    objects: Vec<Object>,
    problems: LoadProblems,
    documents: usize,
    error: Option<InputError>,
    /// Walked, and none of its documents is a Kubernetes object: not linted.
    not_manifest: bool,
    /// Where its `# kubeha:` comments are.
    directives: Vec<u32>,
}

/// Lints `inputs` with `config`: the whole pipeline, no output.
pub fn lint(inputs: &[Input], config: &Config) -> Report {
    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(8 << 20)
        .num_threads(config.threads)
        .thread_name(|i| format!("kubeha-{i}"))
        .build();
    match pool {
        Ok(pool) => pool.install(|| lint_in_pool(inputs, config)),
        Err(_) => lint_in_pool(inputs, config),
    }
}

fn lint_in_pool(inputs: &[Input], config: &Config) -> Report {
    let discovered = discover::discover(inputs, &config.exclude);
    let files = discovered.files;
    let mut input_errors = discovered.errors;
    let mut skipped = discovered.skipped;
    let loaded: Vec<LoadedFile> = largest_first(&files, &config.limits, |i, input, bytes| {
        load_file(i, input, bytes, config)
    });

    let mut report = Report::default();
    let mut objects = Vec::new();
    let mut problems = LoadProblems::default();
    let mut origins = std::collections::HashMap::new();
    let mut comments = Vec::with_capacity(files.len());
    for (i, (file, input)) in loaded.into_iter().zip(&files).enumerate() {
        if file.not_manifest {
            skipped.push(Skipped {
                path: input.name().to_owned(),
                reason: SkipReason::NotManifest,
            });
        }
        report.files.push(file.source);
        comments.push(file.directives);
        // A skipped file is kept (file indices stay put) but, like context, not reported on.
        report.context.push(input.is_context() || file.not_manifest);
        origins.extend(file.origins.into_iter().map(|(doc, name)| ((i, doc), name)));
        report.documents += file.documents;
        objects.extend(file.objects);
        problems.extend(file.problems);
        input_errors.extend(file.error);
    }
    report.input_errors = input_errors;
    report.skipped = skipped;
    let is_context = |file: usize| report.context.get(file).copied().unwrap_or(false);
    report.object_refs = objects
        .iter()
        .filter(|o| !is_context(o.file))
        .map(|o| (o.file, rules::object_ref(o)))
        .collect();
    report.objects = report.object_refs.len();

    let (broken, any_unparsed) = narrowed(&mut report, &problems, config);
    let index = Index::with_variants(
        &objects,
        &broken,
        any_unparsed,
        variants_of(&files, config, &objects),
    );
    let mut findings = run_rules(&report.files, &problems, &objects, &index, config);
    report.rules_run = RULES
        .iter()
        .map(|r| r.meta().name)
        .filter(|name| config.is_enabled(name))
        .collect();
    findings.retain(|f| !report.context.get(f.file).copied().unwrap_or(false));
    for f in &mut findings {
        if let Some(o) = &f.object {
            f.origin = origins.get(&(f.file, o.document)).cloned();
        }
    }
    // The config file joins the file list so unused `ignore:` entries can point into it.
    let config_file = config.source.as_ref().map(|source| {
        report.files.push(Arc::clone(source));
        report.context.push(true);
        report.files.len() - 1
    });
    let outcome = suppress::apply(
        &mut findings,
        &suppress::Run {
            objects: &objects,
            files: &report.files,
            config_file,
            context: &report.context,
            config,
            rules_run: &report.rules_run,
            partial: is_partial(inputs),
            comments: &comments,
        },
    );
    findings.extend(outcome.unused);
    report.warnings = outcome.warnings;
    findings.sort_by(|a, b| {
        (a.file, a.span.start, a.rule, &a.message, a.span.end).cmp(&(
            b.file,
            b.span.start,
            b.rule,
            &b.message,
            b.span.end,
        ))
    });
    report.findings = findings;
    drop(index);
    drop_in_background((objects, problems));
    report
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
fn variants_of(files: &[FileInput], config: &Config, objects: &[Object]) -> model::Variants {
    let units: Vec<model::FileUnit<'_>> = files
        .iter()
        .map(|f| model::FileUnit {
            name: f.name(),
            stdin: matches!(f, FileInput::Stdin { .. }),
            context: f.is_context(),
        })
        .collect();
    model::Variants::new(&units, &config.variants, objects)
}

/// Only part of the tree is reported on: named files, stdin, `--context`.
fn is_partial(inputs: &[Input]) -> bool {
    inputs.iter().any(|i| match i {
        Input::Context(_) | Input::Stdin { .. } => true,
        Input::Path(p) => !p.is_dir(),
    })
}

/// A walked file none of whose documents is an object (values, CI, tool configs) is not a
/// manifest: skipped, not an error. A file named explicitly stays strict.
fn is_not_manifest(input: &FileInput, loaded: &source::LoadedFile) -> bool {
    input.is_walked()
        && loaded.errors.is_empty()
        && !loaded.documents.is_empty()
        && !loaded.documents.iter().any(|d| {
            str_at(&d.root, "apiVersion").is_some_and(|v| !v.is_empty())
                && str_at(&d.root, "kind").is_some_and(|v| !v.is_empty())
        })
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
        let text = report.files.get(*file).map_or("", |f| f.text.as_str());
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
    if text.is_empty() || e.message.starts_with("file is ") || e.message.starts_with("more than") {
        return None;
    }
    let region = if e.message.starts_with("file is not valid UTF-8") {
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

/// Frees `value` on a thread of its own. Tearing down every object of a large run (values,
/// span trees, typed copies) is a serial tail of about a tenth of the run; nothing waits
/// for it, so the caller renders meanwhile. If no thread can be started it is freed here.
fn drop_in_background<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new()
        .name("kubeha-drop".into())
        .spawn(move || drop(value));
}

/// The parse floor, for benchmarks: discover and read the same files with the same
/// parallelism as [`lint`], and only run saphyr-parser over them. Returns `(files, events)`.
pub fn parse_floor(inputs: &[Input]) -> (usize, usize) {
    let files = discover::discover(inputs, &discover::PathGlobs::default()).files;
    let events = largest_first(&files, &Limits::default(), |_, _, bytes| {
        let Ok(bytes) = bytes else {
            return 0;
        };
        let text = String::from_utf8_lossy(&bytes);
        source::count_events(&text, &source::LineIndex::new(&text))
    })
    .into_iter()
    .sum();
    (files.len(), events)
}

fn read_file(input: &FileInput, limits: &Limits) -> Result<Vec<u8>, String> {
    match input {
        FileInput::Stdin { bytes, .. } => Ok(bytes.clone()),
        FileInput::Disk { path, .. } => discover::read_file_limited(path, limits.max_file_bytes),
    }
}

/// Reads every file, then runs `work` on each, largest first, and returns the results in
/// file order. A few files (the 2 MB argo-cd installs, a 1 MB dashboard document) are most of
/// the work: started last, one of them would run alone on one core at the end of the run.
fn largest_first<T: Send>(
    files: &[FileInput],
    limits: &Limits,
    work: impl Fn(usize, &FileInput, Result<Vec<u8>, String>) -> T + Sync,
) -> Vec<T> {
    let mut read: Vec<_> = files
        .par_iter()
        .enumerate()
        .map(|(i, f)| (i, f, read_file(f, limits)))
        .collect();
    read.sort_by_key(|(_, _, bytes)| std::cmp::Reverse(bytes.as_ref().map_or(0, Vec::len)));
    let mut done: Vec<(usize, T)> = read
        .into_par_iter()
        .with_max_len(1)
        .map(|(i, input, bytes)| (i, work(i, input, bytes)))
        .collect();
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, t)| t).collect()
}

#[allow(
    clippy::too_many_lines,
    reason = "one linear pass: read, decode UTF-8, parse, skip non-manifests, build objects"
)]
fn load_file(
    file: usize,
    input: &FileInput,
    bytes: Result<Vec<u8>, String>,
    config: &Config,
) -> LoadedFile {
    let name = input.name().to_owned();
    let mut problems = LoadProblems::default();
    let bytes = match bytes {
        Ok(bytes) => bytes,
        Err(message) if message.starts_with("file is") => {
            problems.yaml.push((
                file,
                LoadError {
                    span: Span::empty(0),
                    message,
                    document: 0,
                },
            ));
            return LoadedFile {
                source: SourceFile::new(name, String::new()),
                origins: Vec::new(),
                objects: Vec::new(),
                problems,
                documents: 0,
                error: None,
                not_manifest: false,
                directives: Vec::new(),
            };
        }
        Err(message) => {
            return LoadedFile {
                source: SourceFile::new(name.clone(), String::new()),
                origins: Vec::new(),
                objects: Vec::new(),
                problems,
                documents: 0,
                error: Some(InputError {
                    path: name,
                    message,
                }),
                not_manifest: false,
                directives: Vec::new(),
            };
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let byte = e.as_bytes().get(at).copied().unwrap_or(0);
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            problems.yaml.push((
                file,
                LoadError {
                    span: Span::new(at as u32, at as u32 + 1),
                    message: format!(
                        "file is not valid UTF-8 (byte 0x{byte:02X} at offset {at}); Kubernetes manifests must be UTF-8"
                    ),
                    document: 0,
                },
            ));
            return LoadedFile {
                source: SourceFile::new(name, text),
                origins: Vec::new(),
                objects: Vec::new(),
                problems,
                documents: 1,
                error: None,
                not_manifest: false,
                directives: Vec::new(),
            };
        }
    };
    let source = SourceFile::with_origin(name, text, matches!(input, FileInput::Stdin { .. }));
    let loaded = load_str(&source.text, &source.lines, &config.limits);
    if is_not_manifest(input, &loaded) {
        return LoadedFile {
            source,
            origins: Vec::new(),
            objects: Vec::new(),
            problems,
            documents: 0,
            error: None,
            not_manifest: true,
            directives: Vec::new(),
        };
    }
    let documents = loaded.documents.len() + loaded.errors.len();
    problems
        .yaml
        .extend(loaded.errors.into_iter().map(|e| (file, e)));
    let origins = loaded
        .documents
        .iter()
        .filter_map(|d| Some((d.index, d.source_name.clone()?)))
        .collect();
    let objects = objects_of_file(file, loaded.documents, &source.text, config, &mut problems);
    LoadedFile {
        source,
        origins,
        objects,
        problems,
        documents,
        error: None,
        not_manifest: false,
        directives: loaded.directives,
    }
}

/// The objects of a file's documents.
fn objects_of_file(
    file: usize,
    documents: Vec<source::Document>,
    text: &str,
    config: &Config,
    problems: &mut LoadProblems,
) -> Vec<Object> {
    let mut objects = Vec::new();
    if text.len() < source::PARALLEL_BYTES {
        for doc in documents {
            objects_of(file, doc, text, config, &mut objects, problems);
        }
        return objects;
    }
    // A large file's chunks were parsed in parallel: decode its objects in parallel too, or
    // this file's decoding becomes a serial tail.
    let parts: Vec<(Vec<Object>, LoadProblems)> = documents
        .into_par_iter()
        .map(|doc| {
            let mut objects = Vec::new();
            let mut problems = LoadProblems::default();
            objects_of(file, doc, text, config, &mut objects, &mut problems);
            (objects, problems)
        })
        .collect();
    for (part, part_problems) in parts {
        objects.extend(part);
        problems.extend(part_problems);
    }
    objects
}

fn str_at<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key).and_then(Value::as_str)
}

/// Turns a document into objects: one, or the items of a `kind: List`.
fn objects_of(
    file: usize,
    doc: Document,
    text: &str,
    config: &Config,
    out: &mut Vec<Object>,
    problems: &mut LoadProblems,
) {
    let document = doc.index;
    let is_list = str_at(&doc.root, "kind").is_some_and(|k| k.ends_with("List"))
        && doc.root.get("items").is_some_and(Value::is_array);
    let list_ref = is_list.then(|| ObjectRef {
        api_version: str_at(&doc.root, "apiVersion").unwrap_or("").to_owned(),
        kind: str_at(&doc.root, "kind").unwrap_or("").to_owned(),
        namespace: None,
        name: String::new(),
        document,
    });
    let mut items = Vec::new();
    if is_list {
        let Document {
            mut root,
            mut spans,
            ..
        } = doc;
        let item_spans = root
            .as_object()
            .and_then(|m| m.keys().position(|k| k == "items"))
            .and_then(|i| spans.children.get_mut(i))
            .map(|n| std::mem::take(&mut n.children))
            .unwrap_or_default();
        let values = match root.get_mut("items").map(Value::take) {
            Some(Value::Array(values)) => values,
            _ => Vec::new(),
        };
        items.extend(values.into_iter().zip(item_spans));
        for dup in doc.duplicates {
            problems.duplicates.push(DuplicateInFile {
                file,
                object: list_ref.clone(),
                key: dup,
            });
        }
    } else {
        let duplicates = doc.duplicates;
        let object = object_ref_of(&doc.root, document);
        for dup in duplicates {
            problems.duplicates.push(DuplicateInFile {
                file,
                object: object.clone(),
                key: dup,
            });
        }
        items.push((doc.root, doc.spans));
    }
    for (raw, spans) in items {
        if let Some(object) = object_of(file, document, raw, spans, text, config, problems) {
            out.push(object);
        }
    }
}

fn object_ref_of(root: &Value, document: usize) -> Option<ObjectRef> {
    Some(ObjectRef {
        api_version: str_at(root, "apiVersion")?.to_owned(),
        kind: str_at(root, "kind")?.to_owned(),
        namespace: root
            .get("metadata")
            .and_then(|m| str_at(m, "namespace"))
            .map(str::to_owned),
        name: root
            .get("metadata")
            .and_then(|m| str_at(m, "name"))
            .unwrap_or("")
            .to_owned(),
        document,
    })
}

fn object_of(
    file: usize,
    document: usize,
    raw: Value,
    spans: source::SpanNode,
    text: &str,
    config: &Config,
    problems: &mut LoadProblems,
) -> Option<Object> {
    let mut invalid = |path: &FieldPath, object: Option<ObjectRef>, message: String, help: &str| {
        problems.objects.push(InvalidObject {
            file,
            span: resolve(&raw, &spans, path, text).0,
            object,
            message,
            help: help.to_owned(),
        });
    };
    let Value::Object(map) = &raw else {
        let found = match &raw {
            Value::Array(_) => "a list".to_owned(),
            Value::String(s) => format!("the string `{}`", s.chars().take(40).collect::<String>()),
            other => format!("`{other}`"),
        };
        invalid(
            &FieldPath::root(),
            None,
            format!("document is not a Kubernetes object: found {found} instead of a mapping"),
            "A manifest document must be a mapping with `apiVersion`, `kind` and `metadata`",
        );
        return None;
    };
    let missing: Vec<&str> = ["apiVersion", "kind"]
        .into_iter()
        .filter(|k| {
            map.get(*k)
                .is_none_or(|v| v.as_str().is_none_or(str::is_empty))
        })
        .collect();
    if !missing.is_empty() {
        let list = missing
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(" and ");
        invalid(
            &FieldPath::root(),
            None,
            format!("document has no {list} string"),
            "Every object needs `apiVersion` and `kind` (e.g. `apiVersion: apps/v1`, `kind: Deployment`)",
        );
        return None;
    }
    let api_version = str_at(&raw, "apiVersion").unwrap_or("").to_owned();
    let kind = str_at(&raw, "kind").unwrap_or("").to_owned();
    let object = object_ref_of(&raw, document);
    let explicit_namespace = object.as_ref().and_then(|o| o.namespace.clone());
    let namespace = explicit_namespace
        .clone()
        .unwrap_or_else(|| config.default_namespace.clone());
    let mut raw = raw;
    let decoded = decode_object(&mut raw, &spans, text, &api_version, &kind);
    let (typed, unknown_fields, ambiguous) = match decoded {
        Ok(ok) => ok,
        Err((ambiguous, e)) => {
            let shown = if e.path.0.is_empty() {
                String::new()
            } else {
                format!("`{}`: ", e.path)
            };
            problems.objects.push(InvalidObject {
                file,
                span: resolve(&raw, &spans, &e.path, text).0,
                object: object.clone(),
                message: format!("{kind} does not fit its schema: {shown}{}", e.message),
                help: "Fix the field's type or value: the API server rejects this object"
                    .to_owned(),
            });
            problems.broken.push(BrokenObject {
                namespace: namespace.clone(),
            });
            problems
                .broken_at
                .push((file, resolve(&raw, &spans, &FieldPath::root(), text).0));
            (Typed::Generic, Vec::new(), ambiguous)
        }
    };
    let mut spans = spans;
    if kind == "CustomResourceDefinition" {
        drop_subtree(&mut raw, &mut spans, "spec");
    }
    let name = object.map(|o| o.name).unwrap_or_default();
    Some(Object {
        file,
        document,
        api_version,
        kind,
        name,
        explicit_namespace,
        namespace,
        raw,
        spans,
        typed,
        unknown_fields,
        ambiguous,
    })
}

/// Frees a subtree no rule reads (a CRD's schemas): its key stays, for locations.
fn drop_subtree(raw: &mut Value, spans: &mut source::SpanNode, key: &str) {
    let Value::Object(map) = raw else { return };
    let Some(i) = map.keys().position(|k| k == key) else {
        return;
    };
    if let Some(v) = map.get_mut(key) {
        *v = Value::Null;
    }
    if let Some(node) = spans.children.get_mut(i) {
        node.children = Vec::new();
    }
}

type Decoded = (Typed, Vec<FieldPath>, Vec<FieldPath>);

/// Decodes an object, reading on past ambiguous scalars: `value: yes` where a string is
/// expected is what kubectl would send as a boolean and fail on. It is recorded for
/// `ambiguous-scalar` and replaced by its text, so the object stays usable for other rules.
fn decode_object(
    raw: &mut Value,
    spans: &source::SpanNode,
    text: &str,
    api_version: &str,
    kind: &str,
) -> Result<Decoded, (Vec<FieldPath>, model::DecodeError)> {
    let mut ambiguous = Vec::new();
    loop {
        let (typed, unknown) = decode(api_version, kind, raw);
        let e = match typed {
            Ok(typed) => return Ok((typed, unknown, ambiguous)),
            Err(e) => e,
        };
        if ambiguous.len() < MAX_COERCIONS
            && e.message.contains("expected a string")
            && let Some(node) = e.path.node(raw, spans)
            && node.has_flag(source::flags::NON_STRING)
            && let Some(slot) = e.path.get_mut(raw)
        {
            let written = text.get(node.value.start as usize..node.value.end as usize);
            *slot = Value::String(written.unwrap_or("").to_owned());
            ambiguous.push(e.path);
            continue;
        }
        return Err((ambiguous, e));
    }
}

/// How many ambiguous scalars one object may have coerced before decoding gives up.
const MAX_COERCIONS: usize = 256;

#[cfg(test)]
mod tests {
    use super::*;

    fn objects(text: &str) -> Vec<Object> {
        let input = FileInput::Stdin {
            name: "t.yaml".to_owned(),
            bytes: text.as_bytes().to_vec(),
        };
        let bytes = read_file(&input, &Config::default().limits);
        let loaded = load_file(0, &input, bytes, &Config::default());
        assert!(loaded.problems.yaml.is_empty() && loaded.problems.objects.is_empty());
        loaded.objects
    }

    const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  replicas: 5\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: nginx:1.27}]}\n";

    fn effective(extra: &str) -> i32 {
        let objects = objects(&format!("{DEPLOY}---\n{extra}"));
        let index = Index::new(&objects, &[], false);
        let w = index.workloads.first().expect("a workload");
        index.effective_replicas(w).count
    }

    #[test]
    fn effective_replicas_follow_the_autoscaler() {
        let hpa = |api: &str, ns: &str, min: &str, target_api: &str| {
            format!(
                "apiVersion: {api}\nkind: HorizontalPodAutoscaler\nmetadata: {{name: web, namespace: {ns}}}\nspec:\n  scaleTargetRef: {{apiVersion: {target_api}, kind: Deployment, name: web}}\n  {min}\n  maxReplicas: 10\n"
            )
        };
        assert_eq!(
            effective("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"),
            5
        );
        assert_eq!(
            effective(&hpa("autoscaling/v2", "shop", "minReplicas: 3", "apps/v1")),
            3
        );
        assert_eq!(
            effective(&hpa("autoscaling/v1", "shop", "minReplicas: 2", "apps/v1")),
            2
        );
        assert_eq!(
            effective(&hpa("autoscaling/v2", "shop", "", "apps/v1")),
            1,
            "HPA default"
        );
        assert_eq!(
            effective(&hpa("autoscaling/v2", "prod", "minReplicas: 3", "apps/v1")),
            5,
            "other namespace"
        );
        assert_eq!(
            effective(&hpa(
                "autoscaling/v2",
                "shop",
                "minReplicas: 3",
                "argoproj.io/v1alpha1"
            )),
            5,
            "another group's Deployment"
        );
        let keda = "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: web, namespace: shop}\nspec:\n  scaleTargetRef: {name: web}\n";
        assert_eq!(effective(keda), 0, "KEDA's minReplicaCount defaults to 0");
        assert_eq!(effective(&format!("{keda}  minReplicaCount: 4\n")), 4);
    }
}
