//! `hpa-scale-down-unbounded`: an autoscaler of a served workload that scales down with no
//! stabilization window and a policy that removes every pod above the minimum at once.

use k8s_openapi::api::autoscaling::v2::{HPAScalingPolicy, HPAScalingRules};

use super::{Context, Group, Rule, RuleMeta, Sink};
use crate::finding::Severity;
use crate::model::{FieldPath, scale_down_rules};

pub(super) struct HpaScaleDownUnbounded;

static META: RuleMeta = RuleMeta {
    name: "hpa-scale-down-unbounded",
    group: Group::Replicas,
    severity: Severity::Warning,
    enabled: true,
    summary: "an autoscaler of a served workload scales down with no stabilization window and no rate limit: one low sample drops it to its minimum",
    options: super::OptionsType::NONE,
    doc: include_str!("../../rules/hpa-scale-down-unbounded.md"),
};

/// The HPA controller's default sync period (`--horizontal-pod-autoscaler-sync-period`, 15s):
/// a window shorter than one sync holds a single recommendation, which is no stabilization.
const SYNC_PERIOD_SECONDS: i64 = 15;

/// Whether one policy lets a single period remove `span` pods (all above the minimum): a
/// `Percent` of 100 or more, or a `Pods` count of at least `span`.
fn removes_all(policy: &HPAScalingPolicy, span: i64) -> bool {
    let value = i64::from(policy.value);
    match policy.type_.as_str() {
        "Percent" => value >= 100,
        "Pods" => value >= span,
        _ => false,
    }
}

fn describe_policy(policy: &HPAScalingPolicy) -> String {
    let kind = policy.type_.as_str();
    let unit = if kind == "Percent" { "%" } else { " pods" };
    format!(
        "`{kind}` {}{unit} per {}s",
        policy.value, policy.period_seconds
    )
}

/// The scale-down that drops to the minimum in one step, described: None when the window,
/// the policies or `selectPolicy` bound it.
fn unbounded_scale_down(scale_down: &HPAScalingRules, span: i64) -> Option<(i64, String)> {
    // An absent window is the default 300s.
    let window = scale_down
        .stabilization_window_seconds
        .map(i64::from)
        .filter(|w| *w < SYNC_PERIOD_SECONDS)?;
    let select = scale_down.select_policy.as_deref().unwrap_or("Max");
    let policies = scale_down.policies.as_deref().filter(|p| !p.is_empty());
    let Some(policies) = policies else {
        // No policies: the default, 100% per 15s (GenerateHPAScaleDownRules).
        return (select != "Disabled")
            .then(|| (window, "the default policy, 100% per 15s".to_owned()));
    };
    let all = |p: &&HPAScalingPolicy| removes_all(p, span);
    let chosen = match select {
        "Max" => policies.iter().find(all),
        // The least change wins: every policy must allow it.
        "Min" => policies
            .iter()
            .all(|p| all(&p))
            .then(|| policies.first())
            .flatten(),
        _ => None,
    }?;
    Some((window, describe_policy(chosen)))
}

impl Rule for HpaScaleDownUnbounded {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for w in &cx.index.workloads {
            let Some(a) = cx.index.autoscaler_of(w) else {
                continue;
            };
            let Some((at, scale_down)) = scale_down_rules(a.object) else {
                continue;
            };
            let span = i64::from(a.max_replicas) - i64::from(a.min_replicas);
            if span <= 0 {
                continue;
            }
            let Some((window, policy)) = unbounded_scale_down(&scale_down, span) else {
                continue;
            };
            // Capacity matters where traffic arrives: a queue worker may shed pods freely.
            let services = cx.index.services_selecting(w);
            let Some(svc) = services.first() else {
                continue;
            };
            out.report(
                a.object,
                at.key("stabilizationWindowSeconds"),
                format!(
                    "{} scales {} down with `stabilizationWindowSeconds: {window}` and {policy}: one low metric sample drops it from {} to {} at once while {} sends it traffic, and load that returns meets too few pods until new ones start and pass readiness",
                    a.object.describe(),
                    w.object.describe(),
                    a.max_replicas,
                    super::plural(a.min_replicas, "replica", "replicas"),
                    svc.describe()
                ),
            )
            .related(svc, &FieldPath::from_keys(&["spec", "selector"]), "sends traffic to it")
            .help("Keep a stabilization window (the default is 300s), or limit the rate of scale-down, e.g. `policies: [{ type: Pods, value: 1, periodSeconds: 60 }]`");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::{Value, json};

    #[test]
    fn window_policies_and_select_policy_bound_scale_down() {
        // A `scaleDown` that does not fit the type is never read (see `scale_down_rules`).
        let sd = |v: Value| unbounded_scale_down(&HPAScalingRules::deserialize(&v).ok()?, 8);
        assert!(sd(json!({"stabilizationWindowSeconds": 0})).is_some());
        assert!(sd(json!({"stabilizationWindowSeconds": 10, "policies": []})).is_some());
        assert!(sd(json!({})).is_none());
        assert!(sd(json!({"stabilizationWindowSeconds": 60})).is_none());
        assert!(sd(json!({"stabilizationWindowSeconds": 0, "selectPolicy": "Disabled"})).is_none());
        let p = |t: &str, v: i64| json!({"type": t, "value": v, "periodSeconds": 15});
        assert!(sd(json!({"stabilizationWindowSeconds": 0, "policies": [p("Pods", 1)]})).is_none());
        assert!(sd(json!({"stabilizationWindowSeconds": 0, "policies": [p("Pods", 8)]})).is_some());
        assert!(
            sd(json!({"stabilizationWindowSeconds": 0, "policies": [p("Pods", 1), p("Percent", 100)]}))
                .is_some()
        );
        assert!(
            sd(json!({"stabilizationWindowSeconds": 0, "selectPolicy": "Min", "policies": [p("Pods", 1), p("Percent", 100)]}))
                .is_none()
        );
        assert!(sd(json!({"stabilizationWindowSeconds": "0"})).is_none());
        assert!(sd(json!({"stabilizationWindowSeconds": 0, "policies": ["x", 3]})).is_none());
    }
}
