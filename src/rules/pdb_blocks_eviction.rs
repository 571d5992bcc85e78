//! `pdb-blocks-eviction`: a PodDisruptionBudget that allows zero voluntary disruptions.

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{Context, Group, Rule, RuleMeta, Sink, outside_files, plural};
use crate::finding::Severity;
use crate::model::{Object, OperatedPods, budget_is_every_pod, budget_is_zero, budget_pods};
use crate::path;

pub(super) struct PdbBlocksEviction;

static META: RuleMeta = RuleMeta {
    name: "pdb-blocks-eviction",
    group: Group::Disruption,
    severity: Severity::Error,
    enabled: true,
    summary: "a PodDisruptionBudget allows zero disruptions: node drains and upgrades hang",
    options: super::OptionsType::NONE,
    doc: include_str!("../../rules/pdb-blocks-eviction.md"),
};

fn show(value: &IntOrString) -> String {
    match value {
        IntOrString::Int(n) => n.to_string(),
        IntOrString::String(s) => format!("`{s}`"),
    }
}

/// `maxUnavailable: 0` (or `0%`) allows no eviction whatever the replica count.
fn check_max_unavailable(o: &Object, max: &IntOrString, out: &mut Sink<'_>) {
    if budget_is_zero(max) {
        out.report(
            o,
            path!["spec", "maxUnavailable"],
            format!(
                "{} allows no disruption: maxUnavailable is {}",
                o.describe(),
                show(max)
            ),
        )
        .help("Set `maxUnavailable: 1` so a node drain can evict one pod at a time");
    }
}

/// `minAvailable: 100%` (or more) keeps every pod whatever the replica count: reports it and
/// says so.
fn check_min_all(o: &Object, min: &IntOrString, out: &mut Sink<'_>) -> bool {
    if !budget_is_every_pod(min) {
        return false;
    }
    out.report(
        o,
        path!["spec", "minAvailable"],
        format!(
            "{} allows no disruption: minAvailable is {}",
            o.describe(),
            show(min)
        ),
    )
    .help("Use `maxUnavailable: 1` instead, so a node drain can evict one pod at a time");
    true
}

impl Rule for PdbBlocksEviction {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for p in cx.index.pdbs() {
            let o = p.object;
            let Some(spec) = p.spec() else { continue };
            if let Some(max) = &spec.max_unavailable {
                check_max_unavailable(o, max, out);
                continue;
            }
            let Some(min) = &spec.min_available else {
                continue;
            };
            if check_min_all(o, min, out) {
                continue;
            }
            let all = cx.index.pods_matching(o, p.selector());
            // Pods are counted within one world: variants' copies never run together.
            let blocked = cx.index.pod_worlds(&all).into_iter().find_map(|matched| {
                // DaemonSet and Job pod counts are unknown here: no conclusion.
                let total = cx.index.pod_total(&matched)?;
                let required = budget_pods(min, total)?;
                (!matched.is_empty() && total > 0 && required >= total)
                    .then_some((matched, total, required))
            });
            let Some((matched, total, required)) = blocked else {
                continue;
            };
            let rounding = if matches!(min, IntOrString::String(_)) {
                format!(" (rounds up to {required})")
            } else {
                String::new()
            };
            // With an autoscaler the budget blocks at the autoscaler's minimum only: above it
            // drains go on. Without one it blocks for certain at the declared scale.
            let autoscaled = matched
                .workloads
                .iter()
                .any(|w| cx.index.effective_replicas(w).autoscaler.is_some());
            let at_min = if autoscaled {
                " at the autoscaler's minimum"
            } else {
                ""
            };
            let mut reported = out.report(
                o,
                path!["spec", "minAvailable"],
                format!(
                    "{} allows no disruption{at_min}: minAvailable {}{rounding} of {} selected",
                    o.describe(),
                    show(min),
                    plural(total, "pod", "pods")
                ),
            );
            if autoscaled {
                reported.severity(Severity::Warning);
            }
            let elsewhere = outside_files("another workload that this PodDisruptionBudget selects");
            reported.help(if total < 2 {
                format!(
                    "One pod cannot be both protected and evictable: run at least 2 replicas and use `maxUnavailable: 1`; {elsewhere}"
                )
            } else {
                format!("Set `minAvailable` below {total}, or use `maxUnavailable: 1`; {elsewhere}")
            });
            for w in &matched.workloads {
                let replicas = cx.index.effective_replicas(w);
                match replicas.autoscaler {
                    Some(a) => reported.related(
                        a.object,
                        &a.min_path(),
                        format!("{} runs as few as {}", w.object.describe(), replicas.count),
                    ),
                    None => reported.related(
                        w.object,
                        &path!["spec", "replicas"],
                        format!(
                            "{} runs {}",
                            w.object.describe(),
                            plural(replicas.count, "replica", "replicas")
                        ),
                    ),
                };
            }
            for op in &matched.operated {
                reported.related(
                    op.object,
                    &OperatedPods::replicas_path(),
                    format!(
                        "{} runs {}",
                        op.object.describe(),
                        plural(op.pods.unwrap_or_default(), "pod", "pods")
                    ),
                );
            }
        }
    }
}
