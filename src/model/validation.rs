//! What the API server rejects that the schema alone does not: cross-field rules of the
//! built-in kinds' validation (kubernetes/kubernetes `pkg/apis/*/validation`), and a built-in
//! kind sent to an API group that does not serve it.

use serde_json::Value;

use super::{FieldPath, Object};

/// Built-in kinds and the apiVersion that serves each today.
const SERVED_BY: &[(&str, &str)] = &[
    ("Deployment", "apps/v1"),
    ("StatefulSet", "apps/v1"),
    ("DaemonSet", "apps/v1"),
    ("ReplicaSet", "apps/v1"),
    ("ControllerRevision", "apps/v1"),
    ("Pod", "v1"),
    ("Service", "v1"),
    ("ConfigMap", "v1"),
    ("Secret", "v1"),
    ("ServiceAccount", "v1"),
    ("PersistentVolumeClaim", "v1"),
    ("ReplicationController", "v1"),
    ("Namespace", "v1"),
    ("Job", "batch/v1"),
    ("CronJob", "batch/v1"),
    ("PodDisruptionBudget", "policy/v1"),
    ("HorizontalPodAutoscaler", "autoscaling/v2"),
    ("Ingress", "networking.k8s.io/v1"),
    ("IngressClass", "networking.k8s.io/v1"),
    ("NetworkPolicy", "networking.k8s.io/v1"),
];

/// API groups of Kubernetes itself: a kind sent to one of these must be one it serves. Other
/// groups belong to custom resources, which may reuse any kind name.
const BUILT_IN_GROUPS: &[&str] = &[
    "",
    "apps",
    "batch",
    "policy",
    "autoscaling",
    "networking.k8s.io",
];

/// Groups that served these kinds in an earlier version (`extensions/v1beta1` Deployment):
/// `deprecated-api` reports those, with the version that removed them.
fn served_once(kind: &str, group: &str) -> bool {
    match kind {
        "Deployment" | "DaemonSet" | "ReplicaSet" => matches!(group, "apps" | "extensions"),
        "StatefulSet" | "ControllerRevision" => group == "apps",
        "Ingress" | "NetworkPolicy" => matches!(group, "extensions" | "networking.k8s.io"),
        "CronJob" | "Job" => group == "batch",
        "PodDisruptionBudget" => group == "policy",
        "HorizontalPodAutoscaler" => group == "autoscaling",
        "IngressClass" => group == "networking.k8s.io",
        _ => group.is_empty(),
    }
}

/// `0` or `0%`: the validation compares the values as written, not scaled.
fn is_zero(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Number(n)) => n.as_i64() == Some(0),
        Some(Value::String(s)) => s.trim_end_matches('%') == "0",
        _ => false,
    }
}

