//! The workload view: one shape over every kind that runs pods.
//!
//! Rules never look at `Deployment` vs `StatefulSet` vs `Rollout` to find a pod spec, its labels,
//! its selector or its containers: they ask this view, so that no two rules can disagree.

use k8s_openapi::api::core::v1::{Container, PodAffinityTerm, PodSpec, PodTemplateSpec};

use super::decode::{DuckWorkload, Typed};
use super::selector::{Labels, Selector};
use super::{FieldPath, Object, ObjectId};

static NO_LABELS: Labels = Labels::new();

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkloadKind {
    Pod,
    Deployment,
    StatefulSet,
    DaemonSet,
    ReplicaSet,
    ReplicationController,
    Job,
    CronJob,
    /// A duck-typed workload of another kind (Argo `Rollout`, …).
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContainerKind {
    Main,
    /// An init container with `restartPolicy: Always`: runs for the pod's whole life.
    Sidecar,
}

#[derive(Debug)]
pub struct ContainerRef<'a> {
    pub container: &'a Container,
    pub path: FieldPath,
    pub kind: ContainerKind,
}

impl ContainerRef<'_> {
    /// The container's `name:` entry: where a person looks for "this container".
    pub fn name_path(&self) -> FieldPath {
        self.path.clone().key("name")
    }

    /// Whether the container sets `resources.limits.<resource>` (`limits`) or
    /// `resources.requests.<resource>`.
    pub fn sets_resource(&self, limits: bool, resource: &str) -> bool {
        self.container.resources.as_ref().is_some_and(|r| {
            let map = if limits { &r.limits } else { &r.requests };
            map.as_ref().is_some_and(|m| m.contains_key(resource))
        })
    }

    /// `container` or `sidecar container`, for messages.
    pub fn role(&self) -> &'static str {
        match self.kind {
            ContainerKind::Main => "container",
            ContainerKind::Sidecar => "sidecar container",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Workload<'a> {
    /// Index of the object in the run's object list.
    pub index: ObjectId,
    pub object: &'a Object,
    pub kind: WorkloadKind,
    pub pod_spec: &'a PodSpec,
    pub pod_spec_path: &'static [&'static str],
    /// Path of the pod template's `metadata` (the object's own for a Pod).
    pub template_meta_path: &'static [&'static str],
    /// The labels its pods carry (pod template labels).
    pub labels: &'a Labels,
    /// `spec.selector`, when the kind has one and it is set.
    pub selector: Option<Selector<'a>>,
    /// `spec.replicas` as written.
    pub replicas: Option<i32>,
    /// Whether the kind has a `spec.replicas` field at all.
    has_replicas_field: bool,
}

const TEMPLATE_SPEC: &[&str] = &["spec", "template", "spec"];
const TEMPLATE_META: &[&str] = &["spec", "template", "metadata"];

fn template_parts(t: &PodTemplateSpec) -> Option<(&PodSpec, &Labels)> {
    let labels = t
        .metadata
        .as_ref()
        .and_then(|m| m.labels.as_ref())
        .unwrap_or(&NO_LABELS);
    Some((t.spec.as_ref()?, labels))
}

