//! `.kubeha.yaml`: discovery, decoding into typed structs with located errors, per-rule
//! settings (each rule's options decoded by the rule's own type), and the file's JSON Schema.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use miette::{Diagnostic, NamedSource, SourceSpan};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::Value;

use crate::finding::Severity;
pub use crate::model::VariantSet;
use crate::model::{FieldPath, Seg, resolve};
pub use crate::rules::RuleSettings;
use crate::rules::{self, OptionKind, RuleMeta};
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

    /// Whether the rules run alike under both configs: the same rules on, at the same
    /// severities, with the same options written, for the same Kubernetes version, and no
    /// `variants:` (which shape the index). Their findings may then be computed once.
    pub fn same_rules(&self, other: &Config) -> bool {
        self.kubernetes_version == other.kubernetes_version
            && self.variants.is_empty()
            && other.variants.is_empty()
            && self.rules.len() == other.rules.len()
            && self.rules.iter().all(|(name, a)| {
                other.rules.get(name).is_some_and(|b| {
                    (a.enabled, a.severity, a.severity_configured, &a.written)
                        == (b.enabled, b.severity, b.severity_configured, &b.written)
                })
            })
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

    /// Parses config text whose `exclude:` globs are relative to `base`. The file is decoded
    /// once into [`ConfigFile`] (each rule's settings with that rule's options type); what the
    /// types cannot say (an empty namespace, a glob that does not compile, a limit past its
    /// ceiling) is checked after, and every error is located at the offending key or value.
    pub fn parse_in(name: &str, text: &str, base: &Path) -> Result<Self, ConfigError> {
        let file = SourceFile::with_role(
            name.to_owned(),
            text.to_owned(),
            false,
            crate::source::Role::Config,
        );
        let loaded = load_str(&file.text, &file.lines, &Limits::default());
        if let Some(e) = loaded.errors.first() {
            return Err(located(
                &file,
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
        one_document(&file, &loaded)?;
        let cx = Checker { file: &file, doc };
        if !doc.root.is_object() {
            return Err(cx.explain(&FieldPath::root()));
        }
        let written: ConfigFile = serde_path_to_error::deserialize(&doc.root)
            .map_err(|e| cx.explain(&FieldPath::from(e.path())))?;
        config.apply(written, &cx, base)?;
        config.source = Some(Arc::clone(&file));
        Ok(config)
    }

    /// The decoded file over the defaults, with the checks its types cannot make.
    fn apply(
        &mut self,
        written: ConfigFile,
        cx: &Checker<'_>,
        base: &Path,
    ) -> Result<(), ConfigError> {
        let ConfigFile {
            default_namespace,
            kubernetes_version,
            limits,
            exclude,
            ignore,
            variants,
            rules,
        } = written;
        let at = |key: &'static str| FieldPath::from_keys(&[key]);
        if let Some(namespace) = default_namespace {
            if namespace.is_empty() {
                return Err(cx.explain(&at("default-namespace")));
            }
            self.default_namespace = namespace;
        }
        if let Some(version) = kubernetes_version {
            let at = at("kubernetes-version");
            self.kubernetes_version = cx.version(&version, &at).ok_or_else(|| cx.explain(&at))?;
        }
        if let Some(Mapping(limits)) = limits {
            self.limits = limits
                .apply()
                .map_err(|key| cx.explain(&at("limits").key(key)))?;
        }
        let globs = match exclude {
            None => Vec::new(),
            Some(Globs::One(glob)) => vec![(at("exclude"), glob)],
            Some(Globs::Many(globs)) => (0..).map(|i| at("exclude").index(i)).zip(globs).collect(),
        };
        for (path, glob) in globs {
            self.exclude
                .add(base, &glob)
                .map_err(|_| cx.explain(&path))?;
        }
        for (i, Mapping(entry)) in ignore.into_iter().flatten().enumerate() {
            let entry = cx.ignore_entry(entry, &at("ignore").index(i))?;
            self.ignores.push(entry);
        }
        for (i, files) in variants.into_iter().flatten().enumerate() {
            let set = cx.variant_set(files, &at("variants").index(i))?;
            self.variants.push(set);
        }
        for (rule, setting) in rules.into_iter().flatten() {
            self.apply_rule(cx, &rule, &setting)?;
        }
        Ok(())
    }

    /// `rules.<rule>`: a level, or a mapping of `severity` and the rule's options, which the
    /// rule's own options type decodes.
    fn apply_rule(
        &mut self,
        cx: &Checker<'_>,
        rule: &str,
        setting: &Value,
    ) -> Result<(), ConfigError> {
        let at = FieldPath::from_keys(&["rules"]).key(rule.to_owned());
        let meta: &RuleMeta = rules::find(rule).ok_or_else(|| cx.explain(&at))?.meta();
        let Some(settings) = self.rules.get_mut(meta.name) else {
            return Ok(());
        };
        let Value::Object(map) = setting else {
            Level::deserialize(setting)
                .map_err(|_| cx.explain(&at))?
                .apply(settings);
            return Ok(());
        };
        let mut options = map.clone();
        if let Some(level) = options.shift_remove("severity") {
            Level::deserialize(&level)
                .map_err(|_| cx.explain(&at.clone().key("severity")))?
                .apply(settings);
        }
        let written = Value::Object(options);
        settings.options = meta
            .options
            .decode(&written)
            .map_err(|inner| cx.explain(&FieldPath([at.0, inner.0].concat())))?;
        settings.written = written
            .as_object()
            .is_some_and(|m| !m.is_empty())
            .then_some(written);
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

/// `.kubeha.yaml` as written. Every key is optional; an unknown key is an error, and so is a
/// `null` (`some`): a key written without a value is a mistake, not a default.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ConfigFile {
    #[serde(default, deserialize_with = "some")]
    default_namespace: Option<String>,
    #[serde(default, deserialize_with = "some")]
    kubernetes_version: Option<Version>,
    #[serde(default, deserialize_with = "some")]
    limits: Option<Mapping<LimitsFile>>,
    #[serde(default, deserialize_with = "some")]
    exclude: Option<Globs>,
    #[serde(default, deserialize_with = "some")]
    ignore: Option<Vec<Mapping<IgnoreFile>>>,
    #[serde(default, deserialize_with = "some")]
    variants: Option<Vec<Vec<String>>>,
    /// Each rule's settings, decoded by [`Config::apply_rule`] with the rule's options type.
    #[serde(default, deserialize_with = "some")]
    rules: Option<serde_json::Map<String, Value>>,
}

/// `kubernetes-version: "1.30"`. An unquoted `1.30` is the float 1.3 under YAML 1.1: the
/// number's text as written is read instead ([`Checker::version`]).
#[derive(Deserialize)]
#[serde(untagged)]
enum Version {
    Text(String),
    Number(serde_json::Number),
}

/// `exclude: glob` or `exclude: [glob, …]`.
#[derive(Deserialize)]
#[serde(untagged)]
enum Globs {
    One(String),
    Many(Vec<String>),
}

/// `limits: { max-depth: 512, … }`: each a positive integer up to its [`ceiling`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[allow(
    clippy::struct_field_names,
    reason = "the keys of `limits:`, as written"
)]
struct LimitsFile {
    #[serde(default, deserialize_with = "some")]
    max_file_bytes: Option<u64>,
    #[serde(default, deserialize_with = "some")]
    max_depth: Option<u64>,
    #[serde(default, deserialize_with = "some")]
    max_alias_nodes: Option<u64>,
    #[serde(default, deserialize_with = "some")]
    max_alias_bytes: Option<u64>,
    #[serde(default, deserialize_with = "some")]
    max_run_alias_bytes: Option<u64>,
    #[serde(default, deserialize_with = "some")]
    max_documents: Option<u64>,
    #[serde(default, deserialize_with = "some")]
    max_scalar_bytes: Option<u64>,
}

impl LimitsFile {
    /// The limits, or the key of the one past its ceiling.
    fn apply(self) -> Result<Limits, &'static str> {
        let Self {
            max_file_bytes,
            max_depth,
            max_alias_nodes,
            max_alias_bytes,
            max_run_alias_bytes,
            max_documents,
            max_scalar_bytes,
        } = self;
        let mut limits = Limits::default();
        for (key, written, slot) in [
            ("max-file-bytes", max_file_bytes, &mut limits.max_file_bytes),
            ("max-depth", max_depth, &mut limits.max_depth),
            (
                "max-alias-nodes",
                max_alias_nodes,
                &mut limits.max_alias_nodes,
            ),
            (
                "max-alias-bytes",
                max_alias_bytes,
                &mut limits.max_alias_bytes,
            ),
            (
                "max-run-alias-bytes",
                max_run_alias_bytes,
                &mut limits.max_run_alias_bytes,
            ),
            ("max-documents", max_documents, &mut limits.max_documents),
            (
                "max-scalar-bytes",
                max_scalar_bytes,
                &mut limits.max_scalar_bytes,
            ),
        ] {
            if let Some(n) = written {
                *slot = Some(n)
                    .filter(|&n| n > 0 && n <= ceiling(key))
                    .and_then(|n| usize::try_from(n).ok())
                    .ok_or(key)?;
            }
        }
        Ok(limits)
    }
}

/// The largest value a limit accepts. Deeper trees overflow the stack in decoding and teardown
/// (8000 levels did on the 8 MiB worker stacks, 2000 did not), and spans are u32 byte offsets.
fn ceiling(limit: &str) -> u64 {
    match limit {
        "max-depth" => 1024,
        "max-file-bytes" | "max-scalar-bytes" => 1 << 30,
        "max-alias-nodes" => 100_000_000,
        // Copies are held in memory: past 16 GiB a run would be killed, not warned.
        "max-alias-bytes" | "max-run-alias-bytes" => 1 << 34,
        _ => 10_000_000,
    }
}

/// One `ignore:` entry as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct IgnoreFile {
    #[serde(default, deserialize_with = "some")]
    path: Option<String>,
    #[serde(default, deserialize_with = "some")]
    kind: Option<String>,
    #[serde(default, deserialize_with = "some")]
    namespace: Option<String>,
    #[serde(default, deserialize_with = "some")]
    name: Option<String>,
    #[serde(default, deserialize_with = "some")]
    rules: Option<Vec<String>>,
    #[serde(default)]
    reason: String,
}

