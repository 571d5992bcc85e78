//! `unsafe-rollout-strategy`: a Deployment whose rollouts take the service down.

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::pdb_blocks_eviction::percent;
use super::rwo_volume_shared::{rwo_claims, strategy_type};
use super::{Context, Group, Rule, RuleMeta, Sink};
use crate::finding::Severity;
use crate::model::Typed;
use crate::path;

pub struct UnsafeRolloutStrategy;

static META: RuleMeta = RuleMeta {
    name: "unsafe-rollout-strategy",
    group: Group::Rollout,
    severity: Severity::Warning,
    enabled: true,
    summary: "a Deployment uses Recreate, or a maxUnavailable that takes every replica down",
    options: &[],
    doc: include_str!("../../rules/unsafe-rollout-strategy.md"),
};

/// Whether the pods mount a PersistentVolumeClaim that is not among the loaded objects.
fn mounts_unseen_claim(cx: &Context<'_>, w: &crate::model::Workload<'_>) -> bool {
    w.pod_spec.volumes.iter().flatten().any(|v| {
        v.persistent_volume_claim.as_ref().is_some_and(|pvc| {
            cx.index
                .find(w.object, "PersistentVolumeClaim", &pvc.claim_name)
                .next()
                .is_none()
        })
    })
}

impl Rule for UnsafeRolloutStrategy {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for w in &cx.index.workloads {
            let Typed::Deployment(d) = &w.object.typed else {
                continue;
            };
            if strategy_type(w.object) == Some("Recreate") {
                let count = cx.index.effective_replicas(w).count;
                // A ReadWriteOnce volume cannot be attached to old and new pod at once, and a
                // claim kubeha cannot see is most likely one (the default access mode of most
                // storage classes). A single replica is `single-replica`'s finding, and
                // Recreate is how a singleton without leader election avoids running twice.
                if count >= 2 && rwo_claims(cx.index, w).is_empty() && !mounts_unseen_claim(cx, w) {
                    out.report(
                        w.object,
                        path!["spec", "strategy", "type"],
                        format!("{} ({count} replicas) uses `strategy: Recreate`: every rollout stops all pods before starting new ones", w.object.describe()),
                    )
                    .help("Use `RollingUpdate` (`maxUnavailable: 0`, `maxSurge: 1`) unless the pods cannot run side by side");
                }
                continue;
            }
            let Some(max) = d
                .spec
                .strategy
                .as_ref()
                .and_then(|s| s.rolling_update.as_ref())
                .and_then(|r| r.max_unavailable.as_ref())
            else {
                continue;
            };
            let count = i64::from(cx.index.effective_replicas(w).count);
            // A rolling update's maxUnavailable percentage rounds down.
            let down = match max {
                IntOrString::Int(n) => Some(i64::from(*n)),
                IntOrString::String(s) => percent(s)
                    .and_then(|p| p.checked_mul(count))
                    .map(|n| n.div_euclid(100)),
            };
            if count == 0 || down.is_none_or(|d| d < count) {
                continue;
            }
            let shown = match max {
                IntOrString::Int(n) => n.to_string(),
                IntOrString::String(s) => format!("`{s}`"),
            };
            out.report(
                w.object,
                path!["spec", "strategy", "rollingUpdate", "maxUnavailable"],
                format!(
                    "maxUnavailable {shown} of {} lets a rollout take down {}",
                    w.object.describe(),
                    if count == 1 { "its only replica".to_owned() } else { format!("all {count} replicas") }
                ),
            )
            .help("Lower `maxUnavailable` (e.g. 0 with `maxSurge: 1`) so some replicas keep serving during a rollout");
        }
    }
}
