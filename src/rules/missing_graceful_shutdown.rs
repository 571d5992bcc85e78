//! `missing-graceful-shutdown`: pods behind a Service that are killed while endpoints still
//! route to them, whose `preStop` sleep outlasts the grace period, or whose grace period is
//! below the kubelet's own minimum.

use std::collections::BTreeMap;

use super::{Context, Group, Rule, RuleMeta, Sink, plural};
use crate::finding::Severity;
use crate::model::{
    FieldPath, Object, Selector, Typed, Workload, container_serves, has_pre_stop, pre_stop_sleep,
    service_pod_selector, termination_grace_seconds,
};

pub(super) struct MissingGracefulShutdown;

static META: RuleMeta = RuleMeta {
    name: "missing-graceful-shutdown",
    group: Group::Rollout,
    severity: Severity::Warning,
    enabled: true,
    summary: "a served container has no preStop delay, its preStop sleep outlasts the grace period, or a served pod's grace period is under 2s",
    options: super::OptionsType::NONE,
    doc: include_str!("../../rules/missing-graceful-shutdown.md"),
};

/// The kubelet's `minimumGracePeriodInSeconds` (pkg/kubelet/kuberuntime): "a minimal shutdown
/// window for avoiding unnecessary SIGKILLs". A pod asking for less has no time to drain.
const MIN_GRACE_SECONDS: i64 = 2;

/// A served workload (effective replicas ≥ 2, a Service targets one of its containers) whose
/// `terminationGracePeriodSeconds` is below the kubelet's minimum: 0 skips the preStop hook
/// and kills at once, 1 leaves one second for hook and shutdown together.
fn short_grace_period(w: &Workload<'_>, svc: &Object, out: &mut Sink<'_>) {
    let Some(grace) = w.pod_spec.termination_grace_period_seconds else {
        return;
    };
    // A sleep of 1s or more against a grace period of 1 is the sleep check's finding already.
    let sleep_reported = || {
        w.containers()
            .any(|c| pre_stop_sleep(c.container).is_some_and(|(s, _)| s >= grace))
    };
    if grace >= MIN_GRACE_SECONDS || (grace > 0 && sleep_reported()) {
        return;
    }
    let effect = if grace <= 0 {
        "a grace period of 0 means \"stop immediately via the kill signal (no opportunity to shut down)\": the kubelet skips the preStop hook and kills the container while endpoints still route to it"
    } else {
        "the kubelet allows one second for the preStop hook and SIGTERM together, too short for endpoint removal to propagate"
    };
    out.report(
        w.object,
        w.pod_spec_path().key("terminationGracePeriodSeconds"),
        format!(
            "{} sets `terminationGracePeriodSeconds: {grace}` while {} sends it traffic: {effect}, so every rollout and scale-down cuts off in-flight requests",
            w.object.describe(),
            svc.describe()
        ),
    )
    .related(svc, &FieldPath::from_keys(&["spec", "selector"]), "sends traffic to it")
    .help("Remove `terminationGracePeriodSeconds` (default 30) or set it above the preStop delay plus the time the process needs to finish its requests");
}

impl Rule for MissingGracefulShutdown {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        // A preStop sleep the kubelet cuts short, on any long-running workload.
        for w in cx.index.workloads.iter().filter(|w| w.is_long_running()) {
            let grace = termination_grace_seconds(w.pod_spec);
            for c in w.containers() {
                let Some((seconds, at)) = pre_stop_sleep(c.container) else {
                    continue;
                };
                // With a grace period of 0 the kubelet skips the hook altogether: that is the
                // short-grace finding's, for a served workload.
                if seconds < grace || grace <= 0 {
                    continue;
                }
                let grace_text = if w.pod_spec.termination_grace_period_seconds.is_some() {
                    format!("`terminationGracePeriodSeconds: {grace}`")
                } else {
                    "the default grace period of 30s".to_owned()
                };
                out.report(
                    w.object,
                    c.path.clone().keys(at),
                    format!(
                        "the preStop hook of container `{}` of {} sleeps {seconds}s, not less than {grace_text}: the kubelet kills the container when the grace period ends, so the process gets SIGTERM at best 2s before SIGKILL and cannot finish its requests",
                        c.container.name,
                        w.object.describe()
                    ),
                )
                .help(format!(
                    "Raise `terminationGracePeriodSeconds` above the sleep plus the time the process needs to drain (e.g. {}), or shorten the sleep",
                    seconds + 30
                ));
            }
        }

        // Serving containers without a preStop hook: (workload position, container path) →
        // the Service that sends traffic to it.
        let mut serving: BTreeMap<(usize, FieldPath), &Object> = BTreeMap::new();
        // Workload position → the first Service that sends traffic to one of its containers.
        let mut served: BTreeMap<usize, &Object> = BTreeMap::new();
        for o in cx.objects {
            let Some(selector) = service_pod_selector(o) else {
                continue;
            };
            let Typed::Service(svc) = &o.typed else {
                continue;
            };
            let ports = svc
                .spec
                .as_ref()
                .and_then(|s| s.ports.as_deref())
                .unwrap_or_default();
            for w in cx.index.workloads_matching(o, Selector::Map(selector)) {
                if !w.is_scalable() || cx.index.effective_replicas(w).count < 2 {
                    continue;
                }
                let Some(pos) = cx.index.workloads.iter().position(|x| x.index == w.index) else {
                    continue;
                };
                for c in w.containers() {
                    if !ports.iter().any(|p| container_serves(c.container, p)) {
                        continue;
                    }
                    served.entry(pos).or_insert(o);
                    if !has_pre_stop(c.container) {
                        serving.entry((pos, c.path.clone())).or_insert(o);
                    }
                }
            }
        }
        for (&pos, svc) in &served {
            if let Some(w) = cx.index.workloads.get(pos) {
                short_grace_period(w, svc, out);
            }
        }
        for ((pos, path), svc) in serving {
            let Some(w) = cx.index.workloads.get(pos) else {
                continue;
            };
            let Some(c) = w.containers().find(|c| c.path == path) else {
                continue;
            };
            let count = cx.index.effective_replicas(w).count;
            out.report(
                w.object,
                c.name_path(),
                format!(
                    "container `{}` of {} ({}) serves {} and has no preStop hook: on every rollout and scale-down it gets SIGTERM while endpoints, kube-proxy and load balancers still send it new connections, which fail",
                    c.container.name,
                    w.object.describe(),
                    plural(count, "replica", "replicas"),
                    svc.describe()
                ),
            )
            .related(svc, &FieldPath::from_keys(&["spec", "selector"]), "sends traffic to it")
            .help("Add a short delay before shutdown so that endpoint removal propagates first: `lifecycle: { preStop: { sleep: { seconds: 5 } } }` (Kubernetes 1.30+; or `exec: { command: [sleep, \"5\"] }`), below `terminationGracePeriodSeconds`");
        }
    }
}
