//! `missing-readiness-probe`: a container that receives traffic has no readiness probe.

use super::{Context, Group, Rule, RuleMeta, Sink};
use crate::finding::Severity;
use crate::model::Traffic;

pub(super) struct MissingReadinessProbe;

static META: RuleMeta = RuleMeta {
    name: "missing-readiness-probe",
    group: Group::Probes,
    severity: Severity::Warning,
    enabled: true,
    summary: "a container that receives traffic (a Service targets it or it declares a port) has no readinessProbe",
    options: super::OptionsType::NONE,
    doc: include_str!("../../rules/missing-readiness-probe.md"),
};

impl Rule for MissingReadinessProbe {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for w in cx.index.workloads.iter().filter(|w| w.is_long_running()) {
            let services = cx.index.services_selecting(w);
            for c in w.containers() {
                if c.container.readiness_probe.is_some() {
                    continue;
                }
                let Some(traffic) = w.traffic_to(&c, &services) else {
                    continue;
                };
                let subject = format!(
                    "{} `{}` of {} has no readiness probe",
                    c.role(),
                    c.container.name,
                    w.object.describe()
                );
                let (message, help) = match traffic {
                    Traffic::Service(svc) => (
                        format!("{subject}, yet Service `{}` sends it traffic", svc.name),
                        format!(
                            "Add a `readinessProbe` (httpGet, tcpSocket, grpc or exec) that passes once the container can serve, so Service `{}` only routes to it then and rollouts wait for it",
                            svc.name
                        ),
                    ),
                    Traffic::Port(port) => {
                        let shown = port.name.as_ref().map_or_else(
                            || port.container_port.to_string(),
                            |n| format!("{} (`{n}`)", port.container_port),
                        );
                        (
                            format!("{subject}, yet it declares port {shown}"),
                            "Add a `readinessProbe` (httpGet, tcpSocket, grpc or exec) that passes once the container can serve on its port, so rollouts, drains and any Service selecting the pod wait for it; if nothing connects to the port, remove it from `ports`".to_owned(),
                        )
                    }
                };
                out.report(w.object, c.path.key("name"), message).help(help);
            }
        }
    }
}
