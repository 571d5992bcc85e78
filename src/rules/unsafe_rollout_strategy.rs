//! `unsafe-rollout-strategy`: a Deployment (or OpenShift DeploymentConfig) whose rollouts take
//! the service down, or a StatefulSet/DaemonSet whose updates never roll out by themselves.

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde_json::Value;

use super::{Context, Group, Rule, RuleMeta, Sink};
use crate::finding::Severity;
use crate::model::{
    FieldPath, Typed, Workload, WorkloadKind, deployment_strategy, parse_percent_at_most_100,
    scaled_value,
};
use crate::path;

pub(super) struct UnsafeRolloutStrategy;

static META: RuleMeta = RuleMeta {
    name: "unsafe-rollout-strategy",
    group: Group::Rollout,
    severity: Severity::Warning,
    enabled: true,
    summary: "a Deployment or DeploymentConfig uses Recreate or a maxUnavailable that takes every replica down; a StatefulSet/DaemonSet uses OnDelete",
    options: super::OptionsType::NONE,
    doc: include_str!("../../rules/unsafe-rollout-strategy.md"),
};

/// Whether the pods mount a PersistentVolumeClaim that is not among the loaded objects.
fn mounts_unseen_claim(cx: &Context<'_>, w: &Workload<'_>) -> bool {
    w.pod_spec.volumes.iter().flatten().any(|v| {
        v.persistent_volume_claim.as_ref().is_some_and(|pvc| {
            cx.index
                .find(w.object, "PersistentVolumeClaim", &pvc.claim_name)
                .next()
                .is_none()
        })
    })
}

/// An OpenShift `DeploymentConfig` (`apps.openshift.io/v1`, or the legacy `v1`).
fn is_deployment_config(w: &Workload<'_>) -> bool {
    w.object.kind == "DeploymentConfig"
        && matches!(w.object.group(), "apps.openshift.io" | "")
        && matches!(w.object.typed, Typed::Duck(_))
}

fn int_or_string(v: &Value) -> Option<IntOrString> {
    match v {
        Value::Number(n) => n
            .as_i64()
            .and_then(|n| i32::try_from(n).ok())
            .map(IntOrString::Int),
        Value::String(s) => Some(IntOrString::String(s.clone())),
        _ => None,
    }
}

fn recreate(cx: &Context<'_>, out: &mut Sink<'_>, w: &Workload<'_>, at: FieldPath, written: &str) {
    let count = cx.index.effective_replicas(w).count;
    // A ReadWriteOnce volume cannot be attached to old and new pod at once, and a claim kubeha
    // cannot see is most likely one (the default access mode of most storage classes). A
    // single replica is `single-replica`'s finding, and Recreate is how a singleton without
    // leader election avoids running twice.
    if count >= 2 && cx.index.rwo_claims(w).is_empty() && !mounts_unseen_claim(cx, w) {
        out.report(
            w.object,
            at,
            format!("{} ({count} replicas) uses `strategy: {written}`: every rollout stops all pods before starting new ones", w.object.describe()),
        )
        .help(if written == "Recreate" && is_deployment_config(w) {
            "Use `Rolling` (`rollingParams: { maxUnavailable: 0, maxSurge: 1 }`) unless the pods cannot run side by side"
        } else {
            "Use `RollingUpdate` (`maxUnavailable: 0`, `maxSurge: 1`) unless the pods cannot run side by side"
        });
    }
}

fn max_unavailable(
    cx: &Context<'_>,
    out: &mut Sink<'_>,
    w: &Workload<'_>,
    max: &IntOrString,
    at: FieldPath,
) {
    // A negative count or a share over 100% is `invalid-object`'s: the API server rejects it.
    let valid = match max {
        IntOrString::Int(n) => *n >= 0,
        IntOrString::String(s) => parse_percent_at_most_100(s).is_some(),
    };
    let count = i64::from(cx.index.effective_replicas(w).count);
    // A rolling update's maxUnavailable percentage rounds down.
    let down = scaled_value(max, count, false).filter(|_| valid);
    if count == 0 || down.is_none_or(|d| d < count) {
        return;
    }
    let shown = match max {
        IntOrString::Int(n) => n.to_string(),
        IntOrString::String(s) => format!("`{s}`"),
    };
    out.report(
        w.object,
        at,
        format!(
            "maxUnavailable {shown} of {} lets a rollout take down {}",
            w.object.describe(),
            if count == 1 {
                "its only replica".to_owned()
            } else {
                format!("all {count} replicas")
            }
        ),
    )
    .help("Lower `maxUnavailable` (e.g. 0 with `maxSurge: 1`) so some replicas keep serving during a rollout");
}

fn deployment_config(cx: &Context<'_>, out: &mut Sink<'_>, w: &Workload<'_>) {
    let type_path = path!["spec", "strategy", "type"];
    // The DeploymentConfig controller defaults the strategy to Rolling.
    match w.object.get(&type_path).and_then(Value::as_str) {
        Some("Recreate") => recreate(cx, out, w, type_path, "Recreate"),
        None | Some("Rolling") => {
            let at = path!["spec", "strategy", "rollingParams", "maxUnavailable"];
            if let Some(max) = w.object.get(&at).and_then(int_or_string) {
                max_unavailable(cx, out, w, &max, at);
            }
        }
        // `Custom` runs the user's own deployer image: kubeha cannot tell what it does.
        Some(_) => {}
    }
}

fn on_delete(out: &mut Sink<'_>, w: &Workload<'_>) {
    let at = path!["spec", "updateStrategy", "type"];
    if crate::model::update_strategy_type(w.object) != Some("OnDelete") {
        return;
    }
    out.report(
        w.object,
        at,
        format!(
            "{} uses `updateStrategy: OnDelete`: a changed pod template reaches a pod only when someone deletes that pod, so updates (and security fixes) are not rolled out, and pods of old and new templates mix indefinitely",
            w.object.describe()
        ),
    )
    .severity(Severity::Info)
    .help("Use `RollingUpdate` (the default), unless an operator or a runbook deletes the pods in a controlled order");
}

impl Rule for UnsafeRolloutStrategy {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for w in &cx.index.workloads {
            if matches!(w.kind, WorkloadKind::StatefulSet | WorkloadKind::DaemonSet) {
                on_delete(out, w);
                continue;
            }
            if is_deployment_config(w) {
                deployment_config(cx, out, w);
                continue;
            }
            let Typed::Deployment(d) = &w.object.typed else {
                continue;
            };
            if deployment_strategy(d) == "Recreate" {
                recreate(cx, out, w, path!["spec", "strategy", "type"], "Recreate");
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
            max_unavailable(
                cx,
                out,
                w,
                max,
                path!["spec", "strategy", "rollingUpdate", "maxUnavailable"],
            );
        }
    }
}
