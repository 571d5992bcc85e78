//! `.kubeha.yaml`: discovery, validation with located errors, and per-rule settings.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use miette::{Diagnostic, NamedSource, SourceSpan};
use serde_json::Value;

use crate::finding::Severity;
use crate::model::{FieldPath, resolve};
use crate::rules::{self, OptionDefault, OptionMeta, RuleMeta};
use crate::source::{Limits, SourceFile, SpanNode, load_str};
use crate::suggest;

pub const FILE_NAMES: &[&str] = &[".kubeha.yaml", ".kubeha.yml"];

/// A config file larger than this is not a config file.
const MAX_CONFIG_BYTES: usize = 1 << 20;

/// The newest Kubernetes version of the k8s-openapi feature in use (`v1_37`).
pub const LATEST_KUBERNETES: (u32, u32) = (1, 37);

/// `1.29` or `v1.29` → `(1, 29)`.
pub fn parse_kubernetes_version(s: &str) -> Option<(u32, u32)> {
    let s = s.trim().trim_start_matches('v');
    let mut parts = s.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

#[derive(Clone, Debug, PartialEq)]
pub enum OptionValue {
    Int(i64),
    Strings(Vec<String>),
}

/// A rule's effective settings: on/off, severity, options.
#[derive(Clone, Debug)]
pub struct RuleSettings {
    pub enabled: bool,
    pub severity: Severity,
    /// The user set `severity` for this rule: it then applies to every sub-case, overriding
    /// the sub-case defaults a rule may give (`Reported::severity`).
    pub severity_configured: bool,
    options: Vec<(&'static str, OptionValue)>,
}

impl RuleSettings {
    fn defaults(meta: &RuleMeta) -> Self {
        Self {
            enabled: meta.enabled,
            severity: meta.severity,
            severity_configured: false,
            options: meta
                .options
                .iter()
                .map(|o| {
                    let v = match o.default {
                        OptionDefault::Int(i) => OptionValue::Int(i),
                        OptionDefault::Strings(s) => {
                            OptionValue::Strings(s.iter().map(|&s| s.to_owned()).collect())
                        }
                    };
                    (o.name, v)
                })
                .collect(),
        }
    }

    fn option(&self, name: &str) -> Option<&OptionValue> {
        self.options
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
    }

    /// An integer option (0 when the rule declares no such option: a programming error caught by tests).
    pub fn int(&self, name: &str) -> i64 {
        match self.option(name) {
            Some(OptionValue::Int(i)) => *i,
            _ => 0,
        }
    }

    pub fn strings(&self, name: &str) -> &[String] {
        match self.option(name) {
            Some(OptionValue::Strings(s)) => s,
            _ => &[],
        }
    }
}

/// The run's configuration: defaults, then the config file, then command-line switches.
#[derive(Clone, Debug)]
pub struct Config {
    pub default_namespace: String,
    /// The Kubernetes version manifests are checked against (`deprecated-api`).
    pub kubernetes_version: (u32, u32),
    pub limits: Limits,
    /// The file it was read from, if any.
    pub path: Option<PathBuf>,
    /// The config file's text, so `unused-suppression` can point into it.
    pub source: Option<Arc<SourceFile>>,
    /// `ignore:` entries, for files and objects that cannot be annotated (vendored charts).
    pub ignores: Vec<IgnoreEntry>,
    /// `variants:` entries: files that are alternatives of one another, never applied together.
    pub variants: Vec<VariantSet>,
    /// `exclude:` globs (relative to the config file's directory) and `--exclude` (relative to
    /// the working directory): files not even loaded.
    pub exclude: crate::discover::PathGlobs,
    /// The config file's directory, absolute: `path:` globs are relative to it.
    pub base_dir: Option<PathBuf>,
    /// Worker threads (`-j`); 0: one per core.
    pub threads: usize,
    rules: HashMap<&'static str, RuleSettings>,
}

pub use crate::model::VariantSet;

/// One `ignore:` entry: which files and objects, which rules, and why.
#[derive(Clone, Debug)]
pub struct IgnoreEntry {
    pub path: Option<globset::GlobMatcher>,
    pub kind: Option<globset::GlobMatcher>,
    pub namespace: Option<globset::GlobMatcher>,
    pub name: Option<globset::GlobMatcher>,
    /// `None`: every rule.
    pub rules: Option<Vec<String>>,
    pub reason: String,
    /// Where the entry is in the config file.
    pub span: crate::source::Span,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            default_namespace: "default".to_owned(),
            kubernetes_version: LATEST_KUBERNETES,
            limits: Limits::default(),
            path: None,
            source: None,
            ignores: Vec::new(),
            variants: Vec::new(),
            exclude: crate::discover::PathGlobs::default(),
            base_dir: None,
            threads: 0,
            rules: rules::RULES
                .iter()
                .map(|r| (r.meta().name, RuleSettings::defaults(r.meta())))
                .collect(),
        }
    }
}

