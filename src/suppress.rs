//! Suppressions, applied after the rules run (never inside a rule): object annotations, YAML
//! comments, config `ignore:` entries, and the peer linters' annotations for teams migrating.
//! A suppression that matched nothing is itself reported (`unused-suppression`).

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;

use crate::config::Config;
use crate::finding::{Finding, ObjectKey};
use crate::model::{FieldPath, Object, ObjectId, ObjectList as _, resolve};
use crate::rules::object_ref;
use crate::source::{FileId, SourceFile, Span};

/// Peer linters' check names → kubeha rules (documented in the README).
#[rustfmt::skip]
pub const PEER_CHECKS: &[(&str, &str, &[&str])] = &[
    // kube-linter: `ignore-check.kube-linter.io/<check>`
    ("kube-linter", "minimum-three-replicas", &["single-replica"]),
    ("kube-linter", "no-liveness-probe", &["missing-liveness-probe"]),
    ("kube-linter", "no-readiness-probe", &["missing-readiness-probe"]),
    ("kube-linter", "latest-tag", &["mutable-image-tag"]),
    ("kube-linter", "no-anti-affinity", &["missing-pod-spread"]),
    ("kube-linter", "dangling-service", &["service-selects-nothing"]),
    ("kube-linter", "dangling-hpa", &["hpa-target-missing"]),
    ("kube-linter", "dangling-ingress", &["ingress-backend-missing"]),
    ("kube-linter", "mismatching-selector", &["selector-template-mismatch"]),
    ("kube-linter", "no-rolling-update-strategy", &["unsafe-rollout-strategy"]),
    ("kube-linter", "unset-cpu-requirements", &["missing-resource-requests", "missing-cpu-limit"]),
    ("kube-linter", "unset-memory-requirements", &["missing-resource-requests", "missing-memory-limit"]),
    ("kube-linter", "liveness-port", &["probe-port-mismatch"]),
    ("kube-linter", "readiness-port", &["probe-port-mismatch"]),
    ("kube-linter", "startup-port", &["probe-port-mismatch"]),
    ("kube-linter", "pdb-max-unavailable", &["pdb-blocks-eviction"]),
    ("kube-linter", "pdb-min-available", &["pdb-blocks-eviction"]),
    ("kube-linter", "hpa-minimum-three-replicas", &["hpa-min-replicas"]),
    ("kube-linter", "invalid-target-ports", &["service-target-port-mismatch"]),
    ("kube-linter", "dangling-horizontalpodautoscaler", &["hpa-target-missing"]),
    // kube-score: `kube-score/ignore: "check,check"`
    ("kube-score", "deployment-has-poddisruptionbudget", &["missing-pdb"]),
    ("kube-score", "statefulset-has-poddisruptionbudget", &["missing-pdb"]),
    ("kube-score", "deployment-has-host-podantiaffinity", &["missing-pod-spread"]),
    ("kube-score", "statefulset-has-host-podantiaffinity", &["missing-pod-spread"]),
    ("kube-score", "container-resources", &["missing-resource-requests", "missing-memory-limit", "missing-cpu-limit"]),
    ("kube-score", "container-image-tag", &["mutable-image-tag"]),
    ("kube-score", "pod-probes", &["missing-readiness-probe", "missing-liveness-probe", "identical-probes"]),
    ("kube-score", "pod-probes-identical", &["identical-probes"]),
    ("kube-score", "service-targets-pod", &["service-selects-nothing"]),
    ("kube-score", "deployment-replicas", &["replicas-with-hpa"]),
    ("kube-score", "horizontalpodautoscaler-has-target", &["hpa-target-missing"]),
    ("kube-score", "horizontalpodautoscaler-replicas", &["hpa-min-replicas"]),
    ("kube-score", "deployment-strategy", &["unsafe-rollout-strategy"]),
    ("kube-score", "stable-version", &["deprecated-api"]),
    ("kube-score", "ingress-targets-service", &["ingress-backend-missing"]),
    ("kube-score", "statefulset-has-servicename", &["statefulset-service-missing"]),
    ("kube-score", "deployment-pod-selector-labels-match-template-metadata-labels", &["selector-template-mismatch"]),
    ("kube-score", "statefulset-pod-selector-labels-match-template-metadata-labels", &["selector-template-mismatch"]),
    // Polaris: `polaris.fairwinds.com/<check>-exempt: "true"`
    ("polaris", "livenessProbeMissing", &["missing-liveness-probe"]),
    ("polaris", "readinessProbeMissing", &["missing-readiness-probe"]),
    ("polaris", "tagNotSpecified", &["mutable-image-tag"]),
    ("polaris", "cpuRequestsMissing", &["missing-resource-requests"]),
    ("polaris", "memoryRequestsMissing", &["missing-resource-requests"]),
    ("polaris", "cpuLimitsMissing", &["missing-cpu-limit"]),
    ("polaris", "memoryLimitsMissing", &["missing-memory-limit"]),
    ("polaris", "deploymentMissingReplicas", &["single-replica"]),
    ("polaris", "missingPodDisruptionBudget", &["missing-pdb"]),
    ("polaris", "topologySpreadConstraint", &["missing-pod-spread"]),
    ("polaris", "priorityClassNotSet", &["missing-priority-class"]),
    ("polaris", "pdbDisruptionsIsZero", &["pdb-blocks-eviction"]),
    ("polaris", "pdbMinAvailableGreaterThanHPAMinReplicas", &["pdb-blocks-eviction"]),
    ("polaris", "hpaMinAvailability", &["hpa-min-replicas"]),
    ("polaris", "hpaMaxAvailability", &["hpa-max-replicas"]),
];