/// Every rejection of `o`: the field it is about, and the API server's reason.
pub fn api_rejections(o: &Object) -> Vec<(FieldPath, String)> {
    let mut out = Vec::new();
    let group = o.group();
    if BUILT_IN_GROUPS.contains(&group)
        && let Some(&(_, serving)) = SERVED_BY.iter().find(|(k, _)| *k == o.kind)
        && !served_once(&o.kind, group)
    {
        out.push((
            FieldPath::from_keys(&["apiVersion"]),
            format!(
                "uses `apiVersion: {}`, which does not serve this kind: the API server answers \"no matches for kind\"; `{}` is served by `{serving}`",
                o.api_version, o.kind
            ),
        ));
        return out;
    }
    let spec = o.raw.get("spec");
    let get = |path: &[&str]| -> Option<&Value> { path.iter().try_fold(spec?, |v, k| v.get(k)) };
    match (o.kind.as_str(), group) {
        ("PodDisruptionBudget", "policy")
            if get(&["minAvailable"]).is_some() && get(&["maxUnavailable"]).is_some() =>
        {
            out.push((
                FieldPath::from_keys(&["spec", "maxUnavailable"]),
                "sets both `minAvailable` and `maxUnavailable`: the API server rejects it (\"minAvailable and maxUnavailable cannot be both set\")".to_owned(),
            ));
        }
        ("Deployment", "apps") => {
            let kind = get(&["strategy", "type"]).and_then(Value::as_str);
            match kind {
                None | Some("RollingUpdate") => {
                    let rolling = |k| get(&["strategy", "rollingUpdate", k]);
                    if is_zero(rolling("maxUnavailable")) && is_zero(rolling("maxSurge")) {
                        out.push((
                            FieldPath::from_keys(&["spec", "strategy", "rollingUpdate", "maxUnavailable"]),
                            "sets `maxUnavailable` and `maxSurge` both to 0: the API server rejects it (\"may not be 0 when `maxSurge` is 0\"): a rollout could neither stop an old pod nor start a new one".to_owned(),
                        ));
                    }
                }
                // `rollingUpdate: null` (Helm charts write it) is no value: accepted.
                Some("Recreate")
                    if get(&["strategy", "rollingUpdate"]).is_some_and(|v| !v.is_null()) =>
                {
                    out.push((
                        FieldPath::from_keys(&["spec", "strategy", "rollingUpdate"]),
                        "sets `strategy.rollingUpdate` with `type: Recreate`: the API server rejects it (\"may not be specified when strategy `type` is 'Recreate'\")".to_owned(),
                    ));
                }
                Some("Recreate") => {}
                Some(other) => out.push((
                    FieldPath::from_keys(&["spec", "strategy", "type"]),
                    format!(
                        "has `strategy.type: {other}`: the API server rejects it (supported values: \"Recreate\", \"RollingUpdate\")"
                    ),
                )),
            }
        }
        ("StatefulSet" | "DaemonSet", "apps") => {
            if let Some(other) = get(&["updateStrategy", "type"])
                .and_then(Value::as_str)
                .filter(|t| !matches!(*t, "RollingUpdate" | "OnDelete"))
            {
                out.push((
                    FieldPath::from_keys(&["spec", "updateStrategy", "type"]),
                    format!(
                        "has `updateStrategy.type: {other}`: the API server rejects it (supported values: \"OnDelete\", \"RollingUpdate\")"
                    ),
                ));
            }
        }
        _ => {}
    }
    out.extend(min_domains(o));
    out.extend(int_or_percent_values(o));
    out.extend(rolling_update_counts(o));
    out.extend(negative_replicas(o));
    out.extend(negative_hpa_minimum(o));
    out.extend(container_ports(o));
    out.extend(service_ports(o));
    out
}

/// `IsValidPercent` (apimachinery `util/validation`): the whole string matches `[0-9]+%`.
fn is_valid_percent(s: &str) -> bool {
    s.strip_suffix('%')
        .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
}

/// The API server's reason for rejecting an int-or-percent `value`: `ValidatePositiveIntOrPercent`
/// (a string must be a percent, a number must not be negative) and, when `at_most_100`,
/// `IsNotMoreThan100Percent` (pkg/apis/apps/validation). None when it is accepted.
fn int_or_percent_rejection(value: &Value, at_most_100: bool) -> Option<&'static str> {
    match value {
        Value::String(s) if !is_valid_percent(s) => {
            Some("a valid percent string must be a numeric string followed by an ending '%'")
        }
        // Digits too many for Go's `strconv.Atoi` read as 0 there, which passes: only a
        // percentage that parses can be over 100.
        Value::String(s) => (at_most_100
            && s.trim_end_matches('%')
                .parse::<u64>()
                .is_ok_and(|p| p > 100))
        .then_some("must not be greater than 100%"),
        Value::Number(n) => n
            .as_i64()
            .is_some_and(|n| n < 0)
            .then_some("must be greater than or equal to 0"),
        _ => None,
    }
}

