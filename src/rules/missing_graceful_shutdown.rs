//! `missing-graceful-shutdown`: pods behind a Service that are killed while endpoints still
//! route to them, or whose `preStop` sleep outlasts the grace period.

use std::collections::BTreeMap;

use super::{Context, Group, Rule, RuleMeta, Sink, plural};
use crate::finding::Severity;
use crate::model::{
    FieldPath, Object, Selector, Typed, container_serves, has_pre_stop, pre_stop_sleep,
    service_pod_selector, termination_grace_seconds,
};

pub struct MissingGracefulShutdown;

static META: RuleMeta = RuleMeta {
    name: "missing-graceful-shutdown",
    group: Group::Rollout,
    severity: Severity::Warning,
    enabled: true,
    summary: "a served container has no preStop delay, or its preStop sleep outlasts the grace period",
    options: &[],
    doc: include_str!("../../rules/missing-graceful-shutdown.md"),
};

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
                if seconds < grace {
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
                    if !has_pre_stop(c.container)
                        && ports.iter().any(|p| container_serves(c.container, p))
                    {
                        serving.entry((pos, c.path.clone())).or_insert(o);
                    }
                }
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