fn peer_rules(peer: &str, check: &str) -> Option<Vec<String>> {
    PEER_CHECKS
        .iter()
        .find(|(p, c, _)| *p == peer && *c == check)
        .map(|(_, _, rules)| rules.iter().map(|&r| r.to_owned()).collect())
}

/// Where config entries are written when the config has no text (built in code, in tests).
const NO_CONFIG_FILE: FileId = FileId::new(usize::MAX);

enum Target {
    Object(ObjectId),
    Line { file: FileId, line: usize },
    File(FileId),
    Config(usize),
}

struct Suppression {
    /// `None`: every rule.
    rules: Option<Vec<String>>,
    reason: String,
    /// Peers' annotations carry no reason by design.
    needs_reason: bool,
    target: Target,
    /// Where the suppression is written.
    file: FileId,
    span: Span,
    what: String,
    /// A `# kubeha:` comment that is not a directive: why, and its text.
    malformed: Option<(&'static str, String)>,
    used: bool,
}

impl Suppression {
    fn covers(&self, rule: &str) -> bool {
        self.rules
            .as_ref()
            .is_none_or(|r| r.iter().any(|x| x == rule))
    }
}

/// What suppression produced besides the filtered findings.
pub(crate) struct Outcome {
    /// `unused-suppression` findings (when that rule is enabled).
    pub unused: Vec<Finding>,
    /// Suppressions without a reason.
    pub warnings: Vec<String>,
}

const ANNOTATION_PATHS: &[&[&str]] = &[
    &["metadata", "annotations"],
    &["spec", "template", "metadata", "annotations"],
    &[
        "spec",
        "jobTemplate",
        "spec",
        "template",
        "metadata",
        "annotations",
    ],
];

fn annotation_suppressions(
    index: ObjectId,
    o: &Object,
    files: &[Arc<SourceFile>],
    out: &mut Vec<Suppression>,
) {
    let text = files.get(o.file.index()).map_or("", |f| f.text.as_str());
    for base in ANNOTATION_PATHS {
        let base = FieldPath::from_keys(base);
        let Some(Value::Object(annotations)) = base.get(&o.raw) else {
            continue;
        };
        for (key, value) in annotations {
            let value = value.as_str().unwrap_or("").trim();
            let (rules, needs_reason): (Option<Vec<String>>, bool) =
                if let Some(rule) = key.strip_prefix("ignore.kubeha.io/") {
                    ((rule != "all").then(|| vec![rule.to_owned()]), true)
                } else if let Some(check) = key.strip_prefix("ignore-check.kube-linter.io/") {
                    (
                        Some(peer_rules("kube-linter", check).unwrap_or_default()),
                        false,
                    )
                } else if key == "kube-score/ignore" {
                    let rules = value
                        .split(',')
                        .filter_map(|c| peer_rules("kube-score", c.trim()))
                        .flatten()
                        .collect();
                    (Some(rules), false)
                } else if key == "polaris.fairwinds.com/exempt" && value == "true" {
                    (None, false)
                } else if let Some(check) = key
                    .strip_prefix("polaris.fairwinds.com/")
                    .and_then(|k| k.strip_suffix("-exempt"))
                    && value == "true"
                {
                    (
                        Some(peer_rules("polaris", check).unwrap_or_default()),
                        false,
                    )
                } else {
                    continue;
                };
            let path = base.clone().key(key.clone());
            out.push(Suppression {
                rules,
                reason: if needs_reason {
                    value.to_owned()
                } else {
                    String::new()
                },
                needs_reason,
                target: Target::Object(index),
                file: o.file,
                span: resolve(&o.raw, &o.spans, &path, text).0,
                what: format!("annotation `{key}`"),
                malformed: None,
                used: false,
            });
        }
    }
}

/// A directive comment read: what it suppresses, or why it is not a directive.
enum Directive<'t> {
    Ignore {
        whole_file: bool,
        rules: Option<Vec<String>>,
        reason: &'t str,
    },
    Malformed(&'static str),
}

/// Reads the text after `# kubeha:`: exactly `ignore` or `ignore-file`, then `[rules]`, a
/// blank or the end of the comment; then the reason.
fn parse_directive(directive: &str) -> Directive<'_> {
    let word_end = |rest: &str| rest.is_empty() || rest.starts_with(['[', ' ', '\t']);
    let (whole_file, rest) = match directive.strip_prefix("ignore-file") {
        Some(rest) if word_end(rest) => (true, rest),
        _ => match directive.strip_prefix("ignore") {
            Some(rest) if word_end(rest) => (false, rest),
            _ => return Directive::Malformed("expected `ignore` or `ignore-file`"),
        },
    };
    let rest = rest.trim_start();
    let Some(inner) = rest.strip_prefix('[') else {
        return Directive::Ignore {
            whole_file,
            rules: None,
            reason: rest.trim(),
        };
    };
    let Some((list, reason)) = inner.split_once(']') else {
        return Directive::Malformed("the rule list has no closing `]`");
    };
    let rules: Vec<String> = list
        .split(',')
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
        .collect();
    if rules.is_empty() {
        return Directive::Malformed("the rule list `[]` names no rule");
    }
    Directive::Ignore {
        whole_file,
        rules: Some(rules),
        reason: reason.trim(),
    }
}