impl<'a> Workload<'a> {
    /// The workload view of an object, if it runs pods.
    pub fn of(index: ObjectId, object: &'a Object) -> Option<Self> {
        let mut w = Workload {
            index,
            object,
            kind: WorkloadKind::Other,
            pod_spec: empty_pod_spec(),
            pod_spec_path: TEMPLATE_SPEC,
            template_meta_path: TEMPLATE_META,
            labels: &NO_LABELS,
            selector: None,
            replicas: None,
            has_replicas_field: false,
        };
        match &object.typed {
            Typed::Deployment(d) => {
                let spec = &d.spec;
                (w.pod_spec, w.labels) = template_parts(&spec.template)?;
                w.kind = WorkloadKind::Deployment;
                w.selector = Some(Selector::Label(&spec.selector));
                w.replicas = spec.replicas;
                w.has_replicas_field = true;
            }
            Typed::StatefulSet(s) => {
                let spec = &s.spec;
                (w.pod_spec, w.labels) = template_parts(&spec.template)?;
                w.kind = WorkloadKind::StatefulSet;
                w.selector = Some(Selector::Label(&spec.selector));
                w.replicas = spec.replicas;
                w.has_replicas_field = true;
            }
            Typed::DaemonSet(d) => {
                let spec = &d.spec;
                (w.pod_spec, w.labels) = template_parts(&spec.template)?;
                w.kind = WorkloadKind::DaemonSet;
                w.selector = Some(Selector::Label(&spec.selector));
            }
            Typed::ReplicaSet(r) => {
                let spec = &r.spec;
                (w.pod_spec, w.labels) = template_parts(spec.template.as_ref()?)?;
                w.kind = WorkloadKind::ReplicaSet;
                w.selector = Some(Selector::Label(&spec.selector));
                w.replicas = spec.replicas;
                w.has_replicas_field = true;
            }
            Typed::ReplicationController(r) => {
                let spec = r.spec.as_ref()?;
                (w.pod_spec, w.labels) = template_parts(spec.template.as_ref()?)?;
                w.kind = WorkloadKind::ReplicationController;
                // An absent selector defaults to the template labels.
                w.selector = spec.selector.as_ref().map(Selector::Map);
                w.replicas = spec.replicas;
                w.has_replicas_field = true;
            }
            Typed::Job(j) => {
                let spec = j.spec.as_ref()?;
                (w.pod_spec, w.labels) = template_parts(&spec.template)?;
                w.kind = WorkloadKind::Job;
                w.selector = spec.selector.as_ref().map(Selector::Label);
            }
            Typed::CronJob(c) => {
                let job = c.spec.job_template.spec.as_ref()?;
                (w.pod_spec, w.labels) = template_parts(&job.template)?;
                w.kind = WorkloadKind::CronJob;
                w.pod_spec_path = &["spec", "jobTemplate", "spec", "template", "spec"];
                w.template_meta_path = &["spec", "jobTemplate", "spec", "template", "metadata"];
            }
            Typed::Pod(p) => {
                w.pod_spec = p.spec.as_ref()?;
                w.labels = p.metadata.labels.as_ref().unwrap_or(&NO_LABELS);
                w.kind = WorkloadKind::Pod;
                w.pod_spec_path = &["spec"];
                w.template_meta_path = &["metadata"];
            }
            Typed::Duck(d) => return Self::duck(w, d),
            Typed::Service(_)
            | Typed::PodDisruptionBudget(_)
            | Typed::HorizontalPodAutoscalerV1(_)
            | Typed::HorizontalPodAutoscaler(_)
            | Typed::Ingress(_)
            | Typed::PersistentVolumeClaim(_)
            | Typed::Generic => return None,
        }
        Some(w)
    }

    fn duck(mut w: Self, d: &'a DuckWorkload) -> Option<Self> {
        (w.pod_spec, w.labels) = template_parts(&d.template)?;
        // A removed apiVersion of a built-in kind keeps that kind's meaning.
        w.kind = match w.object.kind.as_str() {
            "Deployment" => WorkloadKind::Deployment,
            "StatefulSet" => WorkloadKind::StatefulSet,
            "DaemonSet" => WorkloadKind::DaemonSet,
            "ReplicaSet" => WorkloadKind::ReplicaSet,
            _ => WorkloadKind::Other,
        };
        w.selector = match &d.selector_map {
            Some(map) => Some(Selector::Map(map)),
            None => d.selector.as_ref().map(Selector::Label),
        };
        w.replicas = d.replicas;
        w.has_replicas_field = w.kind != WorkloadKind::DaemonSet
            && (w.kind != WorkloadKind::Other
                || w.object
                    .get(&FieldPath::from_keys(&["spec", "replicas"]))
                    .is_some());
        Some(w)
    }

    /// Deployment, StatefulSet, ReplicaSet, ReplicationController, and duck-typed workloads
    /// with `spec.replicas`. DaemonSets, Jobs, CronJobs and Pods are not.
    pub fn is_scalable(&self) -> bool {
        self.has_replicas_field
    }

    /// Not a Job or CronJob, and not a bare Pod meant to run to completion.
    pub fn is_long_running(&self) -> bool {
        match self.kind {
            WorkloadKind::Job | WorkloadKind::CronJob => false,
            WorkloadKind::Pod => !matches!(
                self.pod_spec.restart_policy.as_deref(),
                Some("Never" | "OnFailure")
            ),
            _ => true,
        }
    }

    pub fn pod_spec_path(&self) -> FieldPath {
        FieldPath::from_keys(self.pod_spec_path)
    }

    /// Whether pod anti-affinity or topology spread spreads this workload's own pods over one
    /// of `keys`.
    pub fn spreads_own_pods(&self, keys: &[String]) -> bool {
        spreads(self, &|key| keys.iter().any(|k| k == key))
    }

