//! Relations between objects that rules share: which autoscaler drives a workload, which pods a
//! selector picks, which PDBs protect a workload. Indexed by namespace and label so that
//! cross-object rules never loop over all pairs of objects.
//!
//! Every lookup is made *from* an object and only answers with objects it may be paired with:
//! never one of a variant of its file (another environment's copy, an alternative install
//! file; see [`crate::model::variants`]).

use std::collections::{HashMap, HashSet};

use k8s_openapi::api::policy::v1::PodDisruptionBudget;

use crate::model::{
    CONTROLLER_LABELS, FieldPath, Object, Selector, Typed, Variants, Workload, api_group,
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
    /// Object indices.
    pdbs: Vec<usize>,
}

pub struct Index<'a> {
    pub objects: &'a [Object],
    pub workloads: Vec<Workload<'a>>,
    namespaces: HashMap<&'a str, Namespace<'a>>,
    autoscalers: Vec<Autoscaler<'a>>,
    /// `metadata.name` → object indices, for reference lookups.
    by_name: HashMap<&'a str, Vec<usize>>,
    /// Object index of a workload → position in `autoscalers`.
    autoscaler_of: HashMap<usize, usize>,
    /// Namespaces holding an object that failed to decode: "matches nothing" is unknowable there.
    incomplete: HashSet<&'a str>,
    /// Some document of the run failed to parse, so its namespace is unknown.
    any_unparsed: bool,
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
            .iter()
            .enumerate()
            .filter_map(|(i, o)| Workload::of(i, o))
            .collect();
        let mut namespaces: HashMap<&str, Namespace<'_>> = HashMap::new();
        let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, o) in objects.iter().enumerate() {
            by_name.entry(o.name.as_str()).or_default().push(i);
        }
        let workload_objects: HashSet<usize> = workloads.iter().map(|w| w.index).collect();
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
        for (i, o) in objects.iter().enumerate() {
            if matches!(o.typed, Typed::PodDisruptionBudget(_)) {
                namespaces
                    .entry(o.namespace.as_str())
                    .or_default()
                    .pdbs
                    .push(i);
            }
            if let Some(a) = autoscaler(o) {
                // Every target of its own variant: a common HPA drives each variant's copy.
                let targets = by_name
                    .get(a.target_name)
                    .into_iter()
                    .flatten()
                    .copied()
                    .filter(|&t| {
                        workload_objects.contains(&t)
                            && objects.get(t).is_some_and(|t| {
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
            namespaces,
            autoscalers,
            by_name,
            autoscaler_of,
            incomplete: broken.iter().map(|b| b.namespace.as_str()).collect(),
            any_unparsed,
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
        name: &str,
    ) -> impl Iterator<Item = &'a Object> + 's {
        self.by_name
            .get(name)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.objects.get(i))
            .filter(move |o| {
                o.namespace == from.namespace && o.kind == kind && self.compatible(from, o)
            })
    }

    /// PodDisruptionBudgets (policy/v1), with their decoded form.
    pub fn pdbs(&self) -> impl Iterator<Item = (&'a Object, &'a PodDisruptionBudget)> + '_ {
        self.objects.iter().filter_map(|o| match &o.typed {
            Typed::PodDisruptionBudget(p) => Some((o, p.as_ref())),
            _ => None,
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
            Some(self.effective_replicas(w).count)
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

    /// PodDisruptionBudgets in the workload's namespace whose selector matches its pods, of
    /// files the workload's may be paired with.
    pub fn pdbs_matching(&self, w: &Workload<'_>) -> Vec<(&'a Object, &'a PodDisruptionBudget)> {
        let Some(ns) = self.namespaces.get(w.object.namespace.as_str()) else {
            return Vec::new();
        };
        ns.pdbs
            .iter()
            .filter_map(|&i| {
                let o = self
                    .objects
                    .get(i)
                    .filter(|o| self.compatible(w.object, o))?;
                let Typed::PodDisruptionBudget(pdb) = &o.typed else {
                    return None;
                };
                let selector =
                    Selector::from_label(pdb.spec.as_ref().and_then(|s| s.selector.as_ref()));
                w.is_selected_by(selector).then_some((o, pdb.as_ref()))
            })
            .collect()
    }

    /// False when an object of this namespace (or a document of unknown namespace) failed to
    /// load: a "matches nothing" conclusion could then be wrong, so rules stay silent.
    pub fn is_complete(&self, namespace: &str) -> bool {
        !self.any_unparsed && !self.incomplete.contains(namespace)
    }
}

/// An object whose typed decoding failed; it is reported as `invalid-object`.
#[derive(Debug, Clone)]
pub struct BrokenObject {
    pub namespace: String,
}

fn autoscaler(o: &Object) -> Option<Autoscaler<'_>> {
    let is_hpa = o.kind == "HorizontalPodAutoscaler" && o.group() == "autoscaling";
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