/// A scalar as the manifest wrote it, for messages: a string of digits quoted, so that `"1"`
/// does not read as the number it is not.
fn show(value: &Value) -> String {
    match value {
        Value::String(s) if s.parse::<f64>().is_ok() => format!("\"{s}\""),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Int-or-percent fields of rolling updates and disruption budgets the API server rejects:
/// `-10%`, `abc%`, `50.5%`, a negative count, and over 100% where a share of the pods is meant.
/// The fields and their caps are those of `ValidateRollingUpdateDeployment`,
/// `ValidateRollingUpdateDaemonSet`, `ValidateStatefulSetSpec` (pkg/apis/apps/validation) and
/// `ValidatePodDisruptionBudgetSpec` (pkg/apis/policy/validation).
fn int_or_percent_values(o: &Object) -> Vec<(FieldPath, String)> {
    const DEPLOYMENT: &[(&[&str], bool)] = &[
        (
            &["spec", "strategy", "rollingUpdate", "maxUnavailable"],
            true,
        ),
        (&["spec", "strategy", "rollingUpdate", "maxSurge"], false),
    ];
    const DAEMON_SET: &[(&[&str], bool)] = &[
        (
            &["spec", "updateStrategy", "rollingUpdate", "maxUnavailable"],
            true,
        ),
        (
            &["spec", "updateStrategy", "rollingUpdate", "maxSurge"],
            true,
        ),
    ];
    const STATEFUL_SET: &[(&[&str], bool)] = &[(
        &["spec", "updateStrategy", "rollingUpdate", "maxUnavailable"],
        true,
    )];
    const PDB: &[(&[&str], bool)] = &[
        (&["spec", "minAvailable"], true),
        (&["spec", "maxUnavailable"], true),
    ];
    let fields = match (o.kind.as_str(), o.group()) {
        ("Deployment", "apps") => DEPLOYMENT,
        ("DaemonSet", "apps") => DAEMON_SET,
        ("StatefulSet", "apps") => STATEFUL_SET,
        ("PodDisruptionBudget", "policy") => PDB,
        _ => return Vec::new(),
    };
    let mut out = Vec::new();
    for &(keys, at_most_100) in fields {
        let at = FieldPath::from_keys(keys);
        let Some(value) = o.get(&at) else { continue };
        if let Some(reason) = int_or_percent_rejection(value, at_most_100) {
            let key = keys.last().copied().unwrap_or_default();
            out.push((
                at,
                format!(
                    "sets `{key}: {}`: the API server rejects it (\"{reason}\")",
                    show(value)
                ),
            ));
        }
    }
    out
}

/// An int-or-percent as `getIntOrPercentValue` reads it, when it is valid (a malformed one is
/// reported on its own).
fn int_or_percent_value(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64().filter(|n| *n >= 0),
        Value::String(s) if is_valid_percent(s) => s.trim_end_matches('%').parse().ok(),
        _ => None,
    }
}

/// Rolling-update counts the API server rejects beyond their format:
/// - a DaemonSet must have exactly one of `maxUnavailable` (default 1) and `maxSurge` (default
///   0) non-zero (`ValidateRollingUpdateDaemonSet`): `maxSurge: 1` alone is rejected, as the
///   default `maxUnavailable: 1` stays;
/// - a StatefulSet's `rollingUpdate.maxUnavailable` "cannot be 0", and its `partition` must
///   not be negative (`validateRollingUpdateStatefulSet`).
fn rolling_update_counts(o: &Object) -> Vec<(FieldPath, String)> {
    let spec = o.raw.get("spec");
    let strategy = spec.and_then(|s| s.get("updateStrategy"));
    let rolling = strategy
        .and_then(|s| s.get("rollingUpdate"))
        .filter(|r| r.is_object());
    let Some(rolling) = rolling else {
        return Vec::new();
    };
    let kind = strategy
        .and_then(|s| s.get("type"))
        .and_then(Value::as_str)
        .unwrap_or("RollingUpdate");
    if kind != "RollingUpdate" {
        return Vec::new();
    }
    let at = |key| FieldPath::from_keys(&["spec", "updateStrategy", "rollingUpdate"]).key(key);
    let written = |key| rolling.get(key).filter(|v| !v.is_null());
    let mut out = Vec::new();
    match (o.kind.as_str(), o.group()) {
        ("DaemonSet", "apps") => {
            let value = |key, default| written(key).map_or(Some(default), int_or_percent_value);
            let (Some(unavailable), Some(surge)) =
                (value("maxUnavailable", 1), value("maxSurge", 0))
            else {
                return out;
            };
            if unavailable != 0 && surge != 0 {
                let implied = if written("maxUnavailable").is_none() {
                    " (`maxUnavailable` defaults to 1: set it to 0 to surge)"
                } else {
                    ""
                };
                out.push((
                    at("maxSurge"),
                    format!("sets a non-zero `maxSurge` with a non-zero `maxUnavailable`: the API server rejects it (\"may not be set when maxUnavailable is non-zero\"){implied}"),
                ));
            } else if unavailable == 0 && surge == 0 {
                out.push((
                    at("maxUnavailable"),
                    "sets `maxUnavailable` and `maxSurge` both to 0: the API server rejects it (\"cannot be 0 when maxSurge is 0\"): an update could neither stop an old pod nor start a new one".to_owned(),
                ));
            }
        }
        ("StatefulSet", "apps") => {
            if written("maxUnavailable").and_then(int_or_percent_value) == Some(0) {
                out.push((
                    at("maxUnavailable"),
                    "sets `rollingUpdate.maxUnavailable` to 0: the API server rejects it (\"cannot be 0\")".to_owned(),
                ));
            }
            if let Some(n) = written("partition")
                .and_then(Value::as_i64)
                .filter(|n| *n < 0)
            {
                out.push((
                    at("partition"),
                    format!("sets `partition: {n}`: the API server rejects it (\"must be greater than or equal to 0\")"),
                ));
            }
        }
        _ => {}
    }
    out
}

/// `spec.replicas` below 0 (`ValidateNonnegativeField` in `ValidateDeploymentSpec`,
/// `ValidateStatefulSetSpec`, `ValidateReplicaSetSpec`, `ValidateReplicationControllerSpec`).
fn negative_replicas(o: &Object) -> Option<(FieldPath, String)> {
    let scalable = matches!(
        (o.kind.as_str(), o.group()),
        ("Deployment" | "StatefulSet" | "ReplicaSet", "apps") | ("ReplicationController", "")
    );
    let at = FieldPath::from_keys(&["spec", "replicas"]);
    let n = o.get(&at).and_then(Value::as_i64).filter(|n| *n < 0)?;
    scalable.then(|| {
        (
            at,
            format!(
                "sets `replicas: {n}`: the API server rejects it (\"must be greater than or equal to 0\")"
            ),
        )
    })
}

/// An HPA `minReplicas` below 0 (`ValidateHorizontalPodAutoscalerSpec` in
/// pkg/apis/autoscaling/validation: "must be greater than or equal to 1", or 0 where the alpha
/// `HPAScaleToZero` feature gate allows 0). A `minReplicas: 0` is left to `hpa-min-replicas`, as
/// a cluster may enable that gate.
fn negative_hpa_minimum(o: &Object) -> Option<(FieldPath, String)> {
    if (o.kind.as_str(), o.group()) != ("HorizontalPodAutoscaler", "autoscaling") {
        return None;
    }
    let at = FieldPath::from_keys(&["spec", "minReplicas"]);
    let n = o.get(&at).and_then(Value::as_i64).filter(|n| *n < 0)?;
    Some((
        at,
        format!(
            "sets `minReplicas: {n}`: the API server rejects it (\"must be greater than or equal to 1\")"
        ),
    ))
}

/// `IsValidPortNum`: 1 to 65535.
fn is_port_number(n: i64) -> bool {
    (1..=65535).contains(&n)
}

const PORT_RANGE: &str = "must be between 1 and 65535, inclusive";

/// Container `containerPort` and `hostPort` outside 1–65535 (`validateContainerPorts` in
/// pkg/apis/core/validation: `containerPort` is required, a `hostPort` of 0 means none).
fn container_ports(o: &Object) -> Vec<(FieldPath, String)> {
    let base: &[&'static str] = match (o.kind.as_str(), o.group()) {
        ("Pod", "") => &["spec"],
        ("Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet", "apps")
        | ("ReplicationController", "")
        | ("Job", "batch") => &["spec", "template", "spec"],
        ("CronJob", "batch") => &["spec", "jobTemplate", "spec", "template", "spec"],
        _ => return Vec::new(),
    };
    let spec = FieldPath::from_keys(base);
    let mut out = Vec::new();
    for list in ["containers", "initContainers"] {
        let containers = o.get(&spec.clone().key(list)).and_then(Value::as_array);
        for (i, c) in containers.into_iter().flatten().enumerate() {
            let ports = c.get("ports").and_then(Value::as_array);
            for (j, p) in ports.into_iter().flatten().enumerate() {
                let at = |key| {
                    spec.clone()
                        .key(list)
                        .index(i)
                        .key("ports")
                        .index(j)
                        .key(key)
                };
                if let Some(n) = p.get("containerPort").and_then(Value::as_i64) {
                    let reason = if n == 0 { "Required value" } else { PORT_RANGE };
                    if !is_port_number(n) {
                        out.push((
                            at("containerPort"),
                            format!("sets `containerPort: {n}`: the API server rejects it (\"{reason}\")"),
                        ));
                    }
                }
                if let Some(n) = p.get("hostPort").and_then(Value::as_i64)
                    && n != 0
                    && !is_port_number(n)
                {
                    out.push((
                        at("hostPort"),
                        format!(
                            "sets `hostPort: {n}`: the API server rejects it (\"{PORT_RANGE}\")"
                        ),
                    ));
                }
            }
        }
    }
    out
}

/// Service `port`, numeric `targetPort` and `nodePort` outside 1–65535: `validateServicePort`
/// checks `port` and `targetPort` with `IsValidPortNum` (a `targetPort` of 0 is defaulted to
/// `port` first), and the node port allocator refuses a `nodePort` outside its range (0 asks it
/// to pick one).
fn service_ports(o: &Object) -> Vec<(FieldPath, String)> {
    if (o.kind.as_str(), o.group()) != ("Service", "") {
        return Vec::new();
    }
    let ports = o.raw.pointer("/spec/ports").and_then(Value::as_array);
    let mut out = Vec::new();
    for (i, p) in ports.into_iter().flatten().enumerate() {
        for (key, zero_is_unset, reason) in [
            ("port", false, PORT_RANGE),
            ("targetPort", true, PORT_RANGE),
            ("nodePort", true, "provided port is not in the valid range"),
        ] {
            let Some(n) = p.get(key).and_then(Value::as_i64) else {
                continue;
            };
            if (n == 0 && zero_is_unset) || is_port_number(n) {
                continue;
            }
            out.push((
                FieldPath::from_keys(&["spec", "ports"]).index(i).key(key),
                format!("sets `{key}: {n}`: the API server rejects it (\"{reason}\")"),
            ));
        }
    }
    out
}

/// Topology spread `minDomains` (`validateTopologySpreadConstraints`): it must be greater than
/// zero, and it may only be set with `whenUnsatisfiable: DoNotSchedule`.
fn min_domains(o: &Object) -> Vec<(FieldPath, String)> {
    let base: &[&str] = if o.kind == "Pod" {
        &["spec"]
    } else {
        &["spec", "template", "spec"]
    };
    let constraints = base
        .iter()
        .try_fold(&o.raw, |v, k| v.get(k))
        .and_then(|spec| spec.get("topologySpreadConstraints"))
        .and_then(Value::as_array);
    let mut out = Vec::new();
    for (i, c) in constraints.into_iter().flatten().enumerate() {
        let Some(min) = c.get("minDomains") else {
            continue;
        };
        let at = FieldPath::from_keys(base)
            .key("topologySpreadConstraints")
            .index(i)
            .key("minDomains");
        if min.as_i64().is_some_and(|n| n <= 0) {
            out.push((
                at,
                format!("sets `minDomains: {min}`: the API server rejects it (\"must be greater than zero\")"),
            ));
        } else if c.get("whenUnsatisfiable").and_then(Value::as_str) != Some("DoNotSchedule") {
            out.push((
                at,
                "sets `minDomains` with a `whenUnsatisfiable` other than `DoNotSchedule`: the API server rejects it (\"can only use minDomains if whenUnsatisfiable=DoNotSchedule\")".to_owned(),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[allow(clippy::needless_pass_by_value, reason = "test data is built inline")]
    fn object(api_version: &str, kind: &str, spec: Value) -> Object {
        super::super::test_object(serde_json::json!({
            "apiVersion": api_version, "kind": kind, "metadata": {"name": "x"}, "spec": spec,
        }))
    }

    #[test]
    fn built_in_kinds_under_the_wrong_group_are_rejected() {
        let wrong = api_rejections(&object("v1", "PodDisruptionBudget", serde_json::json!({})));
        assert_eq!(wrong.len(), 1);
        assert!(wrong[0].1.contains("served by `policy/v1`"), "{wrong:?}");
        assert_eq!(
            api_rejections(&object("apps/v1", "Ingress", serde_json::json!({}))).len(),
            1
        );
        // Removed versions are deprecated-api's; custom resources may reuse any kind name.
        assert!(
            api_rejections(&object(
                "extensions/v1beta1",
                "Deployment",
                serde_json::json!({})
            ))
            .is_empty()
        );
        assert!(
            api_rejections(&object(
                "argoproj.io/v1alpha1",
                "Deployment",
                serde_json::json!({})
            ))
            .is_empty()
        );
        assert!(
            api_rejections(&object(
                "policy/v1beta1",
                "PodDisruptionBudget",
                serde_json::json!({})
            ))
            .is_empty()
        );
    }

    #[test]
    fn int_or_percent_values_as_the_api_server_reads_them() {
        use serde_json::json;
        let reject = |v: Value, cap| int_or_percent_rejection(&v, cap);
        for bad in ["-10%", "abc%", "50.5%", "1", "%", " 5%", "5%\n"] {
            assert!(reject(json!(bad), false).is_some(), "{bad:?}");
        }
        assert!(reject(json!(-1), false).is_some());
        assert!(reject(json!("150%"), true).is_some());
        assert!(reject(json!("150%"), false).is_none());
        // Go's Atoi fails on it, so the cap reads 0 and passes.
        assert!(reject(json!("99999999999999999999999%"), true).is_none());
        for good in [json!("0%"), json!("100%"), json!(0), json!(3), Value::Null] {
            assert!(reject(good.clone(), true).is_none(), "{good}");
        }
    }

    #[test]
    fn cross_field_rules() {
        let both = object(
            "policy/v1",
            "PodDisruptionBudget",
            serde_json::json!({"minAvailable": 1, "maxUnavailable": 1}),
        );
        assert_eq!(api_rejections(&both).len(), 1);
        let zeros = object(
            "apps/v1",
            "Deployment",
            serde_json::json!({"strategy": {"rollingUpdate": {"maxSurge": 0, "maxUnavailable": "0%"}}}),
        );
        assert_eq!(api_rejections(&zeros).len(), 1);
        let surge = object(
            "apps/v1",
            "Deployment",
            serde_json::json!({"strategy": {"rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}}),
        );
        assert!(api_rejections(&surge).is_empty());
        let typo = object(
            "apps/v1",
            "Deployment",
            serde_json::json!({"strategy": {"type": "Rolling"}}),
        );
        assert_eq!(api_rejections(&typo).len(), 1);
        let on_delete = object(
            "apps/v1",
            "StatefulSet",
            serde_json::json!({"updateStrategy": {"type": "OnDelete"}}),
        );
        assert!(api_rejections(&on_delete).is_empty());
        let spread = |min: i64, when: &str| {
            object(
                "apps/v1",
                "Deployment",
                serde_json::json!({"template": {"spec": {"topologySpreadConstraints": [
                    {"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": when, "minDomains": min}
                ]}}}),
            )
        };
        assert_eq!(api_rejections(&spread(0, "DoNotSchedule")).len(), 1);
        assert_eq!(api_rejections(&spread(3, "ScheduleAnyway")).len(), 1);
        assert!(api_rejections(&spread(3, "DoNotSchedule")).is_empty());
        let bad = object(
            "apps/v1",
            "DaemonSet",
            serde_json::json!({"updateStrategy": {"type": "Recreate"}}),
        );
        assert_eq!(api_rejections(&bad).len(), 1);
    }
}
