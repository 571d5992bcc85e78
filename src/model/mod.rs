//! Kubernetes objects as kubeha sees them: the raw value with spans, the typed k8s-openapi
//! object when the kind is known, and the [`Workload`] view shared by every pod-level rule.

mod claim;
mod decode;
mod hpa;
mod image;
mod lenient;
mod lifecycle;
mod operated;
mod path;
mod pdb;
mod resources;
mod rollout;
mod scope;
mod selector;
mod service;
mod serving;
mod validation;
pub mod variants;
mod workload;

pub use claim::is_read_write_once;
pub use decode::{DecodeError, LenientDecoded, Typed, decode, decode_lenient, unread_subtree};
pub use hpa::{UtilizationTarget, is_decoded_hpa_version, scale_down_rules, utilization_targets};
pub use image::{container_datastore, datastore, image_name, image_tag};
pub use lifecycle::{has_pre_stop, pre_stop_sleep, termination_grace_seconds};
pub use operated::{OperatedPods, OperatorKind, is_unknown_custom_resource};
pub use path::{FieldPath, Seg, resolve};
pub use pdb::{PDB_V1BETA1_LABEL, Pdb, PdbApi, budget_is_every_pod, budget_is_zero, budget_pods};
pub use resources::{container_requests, limit_range_defaults_request, pod_level_requests};
pub use rollout::{
    Fenceposts, deployment_fenceposts, deployment_strategy, parse_percent,
    parse_percent_at_most_100, scaled_value, update_strategy_type,
};
pub use scope::{CLUSTER_SCOPED, is_cluster_scoped};
pub use selector::{
    Labels, Operator, Selector, display_labels, display_selector, requirement_matches,
};
pub use service::container_serves;
pub use serving::{Traffic, service_pod_selector};
pub use validation::api_rejections;
pub use variants::{FileUnit, Identity, VariantSet, Variants, identity};
pub use workload::{CONTROLLER_LABELS, ContainerKind, ContainerRef, Workload, WorkloadKind};

use serde_json::Value;

use crate::source::SpanNode;

/// An object of a run: its place in the workspace's object list (file order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectId(usize);

impl ObjectId {
    pub const fn new(index: usize) -> Self {
        ObjectId(index)
    }

    /// Its index in the object list.
    pub const fn index(self) -> usize {
        self.0
    }
}

/// The object list of a run, looked up by [`ObjectId`].
pub trait ObjectList {
    fn object(&self, id: ObjectId) -> Option<&Object>;
    /// Every object with its id.
    fn with_ids(&self) -> impl Iterator<Item = (ObjectId, &Object)>;
}

impl ObjectList for [Object] {
    fn object(&self, id: ObjectId) -> Option<&Object> {
        self.get(id.index())
    }

    fn with_ids(&self) -> impl Iterator<Item = (ObjectId, &Object)> {
        self.iter().enumerate().map(|(i, o)| (ObjectId::new(i), o))
    }
}

/// One Kubernetes object: a document, or one item of a `kind: List` document.
#[derive(Debug)]
pub struct Object {
    /// Its place in the workspace's object list (set by the loader).
    pub id: ObjectId,
    /// Index of the file in the run's file list.
    pub file: crate::source::FileId,
    /// 0-based index of the document in its file.
    pub document: usize,
    pub api_version: String,
    pub kind: String,
    pub name: String,
    /// `metadata.namespace` as written.
    pub explicit_namespace: Option<String>,
    /// The namespace it lives in: explicit, or the run's default.
    pub namespace: String,
    pub raw: Value,
    pub spans: SpanNode,
    pub typed: Typed,
    /// Fields its kind's schema does not have (`unknown-field`).
    pub unknown_fields: Vec<FieldPath>,
    /// Unquoted scalars YAML 1.1 read as a non-string where the schema wants a string
    /// (`ambiguous-scalar`); decoding went on with their text.
    pub ambiguous: Vec<FieldPath>,
}

impl Object {
    /// The API group (`apps` for `apps/v1`, empty for `v1`).
    pub fn group(&self) -> &str {
        api_group(&self.api_version)
    }

    /// Whether its kind is a built-in cluster-scoped one (no namespace).
    pub fn is_cluster_scoped(&self) -> bool {
        is_cluster_scoped(self.group(), &self.kind)
    }

    /// ``Deployment `web` in namespace `shop` ``, or ``ClusterRole `admin` `` for a
    /// cluster-scoped kind, for messages.
    pub fn describe_placed(&self) -> String {
        if self.is_cluster_scoped() {
            self.describe()
        } else {
            format!("{} in namespace `{}`", self.describe(), self.namespace)
        }
    }

    /// ``Deployment `web` ``, for messages.
    pub fn describe(&self) -> String {
        if self.name.is_empty() {
            format!("{} (unnamed)", self.kind)
        } else {
            format!("{} `{}`", self.kind, self.name)
        }
    }

    pub fn get(&self, path: &FieldPath) -> Option<&Value> {
        path.get(&self.raw)
    }
}

pub fn api_group(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(g, _)| g)
}

/// An object decoded from `raw` the way the loader does, for unit tests.
#[cfg(test)]
pub(crate) fn test_object(raw: Value) -> Object {
    let text = |k: &str| {
        raw.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let api_version = text("apiVersion");
    let kind = text("kind");
    let meta = |k: &str| {
        raw.pointer(&format!("/metadata/{k}"))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let (typed, unknown_fields) = decode(&api_version, &kind, &raw);
    let explicit_namespace = meta("namespace");
    Object {
        id: ObjectId::new(0),
        file: crate::source::FileId::new(0),
        document: 0,
        name: meta("name").unwrap_or_default(),
        namespace: explicit_namespace
            .clone()
            .unwrap_or_else(|| "default".to_owned()),
        explicit_namespace,
        api_version,
        kind,
        spans: SpanNode::default(),
        typed: typed.unwrap_or(Typed::Generic),
        unknown_fields,
        ambiguous: Vec::new(),
        raw,
    }
}