/// `# kubeha: ignore[rule-a, rule-b] reason` and `# kubeha: ignore-file[rule] reason`, read
/// only from real YAML comments (`comments`: where the loader found them).
fn comment_suppressions(
    file: FileId,
    source: &SourceFile,
    comments: &[u32],
    out: &mut Vec<Suppression>,
) {
    let text = source.text.as_str();
    for &at in comments {
        let line = source.lines.line_of(at);
        let line_start = source.lines.line_start(line);
        let end = source.lines.content_end(text, line);
        let comment = text.get(at as usize..end as usize).unwrap_or("");
        let directive = comment
            .trim_start_matches('#')
            .trim_start_matches([' ', '\t'])
            .strip_prefix(crate::source::DIRECTIVE)
            .unwrap_or("")
            .trim();
        let span = Span::new(at, at + comment.trim_end().len() as u32);
        let (whole_file, rules, reason, malformed) = match parse_directive(directive) {
            Directive::Ignore {
                whole_file,
                rules,
                reason,
            } => (whole_file, rules, reason, None),
            // Suppresses nothing, and says so (see `unused_finding`).
            Directive::Malformed(why) => (false, Some(Vec::new()), "", Some(why)),
        };
        let own_line = text
            .get(line_start as usize..at as usize)
            .is_none_or(|before| before.trim().is_empty());
        let target = if whole_file {
            Target::File(file)
        } else {
            // On a line of its own it covers the next line; trailing, its own line.
            Target::Line {
                file,
                line: if own_line { line + 2 } else { line + 1 },
            }
        };
        out.push(Suppression {
            rules,
            reason: reason.to_owned(),
            needs_reason: malformed.is_none(),
            target,
            file,
            span,
            what: "comment".to_owned(),
            malformed: malformed.map(|why| (why, comment.trim_end().to_owned())),
            used: false,
        });
    }
}

