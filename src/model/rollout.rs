//! Rolling-update arithmetic as the Deployment controller does it.

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// `25%` → 25: digits then `%`, as the API server accepts them (`IsValidPercent`); anything
/// else (`-10%`, `50.5%`, ` 5%`, `abc%`) → None.
pub fn parse_percent(s: &str) -> Option<i64> {
    let digits = s.strip_suffix('%')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// A PodDisruptionBudget or `maxUnavailable` percentage: at most 100% (`IsNotMoreThan100Percent`).
pub fn parse_percent_at_most_100(s: &str) -> Option<i64> {
    parse_percent(s).filter(|p| (0..=100).contains(p))
}

/// An int-or-percent against `total`, rounding a percentage up or down
/// (`intstr.GetScaledValueFromIntOrPercent`). None for a malformed string.
pub fn scaled_value(value: &IntOrString, total: i64, round_up: bool) -> Option<i64> {
    match value {
        IntOrString::Int(n) => Some(i64::from(*n)),
        IntOrString::String(s) => {
            let p = parse_percent(s)?;
            // A crafted percentage must not wrap into a bogus finding.
            let scaled = p.checked_mul(total)?;
            Some(if round_up {
                scaled.checked_add(99)?.div_euclid(100)
            } else {
                scaled.div_euclid(100)
            })
        }
    }
}

/// A Deployment's resolved rolling-update budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fenceposts {
    pub max_surge: i64,
    pub max_unavailable: i64,
}

/// The Deployment's `strategy.type`, defaulting to `RollingUpdate`.
pub fn deployment_strategy(d: &Deployment) -> &str {
    d.spec
        .strategy
        .as_ref()
        .and_then(|s| s.type_.as_deref())
        .unwrap_or("RollingUpdate")
}

/// `spec.updateStrategy.type` of a StatefulSet or DaemonSet, as written (`None`: unset, which
/// both kinds default to `RollingUpdate`). Typed when the object decoded as `apps/v1`; read
/// from the manifest for a removed apiVersion (`apps/v1beta2`), which decodes by shape.
pub fn update_strategy_type(o: &super::Object) -> Option<&str> {
    use super::Typed;
    match &o.typed {
        Typed::StatefulSet(s) => s.spec.update_strategy.as_ref()?.type_.as_deref(),
        Typed::DaemonSet(d) => d.spec.update_strategy.as_ref()?.type_.as_deref(),
        _ => o
            .raw
            .pointer("/spec/updateStrategy/type")
            .and_then(serde_json::Value::as_str),
    }
}