/// A present key's value: `Option` fields would read `key: ~` as absent.
fn some<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// A struct that must be written as a mapping: serde's derive also reads a struct from a list
/// of its values in field order, which no config file means.
struct Mapping<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Mapping<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct OnlyMaps<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for OnlyMaps<T> {
            type Value = T;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map))
            }
        }
        d.deserialize_map(OnlyMaps(std::marker::PhantomData))
            .map(Mapping)
    }
}

/// A rule's level: `off`, `on`, or a severity (which also switches the rule on). YAML 1.1 reads
/// an unquoted `on`/`off` as a boolean, so those are levels too.
#[derive(Clone, Copy)]
enum Level {
    Off,
    On,
    Severity(Severity),
}

impl Level {
    fn apply(self, settings: &mut RuleSettings) {
        match self {
            Level::Off => settings.enabled = false,
            Level::On => settings.enabled = true,
            Level::Severity(severity) => {
                settings.severity = severity;
                settings.severity_configured = true;
                settings.enabled = true;
            }
        }
    }
}

impl<'de> Deserialize<'de> for Level {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Levels;
        impl Visitor<'_> for Levels {
            type Value = Level;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(LEVELS)
            }
            fn visit_bool<E: de::Error>(self, on: bool) -> Result<Level, E> {
                Ok(if on { Level::On } else { Level::Off })
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Level, E> {
                match s {
                    "off" => Ok(Level::Off),
                    "on" => Ok(Level::On),
                    other => Severity::parse(other)
                        .map(Level::Severity)
                        .ok_or_else(|| E::invalid_value(de::Unexpected::Str(other), &self)),
                }
            }
        }
        d.deserialize_any(Levels)
    }
}

