//! `missing-pod-spread`: replicas that nothing spreads across nodes or zones.

use super::{Context, Group, OptionDefault, OptionMeta, Rule, RuleMeta, Sink, plural};
use crate::finding::Severity;

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

impl Rule for MissingPodSpread {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        let keys = cx.strings_option("topology-keys");
        for w in cx.index.workloads.iter().filter(|w| w.is_scalable()) {
            let count = cx.index.effective_replicas(w).count;
            if count < 2 || w.spreads_own_pods(keys) {
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