    /// Whether pod anti-affinity or topology spread spreads this workload's own pods over any
    /// topology key.
    pub fn spreads_own_pods_over_any_key(&self) -> bool {
        spreads(self, &|key| !key.is_empty())
    }

    /// The labels that pick exactly this workload's pods, for advice that builds a selector
    /// (a PDB, a spread constraint): `spec.selector` as written when the kind has a label
    /// selector, otherwise the pod template labels without the ones that change on every
    /// release or are injected (`version`, `app.kubernetes.io/version`, `helm.sh/chart`, …).
    pub fn own_pods_selector(&self) -> String {
        if let Some(s @ Selector::Label(_)) = self.selector {
            return super::display_selector(s);
        }
        let stable: Labels = self
            .labels
            .iter()
            .filter(|(k, _)| !is_volatile_label(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        super::display_labels(if stable.is_empty() {
            self.labels
        } else {
            &stable
        })
    }

    pub fn labels_path(&self) -> FieldPath {
        FieldPath::from_keys(self.template_meta_path).key("labels")
    }

    /// Containers that run for the pod's life: `containers` and native sidecars.
    pub fn containers(&self) -> impl Iterator<Item = ContainerRef<'a>> + '_ {
        let base = self.pod_spec_path();
        let main = self.pod_spec.containers.iter().enumerate().map({
            let base = base.clone();
            move |(i, c)| ContainerRef {
                container: c,
                path: base.clone().key("containers").index(i),
                kind: ContainerKind::Main,
            }
        });
        let sidecars = self
            .pod_spec
            .init_containers
            .iter()
            .flatten()
            .enumerate()
            .filter(|(_, c)| c.restart_policy.as_deref() == Some("Always"))
            .map(move |(i, c)| ContainerRef {
                container: c,
                path: base.clone().key("initContainers").index(i),
                kind: ContainerKind::Sidecar,
            });
        main.chain(sidecars)
    }
}

/// True when an anti-affinity term spreads the workload's own pods over an accepted key.
fn term_spreads(term: &PodAffinityTerm, w: &Workload<'_>, key_ok: &dyn Fn(&str) -> bool) -> bool {
    let namespaces_ok = term.namespace_selector.is_some()
        || term
            .namespaces
            .as_ref()
            .is_none_or(|ns| ns.is_empty() || ns.contains(&w.object.namespace));
    namespaces_ok
        && key_ok(&term.topology_key)
        && Selector::from_label(term.label_selector.as_ref()).matches(w.labels)
}

/// Whether pod anti-affinity or a topology spread constraint spreads the workload's own pods
/// over a topology key `key_ok` accepts (`kubernetes.io/hostname`, a zone label).
fn spreads(w: &Workload<'_>, key_ok: &dyn Fn(&str) -> bool) -> bool {
    let spec = w.pod_spec;
    let anti = spec
        .affinity
        .as_ref()
        .and_then(|a| a.pod_anti_affinity.as_ref());
    let by_anti_affinity = anti.is_some_and(|anti| {
        anti.required_during_scheduling_ignored_during_execution
            .iter()
            .flatten()
            .any(|t| term_spreads(t, w, key_ok))
            || anti
                .preferred_during_scheduling_ignored_during_execution
                .iter()
                .flatten()
                .any(|t| term_spreads(&t.pod_affinity_term, w, key_ok))
    });
    let by_topology_spread = spec.topology_spread_constraints.iter().flatten().any(|c| {
        key_ok(&c.topology_key) && Selector::from_label(c.label_selector.as_ref()).matches(w.labels)
    });
    by_anti_affinity || by_topology_spread
}

/// Labels that differ between releases of one workload or are stamped by tooling: a selector
/// built from them breaks on the next release or matches nothing.
fn is_volatile_label(key: &str) -> bool {
    matches!(
        key,
        "version"
            | "app.kubernetes.io/version"
            | "helm.sh/chart"
            | "chart"
            | "heritage"
            | "release"
            | "app.kubernetes.io/managed-by"
    ) || CONTROLLER_LABELS.contains(&key)
        || key.starts_with("service.istio.io/")
        || key.starts_with("security.istio.io/")
        || key.starts_with("sidecar.istio.io/")
}

fn empty_pod_spec() -> &'static PodSpec {
    static EMPTY: std::sync::OnceLock<PodSpec> = std::sync::OnceLock::new();
    EMPTY.get_or_init(PodSpec::default)
}

impl Workload<'_> {
    /// Whether `selector` picks this workload's pods, counting the labels its controller
    /// stamps on every pod (`pod-template-hash`, `statefulset.kubernetes.io/pod-name`, …): a
    /// Service selecting one StatefulSet pod by name is legitimate.
    pub fn is_selected_by(&self, selector: Selector<'_>) -> bool {
        super::selector::matches_with_open_labels(selector, self.labels, |k, v| {
            self.controller_label(k, v)
        })
    }