const LEVELS: &str = "use one of: off, on, error, warning, info";

const EXCLUDE_HELP: &str =
    "e.g. `exclude: [\"vendor/**\", \"legacy/\"]` (relative to this file's directory)";

const IGNORE_HELP: &str =
    "e.g. `ignore: [{ path: \"vendor/**\", rules: [single-replica], reason: \"vendored chart\" }]`";

const VARIANTS_HELP: &str = "e.g. `variants: [[install.yaml, ha-install.yaml]]`: each entry lists files (globs) that are alternatives, never applied together";

/// A glob value; a `path:` glob's `./` prefix is dropped (paths are matched without it).
fn glob_of(key: &str, g: &str) -> Option<globset::GlobMatcher> {
    let g = if key == "path" {
        g.trim_start_matches("./")
    } else {
        g
    };
    globset::Glob::new(g).ok().map(|g| g.compile_matcher())
}

fn check_rule_name(name: &str) -> Result<(), ConfigError> {
    if rules::find(name).is_some() {
        return Ok(());
    }
    Err(ConfigError::plain(
        format!("unknown rule `{name}`"),
        Some(unknown_rule_help(name)),
    ))
}

fn unknown_rule_help(name: &str) -> String {
    suggest::hint(name, rules::names())
        .unwrap_or_else(|| "`kubeha rules` lists every rule".to_owned())
}

