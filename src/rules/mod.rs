//! The rule registry, and the context and sink every rule works with.
//!
//! Adding a rule touches four places: `src/rules/<name>.rs`, one line in [`RULES`],
//! `rules/<name>.md` and `fixtures/<name>/`. A test fails when one is missing.

mod ambiguous_scalar;
mod deprecated_api;
mod duplicate_key;
mod duplicate_object;
mod hpa_max_replicas;
mod hpa_min_replicas;
mod hpa_missing_resource_request;
mod hpa_scale_down_unbounded;
mod hpa_target_missing;
mod identical_probes;
mod ineffective_pdb;
mod ineffective_spread;
mod ingress_backend_missing;
mod invalid_object;
mod invalid_yaml;
mod missing_cpu_limit;
mod missing_graceful_shutdown;
mod missing_liveness_probe;
mod missing_memory_limit;
mod missing_pdb;
mod missing_pod_spread;
mod missing_priority_class;
mod missing_readiness_probe;
mod missing_resource_requests;
mod missing_zone_spread;
mod mutable_image_tag;
mod naked_pod;
mod options;
mod pdb_blocks_eviction;
mod pdb_matches_nothing;
mod pdb_overlap;
mod pdb_unhealthy_eviction_policy;
mod pinned_to_single_node;
mod probe_port_mismatch;
mod replicas_with_hpa;
mod rollout_needs_spare_node;
mod rwo_volume_shared;
mod selector_template_mismatch;
mod service_selects_nothing;
mod service_target_port_mismatch;
mod single_replica;
mod statefulset_service_missing;
mod unknown_field;
mod unsafe_rollout_strategy;
mod unused_suppression;

use std::borrow::Cow;
use std::fmt::{self, Write as _};
use std::sync::Arc;

use crate::finding::{Finding, ObjectKey, ObjectRef, Related, Severity};
use crate::index::Index;
use crate::model::{FieldPath, Object, resolve};
use crate::problems::LoadProblems;
use crate::source::{FileId, SourceFile, Span};

pub use options::{
    AnyOptions, NoOptions, OptionKind, OptionMeta, OptionsType, RuleOptions, RuleSettings,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    Manifest,
    Replicas,
    Probes,
    Disruption,
    Scheduling,
    Rollout,
    References,
    Resources,
    Suppressions,
}

impl Group {
    pub fn as_str(self) -> &'static str {
        match self {
            Group::Manifest => "manifest",
            Group::Replicas => "replicas",
            Group::Probes => "probes",
            Group::Disruption => "disruption",
            Group::Scheduling => "scheduling",
            Group::Rollout => "rollout",
            Group::References => "references",
            Group::Resources => "resources",
            Group::Suppressions => "suppressions",
        }
    }
}

impl fmt::Display for Group {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What `kubeha rules` lists and `kubeha explain` prints.
#[derive(Debug)]
pub struct RuleMeta {
    pub name: &'static str,
    pub group: Group,
    pub severity: Severity,
    pub enabled: bool,
    pub summary: &'static str,
    /// Its options' type ([`OptionsType::NONE`] for most rules).
    pub options: OptionsType,
    /// `rules/<name>.md`, embedded: the title, then the sections (see [`RuleMeta::document`]).
    pub doc: &'static str,
}

impl RuleMeta {
    /// The rule's documentation as `kubeha explain`, hover and SARIF show it: the title, the
    /// metadata line derived from this metadata (never written in the `.md`, so it cannot
    /// drift), then the rest of `rules/<name>.md`.
    pub fn document(&self) -> String {
        let (title, rest) = self.doc.split_once('\n').unwrap_or((self.doc, ""));
        format!(
            "{title}\n\nGroup: {} · Default severity: {} · Enabled by default: {}\n{rest}",
            self.group,
            self.severity,
            if self.enabled { "yes" } else { "no" }
        )
    }
}

pub trait Rule: Send + Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>);
}

