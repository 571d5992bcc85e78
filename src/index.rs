//! Relations between objects that rules share: which autoscaler drives a workload, which pods a
//! selector picks, which PDBs protect a workload. Indexed by namespace and label so that
//! cross-object rules never loop over all pairs of objects.
//!
//! Every lookup is made *from* an object and only answers with objects it may be paired with:
//! never one of a variant of its file (another environment's copy, an alternative install
//! file; see [`crate::model::variants`]).

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use crate::model::{
    CONTROLLER_LABELS, FieldPath, Object, ObjectId, ObjectList as _, OperatedPods, Pdb, Selector,
    Typed, Variants, Workload, api_group, is_decoded_hpa_version, is_read_write_once,
    is_unknown_custom_resource, service_pod_selector,
};

/// Who sets a workload's replica count.
#[derive(Debug)]
pub struct Autoscaler<'a> {
    pub object: &'a Object,
    pub min_replicas: i32,
    /// `minReplicas` (HPA) or `minReplicaCount` (KEDA), under `spec`.
    pub min_field: &'static str,
    /// Whether the minimum is written, or the kind's default.
    pub min_explicit: bool,
    pub max_replicas: i32,
    /// `maxReplicas` (HPA) or `maxReplicaCount` (KEDA), under `spec`.
    pub max_field: &'static str,
    pub target_kind: &'a str,
    pub target_name: &'a str,
    /// The target's API group, when `scaleTargetRef.apiVersion` gives one.
    pub target_group: Option<&'a str>,
}

impl Autoscaler<'_> {
    /// `spec.minReplicas` / `spec.minReplicaCount`, whether written or not.
    pub fn min_path(&self) -> FieldPath {
        FieldPath::from_keys(&["spec", self.min_field])
    }

    /// `spec.maxReplicas` / `spec.maxReplicaCount`, whether written or not.
    pub fn max_path(&self) -> FieldPath {
        FieldPath::from_keys(&["spec", self.max_field])
    }
}

/// Effective replicas of a scalable workload.
#[derive(Debug, Clone, Copy)]
pub struct Replicas<'i, 'a> {
    pub count: i32,
    pub autoscaler: Option<&'i Autoscaler<'a>>,
}

#[derive(Default, Debug)]
struct Namespace<'a> {
    /// Positions in `Index::workloads`.
    workloads: Vec<usize>,
    by_pair: HashMap<(&'a str, &'a str), Vec<usize>>,
    by_key: HashMap<&'a str, Vec<usize>>,
    pdbs: Vec<ObjectId>,
    /// PDBs by one label pair every pod they select carries, so that a
    /// workload only meets the PDBs of its own labels: 5,000 one-to-one apps in a namespace
    /// were 25 million selector evaluations.
    pdbs_by_pair: HashMap<(&'a str, &'a str), Vec<ObjectId>>,
    /// PDBs whose selector requires no such pair (`{}`, expressions only): tried on every
    /// workload.
    pdbs_unindexed: Vec<ObjectId>,
    /// Positions in `Index::operated`.
    operated: Vec<usize>,
    /// The first custom resource of a kind kubeha does not know.
    unknown_custom_resource: Option<ObjectId>,
}

/// The pods a selector picks in one namespace.
#[derive(Debug, Default)]
pub struct Pods<'i, 'a> {
    /// Workloads whose pod template labels match, in load order.
    pub workloads: Vec<&'i Workload<'a>>,
    /// Operator custom resources whose pods' labels match, in load order.
    pub operated: Vec<&'i OperatedPods<'a>>,
}

impl Pods<'_, '_> {
    pub fn is_empty(&self) -> bool {
        self.workloads.is_empty() && self.operated.is_empty()
    }
}

