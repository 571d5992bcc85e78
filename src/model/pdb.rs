//! The PodDisruptionBudget view: `policy/v1` and `policy/v1beta1` read alike, with each
//! version's selector semantics.
//!
//! Both versions have the same fields, so both decode into the `policy/v1` type; only the
//! meaning of an empty selector differs. In `policy/v1beta1` an empty selector (`{}`) selects
//! no pods; in `policy/v1` it selects every pod of the namespace. The API server keeps that
//! meaning across versions by swapping in sentinel selectors (kubernetes/kubernetes
//! `pkg/apis/policy/v1beta1/conversion.go`, `pkg/apis/policy/helper.go`).

use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::Object;
use super::decode::Typed;
use super::rollout::{parse_percent_at_most_100, scaled_value};
use super::selector::{Operator, Selector};

/// The label of the API server's version-bridging sentinel selectors.
pub const PDB_V1BETA1_LABEL: &str = "pdb.kubernetes.io/deprecated-v1beta1-empty-selector-match";

static MATCH_ALL: LabelSelector = LabelSelector {
    match_expressions: None,
    match_labels: None,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PdbApi {
    V1,
    V1beta1,
}

impl PdbApi {
    pub fn as_str(self) -> &'static str {
        match self {
            PdbApi::V1 => "policy/v1",
            PdbApi::V1beta1 => "policy/v1beta1",
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Pdb<'a> {
    pub object: &'a Object,
    pub pdb: &'a PodDisruptionBudget,
    pub api: PdbApi,
}

impl<'a> Pdb<'a> {
    /// The PDB view of an object, if it is a decoded PodDisruptionBudget.
    pub fn of(object: &'a Object) -> Option<Self> {
        let Typed::PodDisruptionBudget(pdb) = &object.typed else {
            return None;
        };
        let api = if object.api_version == "policy/v1beta1" {
            PdbApi::V1beta1
        } else {
            PdbApi::V1
        };
        Some(Pdb { object, pdb, api })
    }

    pub fn spec(&self) -> Option<&'a PodDisruptionBudgetSpec> {
        self.pdb.spec.as_ref()
    }

    /// `spec.selector` as written.
    pub fn written_selector(&self) -> Option<&'a LabelSelector> {
        self.spec().and_then(|s| s.selector.as_ref())
    }

    /// A `policy/v1beta1` PDB whose selector is empty (`{}`): it selects no pods.
    pub fn is_v1beta1_empty(&self) -> bool {
        self.api == PdbApi::V1beta1
            && self
                .written_selector()
                .is_some_and(|s| Selector::Label(s).is_everything())
    }

    /// The pods the disruption controller counts: `Selector::Null` when it selects none.
    pub fn selector(&self) -> Selector<'a> {
        let written = self.written_selector();
        match (self.api, written) {
            (PdbApi::V1beta1, Some(s)) if Selector::Label(s).is_everything() => Selector::Null,
            // `{matchExpressions: [{key: <sentinel>, operator: DoesNotExist}]}` is how
            // policy/v1beta1 spells "every pod".
            (PdbApi::V1beta1, Some(s)) if is_v1beta1_match_all(s) => Selector::Label(&MATCH_ALL),
            _ => Selector::from_label(written),
        }
    }
}

/// A budget (`minAvailable` or `maxUnavailable`) as a number of pods out of `total`: a count as
/// written, a percentage rounded up, as the disruption controller scales it
/// (`GetScaledValueFromIntOrPercent(.., true)` in pkg/controller/disruption). None for a
/// string the API server rejects (`IsValidPercent`, at most 100%) or an overflow.
pub fn budget_pods(value: &IntOrString, total: i64) -> Option<i64> {
    match value {
        IntOrString::String(s) if parse_percent_at_most_100(s).is_none() => None,
        _ => scaled_value(value, total, true),
    }
}

/// A budget of no pod whatever the pod count: `0` or `0%`.
pub fn budget_is_zero(value: &IntOrString) -> bool {
    match value {
        IntOrString::Int(n) => *n == 0,
        IntOrString::String(s) => parse_percent_at_most_100(s) == Some(0),
    }
}

/// A budget of every pod whatever the pod count: `100%`.
pub fn budget_is_every_pod(value: &IntOrString) -> bool {
    matches!(value, IntOrString::String(s) if parse_percent_at_most_100(s) == Some(100))
}

