//! `ingress-backend-missing`: an Ingress backend that names a missing Service or port.

use serde_json::Value;

use super::{Context, Group, Rule, RuleMeta, Sink, outside_files};
use crate::finding::Severity;
use crate::model::{FieldPath, Object, Typed};

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
fn backends(o: &Object) -> Vec<(FieldPath, &Value)> {
    let mut out = Vec::new();
    let spec = FieldPath::from_keys(&["spec"]);
    if let Some(b) = o.get(&spec.clone().key("defaultBackend")) {
        out.push((spec.clone().key("defaultBackend"), b));
    }
    let rules = o.raw.pointer("/spec/rules").and_then(Value::as_array);
    for (i, rule) in rules.into_iter().flatten().enumerate() {
        let paths = rule.pointer("/http/paths").and_then(Value::as_array);
        for (j, p) in paths.into_iter().flatten().enumerate() {
            if let Some(b) = p.get("backend") {
                let at = spec
                    .clone()
                    .key("rules")
                    .index(i)
                    .keys(&["http", "paths"])
                    .index(j)
                    .key("backend");
                out.push((at, b));
            }
        }
    }
    out
}

impl Rule for IngressBackendMissing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for o in cx
            .objects
            .iter()
            .filter(|o| o.kind == "Ingress" && o.api_version == "networking.k8s.io/v1")
        {
            let ns = o.namespace.as_str();
            for (at, backend) in backends(o) {
                let Some(service) = backend.get("service") else {
                    continue;
                };
                let Some(name) = service.get("name").and_then(Value::as_str) else {
                    continue;
                };
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
                let port = service.get("port");
                let (field, wanted, found) = if let Some(n) =
                    port.and_then(|p| p.get("number")).and_then(Value::as_i64)
                {
                    (
                        "number",
                        n.to_string(),
                        ports.into_iter().flatten().any(|p| i64::from(p.port) == n),
                    )
                } else if let Some(n) = port.and_then(|p| p.get("name")).and_then(Value::as_str) {
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
