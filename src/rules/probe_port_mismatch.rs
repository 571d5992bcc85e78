//! `probe-port-mismatch`: a probe that names a port its container does not declare.

use k8s_openapi::api::core::v1::{ContainerPort, Probe};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{Context, Group, Rule, RuleMeta, Sink};
use crate::finding::Severity;

pub(super) struct ProbePortMismatch;

static META: RuleMeta = RuleMeta {
    name: "probe-port-mismatch",
    group: Group::Probes,
    severity: Severity::Error,
    enabled: true,
    summary: "a probe names a port (`port: http`) its container does not declare",
    options: super::OptionsType::NONE,
    doc: include_str!("../../rules/probe-port-mismatch.md"),
};

/// The port of a probe's TCP-based handler (`httpGet`, `tcpSocket`, `grpc`), with the
/// handler's field name.
fn probe_port(p: &Probe) -> Option<(&'static str, IntOrString)> {
    p.http_get
        .as_ref()
        .map(|h| ("httpGet", h.port.clone()))
        .or_else(|| p.tcp_socket.as_ref().map(|t| ("tcpSocket", t.port.clone())))
        .or_else(|| p.grpc.as_ref().map(|g| ("grpc", IntOrString::Int(g.port))))
}

fn is_tcp(p: &ContainerPort) -> bool {
    p.protocol.as_deref().is_none_or(|proto| proto == "TCP")
}

/// A probe port that resolves (by name, as the kubelet does, whatever its protocol; or by
/// number) to a port number the container declares, but only over UDP or SCTP: the kubelet
/// probes over TCP.
fn non_tcp_only(ports: &[ContainerPort], port: &IntOrString) -> Option<(i32, String, Severity)> {
    let (number, severity) = match port {
        IntOrString::String(name) => (
            ports
                .iter()
                .find(|p| p.name.as_deref() == Some(name))?
                .container_port,
            Severity::Error,
        ),
        IntOrString::Int(n) => (*n, Severity::Warning),
    };
    let same: Vec<&ContainerPort> = ports
        .iter()
        .filter(|p| p.container_port == number)
        .collect();
    if same.is_empty() || same.iter().any(|p| is_tcp(p)) {
        return None;
    }
    let proto = same
        .first()
        .and_then(|p| p.protocol.clone())
        .unwrap_or_default();
    Some((number, proto, severity))
}

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
                let declared_ports = c.container.ports.as_deref().unwrap_or_default();
                for (field, probe) in probes {
                    if let Some((handler, port)) = probe.as_ref().and_then(probe_port)
                        && let Some((number, proto, severity)) = non_tcp_only(declared_ports, &port)
                    {
                        let shown = match &port {
                            IntOrString::String(name) => format!("port `{name}` ({number})"),
                            IntOrString::Int(n) => format!("port {n}"),
                        };
                        out.report(
                            w.object,
                            c.path.clone().keys(&[field, handler, "port"]),
                            format!(
                                "{field} of container `{}` probes {shown}, which the container declares only as {proto}: the kubelet probes over TCP, so the probe fails",
                                c.container.name
                            ),
                        )
                        .severity(severity)
                        .help("Probe a TCP port of the container (declare it, e.g. a health endpoint), or use an `exec` probe for a UDP-only server");
                        continue;
                    }
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
                    // The kubelet cannot resolve the name (`findPortByName`) and throws the errored
                    // result away: a readiness or startup probe then never passes (the pod is
                    // never ready), while a liveness probe never fails (it never restarts a
                    // hung container): a lost safety net, not an outage.
                    let (consequence, severity) = if field == "livenessProbe" {
                        (
                            "it never runs, so a hung container is never restarted",
                            Severity::Warning,
                        )
                    } else {
                        (
                            "it never passes, so the pod never becomes ready",
                            Severity::Error,
                        )
                    };
                    out.report(
                        w.object,
                        c.path.clone().keys(&[field, handler, "port"]),
                        format!(
                            "{field} of container `{}` uses port `{name}`, which the container does not declare: {consequence}",
                            c.container.name
                        ),
                    )
                    .severity(severity)
                    .help(format!(
                        "Name a port of this container ({available}) or use the port number"
                    ));
                }
            }
        }
    }
}