/// What suppression needs to know about the run.
pub(crate) struct Run<'a> {
    pub objects: &'a [Object],
    pub files: &'a [Arc<SourceFile>],
    /// Index of the config file in `files`, when it was read from one.
    pub config_file: Option<FileId>,
    pub config: &'a Config,
    /// The rules that ran (an entry for a rule that did not run is not unused).
    pub ran: &'a [&'a str],
    /// Only part of the tree is reported on (named files, stdin, `--context`): a config
    /// `ignore:` entry may match files that were not reported, so it cannot be called unused.
    pub partial: bool,
    /// Per file: where its `# kubeha:` comments are (see [`crate::source::LoadedFile`]).
    pub comments: &'a [Vec<u32>],
    /// Whether this analysis reports on a file (false: another config's file, context here).
    pub reported: &'a dyn Fn(FileId) -> bool,
}

/// Removes suppressed findings; returns unused suppressions and missing-reason warnings.
pub(crate) fn apply(findings: &mut Vec<Finding>, run: &Run<'_>) -> Outcome {
    let mut suppressions = collect(run);
    if suppressions.is_empty() {
        return Outcome {
            unused: Vec::new(),
            warnings: Vec::new(),
        };
    }
    remove_suppressed(
        findings,
        &mut suppressions,
        run.objects,
        run.files,
        run.config,
        run.reported,
    );
    report(&suppressions, run)
}

fn collect(run: &Run<'_>) -> Vec<Suppression> {
    let Run {
        objects,
        files,
        config_file,
        config,
        comments,
        reported,
        ..
    } = *run;
    // Another config's files are reported (and their suppressions judged) under that config.
    let mut suppressions = Vec::new();
    for (i, o) in objects.with_ids().filter(|(_, o)| reported(o.file)) {
        annotation_suppressions(i, o, files, &mut suppressions);
    }
    for (i, f) in files.iter().enumerate() {
        let file = FileId::new(i);
        if Some(file) != config_file && reported(file) {
            let found = comments.get(i).map_or(&[][..], Vec::as_slice);
            comment_suppressions(file, f, found, &mut suppressions);
        }
    }
    for (i, entry) in config.ignores.iter().enumerate() {
        suppressions.push(Suppression {
            rules: entry.rules.clone(),
            reason: entry.reason.clone(),
            needs_reason: true,
            target: Target::Config(i),
            file: config_file.unwrap_or(NO_CONFIG_FILE),
            span: entry.span,
            what: "config `ignore` entry".to_owned(),
            malformed: None,
            used: false,
        });
    }
    suppressions
}

/// What config `ignore:` entries match a finding on.
struct Subject<'f> {
    /// The file's name relative to the config file, and the Helm template it came from.
    names: [Option<&'f str>; 2],
    kind: Option<&'f str>,
    namespace: Option<&'f str>,
    name: Option<&'f str>,
}

/// Whether a config `ignore:` entry covers the finding.
fn entry_matches(e: &crate::config::IgnoreEntry, f: &Subject<'_>) -> bool {
    let glob = |g: &Option<globset::GlobMatcher>, v: Option<&str>| {
        g.as_ref().is_none_or(|g| v.is_some_and(|v| g.is_match(v)))
    };
    e.path
        .as_ref()
        .is_none_or(|g| f.names.iter().flatten().any(|n| g.is_match(n)))
        && glob(&e.kind, f.kind)
        && glob(&e.namespace, f.namespace)
        && glob(&e.name, f.name)
}

/// Suppressions by what they target, so that a finding meets only those that may cover it:
/// 2,000 config entries against 120,000 findings were 240 million matches.
#[derive(Default)]
struct Lookup {
    by_object: HashMap<ObjectId, Vec<usize>>,
    by_line: HashMap<(FileId, usize), Vec<usize>>,
    by_file: HashMap<FileId, Vec<usize>>,
    /// Config entries, each under one of its globs (`name`, else `path`, `namespace`,
    /// `kind`), in a set per field.
    globs: Vec<(Field, globset::GlobSet, Vec<usize>)>,
    /// Config entries with no glob (or a set that would not build): tried on every finding.
    unindexed: Vec<usize>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Name,
    Path,
    Namespace,
    Kind,
}