/// Every rule, one line each, in catalog order.
pub static RULES: &[&dyn Rule] = &[
    &invalid_yaml::InvalidYaml,
    &invalid_object::InvalidObject,
    &unknown_field::UnknownField,
    &duplicate_key::DuplicateKey,
    &ambiguous_scalar::AmbiguousScalar,
    &duplicate_object::DuplicateObject,
    &deprecated_api::DeprecatedApi,
    &single_replica::SingleReplica,
    &hpa_min_replicas::HpaMinReplicas,
    &hpa_max_replicas::HpaMaxReplicas,
    &hpa_missing_resource_request::HpaMissingResourceRequest,
    &hpa_scale_down_unbounded::HpaScaleDownUnbounded,
    &replicas_with_hpa::ReplicasWithHpa,
    &naked_pod::NakedPod,
    &missing_readiness_probe::MissingReadinessProbe,
    &missing_liveness_probe::MissingLivenessProbe,
    &identical_probes::IdenticalProbes,
    &probe_port_mismatch::ProbePortMismatch,
    &missing_pdb::MissingPdb,
    &pdb_blocks_eviction::PdbBlocksEviction,
    &ineffective_pdb::IneffectivePdb,
    &pdb_matches_nothing::PdbMatchesNothing,
    &pdb_overlap::PdbOverlap,
    &pdb_unhealthy_eviction_policy::PdbUnhealthyEvictionPolicy,
    &missing_pod_spread::MissingPodSpread,
    &ineffective_spread::IneffectiveSpread,
    &missing_zone_spread::MissingZoneSpread,
    &pinned_to_single_node::PinnedToSingleNode,
    &missing_priority_class::MissingPriorityClass,
    &selector_template_mismatch::SelectorTemplateMismatch,
    &unsafe_rollout_strategy::UnsafeRolloutStrategy,
    &rollout_needs_spare_node::RolloutNeedsSpareNode,
    &missing_graceful_shutdown::MissingGracefulShutdown,
    &rwo_volume_shared::RwoVolumeShared,
    &statefulset_service_missing::StatefulsetServiceMissing,
    &service_selects_nothing::ServiceSelectsNothing,
    &service_target_port_mismatch::ServiceTargetPortMismatch,
    &ingress_backend_missing::IngressBackendMissing,
    &hpa_target_missing::HpaTargetMissing,
    &missing_resource_requests::MissingResourceRequests,
    &missing_memory_limit::MissingMemoryLimit,
    &missing_cpu_limit::MissingCpuLimit,
    &mutable_image_tag::MutableImageTag,
    &unused_suppression::UnusedSuppression,
];

/// Where the project is published (`repository` in Cargo.toml).
pub const HOME: &str = env!("CARGO_PKG_REPOSITORY");

/// Where a rule's documentation (`rules/<rule>.md`) is published.
pub fn doc_url(rule: &str) -> String {
    format!("{HOME}/blob/main/rules/{rule}.md")
}

pub fn find(name: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.meta().name == name)
}

pub fn names() -> impl Iterator<Item = &'static str> {
    RULES.iter().map(|r| r.meta().name)
}

/// What a rule sees: every loaded object, the shared index, and its own settings.
pub struct Context<'a> {
    pub files: &'a [Arc<SourceFile>],
    pub problems: &'a LoadProblems,
    pub objects: &'a [Object],
    pub index: &'a Index<'a>,
    pub settings: &'a RuleSettings,
    /// The Kubernetes version the run checks against (`deprecated-api`).
    pub kubernetes_version: (u32, u32),
}

impl Context<'_> {
    /// This rule's options, as the config decoded them. `T` is the type the rule's metadata
    /// names ([`OptionsType::of`]); asking for another is a programming error, which debug
    /// builds (every test) catch and a release build answers with the defaults.
    pub fn options<T: RuleOptions>(&self) -> Cow<'_, T> {
        let found = (*self.settings.options).downcast_ref::<T>();
        debug_assert!(
            found.is_some(),
            "a rule asked for options of another type than its metadata names"
        );
        found.map_or_else(|| Cow::Owned(T::default()), Cow::Borrowed)
    }
}