/// `maxSurge` and `maxUnavailable` of a RollingUpdate Deployment against `replicas`, the way
/// `ResolveFenceposts` (pkg/controller/deployment/util) computes them: both default to 25%,
/// surge rounds up, unavailable rounds down, and when both come out 0 unavailable becomes 1.
/// None for a Recreate Deployment or a value the API server rejects (malformed, negative, or a
/// `maxUnavailable` over 100%).
pub fn deployment_fenceposts(d: &Deployment, replicas: i64) -> Option<Fenceposts> {
    if deployment_strategy(d) != "RollingUpdate" {
        return None;
    }
    let ru = d
        .spec
        .strategy
        .as_ref()
        .and_then(|s| s.rolling_update.as_ref());
    let quarter = IntOrString::String("25%".to_owned());
    let surge = ru.and_then(|r| r.max_surge.as_ref()).unwrap_or(&quarter);
    let unavailable = ru
        .and_then(|r| r.max_unavailable.as_ref())
        .unwrap_or(&quarter);
    if matches!(unavailable, IntOrString::String(s) if parse_percent_at_most_100(s).is_none()) {
        return None;
    }
    let max_surge = scaled_value(surge, replicas, true).filter(|n| *n >= 0)?;
    let mut max_unavailable = scaled_value(unavailable, replicas, false).filter(|n| *n >= 0)?;
    if max_surge == 0 && max_unavailable == 0 {
        max_unavailable = 1;
    }
    Some(Fenceposts {
        max_surge,
        max_unavailable,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn percentages_parse_as_the_api_server_reads_them_and_never_overflow() {
        assert_eq!(parse_percent("25%"), Some(25));
        assert_eq!(parse_percent("150%"), Some(150));
        for bad in ["-10%", "50.5%", " 5%", "abc%", "%", "25"] {
            assert_eq!(parse_percent(bad), None, "{bad}");
        }
        assert_eq!(parse_percent_at_most_100("150%"), None);
        let huge = IntOrString::String("99999999999999999%".to_owned());
        assert_eq!(scaled_value(&huge, 1_000, false), None);
        assert_eq!(
            scaled_value(&IntOrString::String("25%".to_owned()), 3, true),
            Some(1)
        );
        assert_eq!(
            scaled_value(&IntOrString::String("25%".to_owned()), 3, false),
            Some(0)
        );
    }

    fn deployment(strategy: &serde_json::Value) -> Deployment {
        serde_json::from_value(json!({
            "metadata": {"name": "d"},
            "spec": {"selector": {}, "template": {}, "strategy": strategy}
        }))
        .unwrap()
    }

    #[test]
    fn percentages_round_like_the_controller() {
        let p = IntOrString::String("25%".to_owned());
        assert_eq!(scaled_value(&p, 3, false), Some(0));
        assert_eq!(scaled_value(&p, 3, true), Some(1));
        assert_eq!(scaled_value(&p, 4, false), Some(1));
        assert_eq!(scaled_value(&IntOrString::Int(2), 10, false), Some(2));
        assert_eq!(
            scaled_value(&IntOrString::String("x".into()), 3, false),
            None
        );
    }

    #[test]
    fn defaults_are_a_quarter() {
        let d = deployment(&json!({}));
        assert_eq!(
            deployment_fenceposts(&d, 3),
            Some(Fenceposts {
                max_surge: 1,
                max_unavailable: 0
            })
        );
        assert_eq!(
            deployment_fenceposts(&d, 8),
            Some(Fenceposts {
                max_surge: 2,
                max_unavailable: 2
            })
        );
    }

    #[test]
    fn both_zero_becomes_one_unavailable() {
        let d = deployment(&json!({"rollingUpdate": {"maxSurge": "10%", "maxUnavailable": "10%"}}));
        assert_eq!(
            deployment_fenceposts(&d, 3),
            Some(Fenceposts {
                max_surge: 1,
                max_unavailable: 0
            })
        );
        let d = deployment(&json!({"rollingUpdate": {"maxSurge": 0, "maxUnavailable": "10%"}}));
        assert_eq!(
            deployment_fenceposts(&d, 3),
            Some(Fenceposts {
                max_surge: 0,
                max_unavailable: 1
            })
        );
    }

    #[test]
    fn rejected_values_have_no_fenceposts() {
        for ru in [
            json!({"maxSurge": -1, "maxUnavailable": 1}),
            json!({"maxSurge": 1, "maxUnavailable": -1}),
            json!({"maxSurge": 1, "maxUnavailable": "150%"}),
            json!({"maxSurge": "abc%", "maxUnavailable": 1}),
        ] {
            let d = deployment(&json!({ "rollingUpdate": ru }));
            assert_eq!(deployment_fenceposts(&d, 3), None, "{ru}");
        }
    }

    #[test]
    fn recreate_has_no_fenceposts() {
        let d = deployment(&json!({"type": "Recreate"}));
        assert_eq!(deployment_fenceposts(&d, 3), None);
    }

    #[test]
    fn update_strategy_type_typed_and_by_shape() {
        let decode = |api: &str, kind: &str, strategy: serde_json::Value| {
            let raw = serde_json::json!({
                "apiVersion": api, "kind": kind, "metadata": {"name": "db"},
                "spec": {"selector": {"matchLabels": {"app": "db"}}, "updateStrategy": strategy,
                         "template": {"metadata": {"labels": {"app": "db"}}, "spec": {"containers": [{"name": "db", "image": "db:1"}]}}},
            });
            crate::model::test_object(raw)
        };
        let on_delete = serde_json::json!({"type": "OnDelete"});
        for (api, kind) in [
            ("apps/v1", "StatefulSet"),
            ("apps/v1", "DaemonSet"),
            ("apps/v1beta2", "StatefulSet"),
        ] {
            let o = decode(api, kind, on_delete.clone());
            assert_eq!(update_strategy_type(&o), Some("OnDelete"), "{api} {kind}");
            let o = decode(api, kind, serde_json::json!({}));
            assert_eq!(update_strategy_type(&o), None, "{api} {kind}");
        }
    }
}
