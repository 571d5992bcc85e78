//! What a Service sends traffic to.

use k8s_openapi::api::core::v1::{Container, ServicePort};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// Whether the container declares the port a Service port targets (`targetPort`, default
/// `port`), by name or number, with the same protocol (default TCP).
pub fn container_serves(c: &Container, port: &ServicePort) -> bool {
    let want = port.protocol.as_deref().unwrap_or("TCP");
    let target = port
        .target_port
        .clone()
        .unwrap_or(IntOrString::Int(port.port));
    c.ports.iter().flatten().any(|p| {
        p.protocol.as_deref().unwrap_or("TCP") == want
            && match &target {
                IntOrString::Int(n) => p.container_port == *n,
                IntOrString::String(name) => p.name.as_deref() == Some(name.as_str()),
            }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn serves_by_name_number_and_protocol() {
        let c: Container = serde_json::from_value(json!({
            "name": "a", "ports": [{"name": "http", "containerPort": 8080}, {"containerPort": 53, "protocol": "UDP"}]
        }))
        .unwrap();
        let port = |v| serde_json::from_value::<ServicePort>(v).unwrap();
        assert!(container_serves(
            &c,
            &port(json!({"port": 80, "targetPort": "http"}))
        ));
        assert!(container_serves(&c, &port(json!({"port": 8080}))));
        assert!(!container_serves(&c, &port(json!({"port": 53}))));
        assert!(container_serves(
            &c,
            &port(json!({"port": 53, "protocol": "UDP"}))
        ));
        assert!(!container_serves(
            &c,
            &port(json!({"port": 80, "targetPort": "grpc"}))
        ));
    }
}
