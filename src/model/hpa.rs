//! What an HPA measures as a percentage of the pods' requests, after API defaulting.

use serde_json::Value;

use super::FieldPath;

/// A `Utilization` target of an HPA: the HPA controller divides usage by the pods' requests
/// for `resource`, so every counted container must request it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UtilizationTarget {
    pub resource: String,
    /// `ContainerResource` metrics measure one container only.
    pub container: Option<String>,
    /// Where it is written; for a defaulted target, `spec`.
    pub path: FieldPath,
    /// Not written: the API's default (80% CPU).
    pub defaulted: bool,
}

const METRICS_ANNOTATION: &str = "autoscaling.alpha.kubernetes.io/metrics";

/// The utilization targets of a `HorizontalPodAutoscaler` of group `autoscaling`, given its
/// `apiVersion` and raw object.
///
/// - `autoscaling/v1`: `targetCPUUtilizationPercentage`; when it is absent (and no metrics are
///   carried in the `autoscaling.alpha.kubernetes.io/metrics` annotation) conversion defaults
///   it to 80% CPU.
/// - `autoscaling/v2` and `v2beta2`: `metrics[]` of type `Resource` / `ContainerResource` with
///   `target.type: Utilization`; `v2beta1`: `targetAverageUtilization`. No metrics at all
///   defaults to 80% CPU (pkg/apis/autoscaling/v2/defaults.go).
pub fn utilization_targets(api_version: &str, raw: &Value) -> Vec<UtilizationTarget> {
    let spec = raw.get("spec");
    let cpu_default = || UtilizationTarget {
        resource: "cpu".to_owned(),
        container: None,
        path: FieldPath::from_keys(&["spec"]),
        defaulted: true,
    };
    if api_version == "autoscaling/v1" {
        if spec
            .and_then(|s| s.get("targetCPUUtilizationPercentage"))
            .is_some_and(|v| !v.is_null())
        {
            return vec![UtilizationTarget {
                resource: "cpu".to_owned(),
                container: None,
                path: FieldPath::from_keys(&["spec", "targetCPUUtilizationPercentage"]),
                defaulted: false,
            }];
        }
        let annotated = raw
            .pointer("/metadata/annotations")
            .and_then(|a| a.get(METRICS_ANNOTATION))
            .is_some();
        return if annotated {
            Vec::new()
        } else {
            vec![cpu_default()]
        };
    }
    let metrics = spec
        .and_then(|s| s.get("metrics"))
        .and_then(Value::as_array);
    let Some(metrics) = metrics.filter(|m| !m.is_empty()) else {
        return vec![cpu_default()];
    };
    let v2beta1 = api_version == "autoscaling/v2beta1";
    let mut out = Vec::new();
    for (i, m) in metrics.iter().enumerate() {
        let (key, per_container) = match m.get("type").and_then(Value::as_str) {
            Some("Resource") => ("resource", false),
            Some("ContainerResource") => ("containerResource", true),
            _ => continue,
        };
        let Some(source) = m.get(key) else { continue };
        let utilization = if v2beta1 {
            source.get("targetAverageUtilization").is_some()
        } else {
            source.pointer("/target/type").and_then(Value::as_str) == Some("Utilization")
        };
        let Some(resource) = source.get("name").and_then(Value::as_str) else {
            continue;
        };
        if !utilization {
            continue;
        }
        let container = if per_container {
            match source.get("container").and_then(Value::as_str) {
                Some(c) => Some(c.to_owned()),
                None => continue,
            }
        } else {
            None
        };
        out.push(UtilizationTarget {
            resource: resource.to_owned(),
            container,
            path: FieldPath::from_keys(&["spec", "metrics"]).index(i).key(key),
            defaulted: false,
        });
    }
    out
}