/// A config file is one document with each key once: a second document or a repeated key
/// would be ignored silently.
fn one_document(file: &SourceFile, loaded: &crate::source::LoadedFile) -> Result<(), ConfigError> {
    if let Some(second) = loaded.documents.get(1) {
        return Err(located(
            file,
            crate::source::Span::new(second.spans.value.start, second.spans.value.start + 1),
            "the config file has a second document".to_owned(),
            "only one document is read",
            Some("Merge the documents into one mapping".to_owned()),
        ));
    }
    if let Some(dup) = loaded.documents.first().and_then(|d| d.duplicates.first()) {
        return Err(located(
            file,
            dup.second,
            format!("`{}` is set twice in the config file", dup.key),
            "set again here",
            Some("Keep one of them: the first would be ignored silently".to_owned()),
        ));
    }
    Ok(())
}

fn located(
    file: &SourceFile,
    span: crate::source::Span,
    message: String,
    label: &str,
    help: Option<String>,
) -> ConfigError {
    ConfigError {
        message,
        source_code: NamedSource::new(file.name.clone(), file.text.clone()),
        span: Some((span.start as usize, span.len() as usize).into()),
        label: label.to_owned(),
        help,
    }
}

/// The config file's one document, for the checks after decoding and for error messages.
struct Checker<'a> {
    file: &'a SourceFile,
    doc: &'a crate::source::Document,
}

/// A step of a field path, as the error messages match on it.
#[derive(Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Index,
}

/// What an error says: message, label on the span, help.
type Said = (String, String, Option<String>);

fn said(message: impl Into<String>, label: &str, help: Option<&str>) -> Said {
    (message.into(), label.to_owned(), help.map(str::to_owned))
}

