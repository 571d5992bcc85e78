//! `service-target-port-mismatch`: a Service port whose target no selected container declares.

use k8s_openapi::api::core::v1::ContainerPort;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{Context, Group, Rule, RuleMeta, Sink};
use crate::finding::Severity;
use crate::model::{Object, Selector, Typed, service_pod_selector};
use crate::path;

pub(super) struct ServiceTargetPortMismatch;

static META: RuleMeta = RuleMeta {
    name: "service-target-port-mismatch",
    group: Group::References,
    severity: Severity::Error,
    enabled: true,
    summary: "a Service targetPort names or numbers a port the selected pods do not declare",
    options: super::OptionsType::NONE,
    doc: include_str!("../../rules/service-target-port-mismatch.md"),
};

fn protocol(p: Option<&String>) -> &str {
    p.map_or("TCP", String::as_str)
}

fn describe_port(p: &ContainerPort) -> String {
    let proto = protocol(p.protocol.as_ref());
    match &p.name {
        Some(name) => format!("`{name}` ({}/{proto})", p.container_port),
        None => format!("{}/{proto}", p.container_port),
    }
}

/// What is wrong with one Service port's target, and how sure that is.
///
/// Kubernetes resolves a *named* targetPort per pod, by name and protocol (`FindPort` in
/// pkg/api/v1/pod/util.go): a pod without it gets no endpoint. A *number* is used as is:
/// declared container ports are informational.
fn problem(
    o: &Object,
    target: &IntOrString,
    shown: &str,
    want: &str,
    same_target: &[&&ContainerPort],
    none_declared: bool,
) -> Option<(String, Severity)> {
    if same_target.is_empty() {
        return match target {
            IntOrString::String(_) => Some((
                format!(
                    "targetPort {shown} of {} is not a port name declared by the selected pods: they get no endpoints for it",
                    o.describe()
                ),
                Severity::Error,
            )),
            // Only worth saying when the pods declare other ports.
            IntOrString::Int(_) if !none_declared => Some((
                format!(
                    "targetPort {shown} of {} is not among the ports the selected pods declare",
                    o.describe()
                ),
                Severity::Info,
            )),
            IntOrString::Int(_) => None,
        };
    }
    if same_target
        .iter()
        .any(|p| protocol(p.protocol.as_ref()) == want)
    {
        return None;
    }
    let severity = if matches!(target, IntOrString::String(_)) {
        Severity::Error
    } else {
        Severity::Warning
    };
    Some((
        format!(
            "targetPort {shown} of {} uses {want}, but the selected pods declare it as {}",
            o.describe(),
            protocol(same_target.first().and_then(|p| p.protocol.as_ref()))
        ),
        severity,
    ))
}

impl Rule for ServiceTargetPortMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for o in cx.objects {
            let Some(selector) = service_pod_selector(o) else {
                continue;
            };
            let Typed::Service(svc) = &o.typed else {
                continue;
            };
            let matched = cx.index.workloads_matching(o, Selector::Map(selector));
            if matched.is_empty() {
                continue;
            }
            let declared: Vec<&ContainerPort> = matched
                .iter()
                .flat_map(|w| w.containers())
                .flat_map(|c| c.container.ports.iter().flatten())
                .collect();
            let ports = svc.spec.as_ref().and_then(|s| s.ports.as_ref());
            // Built once per Service: a Service with thousands of ports stays linear.
            let available = if declared.is_empty() {
                "the selected pods declare no ports".to_owned()
            } else {
                let list: Vec<String> = declared.iter().map(|p| describe_port(p)).collect();
                format!("the selected pods declare {}", super::listing(&list))
            };
            for (i, port) in ports.into_iter().flatten().enumerate() {
                // The API server defaults an absent, 0 or "" targetPort to `port`.
                let target = match &port.target_port {
                    None | Some(IntOrString::Int(0)) => IntOrString::Int(port.port),
                    Some(IntOrString::String(s)) if s.is_empty() => IntOrString::Int(port.port),
                    Some(t) => t.clone(),
                };
                // A port number out of range is `invalid-object`'s: the API server rejects it.
                if matches!(target, IntOrString::Int(n) if !(1..=65535).contains(&n)) {
                    continue;
                }
                let want = protocol(port.protocol.as_ref());
                let same_target: Vec<&&ContainerPort> = declared
                    .iter()
                    .filter(|p| match &target {
                        IntOrString::Int(n) => p.container_port == *n,
                        IntOrString::String(name) => p.name.as_deref() == Some(name.as_str()),
                    })
                    .collect();
                let shown = match &target {
                    IntOrString::Int(n) => n.to_string(),
                    IntOrString::String(s) => format!("`{s}`"),
                };
                let Some((message, severity)) =
                    problem(o, &target, &shown, want, &same_target, declared.is_empty())
                else {
                    continue;
                };
                let field = if port.target_port.is_some() {
                    "targetPort"
                } else {
                    "port"
                };
                let mut reported = out.report(o, path!["spec", "ports", i, field], message);
                reported.severity(severity);
                if severity == Severity::Info {
                    reported.help(format!(
                        "Traffic still reaches the pods if a container listens on {shown}, since declared ports are informational; declare it under the container's `ports:` so readers and named references agree ({available})"
                    ));
                } else {
                    reported.help(format!(
                        "Point `targetPort` at a declared container port with the Service port's protocol: {available}"
                    ));
                }
                for w in &matched {
                    reported.related(
                        w.object,
                        &w.pod_spec_path().key("containers"),
                        format!("containers of {}", w.object.describe()),
                    );
                }
            }
        }
    }
}
