//! Which containers of a workload receive traffic: the fact the probe rules share.
//!
//! A readiness probe only matters for a container something connects to: the kubelet's
//! readiness result decides whether the pod's address is in its Services' endpoints. A
//! config-reloader sidecar, a CSI node registrar or a queue consumer serves nothing, and a
//! probe on it could only take the pod out of rotation for a reason unrelated to serving.
//!
//! A container receives traffic when it declares a `containerPort`, or when a Service of the
//! run selects its pod and the Service's `targetPort` can only reach it. The target is resolved
//! the way the endpoints controller does (`FindPort` in `k8s.io/kubernetes/pkg/api/v1/pod`):
//! a named `targetPort` is looked up among the pod's declared ports (name and protocol); a
//! number is used as is, whether declared or not.

use k8s_openapi::api::core::v1::{ContainerPort, Service, ServicePort};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::Object;
use super::decode::Typed;
use super::selector::Labels;
use super::workload::{ContainerKind, ContainerRef, Workload};

/// A Service's pod selector when it routes to pods: set, non-empty, and not an `ExternalName`
/// (a Service without a selector has hand-made endpoints, not the pods of any workload).
pub fn service_pod_selector(o: &Object) -> Option<&Labels> {
    let Typed::Service(svc) = &o.typed else {
        return None;
    };
    let spec = svc.spec.as_ref()?;
    if spec.type_.as_deref() == Some("ExternalName") {
        return None;
    }
    spec.selector.as_ref().filter(|s| !s.is_empty())
}

/// Why a container is taken to receive traffic.
#[derive(Debug, Clone, Copy)]
pub enum Traffic<'a> {
    /// A Service of the run selects the pod and its `targetPort` reaches this container.
    Service(&'a Object),
    /// The container declares this port; no Service of the run targets it.
    Port(&'a ContainerPort),
}

fn protocol(p: Option<&String>) -> &str {
    p.map_or("TCP", String::as_str)
}

/// The port a Service port sends to; the API server defaults an absent, `0` or `""`
/// `targetPort` to `port`.
fn target(port: &ServicePort) -> IntOrString {
    match &port.target_port {
        None | Some(IntOrString::Int(0)) => IntOrString::Int(port.port),
        Some(IntOrString::String(s)) if s.is_empty() => IntOrString::Int(port.port),
        Some(t) => t.clone(),
    }
}

/// The declared port a Service port reaches, resolved as the endpoints controller does.
fn reached<'p>(ports: &'p [ContainerPort], port: &ServicePort) -> Option<&'p ContainerPort> {
    match target(port) {
        IntOrString::Int(n) => ports.iter().find(|p| p.container_port == n),
        IntOrString::String(name) => ports.iter().find(|p| {
            p.name.as_deref() == Some(name.as_str())
                && protocol(p.protocol.as_ref()) == protocol(port.protocol.as_ref())
        }),
    }
}

/// A port named for metrics scraping (`metrics`, `http-metrics`, `http-envoy-prom`, …) or
/// for health checks (`healthz`, `health`): Prometheus discovers not-ready endpoints too and
/// scrapes each pod directly, and the kubelet probes a health port itself, so a readiness
/// result changes nothing for such a port: a container whose only listeners they are serves
/// no requests that a probe would protect.
fn is_metrics_name(name: Option<&str>) -> bool {
    name.is_some_and(|n| {
        n.to_ascii_lowercase().split(['-', '_']).any(|part| {
            matches!(
                part,
                "metrics" | "metric" | "prom" | "prometheus" | "healthz" | "health"
            )
        })
    })
}

fn is_metrics_port(p: &ContainerPort) -> bool {
    is_metrics_name(p.name.as_deref())
}

fn service_ports(svc: &Service) -> &[ServicePort] {
    svc.spec
        .as_ref()
        .and_then(|s| s.ports.as_deref())
        .unwrap_or_default()
}