/// A configuration problem, pointing into the config file when there is one.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(kubeha::config))]
pub struct ConfigError {
    pub message: String,
    #[source_code]
    pub source_code: NamedSource<String>,
    #[label("{label}")]
    pub span: Option<SourceSpan>,
    pub label: String,
    #[help]
    pub help: Option<String>,
}

impl ConfigError {
    pub fn plain(message: String, help: Option<String>) -> Self {
        Self {
            message,
            source_code: NamedSource::new("", String::new()),
            span: None,
            label: String::new(),
            help,
        }
    }
}

impl Config {
    pub fn settings(&self, rule: &str) -> Option<&RuleSettings> {
        self.rules.get(rule)
    }

    pub fn is_enabled(&self, rule: &str) -> bool {
        self.rules.get(rule).is_some_and(|s| s.enabled)
    }

    /// `.kubeha.yaml` in `start` or the nearest parent directory that has one, stopping at the
    /// repository root (the directory with `.git`), like git and ruff.
    pub fn discover(start: &Path) -> Option<PathBuf> {
        for dir in start.ancestors() {
            let found = FILE_NAMES
                .iter()
                .map(|name| dir.join(name))
                .find(|p| p.is_file());
            if found.is_some() {
                return found;
            }
            if dir.join(".git").exists() {
                return None;
            }
        }
        None
    }

