//! Resource requests as Kubernetes resolves them: what a container, a pod, or a namespace's
//! LimitRange makes a pod request.

use k8s_openapi::api::core::v1::{Container, PodSpec, ResourceRequirements};
use serde_json::Value;

use super::Object;

/// Whether the container ends up with a request for `resource`: written under
/// `resources.requests`, or under `resources.limits` only (API defaulting copies a limit into
/// a missing request, `SetDefaults_Container` in pkg/apis/core/v1/defaults.go).
pub fn container_requests(c: &Container, resource: &str) -> bool {
    requests(c.resources.as_ref(), resource)
}

/// Whether the pod spec sets a pod-level request (or limit, which defaults it) for `resource`
/// (`spec.resources`, KEP-2837 pod-level resources).
pub fn pod_level_requests(spec: &PodSpec, resource: &str) -> bool {
    requests(spec.resources.as_ref(), resource)
}

/// A request for `resource` under `requests`, or a limit that defaults it.
fn requests(r: Option<&ResourceRequirements>, resource: &str) -> bool {
    r.is_some_and(|r| {
        r.requests
            .as_ref()
            .is_some_and(|m| m.contains_key(resource))
            || r.limits.as_ref().is_some_and(|m| m.contains_key(resource))
    })
}

/// Whether `o` is a LimitRange whose `Container` items give containers without a request for
/// `resource` one: `defaultRequest`, or `default` / `max`, from which the API defaults
/// `defaultRequest` (`SetDefaults_LimitRangeItem`).
pub fn limit_range_defaults_request(o: &Object, resource: &str) -> bool {
    if o.kind != "LimitRange" || o.api_version != "v1" {
        return false;
    }
    o.raw
        .pointer("/spec/limits")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|item| item.get("type").and_then(Value::as_str) == Some("Container"))
        .any(|item| {
            ["defaultRequest", "default", "max"]
                .iter()
                .any(|k| item.get(k).and_then(|m| m.get(resource)).is_some())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn container(v: serde_json::Value) -> Container {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn a_limit_defaults_the_request() {
        let c = container(serde_json::json!({"name": "a", "resources": {"limits": {"cpu": "1"}}}));
        assert!(container_requests(&c, "cpu"));
        assert!(!container_requests(&c, "memory"));
    }

    #[test]
    fn no_resources_no_request() {
        let c = container(serde_json::json!({"name": "a"}));
        assert!(!container_requests(&c, "cpu"));
        let c = container(
            serde_json::json!({"name": "a", "resources": {"requests": {"memory": "1Gi"}}}),
        );
        assert!(container_requests(&c, "memory"));
        assert!(!container_requests(&c, "cpu"));
    }

    #[test]
    fn pod_level_resources() {
        let spec: PodSpec = serde_json::from_value(serde_json::json!({
            "containers": [{"name": "a"}],
            "resources": {"requests": {"cpu": "1"}}
        }))
        .unwrap();
        assert!(pod_level_requests(&spec, "cpu"));
        assert!(!pod_level_requests(&spec, "memory"));
    }
}
