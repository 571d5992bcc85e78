//! Property tests: the selector matcher against known answers and metamorphic relations, and the span
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

fn expr(key: &str, op: &str, values: &[&str]) -> LabelSelectorRequirement {
    LabelSelectorRequirement {
        key: key.to_owned(),
        operator: op.to_owned(),
        values: (!values.is_empty()).then(|| values.iter().map(|v| (*v).to_owned()).collect()),
    }
}

fn pod(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// Pod labels of `matchLabels`, `matchExpressions`, and whether they match.
type Case<'a> = (
    Option<&'a [(&'a str, &'a str)]>,
    &'a [LabelSelectorRequirement],
    bool,
);

/// Known answers, from the semantics `metav1.LabelSelectorAsSelector` and
/// `labels.Requirement.Matches` give (k8s.io/apimachinery, `pkg/labels/selector.go`): an
/// empty selector matches everything; `In`/`NotIn` need values and `Exists`/`DoesNotExist`
/// forbid them (else the selector is invalid and matches nothing); `NotIn` matches a pod
/// without the key.
#[test]
fn selector_known_answers() {
    let web = pod(&[("app", "web"), ("tier", "front")]);
    let cases: &[Case<'_>] = &[
        (None, &[], true),
        (Some(&[]), &[], true),
        (Some(&[("app", "web")]), &[], true),
        (Some(&[("app", "api")]), &[], false),
        (Some(&[("app", "web"), ("env", "prod")]), &[], false),
        (None, &[expr("app", "In", &["api", "web"])], true),
        (None, &[expr("app", "In", &["api"])], false),
        (None, &[expr("env", "In", &["prod"])], false),
        (None, &[expr("app", "In", &[])], false),
        (None, &[expr("app", "NotIn", &["api"])], true),
        (None, &[expr("app", "NotIn", &["web"])], false),
        (None, &[expr("env", "NotIn", &["prod"])], true),
        (None, &[expr("app", "NotIn", &[])], false),
        (None, &[expr("tier", "Exists", &[])], true),
        (None, &[expr("env", "Exists", &[])], false),
        (None, &[expr("tier", "Exists", &["front"])], false),
        (None, &[expr("env", "DoesNotExist", &[])], true),
        (None, &[expr("app", "DoesNotExist", &[])], false),
        (None, &[expr("app", "Equals", &["web"])], false),
        (
            Some(&[("app", "web")]),
            &[
                expr("tier", "In", &["front"]),
                expr("env", "DoesNotExist", &[]),
            ],
            true,
        ),
        (
            Some(&[("app", "web")]),
            &[expr("tier", "In", &["back"])],
            false,
        ),
    ];
    for (labels, exprs, want) in cases {
        let sel = LabelSelector {
            match_labels: labels.map(pod),
            match_expressions: (!exprs.is_empty()).then(|| exprs.to_vec()),
        };
        assert_eq!(Selector::Label(&sel).matches(&web), *want, "{sel:?}");
    }
    assert!(!Selector::Null.matches(&web));
    assert!(Selector::Map(&BTreeMap::new()).matches(&web));
}

/// Requirements with some of the selector's parts: `matchLabels` only, or a slice of the
/// expressions.
fn parts(sel: &LabelSelector) -> Vec<LabelSelector> {
    let mut out = vec![LabelSelector {
        match_labels: sel.match_labels.clone(),
        match_expressions: None,
    }];
    for e in sel.match_expressions.iter().flatten() {
        out.push(LabelSelector {
            match_labels: None,
            match_expressions: Some(vec![e.clone()]),
        });
    }
    out
}

proptest! {
    // Metamorphic properties: each relates two runs of the matcher, so none repeats it.

    #[test]
    fn a_selector_is_the_conjunction_of_its_requirements(sel in selector(), pod in labels()) {
        let whole = Selector::Label(&sel).matches(&pod);
        let each = parts(&sel).iter().all(|p| Selector::Label(p).matches(&pod));
        prop_assert_eq!(whole, each);
    }

    #[test]
    fn match_labels_are_in_expressions(pairs in labels(), pod in labels()) {
        let by_labels = LabelSelector { match_labels: Some(pairs.clone()), match_expressions: None };
        let by_exprs = LabelSelector {
            match_labels: None,
            match_expressions: Some(pairs.iter().map(|(k, v)| expr(k, "In", &[v])).collect()),
        };
        prop_assert_eq!(
            Selector::Label(&by_labels).matches(&pod),
            Selector::Label(&by_exprs).matches(&pod)
        );
        // A Service's plain map selects like `matchLabels`.
        prop_assert_eq!(Selector::Map(&pairs).matches(&pod), Selector::Label(&by_labels).matches(&pod));
    }

    #[test]
    fn exists_and_does_not_exist_are_opposites(key in label(), pod in labels()) {
        let exists = LabelSelector { match_labels: None, match_expressions: Some(vec![expr(&key, "Exists", &[])]) };
        let absent = LabelSelector { match_labels: None, match_expressions: Some(vec![expr(&key, "DoesNotExist", &[])]) };
        prop_assert_ne!(Selector::Label(&exists).matches(&pod), Selector::Label(&absent).matches(&pod));
    }

    #[test]
    fn in_and_not_in_are_opposites_where_the_key_is_set(key in label(), values in prop::collection::vec(value(), 1..3), pod in labels()) {
        let values: Vec<&str> = values.iter().map(String::as_str).collect();
        let is_in = LabelSelector { match_labels: None, match_expressions: Some(vec![expr(&key, "In", &values)]) };
        let not_in = LabelSelector { match_labels: None, match_expressions: Some(vec![expr(&key, "NotIn", &values)]) };
        if pod.contains_key(&key) {
            prop_assert_ne!(Selector::Label(&is_in).matches(&pod), Selector::Label(&not_in).matches(&pod));
        } else {
            prop_assert!(!Selector::Label(&is_in).matches(&pod) && Selector::Label(&not_in).matches(&pod));
        }
    }

    #[test]
    fn labels_the_selector_does_not_name_change_nothing(sel in selector(), pod in labels(), extra in "[a-z]{3}") {
        let mut more = pod.clone();
        more.insert(format!("unrelated-{extra}"), "v".to_owned());
        prop_assert_eq!(Selector::Label(&sel).matches(&pod), Selector::Label(&sel).matches(&more));
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
