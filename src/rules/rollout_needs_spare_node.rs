//! `rollout-needs-spare-node`: required pod anti-affinity against the workload's own pods
//! with a rolling update that may take no pod down: every surge pod needs a free node.

use k8s_openapi::api::core::v1::PodAffinityTerm;

use super::{Context, Group, Rule, RuleMeta, Sink, plural};
use crate::finding::Severity;
use crate::model::{FieldPath, Selector, Typed, Workload, deployment_fenceposts};

pub(super) struct RolloutNeedsSpareNode;

static META: RuleMeta = RuleMeta {
    name: "rollout-needs-spare-node",
    group: Group::Rollout,
    severity: Severity::Warning,
    enabled: true,
    summary: "required anti-affinity on its own pods with maxUnavailable 0: rollouts need a spare node per surge pod",
    options: super::OptionsType::NONE,
    doc: include_str!("../../rules/rollout-needs-spare-node.md"),
};

/// Whether the term keeps two pods of this workload, of any revision, out of one domain.
fn repels_own_pods(term: &PodAffinityTerm, w: &Workload<'_>) -> bool {
    let namespaces_ok = term.namespace_selector.is_some()
        || term
            .namespaces
            .as_ref()
            .is_none_or(|ns| ns.is_empty() || ns.contains(&w.object.namespace));
    // `matchLabelKeys: [pod-template-hash]` narrows the term to pods of the same revision:
    // old pods then do not repel the surge pod.
    let per_revision = term
        .match_label_keys
        .iter()
        .flatten()
        .any(|k| k == "pod-template-hash");
    namespaces_ok
        && !per_revision
        && !term.topology_key.is_empty()
        && Selector::from_label(term.label_selector.as_ref()).matches(w.labels)
}

fn domain(key: &str) -> String {
    if key == "kubernetes.io/hostname" {
        "node".to_owned()
    } else {
        format!("`{key}` domain")
    }
}

impl Rule for RolloutNeedsSpareNode {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for w in &cx.index.workloads {
            let Typed::Deployment(d) = &w.object.typed else {
                continue;
            };
            let count = cx.index.effective_replicas(w).count;
            if count < 1 {
                continue;
            }
            let Some(fp) = deployment_fenceposts(d, i64::from(count)) else {
                continue;
            };
            if fp.max_unavailable != 0 {
                continue;
            }
            let terms = w
                .pod_spec
                .affinity
                .as_ref()
                .and_then(|a| a.pod_anti_affinity.as_ref())
                .and_then(|a| {
                    a.required_during_scheduling_ignored_during_execution
                        .as_ref()
                });
            let Some((i, term)) = terms
                .into_iter()
                .flatten()
                .enumerate()
                .find(|(_, t)| repels_own_pods(t, w))
            else {
                continue;
            };
            let term_path = w
                .pod_spec_path()
                .keys(&[
                    "affinity",
                    "podAntiAffinity",
                    "requiredDuringSchedulingIgnoredDuringExecution",
                ])
                .index(i);
            let unavailable_path =
                FieldPath::from_keys(&["spec", "strategy", "rollingUpdate", "maxUnavailable"]);
            let written = w.object.get(&unavailable_path).is_some();
            let why = if written {
                "its rolling update has `maxUnavailable` 0".to_owned()
            } else {
                format!(
                    "its rolling update's default `maxUnavailable: 25%` rounds down to 0 at {}",
                    plural(count, "replica", "replicas")
                )
            };
            let where_ = domain(&term.topology_key);
            let mut r = out.report(
                w.object,
                term_path,
                format!(
                    "{} requires each of its pods on a {where_} without another of its pods, and {why}: every new pod needs a {where_} running none of its {}, so with as many {where_}s as replicas the rollout stalls",
                    w.object.describe(),
                    plural(count, "replica", "replicas"),
                ),
            );
            if written {
                r.related(w.object, &unavailable_path, "no pod may go down first");
            }
            r.help("Set `strategy.rollingUpdate.maxUnavailable: 1` (an old pod leaves first and frees its node), or make the anti-affinity `preferredDuringSchedulingIgnoredDuringExecution`, or add `matchLabelKeys: [pod-template-hash]` to the term so that only pods of the same revision repel each other");
        }
    }
}
