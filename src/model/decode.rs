//! Typed decoding of known kinds into k8s-openapi types; a type error becomes a field path.

use k8s_openapi::api::{
    admissionregistration::v1 as admission, apps::v1 as apps, autoscaling, batch::v1 as batch,
    core::v1 as core, networking::v1 as networking, policy::v1 as policy, rbac::v1 as rbac,
    scheduling::v1 as scheduling, storage::v1 as storage,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::lenient::{Coercions, Lenient};
use super::{FieldPath, Seg};
use crate::source::SpanNode;

/// The typed object, for the kinds rules read through k8s-openapi.
#[derive(Debug)]
pub enum Typed {
    Deployment(Box<apps::Deployment>),
    StatefulSet(Box<apps::StatefulSet>),
    DaemonSet(Box<apps::DaemonSet>),
    ReplicaSet(Box<apps::ReplicaSet>),
    ReplicationController(Box<core::ReplicationController>),
    Job(Box<batch::Job>),
    CronJob(Box<batch::CronJob>),
    Pod(Box<core::Pod>),
    Service(Box<core::Service>),
    PodDisruptionBudget(Box<policy::PodDisruptionBudget>),
    /// An `autoscaling/v1` HorizontalPodAutoscaler (CPU target only).
    HorizontalPodAutoscalerV1(Box<autoscaling::v1::HorizontalPodAutoscaler>),
    /// An `autoscaling/v2` HorizontalPodAutoscaler. The removed `v2beta1` / `v2beta2` are not
    /// decoded (k8s-openapi no longer has them): they stay [`Typed::Generic`] and
    /// [`super::hpa`] reads their raw value, as it reads a KEDA `ScaledObject`.
    HorizontalPodAutoscaler(Box<autoscaling::v2::HorizontalPodAutoscaler>),
    /// A `networking.k8s.io/v1` Ingress.
    Ingress(Box<networking::Ingress>),
    PersistentVolumeClaim(Box<core::PersistentVolumeClaim>),
    /// Any other kind with `spec.template.spec.containers` (Argo `Rollout`, `DeploymentConfig`,
    /// or a removed apiVersion of a built-in workload such as `extensions/v1beta1`).
    Duck(Box<DuckWorkload>),
    /// A kind kubeha checked against its schema but does not keep, or does not know.
    Generic,
}

#[derive(Debug)]
pub struct DuckWorkload {
    pub replicas: Option<i32>,
    pub selector: Option<LabelSelector>,
    /// An OpenShift `DeploymentConfig`'s `spec.selector`: a plain label map (`map[string]string`
    /// in openshift/api `apps/v1` `DeploymentConfigSpec`), not a LabelSelector.
    pub selector_map: Option<super::Labels>,
    pub template: core::PodTemplateSpec,
}

/// A field that does not fit its schema.
#[derive(Debug, Clone)]
pub struct DecodeError {
    pub path: FieldPath,
    pub message: String,
}

thread_local! {
    /// Unknown fields met by the current decode: `serde_ignored` reports them through a callback.
    static UNKNOWN: std::cell::RefCell<Vec<FieldPath>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn ignored_path(path: &serde_ignored::Path<'_>, out: &mut Vec<Seg>) {
    match path {
        serde_ignored::Path::Root => {}
        serde_ignored::Path::Seq { parent, index } => {
            ignored_path(parent, out);
            out.push(Seg::Index(*index));
        }
        serde_ignored::Path::Map { parent, key } => {
            ignored_path(parent, out);
            out.push(Seg::from(key.clone()));
        }
        serde_ignored::Path::Some { parent }
        | serde_ignored::Path::NewtypeStruct { parent }
        | serde_ignored::Path::NewtypeVariant { parent } => ignored_path(parent, out),
    }
}

#[allow(
    clippy::needless_pass_by_value,
    reason = "serde_ignored hands the path over by value"
)]
fn record_unknown(path: serde_ignored::Path<'_>) {
    let mut segs = Vec::new();
    ignored_path(&path, &mut segs);
    UNKNOWN.with(|u| u.borrow_mut().push(FieldPath(segs)));
}