    /// A file name (relative to the working directory, or absolute) as a path relative to the
    /// config file's directory, with forward slashes: what `path:` and `exclude:` globs see.
    pub fn relative_name(&self, name: &str) -> String {
        let Some(base) = &self.base_dir else {
            return name.strip_prefix("./").unwrap_or(name).to_owned();
        };
        let cwd = crate::discover::current_dir();
        let abs = crate::discover::absolute(Path::new(name), &cwd);
        match abs.strip_prefix(base) {
            Ok(rel) => crate::discover::slashed(rel),
            Err(_) => crate::discover::slashed(&abs),
        }
    }

    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let text = crate::discover::read_file_limited(path, MAX_CONFIG_BYTES)
            .map_err(|e| e.to_string())
            .and_then(|b| String::from_utf8(b).map_err(|e| e.to_string()))
            .map_err(|e| {
                ConfigError::plain(
                    format!("cannot read config file `{}`: {e}", path.display()),
                    None,
                )
            })?;
        let cwd = crate::discover::current_dir();
        let abs = crate::discover::absolute(path, &cwd);
        let base = abs.parent().map(Path::to_path_buf).unwrap_or_default();
        let name = crate::discover::display_name(&abs, &cwd);
        let mut config = Self::parse_in(&name, &text, &base)?;
        config.path = Some(path.to_owned());
        config.base_dir = Some(base);
        Ok(config)
    }

    /// Parses config text; every error points at the offending key or value. `exclude:` globs
    /// are relative to the working directory.
    pub fn parse(name: &str, text: &str) -> Result<Self, ConfigError> {
        Self::parse_in(name, text, &crate::discover::current_dir())
    }

    /// Parses config text whose `exclude:` globs are relative to `base`.
    pub fn parse_in(name: &str, text: &str, base: &Path) -> Result<Self, ConfigError> {
        let file = SourceFile::with_role(
            name.to_owned(),
            text.to_owned(),
            false,
            crate::source::Role::Config,
        );
        let file_arc = Arc::clone(&file);
        let loaded = load_str(&file.text, &file.lines, &Limits::default());
        let checker = Checker { file: &file };
        if let Some(e) = loaded.errors.first() {
            return Err(checker.at(
                crate::source::Span::new(e.span.start, e.span.end),
                format!("invalid YAML in config file: {}", e.message),
                "here",
                None,
            ));
        }
        let mut config = Self::default();
        let Some(doc) = loaded.documents.first() else {
            return Ok(config);
        };
        one_document(&checker, &loaded)?;
        let Value::Object(root) = &doc.root else {
            return Err(checker.error(
                doc,
                &FieldPath::root(),
                "the config file must be a mapping",
                "not a mapping",
                None,
            ));
        };
        for (key, value) in root {
            let at = FieldPath::root().key(key.clone());
            match key.as_str() {
                "default-namespace" => match value.as_str() {
                    Some(ns) if !ns.is_empty() => ns.clone_into(&mut config.default_namespace),
                    _ => {
                        return Err(checker.error(
                            doc,
                            &at,
                            "`default-namespace` must be a non-empty string",
                            "expected a string",
                            None,
                        ));
                    }
                },
                "kubernetes-version" => {
                    config.kubernetes_version = parse_version_value(&checker, doc, &at, value)?;
                }
                "limits" => config.limits = parse_limits(&checker, doc, &at, value)?,
                "ignore" => {
                    let Value::Array(entries) = value else {
                        return Err(checker.error(
                            doc,
                            &at,
                            "`ignore` must be a list of entries",
                            "expected a list",
                            Some(IGNORE_HELP.to_owned()),
                        ));
                    };
                    for (i, entry) in entries.iter().enumerate() {
                        let entry = parse_ignore(&checker, doc, &at.clone().index(i), entry)?;
                        config.ignores.push(entry);
                    }
                }
                "variants" => config.variants = parse_variants(&checker, doc, &at, value)?,
                "exclude" => parse_exclude(&checker, doc, &at, value, base, &mut config.exclude)?,
                "rules" => {
                    let Value::Object(rules) = value else {
                        return Err(checker.error(
                            doc,
                            &at,
                            "`rules` must be a mapping of rule names to settings",
                            "expected a mapping",
                            None,
                        ));
                    };
                    for (rule, setting) in rules {
                        config.apply_rule(&checker, doc, &at, rule, setting)?;
                    }
                }
                other => {
                    return Err(checker.error(
                        doc,
                        &at,
                        &format!("unknown config key `{other}`"),
                        "unknown key",
                        suggest::hint(other, ["default-namespace", "kubernetes-version", "limits", "exclude", "ignore", "variants", "rules"]).or_else(|| {
                            Some("known keys: `default-namespace`, `kubernetes-version`, `limits`, `exclude`, `ignore`, `variants`, `rules`".to_owned())
                        }),
                    ));
                }
            }
        }
        config.source = Some(Arc::clone(&file_arc));
        Ok(config)
    }

    fn apply_rule(
        &mut self,
        checker: &Checker<'_>,
        doc: &crate::source::Document,
        base: &FieldPath,
        rule: &str,
        setting: &Value,
    ) -> Result<(), ConfigError> {
        let at = base.clone().key(rule.to_owned());
        let Some(found) = rules::find(rule) else {
            return Err(checker.error(
                doc,
                &at,
                &format!("unknown rule `{rule}`"),
                "unknown rule",
                Some(
                    suggest::hint(rule, rules::names())
                        .unwrap_or_else(|| "`kubeha rules` lists every rule".to_owned()),
                ),
            ));
        };
        let meta = found.meta();
        let Some(settings) = self.rules.get_mut(meta.name) else {
            return Ok(());
        };
        match setting {
            Value::String(level) => {
                apply_level(settings, level).ok_or_else(|| {
                    checker.error(
                        doc,
                        &at,
                        &format!("`{level}` is not a rule level"),
                        "unknown level",
                        Some(LEVELS.to_owned()),
                    )
                })?;
            }
            // YAML 1.1 reads an unquoted `off`/`on` as a boolean.
            Value::Bool(on) => settings.enabled = *on,
            Value::Object(map) => {
                for (key, value) in map {
                    let key_at = at.clone().key(key.clone());
                    if key == "severity" {
                        apply_level(settings, level_of(value)).ok_or_else(|| {
                            checker.error(
                                doc,
                                &key_at,
                                "`severity` must be a rule level",
                                "unknown level",
                                Some(LEVELS.to_owned()),
                            )
                        })?;
                        continue;
                    }
                    let Some(option) = meta.options.iter().find(|o| o.name == key) else {
                        let known: Vec<&str> = std::iter::once("severity")
                            .chain(meta.options.iter().map(|o| o.name))
                            .collect();
                        return Err(checker.error(
                            doc,
                            &key_at,
                            &format!("rule `{rule}` has no option `{key}`"),
                            "unknown option",
                            Some(
                                suggest::hint(key, known.iter().copied()).unwrap_or_else(|| {
                                    format!(
                                        "`{rule}` accepts: {}",
                                        known
                                            .iter()
                                            .map(|k| format!("`{k}`"))
                                            .collect::<Vec<_>>()
                                            .join(", ")
                                    )
                                }),
                            ),
                        ));
                    };
                    let parsed = parse_option(option, value).ok_or_else(|| {
                        let expected = expected_type(option);
                        checker.error(
                            doc,
                            &key_at,
                            &format!("option `{key}` of `{rule}` must be {expected}"),
                            &format!("expected {expected}"),
                            Some(option.help.to_owned()),
                        )
                    })?;
                    if let Some(slot) = settings.options.iter_mut().find(|(n, _)| *n == option.name)
                    {
                        slot.1 = parsed;
                    }
                }
            }
            _ => {
                return Err(checker.error(
                    doc,
                    &at,
                    &format!("settings of `{rule}` must be a level or a mapping"),
                    "expected a level or a mapping",
                    Some(LEVELS.to_owned()),
                ));
            }
        }
        Ok(())
    }

    /// `--select`: only these rules run (an off-by-default rule named here is switched on).
    pub fn select(&mut self, names: &[String]) -> Result<(), ConfigError> {
        for name in names {
            check_rule_name(name)?;
        }
        for (name, settings) in &mut self.rules {
            // Unreadable input is always reported unless ignored explicitly.
            let always = matches!(*name, "invalid-yaml" | "invalid-object");
            settings.enabled = names.iter().any(|n| n == name) || (always && settings.enabled);
        }
        Ok(())
    }

    /// `--ignore`: these rules do not run.
    pub fn ignore(&mut self, names: &[String]) -> Result<(), ConfigError> {
        for name in names {
            check_rule_name(name)?;
            if let Some(s) = self.rules.get_mut(name.as_str()) {
                s.enabled = false;
            }
        }
        Ok(())
    }
}