impl<'a> Workload<'a> {
    /// Whether the container receives traffic, and why; `services` are the Services of the run
    /// that select this workload's pods (`Index::services_selecting`).
    ///
    /// - A container that declares the port a selecting Service targets: that Service.
    /// - Any other container that declares a port: that port (something is meant to connect).
    /// - A container without ports, when no container of the pod declares one and a selecting
    ///   Service sends to a port number (or is headless without ports): the Service, because
    ///   nothing tells which container listens. Only main containers: a native sidecar that
    ///   serves is expected to say so with a port.
    /// - Otherwise none: a portless helper next to a container that declares the Service's
    ///   port, and a pod that no Service of the run selects and that declares no port.
    pub fn traffic_to(&self, c: &ContainerRef<'a>, services: &[&'a Object]) -> Option<Traffic<'a>> {
        let own: &'a [ContainerPort] = c.container.ports.as_deref().unwrap_or_default();
        let mut typed = services.iter().filter_map(|o| match &o.typed {
            Typed::Service(svc) => Some((*o, svc.as_ref())),
            _ => None,
        });
        if !own.is_empty() {
            let by_service = typed.find(|(_, svc)| {
                service_ports(svc).iter().any(|port| {
                    reached(own, port).is_some_and(|p| {
                        !is_metrics_port(p) && !is_metrics_name(port.name.as_deref())
                    })
                })
            });
            if let Some((o, _)) = by_service {
                return Some(Traffic::Service(o));
            }
            // A port that a Service reaches under a metrics name is a metrics port too.
            let scraped = |p: &ContainerPort| {
                services.iter().any(|o| match &o.typed {
                    Typed::Service(svc) => service_ports(svc).iter().any(|port| {
                        is_metrics_name(port.name.as_deref())
                            && reached(own, port).is_some_and(|r| std::ptr::eq(r, p))
                    }),
                    _ => false,
                })
            };
            return own
                .iter()
                .find(|p| !is_metrics_port(p) && !scraped(p))
                .map(Traffic::Port);
        }
        let pod_declares_ports = self
            .containers()
            .any(|c| c.container.ports.as_ref().is_some_and(|p| !p.is_empty()));
        if c.kind != ContainerKind::Main || pod_declares_ports {
            return None;
        }
        typed
            .find(|(_, svc)| {
                let ports = service_ports(svc);
                ports.is_empty()
                    || ports.iter().any(|port| {
                        matches!(target(port), IntOrString::Int(_))
                            && !is_metrics_name(port.name.as_deref())
                    })
            })
            .map(|(o, _)| Traffic::Service(o))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::model::decode;

    fn object(raw: Value) -> Object {
        let api_version = raw["apiVersion"].as_str().unwrap_or_default().to_owned();
        let kind = raw["kind"].as_str().unwrap_or_default().to_owned();
        let name = raw["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let (typed, _) = decode(&api_version, &kind, &raw);
        Object {
            id: crate::model::ObjectId::new(0),
            file: crate::source::FileId::new(0),
            document: 0,
            api_version,
            kind,
            name,
            explicit_namespace: None,
            namespace: "default".to_owned(),
            raw,
            spans: crate::source::SpanNode::default(),
            typed: typed.expect("decodes"),
            unknown_fields: Vec::new(),
            ambiguous: Vec::new(),
        }
    }

    fn deployment(containers: &Value, sidecars: &Value) -> Object {
        object(json!({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "web"},
            "spec": {
                "selector": {"matchLabels": {"app": "web"}},
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": containers, "initContainers": sidecars},
                },
            },
        }))
    }

    fn service(ports: &Value) -> Object {
        object(json!({
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "web"},
            "spec": {"selector": {"app": "web"}, "ports": ports},
        }))
    }

    /// For each container (main, then native sidecars): `S` Service, `P` port, `-` none.
    fn traffic(d: &Object, services: &[&Object]) -> String {
        let w = Workload::of(crate::model::ObjectId::new(0), d).expect("a workload");
        w.containers()
            .map(|c| match w.traffic_to(&c, services) {
                Some(Traffic::Service(_)) => 'S',
                Some(Traffic::Port(_)) => 'P',
                None => '-',
            })
            .collect()
    }

    #[test]
    fn a_declared_port_serves_even_without_a_service() {
        let d = deployment(
            &json!([{"name": "web", "ports": [{"containerPort": 8080}]}, {"name": "reloader"}]),
            &json!([]),
        );
        assert_eq!(traffic(&d, &[]), "P-");
    }

    #[test]
    fn a_pod_without_ports_or_service_serves_nothing() {
        let d = deployment(&json!([{"name": "worker"}]), &json!([]));
        assert_eq!(traffic(&d, &[]), "-");
    }

    #[test]
    fn the_service_target_picks_the_serving_container() {
        let d = deployment(
            &json!([
                {"name": "web", "ports": [{"name": "http", "containerPort": 8080}]},
                {"name": "reloader"},
                {"name": "metrics", "ports": [{"containerPort": 9090}]},
            ]),
            &json!([]),
        );
        let by_name = service(&json!([{"port": 80, "targetPort": "http"}]));
        assert_eq!(traffic(&d, &[&by_name]), "S-P");
        let by_number = service(&json!([{"port": 8080}]));
        assert_eq!(traffic(&d, &[&by_number]), "S-P");
        let other_protocol =
            service(&json!([{"port": 80, "targetPort": "http", "protocol": "UDP"}]));
        assert_eq!(
            traffic(&d, &[&other_protocol]),
            "P-P",
            "a named port matches its protocol too"
        );
    }

    #[test]
    fn a_portless_pod_selected_by_a_service_serves_from_its_main_containers() {
        let d = deployment(
            &json!([{"name": "web"}, {"name": "helper"}]),
            &json!([{"name": "proxy", "restartPolicy": "Always"}]),
        );
        let numeric = service(&json!([{"port": 80, "targetPort": 8080}]));
        assert_eq!(traffic(&d, &[&numeric]), "SS-");
        let headless = service(&json!([]));
        assert_eq!(traffic(&d, &[&headless]), "SS-");
        let named = service(&json!([{"port": 80, "targetPort": "http"}]));
        assert_eq!(
            traffic(&d, &[&named]),
            "---",
            "a name no container declares reaches no container"
        );
    }

    #[test]
    fn a_portless_sidecar_next_to_a_declared_port_serves_nothing() {
        let d = deployment(
            &json!([{"name": "grafana", "ports": [{"containerPort": 3000}]}, {"name": "sc-dashboard"}]),
            &json!([{"name": "registrar", "restartPolicy": "Always"}]),
        );
        // A number that no container declares: the declared ports say who listens.
        let undeclared = service(&json!([{"port": 80, "targetPort": 8080}]));
        assert_eq!(traffic(&d, &[&undeclared]), "P--");
        let declared = service(&json!([{"port": 80, "targetPort": 3000}]));
        assert_eq!(traffic(&d, &[&declared]), "S--");
    }

    #[test]
    fn a_native_sidecar_with_the_target_port_serves() {
        let d = deployment(
            &json!([{"name": "app"}]),
            &json!([{"name": "proxy", "restartPolicy": "Always", "ports": [{"name": "https", "containerPort": 8443}]}]),
        );
        let svc = service(&json!([{"port": 443, "targetPort": "https"}]));
        assert_eq!(traffic(&d, &[&svc]), "-S");
    }

    #[test]
    fn a_metrics_port_alone_is_no_traffic() {
        let d = deployment(
            &json!([
                {"name": "controller", "ports": [{"name": "metrics", "containerPort": 8082}]},
                {"name": "proxy", "ports": [{"name": "http-envoy-prom", "containerPort": 15090}, {"name": "admin", "containerPort": 15000}]},
            ]),
            &json!([]),
        );
        assert_eq!(traffic(&d, &[]), "-P");
        let metrics = service(&json!([{"name": "metrics", "port": 8082, "targetPort": 8082}]));
        assert_eq!(traffic(&d, &[&metrics]), "-P");
        let unnamed = deployment(
            &json!([{"name": "controller", "ports": [{"containerPort": 8082}]}]),
            &json!([]),
        );
        assert_eq!(traffic(&unnamed, &[]), "P");
        assert_eq!(
            traffic(&unnamed, &[&metrics]),
            "-",
            "a Service port named for metrics names the container port it reaches"
        );
        let portless = deployment(&json!([{"name": "exporter"}]), &json!([]));
        let scrape = service(&json!([{"name": "http-metrics", "port": 9100}]));
        assert_eq!(traffic(&portless, &[&scrape]), "-");
    }

    #[test]
    fn only_routing_services_have_a_pod_selector() {
        assert!(service_pod_selector(&service(&json!([{"port": 80}]))).is_some());
        let external = object(json!({
            "apiVersion": "v1", "kind": "Service", "metadata": {"name": "db"},
            "spec": {"type": "ExternalName", "externalName": "db.example.com", "selector": {"app": "db"}},
        }));
        assert!(service_pod_selector(&external).is_none());
        let manual = object(json!({
            "apiVersion": "v1", "kind": "Service", "metadata": {"name": "db"},
            "spec": {"ports": [{"port": 5432}]},
        }));
        assert!(service_pod_selector(&manual).is_none());
    }
}