/// `serde_ignored`'s callback as one plain function type: a closure would be a new type in
/// every instantiation of [`de`], and with it every nested k8s-openapi deserializer (the
/// `PodSpec` inside each workload kind) would be compiled once per kind instead of once.
const RECORD_UNKNOWN: fn(serde_ignored::Path<'_>) = record_unknown;

/// Decodes `value` as `T`; fields `T` does not know are collected into [`UNKNOWN`].
///
/// Nearly every object decodes, so the first attempt does not track paths (tracking costs
/// about a third of decoding); only a failure decodes again to locate the offending field.
fn de<T: DeserializeOwned>(value: Lenient<'_>) -> Result<T, DecodeError> {
    let before = UNKNOWN.with(|u| u.borrow().len());
    let found = value.coercions().map(Coercions::found);
    if let Ok(decoded) = serde_ignored::deserialize(value, RECORD_UNKNOWN) {
        return Ok(decoded);
    }
    UNKNOWN.with(|u| u.borrow_mut().truncate(before));
    if let (Some(c), Some(found)) = (value.coercions(), found) {
        c.truncate(found);
    }
    de_tracked(value)
}

fn de_tracked<T: DeserializeOwned>(value: Lenient<'_>) -> Result<T, DecodeError> {
    let mut track = serde_path_to_error::Track::new();
    let tracked = serde_path_to_error::Deserializer::new(value, &mut track);
    let result = serde_ignored::deserialize(tracked, RECORD_UNKNOWN);
    result.map_err(|e| {
        let path = FieldPath(
            track
                .path()
                .iter()
                .filter_map(|seg| match seg {
                    serde_path_to_error::Segment::Seq { index } => Some(Seg::Index(*index)),
                    serde_path_to_error::Segment::Map { key } => Some(Seg::from(key.clone())),
                    _ => None,
                })
                .collect(),
        );
        DecodeError {
            message: plain_words(&e.to_string()),
            path,
        }
    })
}

/// serde's wording, in Kubernetes terms: `expected i32` → `expected an integer`.
pub(super) fn plain_words(message: &str) -> String {
    let mut out = message.to_owned();
    for (from, to) in [
        ("expected i32", "expected an integer"),
        ("expected i64", "expected an integer"),
        ("expected u32", "expected a non-negative integer"),
        ("expected f64", "expected a number"),
        ("expected a sequence", "expected a list"),
        ("expected a map", "expected a mapping"),
        ("a 32-bit integer", "an integer"),
        ("invalid type: map", "invalid type: mapping"),
        ("invalid type: sequence", "invalid type: list"),
    ] {
        out = out.replace(from, to);
    }
    if let Some(i) = out.find("expected struct ") {
        out.replace_range(i.., "expected a mapping");
    }
    out
}

fn de_at<T: DeserializeOwned>(root: Lenient<'_>, at: &FieldPath) -> Result<Option<T>, DecodeError> {
    let Some(value) = root.at(at) else {
        return Ok(None);
    };
    let before = UNKNOWN.with(|u| u.borrow().len());
    if let Some(c) = root.coercions() {
        c.set_prefix(at.clone());
    }
    let decoded = de::<T>(value);
    if let Some(c) = root.coercions() {
        c.set_prefix(FieldPath::root());
    }
    UNKNOWN.with(|u| {
        for p in u.borrow_mut().iter_mut().skip(before) {
            let mut full = at.clone();
            full.0.append(&mut p.0);
            *p = full;
        }
    });
    decoded.map(Some).map_err(|mut e| {
        let mut full = at.clone();
        full.0.append(&mut e.path.0);
        e.path = full;
        e
    })
}

macro_rules! keep {
    ($variant:ident, $ty:ty, $value:expr) => {
        de::<$ty>($value).map(|t| Typed::$variant(Box::new(t)))
    };
}

macro_rules! check {
    ($ty:ty, $value:expr) => {
        de::<$ty>($value).map(|_| Typed::Generic)
    };
}

/// Decodes `value` by its `apiVersion` and `kind`, with the paths of fields its schema does
/// not have (for `unknown-field`).
pub fn decode(
    api_version: &str,
    kind: &str,
    value: &Value,
) -> (Result<Typed, DecodeError>, Vec<FieldPath>) {
    UNKNOWN.with(|u| u.borrow_mut().clear());
    let typed = decode_kind(api_version, kind, Lenient::new(value, None, None));
    let unknown = UNKNOWN.with(|u| std::mem::take(&mut *u.borrow_mut()));
    (typed, unknown)
}

/// What [`decode_lenient`] returns: the typed object, unknown fields, and the paths of the
/// unquoted non-strings it read as their text in string fields.
pub type LenientDecoded = (Result<Typed, DecodeError>, Vec<FieldPath>, Vec<FieldPath>);

/// [`decode`], reading an unquoted non-string (`yes`, `0644`; see [`crate::source::flags`])
/// in a string field as its text in `text`, at most `cap` times, in one pass.
pub fn decode_lenient(
    api_version: &str,
    kind: &str,
    value: &Value,
    (spans, text): (&SpanNode, &str),
    cap: usize,
) -> LenientDecoded {
    UNKNOWN.with(|u| u.borrow_mut().clear());
    let coercions = Coercions::new(value, text, cap);
    let typed = decode_kind(
        api_version,
        kind,
        Lenient::new(value, Some(spans), Some(&coercions)),
    );
    let unknown = UNKNOWN.with(|u| std::mem::take(&mut *u.borrow_mut()));
    (typed, unknown, coercions.into_found())
}

fn decode_kind(api_version: &str, kind: &str, value: Lenient<'_>) -> Result<Typed, DecodeError> {
    match (api_version, kind) {
        ("apps/v1", "Deployment") => keep!(Deployment, apps::Deployment, value),
        ("apps/v1", "StatefulSet") => keep!(StatefulSet, apps::StatefulSet, value),
        ("apps/v1", "DaemonSet") => keep!(DaemonSet, apps::DaemonSet, value),
        ("apps/v1", "ReplicaSet") => keep!(ReplicaSet, apps::ReplicaSet, value),
        ("v1", "ReplicationController") => {
            keep!(ReplicationController, core::ReplicationController, value)
        }
        ("batch/v1", "Job") => keep!(Job, batch::Job, value),
        ("batch/v1", "CronJob") => keep!(CronJob, batch::CronJob, value),
        ("v1", "Pod") => keep!(Pod, core::Pod, value),
        ("v1", "Service") => keep!(Service, core::Service, value),
        ("policy/v1", "PodDisruptionBudget") => {
            keep!(PodDisruptionBudget, policy::PodDisruptionBudget, value)
        }
        // policy/v1beta1 has the same fields; `Pdb` keeps its selector semantics apart (it
        // reads `Object::api_version`). The typed decoder checks `apiVersion`, hence the copy.
        ("policy/v1beta1", "PodDisruptionBudget") => {
            let mut v1 = value.value.clone();
            if let Some(map) = v1.as_object_mut() {
                map.insert("apiVersion".to_owned(), Value::from("policy/v1"));
            }
            keep!(
                PodDisruptionBudget,
                policy::PodDisruptionBudget,
                value.with_value(&v1)
            )
        }
        ("autoscaling/v1", "HorizontalPodAutoscaler") => {
            keep!(
                HorizontalPodAutoscalerV1,
                autoscaling::v1::HorizontalPodAutoscaler,
                value
            )
        }
        ("autoscaling/v2", "HorizontalPodAutoscaler") => {
            keep!(
                HorizontalPodAutoscaler,
                autoscaling::v2::HorizontalPodAutoscaler,
                value
            )
        }
        ("v1", "ConfigMap") => check!(core::ConfigMap, value),
        ("v1", "Secret") => check!(core::Secret, value),
        ("v1", "ServiceAccount") => check!(core::ServiceAccount, value),
        ("v1", "Namespace") => check!(core::Namespace, value),
        ("v1", "PersistentVolumeClaim") => {
            keep!(PersistentVolumeClaim, core::PersistentVolumeClaim, value)
        }
        ("v1", "PersistentVolume") => check!(core::PersistentVolume, value),
        ("v1", "LimitRange") => check!(core::LimitRange, value),
        ("v1", "ResourceQuota") => check!(core::ResourceQuota, value),
        ("v1", "PodTemplate") => check!(core::PodTemplate, value),
        ("apps/v1", "ControllerRevision") => check!(apps::ControllerRevision, value),
        ("networking.k8s.io/v1", "Ingress") => keep!(Ingress, networking::Ingress, value),
        ("networking.k8s.io/v1", "IngressClass") => check!(networking::IngressClass, value),
        ("networking.k8s.io/v1", "NetworkPolicy") => check!(networking::NetworkPolicy, value),
        ("rbac.authorization.k8s.io/v1", "Role") => check!(rbac::Role, value),
        ("rbac.authorization.k8s.io/v1", "ClusterRole") => check!(rbac::ClusterRole, value),
        ("rbac.authorization.k8s.io/v1", "RoleBinding") => check!(rbac::RoleBinding, value),
        ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding") => {
            check!(rbac::ClusterRoleBinding, value)
        }
        ("storage.k8s.io/v1", "StorageClass") => check!(storage::StorageClass, value),
        ("storage.k8s.io/v1", "CSIDriver") => check!(storage::CSIDriver, value),
        ("scheduling.k8s.io/v1", "PriorityClass") => check!(scheduling::PriorityClass, value),
        ("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration") => {
            check!(admission::ValidatingWebhookConfiguration, value)
        }
        ("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration") => {
            check!(admission::MutatingWebhookConfiguration, value)
        }
        // CustomResourceDefinitions are not decoded: no rule reads their schemas, and their
        // deep OpenAPI trees would cost more than every other object together (nor is their
        // `spec` built: see `unread_subtree`).
        // OpenShift `apps.openshift.io/v1`, or the legacy `v1` of OpenShift 3.
        (_, "DeploymentConfig") if matches!(api_version, "apps.openshift.io/v1" | "v1") => {
            duck(value, true)
        }
        _ => duck(value, false),
    }
}