pub struct Index<'a> {
    pub objects: &'a [Object],
    pub workloads: Vec<Workload<'a>>,
    /// Pods that operators create from custom resources (Prometheus Operator, …).
    pub operated: Vec<OperatedPods<'a>>,
    namespaces: HashMap<&'a str, Namespace<'a>>,
    autoscalers: Vec<Autoscaler<'a>>,
    /// `(namespace, metadata.name)` → objects, for reference lookups: one name in
    /// 10,000 namespaces is 10,000 objects, not candidates of every lookup.
    by_name: HashMap<(&'a str, &'a str), Vec<ObjectId>>,
    /// A workload → its position in `autoscalers`.
    autoscaler_of: HashMap<ObjectId, usize>,
    /// A workload → its position in `workloads`.
    workload_of: HashMap<ObjectId, usize>,
    /// Namespaces holding an object that failed to decode: "matches nothing" is unknowable there.
    incomplete: HashSet<&'a str>,
    /// Some document of the run failed to parse, so its namespace is unknown.
    any_unparsed: bool,
    /// A workload → the Services selecting its pods; built on first use, so runs without the
    /// rules that ask pay nothing.
    services_of: OnceLock<HashMap<ObjectId, Vec<ObjectId>>>,
    /// Which files are variants of one another: their objects are never paired.
    variants: Variants,
}

impl<'a> Index<'a> {
    /// An index of a run without variants (every file is applied with every other).
    pub fn new(objects: &'a [Object], broken: &'a [BrokenObject], any_unparsed: bool) -> Self {
        Self::with_variants(objects, broken, any_unparsed, Variants::none())
    }

    pub fn with_variants(
        objects: &'a [Object],
        broken: &'a [BrokenObject],
        any_unparsed: bool,
        variants: Variants,
    ) -> Self {
        let workloads: Vec<Workload<'a>> = objects
            .with_ids()
            .filter_map(|(i, o)| Workload::of(i, o))
            .collect();
        let mut namespaces: HashMap<&str, Namespace<'_>> = HashMap::new();
        let mut by_name: HashMap<(&str, &str), Vec<ObjectId>> = HashMap::new();
        for (i, o) in objects.with_ids() {
            by_name
                .entry((o.namespace.as_str(), o.name.as_str()))
                .or_default()
                .push(i);
        }
        let workload_of: HashMap<ObjectId, usize> = workloads
            .iter()
            .enumerate()
            .map(|(pos, w)| (w.index, pos))
            .collect();
        for (pos, w) in workloads.iter().enumerate() {
            let ns = namespaces.entry(w.object.namespace.as_str()).or_default();
            ns.workloads.push(pos);
            for (k, v) in w.labels {
                ns.by_pair
                    .entry((k.as_str(), v.as_str()))
                    .or_default()
                    .push(pos);
                ns.by_key.entry(k.as_str()).or_default().push(pos);
            }
        }
        let mut autoscalers = Vec::new();
        let mut autoscaler_of = HashMap::new();
        let mut operated = Vec::new();
        let cluster_scoped = cluster_scoped_kinds(objects);
        for (i, o) in objects.with_ids() {
            if let Some(pdb) = Pdb::of(o) {
                let ns = namespaces.entry(o.namespace.as_str()).or_default();
                ns.pdbs.push(i);
                // A pair a controller adds is on no template (see `workloads_matching`).
                let pair = pdb
                    .selector()
                    .required_pairs()
                    .into_iter()
                    .find(|(k, _)| !CONTROLLER_LABELS.contains(k));
                match pair {
                    Some(pair) => ns.pdbs_by_pair.entry(pair).or_default().push(i),
                    None => ns.pdbs_unindexed.push(i),
                }
            }
            if let Some(pods) = OperatedPods::of(o) {
                namespaces
                    .entry(o.namespace.as_str())
                    .or_default()
                    .operated
                    .push(operated.len());
                operated.push(pods);
            } else if is_unknown_custom_resource(o)
                && (o.explicit_namespace.is_some()
                    || !cluster_scoped.contains(&(o.group(), o.kind.as_str())))
            {
                namespaces
                    .entry(o.namespace.as_str())
                    .or_default()
                    .unknown_custom_resource
                    .get_or_insert(i);
            }
            if let Some(a) = autoscaler(o) {
                // Every target of its own variant: a common HPA drives each variant's copy.
                let targets = by_name
                    .get(&(o.namespace.as_str(), a.target_name))
                    .into_iter()
                    .flatten()
                    .copied()
                    .filter(|&t| {
                        workload_of.contains_key(&t)
                            && objects.object(t).is_some_and(|t| {
                                t.namespace == o.namespace
                                    && t.kind == a.target_kind
                                    && a.target_group.is_none_or(|g| t.group() == g)
                                    && variants.compatible(o.file, t.file)
                            })
                    });
                for target in targets {
                    autoscaler_of.entry(target).or_insert(autoscalers.len());
                }
                autoscalers.push(a);
            }
        }
        Self {
            objects,
            workloads,
            operated,
            namespaces,
            autoscalers,
            by_name,
            autoscaler_of,
            workload_of,
            incomplete: broken.iter().map(|b| b.namespace.as_str()).collect(),
            any_unparsed,
            services_of: OnceLock::new(),
            variants,
        }
    }