/// `` `a`, `b` ``
fn quoted(keys: &[&str]) -> String {
    keys.iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Checker<'_> {
    fn span(&self, path: &FieldPath) -> crate::source::Span {
        key_span(&self.doc.root, &self.doc.spans, path, &self.file.text)
    }

    /// The error for the value at `path`, which did not decode or validate: what that key
    /// expects, told from the path (which key) and the value written there. Every message
    /// of the config reader is here.
    fn explain(&self, path: &FieldPath) -> ConfigError {
        let steps: Vec<Step<'_>> = path
            .0
            .iter()
            .map(|seg| match seg {
                Seg::Key(k) => Step::Key(k.as_ref()),
                Seg::Index(_) => Step::Index,
            })
            .collect();
        let value = path.get(&self.doc.root);
        let top = suggest::fields_of::<ConfigFile>();
        let (message, label, help) = match steps.as_slice() {
            [] => said("the config file must be a mapping", "not a mapping", None),
            [Step::Key(key), ..] if !top.contains(key) => (
                format!("unknown config key `{key}`"),
                "unknown key".to_owned(),
                suggest::hint(key, top.iter().copied())
                    .or_else(|| Some(format!("known keys: {}", quoted(top)))),
            ),
            [Step::Key("default-namespace"), ..] => said(
                "`default-namespace` must be a non-empty string",
                "expected a string",
                None,
            ),
            [Step::Key("kubernetes-version"), ..] => said(
                "`kubernetes-version` must look like \"1.30\"",
                "expected a version",
                Some("quote it: `kubernetes-version: \"1.30\"`"),
            ),
            [Step::Key("limits"), rest @ ..] => limits_error(rest),
            [Step::Key("exclude"), rest @ ..] => said(
                "`exclude` must be a list of path globs",
                if rest.is_empty() {
                    "expected a list of globs"
                } else {
                    "expected a glob"
                },
                Some(EXCLUDE_HELP),
            ),
            [Step::Key("ignore"), rest @ ..] => ignore_error(rest, value),
            [Step::Key("variants"), rest @ ..] => variants_error(rest, value),
            [Step::Key("rules"), rest @ ..] => rules_error(rest, value),
            _ => (
                format!("`{path}` is not valid here"),
                "invalid value".to_owned(),
                None,
            ),
        };
        located(self.file, self.span(path), message, &label, help)
    }

    /// The version written, for a number as written (`1.10` is not `1.1`).
    fn version(&self, version: &Version, at: &FieldPath) -> Option<(u32, u32)> {
        let text = match version {
            Version::Text(s) => s.clone(),
            Version::Number(n) => at
                .node(&self.doc.root, &self.doc.spans)
                .map_or_else(|| n.to_string(), |n| self.file.slice(n.value).to_owned()),
        };
        parse_kubernetes_version(&text)
    }

    fn ignore_entry(
        &self,
        written: IgnoreFile,
        at: &FieldPath,
    ) -> Result<IgnoreEntry, ConfigError> {
        let IgnoreFile {
            path,
            kind,
            namespace,
            name,
            rules,
            reason,
        } = written;
        let glob = |key: &'static str, written: Option<String>| {
            written
                .map(|g| glob_of(key, &g).ok_or_else(|| self.explain(&at.clone().key(key))))
                .transpose()
        };
        let entry = IgnoreEntry {
            path: glob("path", path)?,
            kind: glob("kind", kind)?,
            namespace: glob("namespace", namespace)?,
            name: glob("name", name)?,
            rules,
            reason,
            span: self.span(at),
        };
        for (j, rule) in entry.rules.iter().flatten().enumerate() {
            if rules::find(rule).is_none() {
                return Err(self.explain(&at.clone().key("rules").index(j)));
            }
        }
        let selects = entry.path.is_some()
            || entry.kind.is_some()
            || entry.namespace.is_some()
            || entry.name.is_some();
        if selects {
            Ok(entry)
        } else {
            Err(self.explain(at))
        }
    }

    fn variant_set(&self, files: Vec<String>, at: &FieldPath) -> Result<VariantSet, ConfigError> {
        if files.len() < 2 {
            return Err(self.explain(at));
        }
        let mut members = Vec::new();
        for (j, file) in files.into_iter().enumerate() {
            let glob = globset::Glob::new(&file)
                .ok()
                .filter(|_| !file.is_empty())
                .ok_or_else(|| self.explain(&at.clone().index(j)))?;
            members.push((file, glob.compile_matcher()));
        }
        Ok(VariantSet {
            members,
            span: self.span(at),
        })
    }
}

