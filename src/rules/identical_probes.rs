//! `identical-probes`: liveness and readiness probes that check the same thing, with liveness
//! failing first.

use k8s_openapi::api::core::v1::{Container, Probe};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{Context, Group, Rule, RuleMeta, Sink};
use crate::finding::Severity;

pub struct IdenticalProbes;

static META: RuleMeta = RuleMeta {
    name: "identical-probes",
    group: Group::Probes,
    severity: Severity::Warning,
    enabled: true,
    summary: "liveness and readiness probes share a handler and liveness fails no later",
    options: &[],
    doc: include_str!("../../rules/identical-probes.md"),
};

/// A named port resolved through the container's own ports, so `http` and `8080` compare equal.
fn port_number(port: &IntOrString, c: &Container) -> Option<i32> {
    match port {
        IntOrString::Int(n) => Some(*n),
        IntOrString::String(name) => c
            .ports
            .iter()
            .flatten()
            .find(|p| p.name.as_deref() == Some(name.as_str()))
            .map(|p| p.container_port),
    }
}

fn same_handler(a: &Probe, b: &Probe, c: &Container) -> bool {
    if let (Some(x), Some(y)) = (&a.exec, &b.exec) {
        return x.command == y.command;
    }
    if let (Some(x), Some(y)) = (&a.http_get, &b.http_get) {
        return x.path.as_deref().unwrap_or("/") == y.path.as_deref().unwrap_or("/")
            && x.host == y.host
            && x.scheme.as_deref().unwrap_or("HTTP") == y.scheme.as_deref().unwrap_or("HTTP")
            && port_number(&x.port, c).is_some_and(|p| Some(p) == port_number(&y.port, c));
    }
    if let (Some(x), Some(y)) = (&a.tcp_socket, &b.tcp_socket) {
        return port_number(&x.port, c).is_some_and(|p| Some(p) == port_number(&y.port, c));
    }
    if let (Some(x), Some(y)) = (&a.grpc, &b.grpc) {
        return x.port == y.port && x.service == y.service;
    }
    false
}

/// How long a failing endpoint takes to trip the probe: `failureThreshold × periodSeconds`.
fn patience(p: &Probe) -> i64 {
    i64::from(p.failure_threshold.unwrap_or(3)) * i64::from(p.period_seconds.unwrap_or(10))
}

impl Rule for IdenticalProbes {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for w in cx.index.workloads.iter().filter(|w| w.is_long_running()) {
            for c in w.containers() {
                let (Some(live), Some(ready)) =
                    (&c.container.liveness_probe, &c.container.readiness_probe)
                else {
                    continue;
                };
                if !same_handler(live, ready, c.container) || patience(live) > patience(ready) {
                    continue;
                }
                out.report(
                    w.object,
                    c.path.key("livenessProbe"),
                    format!(
                        "liveness probe of container `{}` checks the same endpoint as its readiness probe and fails after {}s, readiness after {}s",
                        c.container.name,
                        patience(live),
                        patience(ready)
                    ),
                )
                .help("Give the liveness probe a cheaper endpoint (is the process alive?) or a larger `failureThreshold`, so an overloaded pod is taken out of rotation instead of killed");
            }
        }
    }
}