/// Collects one rule's findings and stamps its name and severity on them.
pub struct Sink<'a> {
    rule: &'static str,
    severity: Severity,
    /// The user chose the rule's severity: sub-case defaults do not apply.
    pub(crate) severity_configured: bool,
    files: &'a [Arc<SourceFile>],
    pub(crate) findings: Vec<Finding>,
}

/// A finding being built: add help and related locations.
pub struct Reported<'s> {
    finding: &'s mut Finding,
    files: &'s [Arc<SourceFile>],
    severity_configured: bool,
}

pub fn object_ref(o: &Object) -> ObjectRef {
    ObjectRef {
        api_version: o.api_version.clone(),
        kind: o.kind.clone(),
        namespace: o.explicit_namespace.clone(),
        name: o.name.clone(),
        document: o.document,
    }
}

pub(crate) fn span_of(files: &[Arc<SourceFile>], o: &Object, path: &FieldPath) -> Span {
    let text = files.get(o.file.index()).map_or("", |f| f.text.as_str());
    resolve(&o.raw, &o.spans, path, text).0
}

impl<'a> Sink<'a> {
    pub fn new(rule: &'static str, severity: Severity, files: &'a [Arc<SourceFile>]) -> Self {
        Self {
            rule,
            severity,
            severity_configured: false,
            files,
            findings: Vec::new(),
        }
    }

    /// Reports a finding on `path` of `object`; the span is resolved here, once.
    pub fn report(
        &mut self,
        object: &Object,
        path: FieldPath,
        message: impl Into<String>,
    ) -> Reported<'_> {
        let span = span_of(self.files, object, &path);
        self.push(Finding {
            rule: self.rule,
            severity: self.severity,
            message: message.into(),
            help: None,
            file: object.file,
            span,
            object: Some(ObjectKey::Loaded(object.id)),
            path: Some(path),
            related: Vec::new(),
            origin: None,
            fix: None,
        })
    }

    /// The run's files, as findings index them.
    pub fn files(&self) -> &'a [Arc<SourceFile>] {
        self.files
    }

    /// Reports a finding at a raw span (load errors, which have no object).
    pub fn report_at(
        &mut self,
        file: FileId,
        span: Span,
        object: Option<ObjectRef>,
        message: impl Into<String>,
    ) -> Reported<'_> {
        self.push(Finding {
            rule: self.rule,
            severity: self.severity,
            message: message.into(),
            help: None,
            file,
            span,
            object: object.map(|o| ObjectKey::Unloaded(Box::new(o))),
            path: None,
            related: Vec::new(),
            origin: None,
            fix: None,
        })
    }

    fn push(&mut self, finding: Finding) -> Reported<'_> {
        self.findings.push(finding);
        let files = self.files;
        let severity_configured = self.severity_configured;
        match self.findings.last_mut() {
            Some(finding) => Reported {
                finding,
                files,
                severity_configured,
            },
            None => unreachable!("a finding was just pushed"),
        }
    }
}