fn is_v1beta1_match_all(s: &LabelSelector) -> bool {
    s.match_labels
        .as_ref()
        .is_none_or(std::collections::BTreeMap::is_empty)
        && matches!(s.match_expressions.as_deref(), Some([only])
            if only.key == PDB_V1BETA1_LABEL
                && Operator::of(only) == Operator::DoesNotExist
                && only.values.as_ref().is_none_or(Vec::is_empty))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Labels, test_object};

    fn pdb(api_version: &str, selector: Option<serde_json::Value>) -> Object {
        let mut raw = serde_json::json!({
            "apiVersion": api_version,
            "kind": "PodDisruptionBudget",
            "metadata": {"name": "p"},
            "spec": {"maxUnavailable": 1},
        });
        if let (Some(sel), Some(spec)) = (selector, raw.get_mut("spec")) {
            spec["selector"] = sel;
        }
        test_object(raw)
    }

    fn web() -> Labels {
        [("app".to_owned(), "web".to_owned())].into()
    }

    #[test]
    fn budget_percentages_round_up() {
        let p = |s: &str| IntOrString::String(s.to_owned());
        assert_eq!(budget_pods(&p("90%"), 3), Some(3));
        assert_eq!(budget_pods(&p("50%"), 3), Some(2));
        assert_eq!(budget_pods(&p("1%"), 3), Some(1));
        assert_eq!(budget_pods(&p("0%"), 3), Some(0));
        assert_eq!(budget_pods(&p("100%"), 7), Some(7));
        assert_eq!(budget_pods(&IntOrString::Int(2), 7), Some(2));
        assert_eq!(budget_pods(&p("abc"), 3), None);
        // Strings the API server rejects are no percentage, whatever their digits.
        for bad in [
            "-10%",
            "abc%",
            "50.5%",
            "150%",
            " 5%",
            "+5%",
            "%",
            "99999999999999999999%",
        ] {
            assert_eq!(budget_pods(&p(bad), 3), None, "{bad}");
            assert!(!budget_is_zero(&p(bad)) && !budget_is_every_pod(&p(bad)));
        }
        assert_eq!(budget_pods(&p("100%"), i64::MAX), None, "no overflow");
    }

    #[test]
    fn zero_and_every_pod_budgets() {
        let p = |s: &str| IntOrString::String(s.to_owned());
        assert!(budget_is_zero(&IntOrString::Int(0)) && budget_is_zero(&p("0%")));
        assert!(!budget_is_zero(&IntOrString::Int(1)) && !budget_is_zero(&p("1%")));
        assert!(budget_is_every_pod(&p("100%")));
        assert!(!budget_is_every_pod(&p("99%")) && !budget_is_every_pod(&IntOrString::Int(100)));
    }

    #[test]
    fn empty_selector_matches_all_in_v1_and_nothing_in_v1beta1() {
        let v1 = pdb("policy/v1", Some(serde_json::json!({})));
        let p = Pdb::of(&v1).unwrap();
        assert_eq!(p.api, PdbApi::V1);
        assert!(p.selector().matches(&web()));
        assert!(!p.is_v1beta1_empty());

        let beta = pdb("policy/v1beta1", Some(serde_json::json!({})));
        let p = Pdb::of(&beta).unwrap();
        assert_eq!(p.api, PdbApi::V1beta1);
        assert!(!p.selector().matches(&web()));
        assert!(p.is_v1beta1_empty());

        let beta = pdb(
            "policy/v1beta1",
            Some(serde_json::json!({"matchLabels": {}})),
        );
        assert!(Pdb::of(&beta).unwrap().is_v1beta1_empty());
    }

    #[test]
    fn null_selector_matches_nothing_in_both() {
        for api in ["policy/v1", "policy/v1beta1"] {
            let o = pdb(api, None);
            let p = Pdb::of(&o).unwrap();
            assert!(matches!(p.selector(), Selector::Null), "{api}");
            assert!(!p.is_v1beta1_empty());
        }
    }

    #[test]
    fn labels_match_alike_and_v1beta1_sentinel_matches_all() {
        for api in ["policy/v1", "policy/v1beta1"] {
            let o = pdb(
                api,
                Some(serde_json::json!({"matchLabels": {"app": "web"}})),
            );
            assert!(Pdb::of(&o).unwrap().selector().matches(&web()), "{api}");
        }
        let sentinel = serde_json::json!({"matchExpressions": [
            {"key": PDB_V1BETA1_LABEL, "operator": "DoesNotExist"}
        ]});
        let o = pdb("policy/v1beta1", Some(sentinel));
        let p = Pdb::of(&o).unwrap();
        assert!(p.selector().is_everything());
        assert!(p.selector().matches(&web()));
    }

    #[test]
    fn other_objects_are_not_pdbs() {
        let mut o = pdb("policy/v1", None);
        o.typed = Typed::Generic;
        assert!(Pdb::of(&o).is_none());
    }
}
