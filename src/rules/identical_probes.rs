//! `identical-probes`: liveness and readiness probes that run the same check of more than the
//! process (a readiness endpoint, an application page), with liveness failing first.

use k8s_openapi::api::core::v1::{Container, Probe};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{Context, Group, Rule, RuleMeta, Sink};
use crate::finding::Severity;

pub(super) struct IdenticalProbes;

static META: RuleMeta = RuleMeta {
    name: "identical-probes",
    group: Group::Probes,
    severity: Severity::Warning,
    enabled: true,
    summary: "liveness and readiness probes share a check that can fail for more than a dead process, and liveness fails no later",
    options: super::OptionsType::NONE,
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

/// Path segments that name a check of the process itself, by common convention (`/healthz`,
/// `/livez`, `/-/healthy`, `/health/live`, `/ping`, …).
const PROCESS_CHECKS: &[&str] = &[
    "health",
    "healthz",
    "healthy",
    "healthcheck",
    "health-check",
    "health_check",
    "livez",
    "live",
    "liveness",
    "alive",
    "ping",
    "status",
    "heartbeat",
];

/// Aggregate health endpoints that, by default, include dependency checks: Spring Boot's
/// `/actuator/health` (every `HealthIndicator`: database, broker, …) and Quarkus' `/q/health`
/// (liveness and readiness checks together).
const AGGREGATE_HEALTH: &[&str] = &["/actuator/health", "/q/health"];

/// Whether a word of the text names readiness (`/readyz`, `redis_readiness.sh`, `ready`), not
/// merely containing the letters (`pg_isready` asks whether the server accepts connections).
fn names_readiness(text: &str) -> bool {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .any(|word| {
            let word = word.to_ascii_lowercase();
            word.starts_with("ready") || word.starts_with("readiness")
        })
}

/// Why the shared check can fail while the process is fine (a dependency is down, the pod is
/// overloaded), or None for a check of the process itself: a TCP connect, the gRPC health
/// service, a conventional liveness path, an exec command that does not name readiness.
fn deep_check(p: &Probe, c: &Container) -> Option<String> {
    if let Some(http) = &p.http_get {
        let path = http.path.as_deref().unwrap_or("/");
        let path = path.split(['?', '#']).next().unwrap_or(path);
        let shown = format!("`{path}`");
        if names_readiness(path) {
            return Some(format!("{shown} is a readiness endpoint"));
        }
        let trimmed = path.trim_end_matches('/').to_ascii_lowercase();
        if AGGREGATE_HEALTH.contains(&trimmed.as_str()) {
            return Some(format!(
                "{shown} aggregates every health check, dependencies included"
            ));
        }
        let is_health = path.split('/').any(|seg| {
            let seg = seg.trim_start_matches(['_', '-', '.']).to_ascii_lowercase();
            PROCESS_CHECKS.contains(&seg.as_str())
        });
        // An application path on a port the container declares is a page or an API call; on an
        // undeclared port it is a separate health listener (the OpenTelemetry collector's
        // `:13133/`, for instance).
        let on_serving_port = port_number(&http.port, c)
            .is_some_and(|n| c.ports.iter().flatten().any(|p| p.container_port == n));
        return (!is_health && on_serving_port)
            .then(|| format!("{shown} is an application path, not a health check"));
    }
    if let Some(exec) = &p.exec {
        let command = exec
            .command
            .iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join(" ");
        return names_readiness(&command).then(|| format!("`{command}` is a readiness check"));
    }
    if let Some(grpc) = &p.grpc {
        return grpc
            .service
            .as_deref()
            .filter(|s| names_readiness(s))
            .map(|s| format!("gRPC health service `{s}` is a readiness check"));
    }
    None
}

/// A check of the process alone, in the probe's own handler type.
fn process_check_hint(p: &Probe) -> &'static str {
    if p.exec.is_some() {
        "a command that checks the process alone"
    } else if p.grpc.is_some() {
        "the server's overall gRPC health (no `service`)"
    } else {
        "a path that checks the process alone (such as `/livez`)"
    }
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
                let Some(why) = deep_check(live, c.container) else {
                    continue;
                };
                out.report(
                    w.object,
                    c.path.clone().key("livenessProbe"),
                    format!(
                        "liveness probe of {} `{}` runs the same check as its readiness probe and gives up after {}s, readiness after {}s: {why}",
                        c.role(),
                        c.container.name,
                        patience(live),
                        patience(ready)
                    ),
                )
                .help(format!(
                    "Point the liveness probe at {}, or give it a larger `failureThreshold × periodSeconds` than the readiness probe, so a pod that is overloaded or cut off from a dependency leaves rotation instead of being restarted",
                    process_check_hint(live)
                ));
            }
        }
    }
}
