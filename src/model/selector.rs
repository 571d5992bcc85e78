//! Label selectors with Kubernetes semantics, implemented once for every rule.
//!
//! `matchLabels` AND every `matchExpressions` term; a null selector matches nothing and an empty
//! one (`{}`) matches everything; a Service selector is a plain map whose pairs must all be present.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, LabelSelectorRequirement};

pub type Labels = BTreeMap<String, String>;

#[derive(Clone, Copy, Debug)]
pub enum Selector<'a> {
    /// No selector at all: matches nothing.
    Null,
    Label(&'a LabelSelector),
    Map(&'a Labels),
}

impl<'a> Selector<'a> {
    pub fn from_label(selector: Option<&'a LabelSelector>) -> Self {
        selector.map_or(Selector::Null, Selector::Label)
    }

    pub fn matches(&self, labels: &Labels) -> bool {
        match self {
            Selector::Null => false,
            Selector::Map(map) => map_matches(map, labels),
            Selector::Label(sel) => label_selector_matches(sel, labels),
        }
    }

    /// True when the selector matches every set of labels (`{}`).
    pub fn is_everything(&self) -> bool {
        match self {
            Selector::Null => false,
            Selector::Map(map) => map.is_empty(),
            Selector::Label(sel) => {
                sel.match_labels.as_ref().is_none_or(BTreeMap::is_empty)
                    && sel.match_expressions.as_ref().is_none_or(Vec::is_empty)
            }
        }
    }

    /// `(key, value)` pairs that every matching label set must carry: a cheap pre-filter.
    pub fn required_pairs(&self) -> Vec<(&'a str, &'a str)> {
        match self {
            Selector::Null => Vec::new(),
            Selector::Map(map) => map.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect(),
            Selector::Label(sel) => {
                let mut pairs: Vec<_> = sel
                    .match_labels
                    .iter()
                    .flatten()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                for req in sel.match_expressions.iter().flatten() {
                    if let (Operator::In, Some([only])) = (Operator::of(req), req.values.as_deref())
                    {
                        pairs.push((req.key.as_str(), only.as_str()));
                    }
                }
                pairs
            }
        }
    }

    /// Keys that every matching label set must carry (`In` and `Exists` terms).
    pub fn required_keys(&self) -> Vec<&'a str> {
        match self {
            Selector::Label(sel) => sel
                .match_expressions
                .iter()
                .flatten()
                .filter(|r| matches!(Operator::of(r), Operator::In | Operator::Exists))
                .map(|r| r.key.as_str())
                .collect(),
            _ => Vec::new(),
        }
    }
}

