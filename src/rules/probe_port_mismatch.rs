//! `probe-port-mismatch`: a probe that names a port its container does not declare.

use k8s_openapi::api::core::v1::Probe;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{Context, Group, Rule, RuleMeta, Sink};
use crate::finding::Severity;

pub struct ProbePortMismatch;

static META: RuleMeta = RuleMeta {
    name: "probe-port-mismatch",
    group: Group::Probes,
    severity: Severity::Error,
    enabled: true,
    summary: "a probe names a port (`port: http`) its container does not declare",
    options: &[],
    doc: include_str!("../../rules/probe-port-mismatch.md"),
};

/// The named port of a probe's handler, with the handler's field name.
fn named_port(p: &Probe) -> Option<(&'static str, &str)> {
    let port = p
        .http_get
        .as_ref()
        .map(|h| ("httpGet", &h.port))
        .or_else(|| p.tcp_socket.as_ref().map(|t| ("tcpSocket", &t.port)))?;
    match port {
        (handler, IntOrString::String(name)) => Some((handler, name.as_str())),
        (_, IntOrString::Int(_)) => None,
    }
}

impl Rule for ProbePortMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for w in &cx.index.workloads {
            for c in w.containers() {
                let probes = [
                    ("livenessProbe", &c.container.liveness_probe),
                    ("readinessProbe", &c.container.readiness_probe),
                    ("startupProbe", &c.container.startup_probe),
                ];
                for (field, probe) in probes {
                    let Some((handler, name)) = probe.as_ref().and_then(named_port) else {
                        continue;
                    };
                    let ports = c.container.ports.iter().flatten();
                    if ports.clone().any(|p| p.name.as_deref() == Some(name)) {
                        continue;
                    }
                    let declared: Vec<String> = ports
                        .filter_map(|p| p.name.as_ref().map(|n| format!("`{n}`")))
                        .collect();
                    let available = if declared.is_empty() {
                        "the container declares no named ports".to_owned()
                    } else {
                        format!("it declares {}", declared.join(", "))
                    };
                    out.report(
                        w.object,
                        c.path.clone().keys(&[field, handler, "port"]),
                        format!(
                            "{field} of container `{}` uses port `{name}`, which the container does not declare",
                            c.container.name
                        ),
                    )
                    .help(format!(
                        "Name a port of this container ({available}) or use the port number; the probe can never succeed as written"
                    ));
                }
            }
        }
    }
}
