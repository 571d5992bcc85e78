//! Property tests: the selector matcher against a plain reference implementation, and the span
//! resolver on generated YAML (a span always lies inside its file and starts on the line of
//! the key it names).

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, LabelSelectorRequirement};
use kubeha::model::{FieldPath, Selector, resolve};
use kubeha::source::{Limits, LineIndex, load_str};
use proptest::prelude::*;

fn label() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["app", "tier", "env", "team"]).prop_map(str::to_owned)
}

fn value() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["web", "api", "prod", "x"]).prop_map(str::to_owned)
}

fn labels() -> impl Strategy<Value = BTreeMap<String, String>> {
    prop::collection::btree_map(label(), value(), 0..4)
}

fn requirement() -> impl Strategy<Value = LabelSelectorRequirement> {
    (
        label(),
        prop::sample::select(vec!["In", "NotIn", "Exists", "DoesNotExist", "Bogus"]),
        prop::option::of(prop::collection::vec(value(), 0..3)),
    )
        .prop_map(|(key, op, values)| LabelSelectorRequirement {
            key,
            operator: op.to_owned(),
            values,
        })
}

fn selector() -> impl Strategy<Value = LabelSelector> {
    (
        prop::option::of(labels()),
        prop::option::of(prop::collection::vec(requirement(), 0..3)),
    )
        .prop_map(|(match_labels, match_expressions)| LabelSelector {
            match_labels,
            match_expressions,
        })
}

/// Kubernetes' semantics written out plainly, independently of `kubeha::model::selector`.
fn reference(sel: &LabelSelector, labels: &BTreeMap<String, String>) -> bool {
    for (k, v) in sel.match_labels.iter().flatten() {
        if labels.get(k) != Some(v) {
            return false;
        }
    }
    for r in sel.match_expressions.iter().flatten() {
        let values: Vec<String> = r.values.clone().unwrap_or_default();
        let ok = match r.operator.as_str() {
            "In" => !values.is_empty() && labels.get(&r.key).is_some_and(|v| values.contains(v)),
            "NotIn" => !values.is_empty() && labels.get(&r.key).is_none_or(|v| !values.contains(v)),
            "Exists" => values.is_empty() && labels.contains_key(&r.key),
            "DoesNotExist" => values.is_empty() && !labels.contains_key(&r.key),
            _ => false,
        };
        if !ok {
            return false;
        }
    }
    true
}

proptest! {
    #[test]
    fn selector_matches_like_kubernetes(sel in selector(), pod in labels()) {
        prop_assert_eq!(Selector::Label(&sel).matches(&pod), reference(&sel, &pod));
        prop_assert!(!Selector::Null.matches(&pod));
    }

    #[test]
    fn service_selector_needs_every_pair(svc in labels(), pod in labels()) {
        let expected = svc.iter().all(|(k, v)| pod.get(k) == Some(v));
        prop_assert_eq!(Selector::Map(&svc).matches(&pod), expected);
    }
}

/// A random mapping tree, rendered as block YAML with its key lines recorded. Keys start with
/// `k` so that none is a YAML 1.1 boolean (`n`, `on`, …), which Kubernetes would rename.
#[derive(Debug, Clone)]
enum Node {
    Scalar(String),
    Map(Vec<(String, Node)>),
}

fn node() -> impl Strategy<Value = Node> {
    let leaf = prop::sample::select(vec![
        "1",
        "yes",
        "\"quoted\"",
        "plain text",
        "'single'",
        "é",
    ])
    .prop_map(|s| Node::Scalar(s.to_owned()));
    leaf.prop_recursive(5, 40, 4, |inner| {
        prop::collection::vec(("k[a-z]{0,5}", inner), 1..4).prop_map(|entries| {
            let mut seen = std::collections::HashSet::new();
            Node::Map(
                entries
                    .into_iter()
                    .filter(|(k, _)| seen.insert(k.clone()))
                    .collect(),
            )
        })
    })
}

fn render(
    node: &Node,
    indent: usize,
    path: &mut Vec<String>,
    out: &mut String,
    lines: &mut Vec<(Vec<String>, usize)>,
) {
    let Node::Map(entries) = node else { return };
    for (k, v) in entries {
        path.push(k.clone());
        let line = out.matches('\n').count() + 1;
        lines.push((path.clone(), line));
        match v {
            Node::Scalar(s) => out.push_str(&format!("{}{k}: {s}  # c\n", " ".repeat(indent))),
            Node::Map(_) => {
                out.push_str(&format!("{}{k}:\n", " ".repeat(indent)));
                render(v, indent + 2, path, out, lines);
            }
        }
        path.pop();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn spans_lie_in_the_file_and_start_on_the_key_line(tree in node(), prefix in "(# head\n){0,2}") {
        let mut text = prefix;
        let mut lines = Vec::new();
        render(&tree, 0, &mut Vec::new(), &mut text, &mut lines);
        let loaded = load_str(&text, &LineIndex::new(&text), &Limits::default());
        prop_assert!(loaded.errors.is_empty(), "{:?}\n{}", loaded.errors, text);
        let Some(doc) = loaded.documents.first() else { return Ok(()) };
        let index = LineIndex::new(&text);
        for (path, line) in lines {
            let field = FieldPath(path.iter().cloned().map(kubeha::model::Seg::from).collect());
            let (span, exact) = resolve(&doc.root, &doc.spans, &field, &text);
            prop_assert!(exact);
            prop_assert!(span.start <= span.end && span.end as usize <= text.len());
            prop_assert_eq!(index.line_col(&text, span.start).line, line, "{:?} in\n{}", path, text);
            let key = path.last().unwrap();
            prop_assert!(text[span.start as usize..].starts_with(key.as_str()));
        }
        // A path that does not exist resolves to its nearest parent, still inside the file.
        let missing = FieldPath(vec![kubeha::model::Seg::from("zz-missing".to_owned())]);
        let (span, exact) = resolve(&doc.root, &doc.spans, &missing, &text);
        prop_assert!(!exact && span.end as usize <= text.len());
    }
}