/// The utilization triggers of a KEDA `ScaledObject` (keda.sh): `type: cpu` or `memory` with
/// `metricType: Utilization` (or the deprecated `metadata.type: Utilization`), optionally for one
/// container (`metadata.containerName`). KEDA turns each into a `Resource` (or
/// `ContainerResource`) metric of the HPA it creates, which then needs the same requests
/// (<https://keda.sh/docs/2.16/scalers/cpu/>: "the error missing request for {cpu/memory}
/// occurs").
pub fn keda_utilization_targets(raw: &Value) -> Vec<UtilizationTarget> {
    let triggers = raw.pointer("/spec/triggers").and_then(Value::as_array);
    let mut out = Vec::new();
    for (i, t) in triggers.into_iter().flatten().enumerate() {
        let Some(resource @ ("cpu" | "memory")) = t.get("type").and_then(Value::as_str) else {
            continue;
        };
        let metadata = t.get("metadata");
        let metric_type = t
            .get("metricType")
            .and_then(Value::as_str)
            .or_else(|| metadata?.get("type")?.as_str());
        if metric_type != Some("Utilization") {
            continue;
        }
        let container = metadata
            .and_then(|m| m.get("containerName"))
            .and_then(Value::as_str)
            .filter(|c| !c.is_empty())
            .map(str::to_owned);
        out.push(UtilizationTarget {
            resource: resource.to_owned(),
            container,
            path: FieldPath::from_keys(&["spec", "triggers"]).index(i),
            defaulted: false,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn v1_defaults_to_cpu() {
        let t = utilization_targets("autoscaling/v1", &json!({"spec": {"maxReplicas": 3}}));
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].resource, "cpu");
        assert!(t[0].defaulted);
        let t = utilization_targets(
            "autoscaling/v1",
            &json!({"spec": {"targetCPUUtilizationPercentage": 50}}),
        );
        assert!(!t[0].defaulted);
        let annotated =
            json!({"metadata": {"annotations": {METRICS_ANNOTATION: "[]"}}, "spec": {}});
        assert!(utilization_targets("autoscaling/v1", &annotated).is_empty());
    }

    #[test]
    fn v2_reads_utilization_only() {
        let raw = json!({"spec": {"metrics": [
            {"type": "Resource", "resource": {"name": "memory", "target": {"type": "Utilization", "averageUtilization": 70}}},
            {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "AverageValue", "averageValue": "500m"}}},
            {"type": "ContainerResource", "containerResource": {"name": "cpu", "container": "app", "target": {"type": "Utilization"}}},
            {"type": "Pods", "pods": {"metric": {"name": "qps"}}}
        ]}});
        let t = utilization_targets("autoscaling/v2", &raw);
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].resource, "memory");
        assert_eq!(t[0].container, None);
        assert_eq!(t[1].container.as_deref(), Some("app"));
        assert_eq!(
            t[1].path,
            FieldPath::from_keys(&["spec", "metrics"])
                .index(2)
                .key("containerResource")
        );
    }

    #[test]
    fn v2_without_metrics_defaults_to_cpu() {
        let t = utilization_targets("autoscaling/v2", &json!({"spec": {"metrics": []}}));
        assert!(t[0].defaulted);
        let only_pods = json!({"spec": {"metrics": [{"type": "Pods", "pods": {}}]}});
        assert!(utilization_targets("autoscaling/v2", &only_pods).is_empty());
    }

    #[test]
    fn keda_cpu_and_memory_utilization_triggers() {
        let raw = json!({"spec": {"triggers": [
            {"type": "cpu", "metricType": "Utilization", "metadata": {"value": "60"}},
            {"type": "memory", "metadata": {"type": "Utilization", "value": "70", "containerName": "app"}},
            {"type": "cpu", "metricType": "AverageValue", "metadata": {"value": "500m"}},
            {"type": "memory", "metadata": {"value": "70"}},
            {"type": "prometheus", "metricType": "Utilization"},
            "not a mapping"
        ]}});
        let t = keda_utilization_targets(&raw);
        assert_eq!(t.len(), 2);
        assert_eq!(
            (t[0].resource.as_str(), t[0].container.as_deref()),
            ("cpu", None)
        );
        assert_eq!(
            (t[1].resource.as_str(), t[1].container.as_deref()),
            ("memory", Some("app"))
        );
        assert!(keda_utilization_targets(&json!({"spec": {"triggers": {}}})).is_empty());
    }

    #[test]
    fn v2beta1_target_average_utilization() {
        let raw = json!({"spec": {"metrics": [
            {"type": "Resource", "resource": {"name": "cpu", "targetAverageUtilization": 60}},
            {"type": "Resource", "resource": {"name": "memory", "targetAverageValue": "1Gi"}}
        ]}});
        let t = utilization_targets("autoscaling/v2beta1", &raw);
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].resource, "cpu");
    }
}