/// A level written as a string, or as the boolean YAML 1.1 makes of an unquoted `on`/`off`.
fn level_of(value: &Value) -> &str {
    match value {
        Value::String(s) => s.as_str(),
        Value::Bool(true) => "on",
        Value::Bool(false) => "off",
        _ => "",
    }
}

fn parse_option(option: &OptionMeta, value: &Value) -> Option<OptionValue> {
    match (option.default, value) {
        (OptionDefault::Int(_), Value::Number(n)) => {
            n.as_i64().filter(|&i| i >= 0).map(OptionValue::Int)
        }
        (OptionDefault::Strings(_), Value::Array(items)) => items
            .iter()
            .map(|i| i.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .map(OptionValue::Strings),
        _ => None,
    }
}

fn expected_type(option: &OptionMeta) -> &'static str {
    match option.default {
        OptionDefault::Int(_) => "a non-negative integer",
        OptionDefault::Strings(_) => "a list of strings",
    }
}

/// `kubernetes-version: "1.30"`. An unquoted `1.30` is the float 1.3 under YAML 1.1: read what
/// was written.
fn parse_version_value(
    checker: &Checker<'_>,
    doc: &crate::source::Document,
    at: &FieldPath,
    value: &Value,
) -> Result<(u32, u32), ConfigError> {
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Number(_) => at
            .node(&doc.root, &doc.spans)
            .map(|n| checker.file.slice(n.value).to_owned())
            .unwrap_or_default(),
        _ => String::new(),
    };
    parse_kubernetes_version(&text).ok_or_else(|| {
        checker.error(
            doc,
            at,
            "`kubernetes-version` must look like \"1.30\"",
            "expected a version",
            Some("quote it: `kubernetes-version: \"1.30\"`".to_owned()),
        )
    })
}