fn limits_error(rest: &[Step<'_>]) -> Said {
    let keys = suggest::fields_of::<LimitsFile>();
    let listed = format!("keys: {}", keys.join(", "));
    match rest {
        [] => said(
            "`limits` must be a mapping",
            "expected a mapping",
            Some(&listed),
        ),
        [Step::Key(key), ..] if !keys.contains(key) => (
            format!("unknown limit `{key}`"),
            "unknown key".to_owned(),
            suggest::hint(key, keys.iter().copied()).or(Some(listed)),
        ),
        [Step::Key(key), ..] => said(
            format!(
                "`{key}` must be a positive integer of at most {}",
                ceiling(key)
            ),
            "expected a positive integer within the ceiling",
            None,
        ),
        [Step::Index, ..] => said("`limits` must be a mapping", "expected a mapping", None),
    }
}

fn ignore_error(rest: &[Step<'_>], value: Option<&Value>) -> Said {
    let keys = suggest::fields_of::<IgnoreFile>();
    match rest {
        [] => said(
            "`ignore` must be a list of entries",
            "expected a list",
            Some(IGNORE_HELP),
        ),
        [_] if value.is_some_and(Value::is_object) => said(
            "an `ignore` entry needs `path`, `kind`, `namespace` or `name`",
            "matches everything",
            Some(IGNORE_HELP),
        ),
        [_] | [_, Step::Index, ..] => said(
            "an `ignore` entry must be a mapping",
            "expected a mapping",
            Some(IGNORE_HELP),
        ),
        [_, Step::Key(key), ..] if !keys.contains(key) => (
            format!("unknown key `{key}` in an `ignore` entry"),
            "unknown key".to_owned(),
            suggest::hint(key, keys.iter().copied())
                .or_else(|| Some(format!("keys: {}", keys.join(", ")))),
        ),
        [_, Step::Key("rules")] => said(
            "`rules` must be a list of rule names",
            "expected a list",
            None,
        ),
        [_, Step::Key("rules"), ..] => match value.and_then(Value::as_str) {
            Some(name) => (
                format!("unknown rule `{name}`"),
                "unknown rule".to_owned(),
                Some(unknown_rule_help(name)),
            ),
            None => said(
                "`rules` must be a list of rule names",
                "expected a rule name",
                None,
            ),
        },
        [_, Step::Key("reason"), ..] => {
            said("`reason` must be a string", "expected a string", None)
        }
        [_, Step::Key(key), ..] => said(
            format!("`{key}` must be a glob string"),
            "expected a glob",
            None,
        ),
    }
}

fn variants_error(rest: &[Step<'_>], value: Option<&Value>) -> Said {
    match rest {
        [] => said(
            "`variants` must be a list of entries",
            "expected a list",
            Some(VARIANTS_HELP),
        ),
        [_] if value.is_some_and(Value::is_array) => said(
            "a `variants` entry needs at least two files",
            "fewer than two files",
            Some(VARIANTS_HELP),
        ),
        [_] => said(
            "a `variants` entry must be a list of files",
            "expected a list",
            Some(VARIANTS_HELP),
        ),
        [_, ..] => said(
            "each file of a `variants` entry must be a path or glob string",
            "expected a glob",
            Some(VARIANTS_HELP),
        ),
    }
}

fn rules_error(rest: &[Step<'_>], value: Option<&Value>) -> Said {
    let [Step::Key(rule), within @ ..] = rest else {
        return said(
            "`rules` must be a mapping of rule names to settings",
            "expected a mapping",
            None,
        );
    };
    let Some(found) = rules::find(rule) else {
        return (
            format!("unknown rule `{rule}`"),
            "unknown rule".to_owned(),
            Some(unknown_rule_help(rule)),
        );
    };
    let options = &found.meta().options;
    match within {
        [] => match value.and_then(Value::as_str) {
            Some(level) => said(
                format!("`{level}` is not a rule level"),
                "unknown level",
                Some(LEVELS),
            ),
            None => said(
                format!("settings of `{rule}` must be a level or a mapping"),
                "expected a level or a mapping",
                Some(LEVELS),
            ),
        },
        [Step::Key("severity"), ..] => said(
            "`severity` must be a rule level",
            "unknown level",
            Some(LEVELS),
        ),
        [Step::Key(key), deeper @ ..] => match options.field(key) {
            None => {
                let known: Vec<&str> = std::iter::once("severity")
                    .chain(options.fields.iter().map(|o| o.name))
                    .collect();
                (
                    format!("rule `{rule}` has no option `{key}`"),
                    "unknown option".to_owned(),
                    suggest::hint(key, known.iter().copied())
                        .or_else(|| Some(format!("`{rule}` accepts: {}", quoted(&known)))),
                )
            }
            Some(option) => {
                let mut expected = option.kind.expected().to_owned();
                // A whole number past the type: say the bound.
                if option.kind == OptionKind::Count && value.is_some_and(|v| v.as_u64().is_some()) {
                    expected = format!("{expected} of at most {}", u32::MAX);
                }
                let label = if deeper.is_empty() {
                    format!("expected {expected}")
                } else {
                    "expected a string".to_owned()
                };
                (
                    format!("option `{key}` of `{rule}` must be {expected}"),
                    label,
                    Some(option.help.to_owned()),
                )
            }
        },
        [Step::Index, ..] => said(
            format!("settings of `{rule}` must be a level or a mapping"),
            "expected a level or a mapping",
            Some(LEVELS),
        ),
    }
}

fn key_span(root: &Value, spans: &SpanNode, path: &FieldPath, text: &str) -> crate::source::Span {
    resolve(root, spans, path, text).0
}

/// The JSON Schema (draft 2020-12) of `.kubeha.yaml` (`kubeha config-schema`): the keys of
/// the structs above and each rule's documented options.
pub fn schema() -> Value {
    use serde_json::json;
    let levels = json!({ "enum": ["off", "on", "error", "warning", "info", false, true] });
    let rules: serde_json::Map<String, Value> = rules::RULES
        .iter()
        .map(|r| {
            let m = r.meta();
            let mut props = serde_json::Map::new();
            props.insert("severity".to_owned(), levels.clone());
            for o in m.options.fields {
                let t = match o.kind {
                    OptionKind::Count => json!({ "type": "integer", "minimum": 0, "maximum": u32::MAX, "description": o.help }),
                    OptionKind::Strings => json!({ "type": "array", "items": { "type": "string" }, "description": o.help }),
                };
                props.insert(o.name.to_owned(), t);
            }
            let setting = json!({
                "description": m.summary,
                "oneOf": [levels, { "type": "object", "properties": props, "additionalProperties": false }],
            });
            (m.name.to_owned(), setting)
        })
        .collect();
    let names: Vec<&str> = rules::names().collect();
    let glob = json!({ "type": "string" });
    let limits: serde_json::Map<String, Value> = suggest::fields_of::<LimitsFile>()
        .iter()
        .map(|&k| {
            (
                k.to_owned(),
                json!({ "type": "integer", "minimum": 1, "maximum": ceiling(k) }),
            )
        })
        .collect();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "kubeha configuration (.kubeha.yaml)",
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "default-namespace": { "type": "string", "minLength": 1 },
            "kubernetes-version": { "type": "string", "pattern": "^v?[0-9]+\\.[0-9]+$" },
            "limits": { "type": "object", "properties": limits, "additionalProperties": false },
            "exclude": { "description": "globs relative to this file's directory", "oneOf": [glob, { "type": "array", "items": glob }] },
            "ignore": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "anyOf": [
                        { "required": ["path"] }, { "required": ["kind"] },
                        { "required": ["namespace"] }, { "required": ["name"] },
                    ],
                    "properties": {
                        "path": glob, "kind": glob, "namespace": glob, "name": glob,
                        "rules": { "type": "array", "items": { "enum": names } },
                        "reason": { "type": "string" },
                    },
                },
            },
            "variants": {
                "description": "lists of files (globs) that are alternatives, never applied together",
                "type": "array",
                "items": { "type": "array", "minItems": 2, "items": { "type": "string", "minLength": 1 } },
            },
            "rules": { "type": "object", "properties": rules, "additionalProperties": false },
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The schema and the help texts list the keys the structs accept, and every limit key
    /// reaches its field of [`Limits`].
    #[test]
    fn schema_and_limits_follow_the_structs() {
        let schema = schema();
        let keys = |v: &Value| -> Vec<String> {
            v.as_object()
                .map_or_else(Vec::new, |m| m.keys().cloned().collect())
        };
        let props = &schema["properties"];
        let mut top = keys(props);
        let mut fields: Vec<String> = suggest::fields_of::<ConfigFile>()
            .iter()
            .map(|&k| k.to_owned())
            .collect();
        top.sort();
        fields.sort();
        assert_eq!(top, fields);
        let ignore: Vec<&str> = suggest::fields_of::<IgnoreFile>().to_vec();
        assert_eq!(keys(&props["ignore"]["items"]["properties"]), ignore);
        let limits = suggest::fields_of::<LimitsFile>();
        assert_eq!(keys(&props["limits"]["properties"]), limits);
        for key in limits {
            let written: LimitsFile =
                serde_json::from_value(serde_json::json!({ *key: 7 })).unwrap();
            assert_ne!(written.apply(), Ok(Limits::default()), "{key}");
        }
    }
}