impl Lookup {
    fn new(suppressions: &[Suppression], config: &Config) -> Self {
        let mut lookup = Lookup::default();
        let mut builders: Vec<(Field, globset::GlobSetBuilder, Vec<usize>)> = Vec::new();
        for (i, s) in suppressions.iter().enumerate() {
            match s.target {
                Target::Object(o) => lookup.by_object.entry(o).or_default().push(i),
                Target::Line { file, line } => {
                    lookup.by_line.entry((file, line)).or_default().push(i);
                }
                Target::File(file) => lookup.by_file.entry(file).or_default().push(i),
                Target::Config(e) => {
                    let Some(entry) = config.ignores.get(e) else {
                        continue;
                    };
                    let glob = [
                        (Field::Name, &entry.name),
                        (Field::Path, &entry.path),
                        (Field::Namespace, &entry.namespace),
                        (Field::Kind, &entry.kind),
                    ]
                    .into_iter()
                    .find_map(|(field, g)| Some((field, g.as_ref()?)));
                    let Some((field, glob)) = glob else {
                        lookup.unindexed.push(i);
                        continue;
                    };
                    let at = builders
                        .iter()
                        .position(|(f, ..)| *f == field)
                        .unwrap_or_else(|| {
                            builders.push((field, globset::GlobSetBuilder::new(), Vec::new()));
                            builders.len() - 1
                        });
                    if let Some((_, builder, members)) = builders.get_mut(at) {
                        builder.add(glob.glob().clone());
                        members.push(i);
                    }
                }
            }
        }
        for (field, builder, members) in builders {
            match builder.build() {
                Ok(set) => lookup.globs.push((field, set, members)),
                Err(_) => lookup.unindexed.extend(members),
            }
        }
        lookup
    }

    /// Suppressions that may cover a finding, in no particular order, perhaps repeated.
    fn candidates(
        &self,
        file: FileId,
        line: usize,
        object: Option<ObjectId>,
        subject: &Subject<'_>,
        out: &mut Vec<usize>,
    ) {
        for listed in [
            object.and_then(|o| self.by_object.get(&o)),
            self.by_line.get(&(file, line)),
            self.by_file.get(&file),
        ]
        .into_iter()
        .flatten()
        {
            out.extend_from_slice(listed);
        }
        out.extend_from_slice(&self.unindexed);
        for (field, set, members) in &self.globs {
            let values = match field {
                Field::Name => [subject.name, None],
                Field::Path => subject.names,
                Field::Namespace => [subject.namespace, None],
                Field::Kind => [subject.kind, None],
            };
            for value in values.into_iter().flatten() {
                out.extend(
                    set.matches(value)
                        .into_iter()
                        .filter_map(|m| members.get(m).copied()),
                );
            }
        }
    }
}

fn remove_suppressed(
    findings: &mut Vec<Finding>,
    suppressions: &mut [Suppression],
    objects: &[Object],
    files: &[Arc<SourceFile>],
    config: &Config,
    reported: &dyn Fn(FileId) -> bool,
) {
    let by_identity: HashMap<(FileId, usize, &str, &str), ObjectId> = objects
        .with_ids()
        .filter(|(_, o)| reported(o.file))
        .map(|(i, o)| ((o.file, o.document, o.kind.as_str(), o.name.as_str()), i))
        .collect();
    let lookup = Lookup::new(suppressions, config);
    // `path:` globs are relative to the config file's directory, however the file was named.
    // Only the files with findings: a run may have many more (one config of many).
    let mut file_names: HashMap<FileId, String> = HashMap::new();
    if !config.ignores.is_empty() {
        for f in findings.iter() {
            file_names.entry(f.file).or_insert_with(|| {
                files
                    .get(f.file.index())
                    .map_or_else(String::new, |s| config.relative_name(&s.name))
            });
        }
    }
    let mut candidates = Vec::new();
    findings.retain(|f| {
        let line = files
            .get(f.file.index())
            .map_or(0, |file| file.line_col(f.span.start).line);
        // The object: by its id, or (a document that did not load) by what it names.
        let (object, named) = match &f.object {
            Some(ObjectKey::Loaded(id)) => (
                Some(*id),
                objects.object(*id).map(|o| {
                    (
                        o.kind.as_str(),
                        o.name.as_str(),
                        o.explicit_namespace.as_deref(),
                    )
                }),
            ),
            Some(ObjectKey::Unloaded(o)) => (
                by_identity
                    .get(&(f.file, o.document, o.kind.as_str(), o.name.as_str()))
                    .copied(),
                Some((o.kind.as_str(), o.name.as_str(), o.namespace.as_deref())),
            ),
            None => (None, None),
        };
        let subject = Subject {
            names: [
                file_names.get(&f.file).map(String::as_str),
                f.origin.as_deref(),
            ],
            kind: named.map(|(kind, _, _)| kind),
            namespace: named.map(|(_, _, ns)| ns.unwrap_or(config.default_namespace.as_str())),
            name: named.map(|(_, name, _)| name),
        };
        candidates.clear();
        lookup.candidates(f.file, line, object, &subject, &mut candidates);
        candidates.sort_unstable();
        candidates.dedup();
        let mut suppressed = false;
        for &c in &candidates {
            let Some(s) = suppressions.get_mut(c) else {
                continue;
            };
            if !s.covers(f.rule) {
                continue;
            }
            let hit = match &s.target {
                Target::Object(i) => object == Some(*i),
                Target::Line { file, line: l } => *file == f.file && *l == line,
                Target::File(file) => *file == f.file,
                Target::Config(i) => config
                    .ignores
                    .get(*i)
                    .is_some_and(|e| entry_matches(e, &subject)),
            };
            if hit {
                s.used = true;
                suppressed = true;
            }
        }
        !suppressed
    });
}