    /// Whether the controller gives this workload's pods label `key` with a value that can be `value`.
    fn controller_label(&self, key: &str, value: &str) -> bool {
        let name = self.object.name.as_str();
        let ordinal_of = |v: &str| {
            v.strip_prefix(name)
                .and_then(|rest| rest.strip_prefix('-'))
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        };
        match (self.kind, key) {
            (WorkloadKind::Deployment, "pod-template-hash")
            | (WorkloadKind::StatefulSet | WorkloadKind::DaemonSet, "controller-revision-hash")
            | (WorkloadKind::DaemonSet, "pod-template-generation")
            | (
                WorkloadKind::Job | WorkloadKind::CronJob,
                "controller-uid" | "batch.kubernetes.io/controller-uid",
            ) => true,
            (WorkloadKind::StatefulSet, "statefulset.kubernetes.io/pod-name") => ordinal_of(value),
            (WorkloadKind::StatefulSet, "apps.kubernetes.io/pod-index") => {
                !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit())
            }
            (WorkloadKind::Job, "job-name" | "batch.kubernetes.io/job-name") => value == name,
            (WorkloadKind::CronJob, "job-name" | "batch.kubernetes.io/job-name") => {
                ordinal_of(value)
            }
            _ => false,
        }
    }
}

/// Label keys that controllers add to pods; a selector may require them without the template
/// carrying them.
pub const CONTROLLER_LABELS: &[&str] = &[
    "pod-template-hash",
    "controller-revision-hash",
    "pod-template-generation",
    "controller-uid",
    "batch.kubernetes.io/controller-uid",
    "statefulset.kubernetes.io/pod-name",
    "apps.kubernetes.io/pod-index",
    "job-name",
    "batch.kubernetes.io/job-name",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::test_object;
    use serde_json::{Value, json};

    /// A Deployment labelled `app: web` in namespace `shop` with `affinity` and `spread`.
    fn deployment(affinity: &Value, spread: &Value) -> Object {
        test_object(json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "shop"},
            "spec": {
                "selector": {"matchLabels": {"app": "web"}},
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {
                        "containers": [{"name": "web", "image": "web:1"}],
                        "affinity": affinity,
                        "topologySpreadConstraints": spread
                    }
                }
            }
        }))
    }

    fn spreads(o: &Object, keys: &[&str]) -> (bool, bool) {
        let w = Workload::of(ObjectId::new(0), o).unwrap();
        let keys: Vec<String> = keys.iter().map(|k| (*k).to_owned()).collect();
        (w.spreads_own_pods(&keys), w.spreads_own_pods_over_any_key())
    }

    #[test]
    fn spreading_needs_own_labels_a_key_and_the_own_namespace() {
        let host = "kubernetes.io/hostname";
        let term = |selector: Value, namespaces: Value| {
            json!({"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                {"topologyKey": host, "labelSelector": selector, "namespaces": namespaces}
            ]}})
        };
        let own = json!({"matchLabels": {"app": "web"}});
        let none = Value::Null;
        let o = deployment(&term(own.clone(), json!([])), &none);
        assert_eq!(spreads(&o, &[host]), (true, true));
        assert_eq!(spreads(&o, &["topology.kubernetes.io/zone"]), (false, true));
        let other = deployment(
            &term(json!({"matchLabels": {"app": "db"}}), json!([])),
            &none,
        );
        assert_eq!(spreads(&other, &[host]), (false, false));
        let elsewhere = deployment(&term(own.clone(), json!(["other"])), &none);
        assert_eq!(spreads(&elsewhere, &[host]), (false, false));
        let constraint = json!([{"maxSkew": 1, "topologyKey": host,
            "whenUnsatisfiable": "DoNotSchedule", "labelSelector": own}]);
        assert_eq!(
            spreads(&deployment(&none, &constraint), &[host]),
            (true, true)
        );
        assert_eq!(spreads(&deployment(&none, &none), &[host]), (false, false));
    }
}