const LIMIT_KEYS: &[&str] = &[
    "max-file-bytes",
    "max-depth",
    "max-alias-nodes",
    "max-alias-bytes",
    "max-run-alias-bytes",
    "max-documents",
    "max-scalar-bytes",
];

/// `limits: { max-depth: 512, … }`: each a positive integer.
fn parse_limits(
    checker: &Checker<'_>,
    doc: &crate::source::Document,
    at: &FieldPath,
    value: &Value,
) -> Result<Limits, ConfigError> {
    let Value::Object(map) = value else {
        return Err(checker.error(
            doc,
            at,
            "`limits` must be a mapping",
            "expected a mapping",
            Some(format!("keys: {}", LIMIT_KEYS.join(", "))),
        ));
    };
    let mut limits = Limits::default();
    for (key, v) in map {
        let key_at = at.clone().key(key.clone());
        let slot = match key.as_str() {
            "max-file-bytes" => &mut limits.max_file_bytes,
            "max-depth" => &mut limits.max_depth,
            "max-alias-nodes" => &mut limits.max_alias_nodes,
            "max-alias-bytes" => &mut limits.max_alias_bytes,
            "max-run-alias-bytes" => &mut limits.max_run_alias_bytes,
            "max-documents" => &mut limits.max_documents,
            "max-scalar-bytes" => &mut limits.max_scalar_bytes,
            other => {
                return Err(checker.error(
                    doc,
                    &key_at,
                    &format!("unknown limit `{other}`"),
                    "unknown key",
                    suggest::hint(other, LIMIT_KEYS.iter().copied())
                        .or_else(|| Some(format!("keys: {}", LIMIT_KEYS.join(", ")))),
                ));
            }
        };
        // Ceilings: deeper trees overflow the stack in decoding and teardown (8000 levels
        // did on the 8 MiB worker stacks, 2000 did not), and spans are u32 byte offsets.
        let ceiling: u64 = match key.as_str() {
            "max-depth" => 1024,
            "max-file-bytes" | "max-scalar-bytes" => 1 << 30,
            "max-alias-nodes" => 100_000_000,
            // Copies are held in memory: past 16 GiB a run would be killed, not warned.
            "max-alias-bytes" | "max-run-alias-bytes" => 1 << 34,
            _ => 10_000_000,
        };
        *slot = v
            .as_u64()
            .filter(|&n| n > 0 && n <= ceiling)
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| {
                checker.error(
                    doc,
                    &key_at,
                    &format!("`{key}` must be a positive integer of at most {ceiling}"),
                    "expected a positive integer within the ceiling",
                    None,
                )
            })?;
    }
    Ok(limits)
}

/// `exclude: [glob, …]` (or one glob), relative to `base`.
fn parse_exclude(
    checker: &Checker<'_>,
    doc: &crate::source::Document,
    at: &FieldPath,
    value: &Value,
    base: &Path,
    exclude: &mut crate::discover::PathGlobs,
) -> Result<(), ConfigError> {
    let globs = match value {
        Value::Array(items) => items.iter().map(Value::as_str).collect(),
        Value::String(s) => Some(vec![s.as_str()]),
        _ => None,
    };
    let bad = || {
        checker.error(
            doc,
            at,
            "`exclude` must be a list of path globs",
            "expected a list of globs",
            Some(EXCLUDE_HELP.to_owned()),
        )
    };
    for glob in globs.ok_or_else(bad)? {
        exclude.add(base, glob).map_err(|_| bad())?;
    }
    Ok(())
}

const EXCLUDE_HELP: &str =
    "e.g. `exclude: [\"vendor/**\", \"legacy/\"]` (relative to this file's directory)";

