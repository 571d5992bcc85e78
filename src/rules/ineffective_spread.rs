//! `ineffective-spread`: an anti-affinity term or topology spread constraint that cannot work.

use k8s_openapi::api::core::v1::PodAffinityTerm;

use super::{Context, Group, Rule, RuleMeta, Sink};
use crate::finding::Severity;
use crate::model::{FieldPath, Selector, Workload, display_labels, display_selector};

pub(super) struct IneffectiveSpread;

static META: RuleMeta = RuleMeta {
    name: "ineffective-spread",
    group: Group::Scheduling,
    severity: Severity::Warning,
    enabled: true,
    summary: "an anti-affinity term or topology spread constraint cannot spread the pods",
    options: super::OptionsType::NONE,
    doc: include_str!("../../rules/ineffective-spread.md"),
};

/// What is wrong with one term, and the field to point at.
fn selector_problem(
    selector: Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector>,
    w: &Workload<'_>,
    replicated: bool,
    at: &FieldPath,
) -> Option<(FieldPath, String)> {
    match selector {
        None => Some((
            at.clone(),
            "has no `labelSelector`, so it counts no pods".to_owned(),
        )),
        // A term selecting other pods keeps this one away from them: deliberate for a single
        // replica, or when another term already spreads the workload's own pods (argo-cd
        // spreads its components apart that way).
        Some(sel)
            if replicated
                && !Selector::Label(sel).matches(w.labels)
                && !w.spreads_own_pods_over_any_key() =>
        {
            Some((
                at.clone().key("labelSelector"),
                format!(
                    "selects `{}`, which the pod's own labels `{}` do not match",
                    display_selector(Selector::Label(sel)),
                    display_labels(w.labels)
                ),
            ))
        }
        Some(_) => None,
    }
}

/// Every problem of one anti-affinity term.
fn term_problems(
    term: &PodAffinityTerm,
    w: &Workload<'_>,
    replicated: bool,
    at: &FieldPath,
) -> Vec<(FieldPath, String, bool)> {
    let mut out = Vec::new();
    // `validatePodAffinityTerm`: an empty topologyKey is rejected ("Required value").
    if term.topology_key.is_empty() {
        out.push((
            at.clone().key("topologyKey"),
            "has an empty `topologyKey`: the API server rejects it".to_owned(),
            true,
        ));
    }
    if term.namespace_selector.is_none()
        && let Some(ns) = &term.namespaces
        && !ns.is_empty()
        && !ns.contains(&w.object.namespace)
    {
        out.push((
            at.clone().key("namespaces"),
            format!(
                "only looks in namespaces {}, not the pod's own `{}`",
                ns.iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                w.object.namespace
            ),
            false,
        ));
    }
    out.extend(
        selector_problem(term.label_selector.as_ref(), w, replicated, at)
            .into_iter()
            .map(|(p, m)| (p, m, false)),
    );
    out
}

/// Every problem of one topology spread constraint.
fn constraint_problems(
    c: &k8s_openapi::api::core::v1::TopologySpreadConstraint,
    w: &Workload<'_>,
    replicated: bool,
    at: &FieldPath,
) -> Vec<(FieldPath, String, bool)> {
    let mut out = Vec::new();
    // `validateTopologySpreadConstraints` rejects all three: "must be greater than zero",
    // "Required value", "Unsupported value".
    if c.max_skew < 1 {
        out.push((
            at.clone().key("maxSkew"),
            format!(
                "has `maxSkew: {}`: the API server rejects it, it must be at least 1",
                c.max_skew
            ),
            true,
        ));
    }
    if c.topology_key.is_empty() {
        out.push((
            at.clone().key("topologyKey"),
            "has an empty `topologyKey`: the API server rejects it".to_owned(),
            true,
        ));
    }
    if !matches!(
        c.when_unsatisfiable.as_str(),
        "DoNotSchedule" | "ScheduleAnyway"
    ) {
        out.push((
            at.clone().key("whenUnsatisfiable"),
            format!(
                "has `whenUnsatisfiable: {}`: the API server rejects it; use DoNotSchedule or ScheduleAnyway",
                c.when_unsatisfiable
            ),
            true,
        ));
    }
    out.extend(
        selector_problem(c.label_selector.as_ref(), w, replicated, at)
            .into_iter()
            .map(|(p, m)| (p, m, false)),
    );
    out
}

impl Rule for IneffectiveSpread {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for w in &cx.index.workloads {
            let spec = w.pod_spec;
            let base = w.pod_spec_path();
            let replicated = !w.is_scalable() || cx.index.effective_replicas(w).count >= 2;
            let mut problems = Vec::new();
            if let Some(anti) = spec
                .affinity
                .as_ref()
                .and_then(|a| a.pod_anti_affinity.as_ref())
            {
                let anti_path = base.clone().keys(&["affinity", "podAntiAffinity"]);
                for (i, t) in anti
                    .required_during_scheduling_ignored_during_execution
                    .iter()
                    .flatten()
                    .enumerate()
                {
                    let at = anti_path
                        .clone()
                        .key("requiredDuringSchedulingIgnoredDuringExecution")
                        .index(i);
                    problems.extend(
                        term_problems(t, w, replicated, &at)
                            .into_iter()
                            .map(|p| ("pod anti-affinity term", p)),
                    );
                }
                for (i, t) in anti
                    .preferred_during_scheduling_ignored_during_execution
                    .iter()
                    .flatten()
                    .enumerate()
                {
                    let at = anti_path
                        .clone()
                        .key("preferredDuringSchedulingIgnoredDuringExecution")
                        .index(i)
                        .key("podAffinityTerm");
                    problems.extend(
                        term_problems(&t.pod_affinity_term, w, replicated, &at)
                            .into_iter()
                            .map(|p| ("pod anti-affinity term", p)),
                    );
                }
            }
            for (i, c) in spec
                .topology_spread_constraints
                .iter()
                .flatten()
                .enumerate()
            {
                let at = base.clone().key("topologySpreadConstraints").index(i);
                problems.extend(
                    constraint_problems(c, w, replicated, &at)
                        .into_iter()
                        .map(|p| ("topology spread constraint", p)),
                );
            }
            for (what, (path, why, rejected)) in problems {
                let mut reported = out.report(
                    w.object,
                    path,
                    format!("{what} of {} {why}", w.object.describe()),
                );
                if rejected {
                    reported.severity(Severity::Error);
                }
                reported.help(format!(
                        "Select the workload's own pods (`{}`) on a non-empty topology key, so the scheduler counts them when placing replicas",
                        w.own_pods_selector()
                    ));
            }
        }
    }
}