/// Which top-level values of a manifest the loader does not build (a
/// [`crate::source::Unread`]): a CustomResourceDefinition's `spec`, whose OpenAPI schemas are
/// most of a CRD file's bytes and which no rule reads. The one place that decides it.
pub fn unread_subtree(key: &str, earlier: &dyn Fn(&str, &str) -> bool) -> bool {
    key == "spec" && earlier("kind", "CustomResourceDefinition")
}

/// Any other object with `spec.template.spec.containers` is a workload too.
fn duck(value: Lenient<'_>, map_selector: bool) -> Result<Typed, DecodeError> {
    let has_containers = value
        .value
        .pointer("/spec/template/spec/containers")
        .is_some_and(Value::is_array);
    if !has_containers {
        return Ok(Typed::Generic);
    }
    let spec = FieldPath::from_keys(&["spec"]);
    let template =
        de_at::<core::PodTemplateSpec>(value, &spec.clone().key("template"))?.unwrap_or_default();
    let selector_at = spec.clone().key("selector");
    let (selector, selector_map) = if map_selector {
        (None, de_at(value, &selector_at)?)
    } else {
        (de_at(value, &selector_at)?, None)
    };
    Ok(Typed::Duck(Box::new(DuckWorkload {
        replicas: de_at(value, &spec.key("replicas"))?,
        selector,
        selector_map,
        template,
    })))
}

#[cfg(test)]
mod tests {
    use super::unread_subtree;

    #[test]
    fn only_a_crd_spec_is_unread() {
        let kind_is = |kind: &'static str| move |k: &str, v: &str| k == "kind" && v == kind;
        assert!(unread_subtree("spec", &kind_is("CustomResourceDefinition")));
        assert!(!unread_subtree(
            "metadata",
            &kind_is("CustomResourceDefinition")
        ));
        assert!(!unread_subtree("spec", &kind_is("Deployment")));
    }
}