const IGNORE_HELP: &str =
    "e.g. `ignore: [{ path: \"vendor/**\", rules: [single-replica], reason: \"vendored chart\" }]`";

const IGNORE_KEYS: &[&str] = &["path", "kind", "namespace", "name", "rules", "reason"];

fn parse_ignore(
    checker: &Checker<'_>,
    doc: &crate::source::Document,
    at: &FieldPath,
    entry: &Value,
) -> Result<IgnoreEntry, ConfigError> {
    let Value::Object(map) = entry else {
        return Err(checker.error(
            doc,
            at,
            "an `ignore` entry must be a mapping",
            "expected a mapping",
            Some(IGNORE_HELP.to_owned()),
        ));
    };
    let mut out = IgnoreEntry {
        path: None,
        kind: None,
        namespace: None,
        name: None,
        rules: None,
        reason: String::new(),
        span: crate::source::Span::default(),
    };
    out.span = key_span(&doc.root, &doc.spans, at, &checker.file.text);
    for (key, value) in map {
        let key_at = at.clone().key(key.clone());
        match key.as_str() {
            "path" | "kind" | "namespace" | "name" => {
                let glob = glob_of(key, value).ok_or_else(|| {
                    checker.error(
                        doc,
                        &key_at,
                        &format!("`{key}` must be a glob string"),
                        "expected a glob",
                        None,
                    )
                })?;
                match key.as_str() {
                    "path" => out.path = Some(glob),
                    "kind" => out.kind = Some(glob),
                    "namespace" => out.namespace = Some(glob),
                    _ => out.name = Some(glob),
                }
            }
            "rules" => {
                let Value::Array(items) = value else {
                    return Err(checker.error(
                        doc,
                        &key_at,
                        "`rules` must be a list of rule names",
                        "expected a list",
                        None,
                    ));
                };
                let mut names = Vec::new();
                for (j, item) in items.iter().enumerate() {
                    let name = item.as_str().unwrap_or("");
                    if rules::find(name).is_none() {
                        return Err(checker.error(
                            doc,
                            &key_at.clone().index(j),
                            &format!("unknown rule `{name}`"),
                            "unknown rule",
                            Some(
                                suggest::hint(name, rules::names()).unwrap_or_else(|| {
                                    "`kubeha rules` lists every rule".to_owned()
                                }),
                            ),
                        ));
                    }
                    names.push(name.to_owned());
                }
                out.rules = Some(names);
            }
            "reason" => value.as_str().unwrap_or("").clone_into(&mut out.reason),
            other => {
                return Err(checker.error(
                    doc,
                    &key_at,
                    &format!("unknown key `{other}` in an `ignore` entry"),
                    "unknown key",
                    suggest::hint(other, IGNORE_KEYS.iter().copied())
                        .or_else(|| Some(format!("keys: {}", IGNORE_KEYS.join(", ")))),
                ));
            }
        }
    }
    if out.path.is_none() && out.kind.is_none() && out.namespace.is_none() && out.name.is_none() {
        return Err(checker.error(
            doc,
            at,
            "an `ignore` entry needs `path`, `kind`, `namespace` or `name`",
            "matches everything",
            Some(IGNORE_HELP.to_owned()),
        ));
    }
    Ok(out)
}

const VARIANTS_HELP: &str = "e.g. `variants: [[install.yaml, ha-install.yaml]]`: each entry lists files (globs) that are alternatives, never applied together";

