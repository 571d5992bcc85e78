//! `missing-pod-spread`: replicas that nothing spreads across nodes or zones.

use k8s_openapi::api::core::v1::PodAffinityTerm;

use super::{Context, Group, OptionDefault, OptionMeta, Rule, RuleMeta, Sink, plural};
use crate::finding::Severity;
use crate::model::{Selector, Workload};

pub struct MissingPodSpread;

pub(crate) const DEFAULT_TOPOLOGY_KEYS: &[&str] = &[
    "kubernetes.io/hostname",
    "topology.kubernetes.io/zone",
    "topology.kubernetes.io/region",
];

static META: RuleMeta = RuleMeta {
    name: "missing-pod-spread",
    group: Group::Scheduling,
    severity: Severity::Warning,
    enabled: true,
    summary: "a workload with 2+ replicas has neither pod anti-affinity nor topology spread over its own pods",
    options: &[OptionMeta {
        name: "topology-keys",
        help: "topology keys that count as spreading (replaces the default list)",
        default: OptionDefault::Strings(DEFAULT_TOPOLOGY_KEYS),
    }],
    doc: include_str!("../../rules/missing-pod-spread.md"),
};

/// True when an anti-affinity term spreads the workload's own pods over an accepted key.
fn term_spreads(term: &PodAffinityTerm, w: &Workload<'_>, keys: &[String]) -> bool {
    let namespaces_ok = term.namespace_selector.is_some()
        || term
            .namespaces
            .as_ref()
            .is_none_or(|ns| ns.is_empty() || ns.contains(&w.object.namespace));
    namespaces_ok
        && keys.contains(&term.topology_key)
        && Selector::from_label(term.label_selector.as_ref()).matches(w.labels)
}

pub(crate) fn spreads(w: &Workload<'_>, keys: &[String]) -> bool {
    let spec = w.pod_spec;
    let anti = spec
        .affinity
        .as_ref()
        .and_then(|a| a.pod_anti_affinity.as_ref());
    let by_anti_affinity = anti.is_some_and(|anti| {
        anti.required_during_scheduling_ignored_during_execution
            .iter()
            .flatten()
            .any(|t| term_spreads(t, w, keys))
            || anti
                .preferred_during_scheduling_ignored_during_execution
                .iter()
                .flatten()
                .any(|t| term_spreads(&t.pod_affinity_term, w, keys))
    });
    let by_topology_spread = spec.topology_spread_constraints.iter().flatten().any(|c| {
        keys.contains(&c.topology_key)
            && Selector::from_label(c.label_selector.as_ref()).matches(w.labels)
    });
    by_anti_affinity || by_topology_spread
}

impl Rule for MissingPodSpread {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        let keys = cx.strings_option("topology-keys");
        for w in cx.index.workloads.iter().filter(|w| w.is_scalable()) {
            let count = cx.index.effective_replicas(w).count;
            if count < 2 || spreads(w, keys) {
                continue;
            }
            let has_some = w
                .pod_spec
                .affinity
                .as_ref()
                .is_some_and(|a| a.pod_anti_affinity.is_some())
                || w.pod_spec
                    .topology_spread_constraints
                    .as_ref()
                    .is_some_and(|c| !c.is_empty());
            let what = if has_some {
                "no pod anti-affinity or topology spread that spreads its own pods over an accepted topology key"
            } else {
                "no pod anti-affinity or topology spread"
            };
            out.report(
                w.object,
                w.pod_spec_path(),
                format!(
                    "{} ({}) has {what}: all replicas may land on one node",
                    w.object.describe(),
                    plural(count, "replica", "replicas")
                ),
            )
            .help(format!(
                "Add `topologySpreadConstraints` with `topologyKey: {}` and a `labelSelector` of the workload's own selector ({}), or a podAntiAffinity term on the same key",
                keys.first().map_or("kubernetes.io/hostname", String::as_str),
                w.own_pods_selector()
            ));
        }
    }
}