fn report(suppressions: &[Suppression], run: &Run<'_>) -> Outcome {
    let Run {
        objects,
        files,
        config,
        ran: rules_run,
        partial,
        ..
    } = *run;
    let mut outcome = Outcome {
        unused: Vec::new(),
        warnings: Vec::new(),
    };
    let unused_settings = config.settings("unused-suppression").filter(|s| s.enabled);
    for s in suppressions {
        let name = files.get(s.file.index()).map_or("", |f| f.name.as_str());
        let line = files
            .get(s.file.index())
            .map_or(0, |f| f.line_col(s.span.start).line);
        // Findings of context files were never reported, so their suppressions prove nothing
        // and are not this run's business.
        let in_context = (Some(s.file) != run.config_file && !(run.reported)(s.file))
            || files.get(s.file.index()).is_some_and(|f| {
                matches!(
                    f.role,
                    crate::source::Role::Context | crate::source::Role::NotManifest
                )
            });
        if s.needs_reason && s.reason.is_empty() && !in_context {
            outcome.warnings.push(format!(
                "{name}:{line}: {} gives no reason: say why the finding does not apply",
                s.what
            ));
        }
        let Some(settings) = unused_settings else {
            continue;
        };
        // A peer's annotation (kube-linter, kube-score, Polaris) is that tool's business: kubeha
        // having no finding there does not make it unused.
        let peer = !s.needs_reason && s.malformed.is_none();
        let partial_config = partial && matches!(s.target, Target::Config(_));
        if s.used || s.file == NO_CONFIG_FILE || in_context || peer || partial_config {
            continue;
        }
        let mut sink = crate::rules::Sink::new("unused-suppression", settings.severity, files);
        sink.severity_configured = settings.severity_configured;
        unused_finding(s, objects, rules_run, &mut sink);
        outcome.unused.append(&mut sink.findings);
    }
    outcome
}

/// Deleting a comment suppression that matched nothing: the whole line when the comment is
/// on a line of its own, else the comment and the blanks before it. It changes nothing else.
fn removal(s: &Suppression, source: &crate::source::SourceFile) -> Option<crate::finding::Fix> {
    if !matches!(s.target, Target::Line { .. } | Target::File(_)) {
        return None;
    }
    let text = source.text.as_str();
    let line = source.lines.line_of(s.span.start);
    let start = source.lines.line_start(line) as usize;
    let before = text.get(start..s.span.start as usize)?;
    let span = if before.trim().is_empty() {
        let next = source.lines.line_start(line + 1);
        let end = if next == u32::MAX {
            text.len() as u32
        } else {
            next
        };
        Span::new(start as u32, end)
    } else {
        let kept = before.trim_end_matches([' ', '\t']).len();
        Span::new((start + kept) as u32, source.lines.content_end(text, line))
    };
    Some(crate::finding::Fix {
        title: "Remove the unused suppression comment".to_owned(),
        applicability: crate::finding::Applicability::Safe,
        edits: vec![crate::finding::Edit {
            file: s.file,
            span,
            text: String::new(),
        }],
    })
}