/// `variants: [[a.yaml, b.yaml], …]`: a list of entries, each a list of at least two globs.
fn parse_variants(
    checker: &Checker<'_>,
    doc: &crate::source::Document,
    at: &FieldPath,
    value: &Value,
) -> Result<Vec<VariantSet>, ConfigError> {
    let Value::Array(entries) = value else {
        return Err(checker.error(
            doc,
            at,
            "`variants` must be a list of entries",
            "expected a list",
            Some(VARIANTS_HELP.to_owned()),
        ));
    };
    let mut out = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let entry_at = at.clone().index(i);
        let members = match entry {
            Value::Array(members) if members.len() >= 2 => members,
            Value::Array(_) => {
                return Err(checker.error(
                    doc,
                    &entry_at,
                    "a `variants` entry needs at least two files",
                    "fewer than two files",
                    Some(VARIANTS_HELP.to_owned()),
                ));
            }
            _ => {
                return Err(checker.error(
                    doc,
                    &entry_at,
                    "a `variants` entry must be a list of files",
                    "expected a list",
                    Some(VARIANTS_HELP.to_owned()),
                ));
            }
        };
        let mut set = VariantSet {
            members: Vec::new(),
            span: key_span(&doc.root, &doc.spans, &entry_at, &checker.file.text),
        };
        for (j, member) in members.iter().enumerate() {
            let glob = member
                .as_str()
                .filter(|g| !g.is_empty())
                .and_then(|g| Some((g, globset::Glob::new(g).ok()?)))
                .ok_or_else(|| {
                    checker.error(
                        doc,
                        &entry_at.clone().index(j),
                        "each file of a `variants` entry must be a path or glob string",
                        "expected a glob",
                        Some(VARIANTS_HELP.to_owned()),
                    )
                })?;
            set.members
                .push((glob.0.to_owned(), glob.1.compile_matcher()));
        }
        out.push(set);
    }
    Ok(out)
}

/// A glob value; a `path:` glob's `./` prefix is dropped (paths are matched without it).
fn glob_of(key: &str, value: &Value) -> Option<globset::GlobMatcher> {
    let g = value.as_str()?;
    let g = if key == "path" {
        g.trim_start_matches("./")
    } else {
        g
    };
    globset::Glob::new(g).ok().map(|g| g.compile_matcher())
}

const LEVELS: &str = "use one of: off, on, error, warning, info";

fn apply_level(settings: &mut RuleSettings, level: &str) -> Option<()> {
    match level {
        "off" => settings.enabled = false,
        "on" => settings.enabled = true,
        other => {
            settings.severity = Severity::parse(other)?;
            settings.severity_configured = true;
            settings.enabled = true;
        }
    }
    Some(())
}

fn check_rule_name(name: &str) -> Result<(), ConfigError> {
    if rules::find(name).is_some() {
        return Ok(());
    }
    Err(ConfigError::plain(
        format!("unknown rule `{name}`"),
        Some(
            suggest::hint(name, rules::names())
                .unwrap_or_else(|| "`kubeha rules` lists every rule".to_owned()),
        ),
    ))
}

/// A config file is one document with each key once: a second document or a repeated key
/// would be ignored silently.
fn one_document(
    checker: &Checker<'_>,
    loaded: &crate::source::LoadedFile,
) -> Result<(), ConfigError> {
    if let Some(second) = loaded.documents.get(1) {
        return Err(checker.at(
            crate::source::Span::new(second.spans.value.start, second.spans.value.start + 1),
            "the config file has a second document".to_owned(),
            "only one document is read",
            Some("Merge the documents into one mapping".to_owned()),
        ));
    }
    if let Some(dup) = loaded.documents.first().and_then(|d| d.duplicates.first()) {
        return Err(checker.at(
            dup.second,
            format!("`{}` is set twice in the config file", dup.key),
            "set again here",
            Some("Keep one of them: the first would be ignored silently".to_owned()),
        ));
    }
    Ok(())
}

struct Checker<'a> {
    file: &'a Arc<SourceFile>,
}

impl Checker<'_> {
    fn at(
        &self,
        span: crate::source::Span,
        message: String,
        label: &str,
        help: Option<String>,
    ) -> ConfigError {
        ConfigError {
            message,
            source_code: NamedSource::new(self.file.name.clone(), self.file.text.clone()),
            span: Some((span.start as usize, span.len() as usize).into()),
            label: label.to_owned(),
            help,
        }
    }

    fn error(
        &self,
        doc: &crate::source::Document,
        path: &FieldPath,
        message: &str,
        label: &str,
        help: Option<String>,
    ) -> ConfigError {
        let span = key_span(&doc.root, &doc.spans, path, &self.file.text);
        self.at(span, message.to_owned(), label, help)
    }
}

fn key_span(root: &Value, spans: &SpanNode, path: &FieldPath, text: &str) -> crate::source::Span {
    resolve(root, spans, path, text).0
}