    /// The run's variant model.
    pub fn variants(&self) -> &Variants {
        &self.variants
    }

    /// Whether a rule may pair the two objects: false when their files are variants.
    pub fn compatible(&self, a: &Object, b: &Object) -> bool {
        self.variants.compatible(a.file, b.file)
    }

    /// Splits objects a lookup found into sets that can exist together (see
    /// [`Variants::worlds`]): a count or an overlap is judged within one set.
    pub fn worlds<T: Copy>(&self, items: &[T], object_of: impl Fn(T) -> &'a Object) -> Vec<Vec<T>> {
        self.variants.worlds(items, |t| object_of(t).file)
    }

    /// Every HPA and KEDA ScaledObject, in load order.
    pub fn autoscalers(&self) -> &[Autoscaler<'a>] {
        &self.autoscalers
    }

    /// Objects of this kind and name in the namespace of `from`, that `from` may be paired
    /// with, in load order.
    pub fn find<'s>(
        &'s self,
        from: &'s Object,
        kind: &'s str,
        name: &'s str,
    ) -> impl Iterator<Item = &'a Object> + 's {
        self.by_name
            .get(&(from.namespace.as_str(), name))
            .into_iter()
            .flatten()
            .filter_map(|&i| self.objects.object(i))
            .filter(move |o| o.kind == kind && self.compatible(from, o))
    }

    /// PodDisruptionBudgets (policy/v1 and policy/v1beta1), in load order.
    pub fn pdbs(&self) -> impl Iterator<Item = Pdb<'a>> + '_ {
        self.objects.iter().filter_map(Pdb::of)
    }

    /// The first workload (in load order) of the autoscaler's namespace that its
    /// `scaleTargetRef` names, of any file.
    pub fn target_of(&self, a: &Autoscaler<'_>) -> Option<&Workload<'a>> {
        self.by_name
            .get(&(a.object.namespace.as_str(), a.target_name))?
            .iter()
            .filter_map(|i| self.workloads.get(*self.workload_of.get(i)?))
            .find(|w| {
                w.object.kind == a.target_kind
                    && a.target_group.is_none_or(|g| w.object.group() == g)
            })
    }

    /// The autoscaler driving this workload, if one targets it.
    pub fn autoscaler_of(&self, w: &Workload<'_>) -> Option<&Autoscaler<'a>> {
        self.autoscaler_of
            .get(&w.index)
            .and_then(|&i| self.autoscalers.get(i))
    }

    /// The autoscaler's `minReplicas` when one targets the workload, else `spec.replicas` (default 1).
    pub fn effective_replicas(&self, w: &Workload<'_>) -> Replicas<'_, 'a> {
        match self.autoscaler_of(w) {
            Some(a) => Replicas {
                count: a.min_replicas,
                autoscaler: Some(a),
            },
            None => Replicas {
                count: w.replicas.unwrap_or(1),
                autoscaler: None,
            },
        }
    }

    /// Pod count for disruption arithmetic: effective replicas for scalable workloads, 1 for a
    /// Pod, unknown (None) for DaemonSets, Jobs and CronJobs.
    pub fn pod_count(&self, w: &Workload<'_>) -> Option<i32> {
        if w.is_scalable() {
            // A negative count is rejected by the API server (`invalid-object`): no pods known.
            Some(self.effective_replicas(w).count).filter(|n| *n >= 0)
        } else if w.kind == crate::model::WorkloadKind::Pod {
            Some(1)
        } else {
            None
        }
    }

    /// Workloads in the namespace of `from` whose pod template labels `selector` matches and
    /// that `from` may be paired with, in load order.
    pub fn workloads_matching(&self, from: &Object, selector: Selector<'_>) -> Vec<&Workload<'a>> {
        let Some(ns) = self.namespaces.get(from.namespace.as_str()) else {
            return Vec::new();
        };
        // Controller-added labels are on no template: they cannot narrow the candidates.
        let mut pairs = selector.required_pairs();
        pairs.retain(|(k, _)| !CONTROLLER_LABELS.contains(k));
        let keys = selector.required_keys();
        let candidates: &[usize] = if matches!(selector, Selector::Null) {
            &[]
        } else if !pairs.is_empty() {
            pairs
                .iter()
                .map(|p| ns.by_pair.get(p).map_or(&[][..], Vec::as_slice))
                .min_by_key(|list| list.len())
                .unwrap_or(&[])
        } else if !keys.is_empty() {
            keys.iter()
                .map(|k| ns.by_key.get(k).map_or(&[][..], Vec::as_slice))
                .min_by_key(|list| list.len())
                .unwrap_or(&[])
        } else {
            &ns.workloads
        };
        candidates
            .iter()
            .filter_map(|&pos| self.workloads.get(pos))
            .filter(|w| w.is_selected_by(selector) && self.compatible(from, w.object))
            .collect()
    }

    /// Services of the run (in the workload's namespace, with a pod selector) that select its
    /// pods, in load order.
    pub fn services_selecting(&self, w: &Workload<'_>) -> Vec<&'a Object> {
        let map = self.services_of.get_or_init(|| {
            let mut map: HashMap<ObjectId, Vec<ObjectId>> = HashMap::new();
            for (i, o) in self.objects.with_ids() {
                let Some(selector) = service_pod_selector(o) else {
                    continue;
                };
                for w in self.workloads_matching(o, Selector::Map(selector)) {
                    map.entry(w.index).or_default().push(i);
                }
            }
            map
        });
        let objects = self.objects;
        map.get(&w.index)
            .into_iter()
            .flatten()
            .filter_map(|&i| objects.object(i))
            .collect()
    }

    /// `(volume claimName path, claim)` for each volume of the pod that mounts a loaded
    /// PersistentVolumeClaim whose only access mode is ReadWriteOnce (or ReadWriteOncePod).
    pub fn rwo_claims(&self, w: &Workload<'_>) -> Vec<(FieldPath, &'a Object)> {
        let mut out = Vec::new();
        for (i, v) in w.pod_spec.volumes.iter().flatten().enumerate() {
            let Some(pvc) = &v.persistent_volume_claim else {
                continue;
            };
            let claim = self
                .find(w.object, "PersistentVolumeClaim", &pvc.claim_name)
                .find(|c| is_read_write_once(c));
            if let Some(claim) = claim {
                let path = w
                    .pod_spec_path()
                    .key("volumes")
                    .index(i)
                    .keys(&["persistentVolumeClaim", "claimName"]);
                out.push((path, claim));
            }
        }
        out
    }

    /// PodDisruptionBudgets that select the pods an operator creates for `p` (a `Prometheus`),
    /// of files `p`'s may be paired with.
    pub fn pdbs_matching_operated(&self, p: &OperatedPods<'_>) -> Vec<Pdb<'a>> {
        let Some(ns) = self.namespaces.get(p.object.namespace.as_str()) else {
            return Vec::new();
        };
        ns.pdbs
            .iter()
            .filter_map(|&i| Pdb::of(self.objects.object(i)?))
            .filter(|pdb| self.compatible(pdb.object, p.object) && p.is_selected_by(pdb.selector()))
            .collect()
    }

    /// PodDisruptionBudgets in the workload's namespace whose selector matches its pods, each
    /// read with its API version's selector semantics, of files the workload's may be paired
    /// with.
    pub fn pdbs_matching(&self, w: &Workload<'_>) -> Vec<Pdb<'a>> {
        let Some(ns) = self.namespaces.get(w.object.namespace.as_str()) else {
            return Vec::new();
        };
        let mut candidates = ns.pdbs_unindexed.clone();
        for (k, v) in w.labels {
            if let Some(pdbs) = ns.pdbs_by_pair.get(&(k.as_str(), v.as_str())) {
                candidates.extend_from_slice(pdbs);
            }
        }
        // Each PDB is under one pair at most: sorting restores load order, without repeats.
        candidates.sort_unstable();
        candidates
            .iter()
            .filter_map(|&i| {
                let o = self
                    .objects
                    .object(i)
                    .filter(|o| self.compatible(w.object, o))?;
                Pdb::of(o)
            })
            .filter(|p| w.is_selected_by(p.selector()))
            .collect()
    }

    /// Every pod source in `namespace` that `selector` picks: workloads and operator resources.
    pub fn pods_matching(&self, from: &Object, selector: Selector<'_>) -> Pods<'_, 'a> {
        let operated = self
            .namespaces
            .get(from.namespace.as_str())
            .into_iter()
            .flat_map(|ns| &ns.operated)
            .filter_map(|&pos| self.operated.get(pos))
            .filter(|p| self.compatible(from, p.object) && p.is_selected_by(selector))
            .collect();
        Pods {
            workloads: self.workloads_matching(from, selector),
            operated,
        }
    }

    /// `pods` split into worlds: the sets whose files may all run together, so that pods are
    /// never counted across two variants' copies (a `base/` PDB over `dev` and `prod`).
    pub fn pod_worlds<'i>(&'i self, pods: &Pods<'i, 'a>) -> Vec<Pods<'i, 'a>> {
        #[derive(Clone, Copy)]
        enum Source<'i, 'a> {
            Workload(&'i Workload<'a>),
            Operated(&'i OperatedPods<'a>),
        }
        let items: Vec<Source<'i, 'a>> = pods
            .workloads
            .iter()
            .map(|&w| Source::Workload(w))
            .chain(pods.operated.iter().map(|&p| Source::Operated(p)))
            .collect();
        self.variants
            .worlds(&items, |s| match s {
                Source::Workload(w) => w.object.file,
                Source::Operated(p) => p.object.file,
            })
            .into_iter()
            .map(|world| {
                let mut out = Pods::default();
                for s in world {
                    match s {
                        Source::Workload(w) => out.workloads.push(w),
                        Source::Operated(p) => out.operated.push(p),
                    }
                }
                out
            })
            .collect()
    }

    /// How many pods `pods` stands for: `None` when a DaemonSet, Job or CronJob (or an
    /// operator DaemonSet) is among them.
    pub fn pod_total(&self, pods: &Pods<'_, '_>) -> Option<i64> {
        let workloads: Option<i64> = pods
            .workloads
            .iter()
            .map(|w| self.pod_count(w).map(i64::from))
            .sum();
        let operated: Option<i64> = pods.operated.iter().map(|p| p.pods.map(i64::from)).sum();
        Some(workloads? + operated?)
    }

    /// A custom resource in `namespace` whose kind kubeha does not know: its operator may
    /// create pods no manifest shows, so "selects no pods" is a guess there.
    pub fn unknown_custom_resource(&self, namespace: &str) -> Option<&'a Object> {
        self.namespaces
            .get(namespace)
            .and_then(|ns| ns.unknown_custom_resource)
            .and_then(|i| self.objects.object(i))
    }

    /// False when an object of this namespace (or a document of unknown namespace) failed to
    /// load: a "matches nothing" conclusion could then be wrong, so rules stay silent.
    pub fn is_complete(&self, namespace: &str) -> bool {
        !self.any_unparsed && !self.incomplete.contains(namespace)
    }
}

/// `(group, kind)` of the custom resources that a CustomResourceDefinition of the run declares
/// cluster-scoped: without `metadata.namespace` they live in no namespace.
fn cluster_scoped_kinds(objects: &[Object]) -> HashSet<(&str, &str)> {
    objects
        .iter()
        .filter(|o| o.kind == "CustomResourceDefinition" && o.group() == "apiextensions.k8s.io")
        .filter_map(|o| {
            let spec = o.raw.get("spec")?;
            if spec.get("scope")?.as_str()? != "Cluster" {
                return None;
            }
            Some((
                spec.get("group")?.as_str()?,
                spec.pointer("/names/kind")?.as_str()?,
            ))
        })
        .collect()
}

/// An object whose typed decoding failed; it is reported as `invalid-object`.
#[derive(Debug, Clone)]
pub struct BrokenObject {
    pub namespace: String,
}

fn autoscaler(o: &Object) -> Option<Autoscaler<'_>> {
    match &o.typed {
        Typed::HorizontalPodAutoscaler(h) => {
            let (spec, t) = (&h.spec, &h.spec.scale_target_ref);
            let target = (t.kind.as_str(), t.name.as_str(), t.api_version.as_deref());
            typed_hpa(o, target, spec.min_replicas, spec.max_replicas)
        }
        Typed::HorizontalPodAutoscalerV1(h) => {
            let (spec, t) = (&h.spec, &h.spec.scale_target_ref);
            let target = (t.kind.as_str(), t.name.as_str(), t.api_version.as_deref());
            typed_hpa(o, target, spec.min_replicas, spec.max_replicas)
        }
        _ => raw_autoscaler(o),
    }
}

/// An HPA's target `(kind, name, apiVersion)` and bounds, read from its typed object.
fn typed_hpa<'a>(
    o: &'a Object,
    (kind, name, api_version): (&'a str, &'a str, Option<&'a str>),
    min: Option<i32>,
    max: i32,
) -> Option<Autoscaler<'a>> {
    // k8s-openapi reads a missing `spec`, `kind` or `name` as empty: no target.
    if kind.is_empty() || name.is_empty() {
        return None;
    }
    Some(Autoscaler {
        object: o,
        min_replicas: min.unwrap_or(1),
        min_field: "minReplicas",
        min_explicit: min.is_some(),
        max_replicas: max,
        max_field: "maxReplicas",
        target_kind: kind,
        target_name: name,
        target_group: api_version.map(api_group),
    })
}

/// A KEDA ScaledObject (a custom resource: no typed form), or an HPA of a removed
/// `apiVersion` (`autoscaling/v2beta1`, `v2beta2`), which k8s-openapi no longer decodes: read
/// from the raw value. An HPA of `autoscaling/v1` or `v2` that failed to decode is
/// `invalid-object`'s, and drives nothing.
fn raw_autoscaler(o: &Object) -> Option<Autoscaler<'_>> {
    let is_hpa = o.kind == "HorizontalPodAutoscaler"
        && o.group() == "autoscaling"
        && !is_decoded_hpa_version(&o.api_version);
    let is_keda = o.kind == "ScaledObject" && o.group() == "keda.sh";
    if !is_hpa && !is_keda {
        return None;
    }
    let spec = o.raw.get("spec")?;
    let target = spec.get("scaleTargetRef")?;
    let name = target.get("name")?.as_str()?;
    let (kind, group) = if is_hpa {
        (
            target.get("kind")?.as_str()?,
            target
                .get("apiVersion")
                .and_then(|v| v.as_str())
                .map(api_group),
        )
    } else {
        // KEDA defaults the target to an apps/v1 Deployment.
        (
            target
                .get("kind")
                .and_then(|v| v.as_str())
                .unwrap_or("Deployment"),
            Some(
                target
                    .get("apiVersion")
                    .and_then(|v| v.as_str())
                    .map_or("apps", api_group),
            ),
        )
    };
    let (field, default, max_field, max_default) = if is_hpa {
        ("minReplicas", 1, "maxReplicas", 0)
    } else {
        ("minReplicaCount", 0, "maxReplicaCount", 100)
    };
    let max_replicas = spec
        .get(max_field)
        .and_then(serde_json::Value::as_i64)
        .and_then(|v| i32::try_from(v).ok())
        .unwrap_or(max_default);
    let written = spec.get(field).and_then(serde_json::Value::as_i64);
    let min_replicas = written
        .and_then(|v| i32::try_from(v).ok())
        .unwrap_or(default);
    Some(Autoscaler {
        object: o,
        min_replicas,
        min_field: field,
        min_explicit: written.is_some(),
        max_replicas,
        max_field,
        target_kind: kind,
        target_name: name,
        target_group: group,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::test_object;
    use serde_json::json;

    fn deployment(name: &str, ns: &str, replicas: i32) -> Object {
        test_object(json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": ns},
            "spec": {
                "replicas": replicas,
                "selector": {"matchLabels": {"app": name}},
                "template": {
                    "metadata": {"labels": {"app": name}},
                    "spec": {"containers": [{"name": "c", "image": "i"}]},
                },
            },
        }))
    }

    fn pdb(api: &str, name: &str, selector: &serde_json::Value) -> Object {
        test_object(json!({
            "apiVersion": api, "kind": "PodDisruptionBudget",
            "metadata": {"name": name, "namespace": "shop"},
            "spec": {"maxUnavailable": 1, "selector": selector},
        }))
    }

    fn labels(pairs: &[(&str, &str)]) -> crate::model::Labels {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn pdbs_matching_reads_each_version() {
        let objects = vec![
            deployment("web", "shop", 3),
            pdb(
                "policy/v1beta1",
                "beta-web",
                &json!({"matchLabels": {"app": "web"}}),
            ),
            pdb("policy/v1beta1", "beta-empty", &json!({})),
            pdb("policy/v1", "v1-empty", &json!({})),
        ];
        let index = Index::new(&objects, &[], false);
        let w = index.workloads.first().unwrap();
        let names: Vec<&str> = index
            .pdbs_matching(w)
            .iter()
            .map(|p| p.object.name.as_str())
            .collect();
        assert_eq!(names, ["beta-web", "v1-empty"]);
        assert_eq!(index.pdbs().count(), 3);
    }

    #[test]
    fn one_to_one_pdbs_and_names_across_namespaces_are_looked_up_not_scanned() {
        // 4,000 apps with a PDB each in one namespace, and 4,000 namespaces with a `web`
        // Deployment and its HPA: every workload against every PDB, or every same-named
        // object, is 16 million evaluations each.
        let apps = 4_000;
        let mut objects = Vec::new();
        for i in 0..apps {
            let name = format!("app{i}");
            objects.push(deployment(&name, "shop", 2));
            objects.push(pdb(
                "policy/v1",
                &name,
                &json!({"matchLabels": {"app": name}}),
            ));
        }
        let spread = objects.len();
        for i in 0..apps {
            let ns = format!("ns{i}");
            objects.push(deployment("web", &ns, 1));
            objects.push(test_object(json!({
                "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
                "metadata": {"name": "web", "namespace": ns},
                "spec": {
                    "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                    "minReplicas": 3, "maxReplicas": 5,
                },
            })));
        }
        let index = Index::new(&objects, &[], false);
        for w in &index.workloads {
            if w.index.index() < spread {
                let pdbs: Vec<&str> = index
                    .pdbs_matching(w)
                    .iter()
                    .map(|p| p.object.name.as_str())
                    .collect();
                assert_eq!(pdbs, [w.object.name.as_str()]);
            } else {
                let hpa = index.autoscaler_of(w).expect("its own HPA");
                assert_eq!(hpa.object.namespace, w.object.namespace);
                assert_eq!(index.target_of(hpa).map(|t| t.index), Some(w.index));
                assert_eq!(index.find(w.object, "Deployment", "web").count(), 1);
            }
        }
    }

    #[test]
    fn operator_pods_are_matched_and_counted() {
        let objects = vec![
            deployment("web", "monitoring", 2),
            test_object(json!({
                "apiVersion": "monitoring.coreos.com/v1", "kind": "Prometheus",
                "metadata": {"name": "k8s", "namespace": "monitoring"},
                "spec": {"replicas": 2, "shards": 2,
                         "podMetadata": {"labels": {"app.kubernetes.io/part-of": "kp"}}},
            })),
            test_object(json!({
                "apiVersion": "monitoring.coreos.com/v1", "kind": "Alertmanager",
                "metadata": {"name": "main", "namespace": "monitoring"},
            })),
        ];
        let index = Index::new(&objects, &[], false);
        let from = &objects[0];
        let part_of = labels(&[("app.kubernetes.io/part-of", "kp")]);
        let pods = index.pods_matching(from, Selector::Map(&part_of));
        assert!(pods.workloads.is_empty());
        assert_eq!(pods.operated.len(), 1);
        assert_eq!(index.pod_total(&pods), Some(4));

        let managed = labels(&[("app.kubernetes.io/managed-by", "prometheus-operator")]);
        let pods = index.pods_matching(from, Selector::Map(&managed));
        assert_eq!(pods.operated.len(), 2);
        assert_eq!(index.pod_total(&pods), Some(5));

        let everything = k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector::default();
        let pods = index.pods_matching(from, Selector::Label(&everything));
        assert_eq!((pods.workloads.len(), pods.operated.len()), (1, 2));
        assert_eq!(index.pod_total(&pods), Some(7));

        let elsewhere = deployment("x", "other", 1);
        assert!(
            index
                .pods_matching(&elsewhere, Selector::Map(&managed))
                .is_empty()
        );
        assert!(index.unknown_custom_resource("monitoring").is_none());
    }

    #[test]
    fn unknown_custom_resources_per_namespace() {
        let cr = |ns: Option<&str>, kind: &str| {
            let mut raw = json!({
                "apiVersion": "example.com/v1", "kind": kind, "metadata": {"name": "x"},
            });
            if let Some(ns) = ns {
                raw["metadata"]["namespace"] = json!(ns);
            }
            test_object(raw)
        };
        let crd = test_object(json!({
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": "globals.example.com"},
            "spec": {"group": "example.com", "scope": "Cluster",
                     "names": {"kind": "Global", "plural": "globals"}},
        }));
        let objects = vec![
            crd,
            cr(None, "Global"),
            cr(Some("data"), "Database"),
            test_object(json!({
                "apiVersion": "monitoring.coreos.com/v1", "kind": "ServiceMonitor",
                "metadata": {"name": "m", "namespace": "mon"},
            })),
        ];
        let index = Index::new(&objects, &[], false);
        assert!(
            index.unknown_custom_resource("default").is_none(),
            "cluster-scoped"
        );
        assert_eq!(
            index
                .unknown_custom_resource("data")
                .map(|o| o.kind.as_str()),
            Some("Database")
        );
        assert!(index.unknown_custom_resource("mon").is_none());
    }
}