/// The `unused-suppression` finding for a suppression that matched nothing, when it can be
/// known to be unused: it names an unknown rule, or a rule that ran.
fn unused_finding(
    s: &Suppression,
    objects: &[Object],
    rules_run: &[&str],
    sink: &mut crate::rules::Sink<'_>,
) {
    let unknown: Vec<&String> = s
        .rules
        .iter()
        .flatten()
        .filter(|r| crate::rules::find(r).is_none())
        .collect();
    let relevant = s.malformed.is_some()
        || !unknown.is_empty()
        || match &s.rules {
            None => !rules_run.is_empty(),
            Some(r) => r.iter().any(|r| rules_run.contains(&r.as_str())),
        };
    if !relevant {
        return;
    }
    let mut fix = None;
    let (message, help) = if let Some((why, text)) = &s.malformed {
        let shown: String = text.chars().take(80).collect();
        (
            format!(
                "comment `{shown}` is not a kubeha directive: {why}; it suppresses nothing"
            ),
            "Write `# kubeha: ignore[rule, …] reason` (this line or the next) or `# kubeha: ignore-file[rule, …] reason`".to_owned(),
        )
    } else if let Some(bad) = unknown.first() {
        (
            format!("{} names no rule `{bad}`", s.what),
            crate::suggest::hint(bad, crate::rules::names())
                .unwrap_or_else(|| "`kubeha rules` lists every rule".to_owned()),
        )
    } else {
        let rules = s.rules.as_ref().map_or_else(
            || "any rule".to_owned(),
            |r| {
                r.iter()
                    .map(|r| format!("`{r}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        );
        fix = sink.files().get(s.file.index()).and_then(|f| removal(s, f));
        (
            format!(
                "{} suppresses {rules} but nothing was reported there",
                s.what
            ),
            "Remove it: the problem it hid is gone (or it sits on the wrong line or object)"
                .to_owned(),
        )
    };
    let object = match s.target {
        Target::Object(i) => objects.object(i).map(object_ref),
        _ => None,
    };
    let mut reported = sink.report_at(s.file, s.span, object, message);
    reported.help(help);
    if let Some(fix) = fix {
        reported.fix(fix);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::IgnoreEntry;
    use crate::finding::{ObjectRef, Severity};

    #[test]
    fn config_entries_are_looked_up_not_tried_on_every_finding() {
        // 2,000 entries by name against 60,000 findings: 120 million glob matches when each
        // finding tried each entry.
        let entries = 2_000;
        let mut config = Config::default();
        config.ignores = (0..entries)
            .map(|i| IgnoreEntry {
                path: None,
                kind: Some(globset::Glob::new("Deploy*").unwrap().compile_matcher()),
                namespace: None,
                name: Some(
                    globset::Glob::new(&format!("app-{i}"))
                        .unwrap()
                        .compile_matcher(),
                ),
                rules: Some(vec!["single-replica".to_owned()]),
                reason: "vendored".to_owned(),
                span: Span::default(),
            })
            .collect();
        let files = vec![SourceFile::new("apps.yaml".to_owned(), String::new())];
        let run = Run {
            objects: &[],
            files: &files,
            config_file: None,
            config: &config,
            ran: &["single-replica"],
            partial: false,
            comments: &[],
            reported: &|_| true,
        };
        let mut suppressions = collect(&run);
        let mut findings: Vec<Finding> = (0..60_000)
            .map(|i| Finding {
                rule: if i % 3 == 0 {
                    "missing-pdb"
                } else {
                    "single-replica"
                },
                severity: Severity::Info,
                message: String::new(),
                help: None,
                file: FileId::new(0),
                span: Span::default(),
                object: Some(ObjectKey::Unloaded(Box::new(ObjectRef {
                    api_version: "apps/v1".to_owned(),
                    kind: "Deployment".to_owned(),
                    namespace: None,
                    name: format!("app-{}", i % (2 * entries)),
                    document: i,
                }))),
                path: None,
                related: Vec::new(),
                origin: None,
                fix: None,
            })
            .collect();
        remove_suppressed(
            &mut findings,
            &mut suppressions,
            &[],
            &files,
            &config,
            &|_| true,
        );
        // Kept: the other rule's findings, and those of the apps no entry names.
        assert_eq!(findings.len(), 20_000 + 40_000 / 2);
        assert!(findings.iter().all(|f| {
            f.rule == "missing-pdb"
                || matches!(&f.object, Some(ObjectKey::Unloaded(o)) if o.name["app-".len()..]
                    .parse::<usize>()
                    .unwrap()
                    >= entries)
        }));
        assert!(suppressions.iter().all(|s| s.used));
    }
}
