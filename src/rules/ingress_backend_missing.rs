//! `ingress-backend-missing`: an Ingress backend that names a missing Service or port.

use k8s_openapi::api::networking::v1::{Ingress, IngressBackend};

use super::{Context, Group, Rule, RuleMeta, Sink, outside_files};
use crate::finding::Severity;
use crate::model::{FieldPath, Typed};

pub(super) struct IngressBackendMissing;

static META: RuleMeta = RuleMeta {
    name: "ingress-backend-missing",
    group: Group::References,
    severity: Severity::Warning,
    enabled: true,
    summary: "an Ingress backend names a Service, or a Service port, that is not there",
    options: super::OptionsType::NONE,
    doc: include_str!("../../rules/ingress-backend-missing.md"),
};

/// Every `backend` of a networking.k8s.io/v1 Ingress, with its path.
fn backends(ingress: &Ingress) -> Vec<(FieldPath, &IngressBackend)> {
    let mut out = Vec::new();
    let at = FieldPath::from_keys(&["spec"]);
    let Some(spec) = &ingress.spec else {
        return out;
    };
    if let Some(b) = &spec.default_backend {
        out.push((at.clone().key("defaultBackend"), b));
    }
    for (i, rule) in spec.rules.iter().flatten().enumerate() {
        let paths = rule.http.as_ref().map(|h| h.paths.as_slice());
        for (j, p) in paths.into_iter().flatten().enumerate() {
            let path = at
                .clone()
                .key("rules")
                .index(i)
                .keys(&["http", "paths"])
                .index(j)
                .key("backend");
            out.push((path, &p.backend));
        }
    }
    out
}

impl Rule for IngressBackendMissing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for o in cx.objects {
            let Typed::Ingress(ingress) = &o.typed else {
                continue;
            };
            let ns = o.namespace.as_str();
            for (at, backend) in backends(ingress) {
                let Some(service) = &backend.service else {
                    continue;
                };
                let name = service.name.as_str();
                // k8s-openapi reads a missing `name` as empty: it names no Service.
                if name.is_empty() {
                    continue;
                }
                let at = at.key("service");
                let Some(svc) = cx
                    .index
                    .find(o, "Service", name)
                    .find_map(|s| match &s.typed {
                        Typed::Service(svc) => Some(svc),
                        _ => None,
                    })
                else {
                    if cx.index.is_complete(ns) {
                        out.report(
                            o,
                            at.key("name"),
                            format!(
                                "{} routes to Service `{name}`, which is not in namespace `{ns}`",
                                o.describe()
                            ),
                        )
                        .help(format!(
                            "Name an existing Service, or add it; {}",
                            outside_files(&format!("Service `{name}`"))
                        ));
                    }
                    continue;
                };
                let ports = svc.spec.as_ref().and_then(|s| s.ports.as_ref());
                let port = service.port.as_ref();
                let (field, wanted, found) = if let Some(n) = port.and_then(|p| p.number) {
                    (
                        "number",
                        n.to_string(),
                        ports.into_iter().flatten().any(|p| p.port == n),
                    )
                } else if let Some(n) = port.and_then(|p| p.name.as_deref()) {
                    (
                        "name",
                        format!("`{n}`"),
                        ports
                            .into_iter()
                            .flatten()
                            .any(|p| p.name.as_deref() == Some(n)),
                    )
                } else {
                    continue;
                };
                if found {
                    continue;
                }
                let exposed: Vec<String> = ports
                    .into_iter()
                    .flatten()
                    .map(|p| match &p.name {
                        Some(n) => format!("{} (`{n}`)", p.port),
                        None => p.port.to_string(),
                    })
                    .collect();
                out.report(
                    o,
                    at.keys(&["port", field]),
                    format!(
                        "{} routes to port {wanted} of Service `{name}`, which does not expose it",
                        o.describe()
                    ),
                )
                // The controller has no endpoint for that port: the route answers 503.
                .severity(Severity::Error)
                .help(format!(
                    "Use a port the Service exposes: {}",
                    if exposed.is_empty() {
                        "it exposes none".to_owned()
                    } else {
                        exposed.join(", ")
                    }
                ));
            }
        }
    }
}