fn map_matches(selector: &Labels, labels: &Labels) -> bool {
    selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

fn label_selector_matches(selector: &LabelSelector, labels: &Labels) -> bool {
    selector
        .match_labels
        .as_ref()
        .is_none_or(|m| map_matches(m, labels))
        && selector
            .match_expressions
            .iter()
            .flatten()
            .all(|req| requirement_matches(req, labels))
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Operator {
    In,
    NotIn,
    Exists,
    DoesNotExist,
    Invalid,
}

impl Operator {
    pub fn of(req: &LabelSelectorRequirement) -> Self {
        match req.operator.as_str() {
            "In" => Operator::In,
            "NotIn" => Operator::NotIn,
            "Exists" => Operator::Exists,
            "DoesNotExist" => Operator::DoesNotExist,
            _ => Operator::Invalid,
        }
    }
}

/// One `matchExpressions` term. A term the API server would reject (unknown operator, `In` or
/// `NotIn` without values, `Exists` with values) matches nothing, as the invalid selector would.
pub fn requirement_matches(req: &LabelSelectorRequirement, labels: &Labels) -> bool {
    let values = req.values.as_deref().unwrap_or_default();
    let value = labels.get(&req.key);
    match Operator::of(req) {
        Operator::In if !values.is_empty() => value.is_some_and(|v| values.contains(v)),
        Operator::NotIn if !values.is_empty() => value.is_none_or(|v| !values.contains(v)),
        Operator::Exists if values.is_empty() => value.is_some(),
        Operator::DoesNotExist if values.is_empty() => value.is_none(),
        _ => false,
    }
}

/// `app=web,tier in (a,b)`: a selector the way `kubectl get -l` spells it.
pub fn display_selector(selector: Selector<'_>) -> String {
    match selector {
        Selector::Null => "<none>".to_owned(),
        Selector::Map(map) => display_labels(map),
        Selector::Label(sel) => {
            let mut parts: Vec<String> = sel
                .match_labels
                .iter()
                .flatten()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            for req in sel.match_expressions.iter().flatten() {
                let values = req.values.as_deref().unwrap_or_default().join(",");
                parts.push(match Operator::of(req) {
                    Operator::In => format!("{} in ({values})", req.key),
                    Operator::NotIn => format!("{} notin ({values})", req.key),
                    Operator::Exists => req.key.clone(),
                    Operator::DoesNotExist => format!("!{}", req.key),
                    Operator::Invalid => format!("{} {} ({values})", req.key, req.operator),
                });
            }
            if parts.is_empty() {
                "<everything>".to_owned()
            } else {
                parts.join(",")
            }
        }
    }
}

/// `app=web,tier=frontend`, or `<no labels>`.
/// Whether `selector` picks pods with `labels` plus labels a controller adds with values the
/// manifest does not show (`pod-template-hash`, a StatefulSet pod's name): `open(key, value)`
/// says whether such a label can have that value. Only `matchLabels`-only selectors can rely
/// on them; one with expressions must match the written labels.
pub(super) fn matches_with_open_labels(
    selector: Selector<'_>,
    labels: &Labels,
    open: impl Fn(&str, &str) -> bool,
) -> bool {
    if selector.matches(labels) {
        return true;
    }
    let pairs = match selector {
        Selector::Map(map) => Some(map),
        Selector::Label(sel) if sel.match_expressions.as_ref().is_none_or(Vec::is_empty) => {
            sel.match_labels.as_ref()
        }
        _ => None,
    };
    pairs.is_some_and(|pairs| {
        pairs.iter().all(|(k, v)| match labels.get(k) {
            Some(have) => have == v,
            None => open(k, v),
        })
    })
}

pub fn display_labels(labels: &Labels) -> String {
    if labels.is_empty() {
        return "<no labels>".to_owned();
    }
    labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A label map from pairs, for tests.
    pub(crate) fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn req(key: &str, op: &str, values: Option<&[&str]>) -> LabelSelectorRequirement {
        LabelSelectorRequirement {
            key: key.to_owned(),
            operator: op.to_owned(),
            values: values.map(|v| v.iter().map(|s| (*s).to_owned()).collect()),
        }
    }

    fn sel(ml: &[(&str, &str)], exprs: Vec<LabelSelectorRequirement>) -> LabelSelector {
        LabelSelector {
            match_labels: (!ml.is_empty()).then(|| labels(ml)),
            match_expressions: (!exprs.is_empty()).then_some(exprs),
        }
    }

    #[test]
    fn null_matches_nothing_and_empty_matches_everything() {
        let web = labels(&[("app", "web")]);
        assert!(!Selector::Null.matches(&web));
        assert!(!Selector::Null.matches(&Labels::new()));
        let empty = LabelSelector::default();
        assert!(Selector::Label(&empty).matches(&web));
        assert!(Selector::Label(&empty).matches(&Labels::new()));
        assert!(Selector::Label(&empty).is_everything());
    }

    #[test]
    fn match_labels_and_expressions_are_anded() {
        let pod = labels(&[("app", "web"), ("tier", "frontend")]);
        let s = sel(
            &[("app", "web")],
            vec![req("tier", "In", Some(&["frontend", "edge"]))],
        );
        assert!(Selector::Label(&s).matches(&pod));
        let s = sel(
            &[("app", "web")],
            vec![req("tier", "In", Some(&["backend"]))],
        );
        assert!(!Selector::Label(&s).matches(&pod));
        let s = sel(
            &[("app", "api")],
            vec![req("tier", "In", Some(&["frontend"]))],
        );
        assert!(!Selector::Label(&s).matches(&pod));
    }

    #[test]
    fn operators() {
        let pod = labels(&[("app", "web")]);
        let m = |r| Selector::Label(&sel(&[], vec![r])).matches(&pod);
        assert!(m(req("app", "Exists", None)));
        assert!(!m(req("tier", "Exists", None)));
        assert!(m(req("tier", "DoesNotExist", None)));
        assert!(!m(req("app", "DoesNotExist", None)));
        assert!(m(req("app", "NotIn", Some(&["api"]))));
        assert!(!m(req("app", "NotIn", Some(&["web"]))));
        assert!(
            m(req("tier", "NotIn", Some(&["x"]))),
            "absent key satisfies NotIn"
        );
        assert!(
            !m(req("app", "In", Some(&[]))),
            "In without values is invalid"
        );
        assert!(
            !m(req("app", "Exists", Some(&["web"]))),
            "Exists with values is invalid"
        );
        assert!(!m(req("app", "Equals", Some(&["web"]))), "unknown operator");
    }

    #[test]
    fn service_map_needs_every_pair() {
        let pod = labels(&[("app", "web"), ("tier", "frontend")]);
        let svc = labels(&[("app", "web"), ("tier", "frontend")]);
        assert!(Selector::Map(&svc).matches(&pod));
        let svc = labels(&[("app", "web"), ("tier", "backend")]);
        assert!(!Selector::Map(&svc).matches(&pod));
    }
}
