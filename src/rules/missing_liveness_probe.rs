//! `missing-liveness-probe`: a container that receives traffic has no liveness probe.

use k8s_openapi::api::core::v1::Probe;

use super::{Context, Group, Rule, RuleMeta, Sink};
use crate::finding::Severity;
use crate::model::Traffic;

pub(super) struct MissingLivenessProbe;

static META: RuleMeta = RuleMeta {
    name: "missing-liveness-probe",
    group: Group::Probes,
    severity: Severity::Info,
    enabled: true,
    summary: "a container that receives traffic (a Service targets it or it declares a port) has no livenessProbe",
    options: super::OptionsType::NONE,
    doc: include_str!("../../rules/missing-liveness-probe.md"),
};

/// How long a failing check takes to trip the probe: `failureThreshold × periodSeconds`.
fn patience(p: &Probe) -> i64 {
    i64::from(p.failure_threshold.unwrap_or(3)) * i64::from(p.period_seconds.unwrap_or(10))
}

impl Rule for MissingLivenessProbe {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for w in cx.index.workloads.iter().filter(|w| w.is_long_running()) {
            let services = cx.index.services_selecting(w);
            for c in w.containers() {
                if c.container.liveness_probe.is_some() {
                    continue;
                }
                let Some(traffic) = w.traffic_to(&c, &services) else {
                    continue;
                };
                let why = match traffic {
                    Traffic::Service(svc) => format!("Service `{}` sends it traffic", svc.name),
                    Traffic::Port(port) => format!("it declares port {}", port.container_port),
                };
                let help = match &c.container.readiness_probe {
                    Some(ready) => format!(
                        "Add a `livenessProbe` that checks the process alone (not its dependencies), so the kubelet restarts the container when it hangs instead of leaving it out of rotation for good; let it give up later than the readiness probe ({}s)",
                        patience(ready)
                    ),
                    None => "Add a `livenessProbe` that checks the process alone (not its dependencies), so the kubelet restarts the container when it hangs".to_owned(),
                };
                out.report(
                    w.object,
                    c.path.clone().key("name"),
                    format!(
                        "{} `{}` of {} has no liveness probe, yet {why}",
                        c.role(),
                        c.container.name,
                        w.object.describe()
                    ),
                )
                .help(help);
            }
        }
    }
}