impl Reported<'_> {
    /// This sub-case's default severity, when it differs from the rule's (an undeclared
    /// numeric port is advisory where a named one certainly breaks). A severity the user
    /// configured for the rule wins over it.
    pub fn severity(&mut self, severity: Severity) -> &mut Self {
        if !self.severity_configured {
            self.finding.severity = severity;
        }
        self
    }

    pub fn help(&mut self, help: impl Into<String>) -> &mut Self {
        self.finding.help = Some(help.into());
        self
    }

    /// How to fix this finding (see [`crate::finding::Fix`]).
    pub fn fix(&mut self, fix: crate::finding::Fix) -> &mut Self {
        self.finding.fix = Some(fix);
        self
    }

    pub fn related(
        &mut self,
        object: &Object,
        path: &FieldPath,
        message: impl Into<String>,
    ) -> &mut Self {
        if self.related_full() {
            return self;
        }
        let span = span_of(self.files, object, path);
        self.finding.related.push(Related {
            file: object.file,
            span,
            message: message.into(),
        });
        self
    }

    /// At most [`MAX_RELATED`] related locations are kept; the next one becomes a single
    /// "… and more" note at the last kept place, and the rest are dropped, so that one finding
    /// over thousands of objects stays small.
    fn related_full(&mut self) -> bool {
        let related = &mut self.finding.related;
        match related.len() {
            n if n < MAX_RELATED => false,
            n if n == MAX_RELATED => {
                if let Some(last) = related.last() {
                    let (file, span) = (last.file, last.span);
                    related.push(Related {
                        file,
                        span,
                        message: format!("… and more: only the first {MAX_RELATED} are shown"),
                    });
                }
                true
            }
            _ => true,
        }
    }

    /// For "selects no pods" findings: when the namespace holds a custom resource of a kind
    /// kubeha does not know (`source`), its operator may create the pods, so the finding says
    /// so and drops to `info`.
    pub fn pods_may_come_from(&mut self, source: Option<&Object>) -> &mut Self {
        let Some(cr) = source else {
            return self;
        };
        self.finding.severity = Severity::Info;
        let _ = write!(
            self.finding.message,
            "; pods may come from {} ({}), a custom resource kubeha does not model",
            cr.describe(),
            cr.api_version
        );
        self.related(
            cr,
            &FieldPath::from_keys(&["kind"]),
            format!("{}: its operator may create the pods", cr.describe()),
        )
    }

    pub fn related_at(
        &mut self,
        file: FileId,
        span: Span,
        message: impl Into<String>,
    ) -> &mut Self {
        if self.related_full() {
            return self;
        }
        self.finding.related.push(Related {
            file,
            span,
            message: message.into(),
        });
        self
    }
}

/// How many related locations a finding keeps (see `Reported::related`).
pub const MAX_RELATED: usize = 20;

/// How many names a message or help lists before "… and N more".
pub const MAX_LISTED: usize = 20;

/// `a, b, c` of at most [`MAX_LISTED`] items, then "… and N more".
pub fn listing(items: &[String]) -> String {
    let shown = items.len().min(MAX_LISTED);
    let mut out = items.get(..shown).unwrap_or_default().join(", ");
    if items.len() > shown {
        let _ = write!(out, " … and {} more", items.len() - shown);
    }
    out
}

/// "1 replica", "3 replicas".
pub fn plural(n: impl fmt::Display, one: &str, many: &str) -> String {
    let n = n.to_string();
    let word = if n == "1" { one } else { many };
    format!("{n} {word}")
}

/// The help sentence a cross-object rule adds when it looked for `what` (``Service `web` ``)
/// among the loaded objects and did not find it.
pub fn outside_files(what: &str) -> String {
    format!(
        "kubeha only sees the files it is given: if {what} is defined in another file, lint both together"
    )
}

/// The help sentence every cross-object rule carries.
pub const OUTSIDE_FILES: &str = "kubeha only sees the files it is given: if a related object is defined in another file, lint both together";

/// Reports every container (sidecars included) without `resources.limits.<resource>`.
pub(crate) fn missing_limit(cx: &Context<'_>, out: &mut Sink<'_>, resource: &str, why: &str) {
    for w in &cx.index.workloads {
        for c in w.containers() {
            if c.sets_resource(true, resource) {
                continue;
            }
            out.report(
                w.object,
                c.name_path(),
                format!(
                    "container `{}` of {} has no {resource} limit",
                    c.container.name,
                    w.object.describe()
                ),
            )
            .help(format!(
                "Set `resources.limits.{resource}`: without it {why}"
            ));
        }
    }
}
