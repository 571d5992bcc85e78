//! `.kubeha.yaml`: every kind of config error, as the user sees it (message, where it points,
//! label, help) in one snapshot, and what valid settings decode to.

use std::fmt::Write as _;

use kubeha::Config;

/// Bad configs, one per error the config reader can give.
const BAD: &[&str] = &[
    // The file as a whole.
    "a: [\n",
    "rules: {}\n---\nrules: {}\n",
    "rules: {}\nrules: {}\n",
    "- a\n- b\n",
    "rulez: {}\n",
    "excludes: [vendor]\n",
    "zzz: 1\n",
    // Scalars.
    "default-namespace: \"\"\n",
    "default-namespace: [a]\n",
    "default-namespace: ~\n",
    "kubernetes-version: one\n",
    "kubernetes-version: 1\n",
    "kubernetes-version: [1.30]\n",
    // limits
    "limits: 3\n",
    "limits:\n  max-deepth: 4\n",
    "limits:\n  zzz: 4\n",
    "limits:\n  max-depth: 0\n",
    "limits:\n  max-depth: 2000\n",
    "limits:\n  max-file-bytes: big\n",
    "limits:\n  max-alias-bytes: -1\n",
    // serde's derive would read a struct from a list of its values: not in a config file.
    "limits: [512]\n",
    "ignore: [[vendor/**]]\n",
    // exclude
    "exclude: 3\n",
    "exclude: [vendor, 3]\n",
    "exclude: \"a[\"\n",
    // ignore
    "ignore: {path: x}\n",
    "ignore:\n  - vendor/**\n",
    "ignore:\n  - path: 3\n",
    "ignore:\n  - reason: why\n",
    "ignore:\n  - path: \"a[\"\n",
    "ignore:\n  - path: x\n    rules: single-replica\n",
    "ignore:\n  - path: x\n    rules: [single-replicas]\n",
    "ignore:\n  - path: x\n    rules: [zzz-yyy]\n",
    "ignore:\n  - path: x\n    rules: [3]\n",
    "ignore:\n  - path: x\n    rulez: [single-replica]\n",
    "ignore:\n  - path: x\n    zzz: 1\n",
    "ignore:\n  - path: x\n    reason: 3\n",
    // variants
    "variants: [a.yaml, b.yaml]\n",
    "variants:\n  - [a.yaml]\n",
    "variants: {a: b}\n",
    "variants: [[a.yaml, 3]]\n",
    "variants: [[a.yaml, \"\"]]\n",
    "variant: [[a.yaml, b.yaml]]\n",
    // rules
    "rules: [single-replica]\n",
    "rules:\n  single-replicas: off\n",
    "rules:\n  zzz-yyy: off\n",
    "rules:\n  single-replica: loud\n",
    "rules:\n  single-replica: 3\n",
    "rules:\n  single-replica:\n    severity: loud\n",
    "rules:\n  single-replica:\n    severity: 3\n",
    "rules:\n  single-replica:\n    min-replica: 3\n",
    "rules:\n  single-replica:\n    zzz: 3\n",
    "rules:\n  missing-pdb:\n    min-replicas: 3\n",
    "rules:\n  single-replica:\n    min-replicas: many\n",
    "rules:\n  single-replica:\n    min-replicas: -1\n",
    "rules:\n  single-replica:\n    min-replicas: 2.5\n",
    "rules:\n  single-replica:\n    min-replicas: 5000000000\n",
    "rules:\n  single-replica:\n    severity: error\n    min-replicas: 3\n    zzz: 1\n",
    "rules:\n  single-replica: ~\n",
    "exclude: ~\n",
    "rules:\n  missing-pod-spread:\n    topology-keys: kubernetes.io/hostname\n",
    "rules:\n  missing-pod-spread:\n    topology-keys: [kubernetes.io/hostname, 3]\n",
    "rules:\n  mutable-image-tag:\n    floating-tags: {a: b}\n",
];

fn show(text: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "--- {text:?}");
    match Config::parse(".kubeha.yaml", text) {
        Ok(_) => out.push_str("ok\n"),
        Err(e) => {
            let _ = writeln!(out, "error: {}", e.message);
            if let Some(span) = e.span {
                let (start, len) = (span.offset(), span.len());
                let line = text[..start].matches('\n').count() + 1;
                let column = start - text[..start].rfind('\n').map_or(0, |i| i + 1) + 1;
                let _ = writeln!(
                    out,
                    "  at {line}:{column} `{}`: {}",
                    &text[start..start + len],
                    e.label
                );
            }
            if let Some(help) = &e.help {
                let _ = writeln!(out, "  help: {help}");
            }
        }
    }
    out
}

#[test]
fn config_errors_point_at_the_key_and_say_what_is_expected() {
    let all: String = BAD.iter().map(|t| show(t)).collect();
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path(crate::repo().join("tests/it/snapshots"));
    settings.bind(|| insta::assert_snapshot!("config_errors", all));
}

#[test]
fn valid_settings_are_read() {
    let config = Config::parse(
        ".kubeha.yaml",
        "default-namespace: shop\nkubernetes-version: 1.30\nlimits:\n  max-depth: 64\n  max-run-alias-bytes: 1000\nexclude: vendor/**\nignore:\n  - kind: Secret\n    rules: [single-replica]\n    reason: generated\nvariants: [[a.yaml, b.yaml]]\nrules:\n  single-replica: { severity: error, min-replicas: 3 }\n  missing-pdb: off\n  missing-liveness-probe: info\n  missing-priority-class: on\n  hpa-min-replicas: { severity: off }\n",
    )
    .unwrap();
    assert_eq!(config.default_namespace, "shop");
    assert_eq!(config.kubernetes_version, (1, 30));
    assert_eq!(config.limits.max_depth, 64);
    assert_eq!(config.limits.max_run_alias_bytes, 1000);
    assert_eq!(
        config.limits.max_documents,
        kubeha::source::Limits::default().max_documents
    );
    assert_eq!(config.ignores.len(), 1);
    assert_eq!(config.ignores[0].reason, "generated");
    assert_eq!(
        config.ignores[0].rules.as_deref(),
        Some(&["single-replica".to_owned()][..])
    );
    assert!(config.ignores[0].kind.as_ref().unwrap().is_match("Secret"));
    assert_eq!(config.variants.len(), 1);
    let single = config.settings("single-replica").unwrap();
    assert!(single.enabled && single.severity_configured);
    assert_eq!(single.severity, kubeha::Severity::Error);
    assert!(!config.is_enabled("missing-pdb"));
    assert!(!config.is_enabled("hpa-min-replicas"));
    assert!(config.is_enabled("missing-priority-class"));
    let info = config.settings("missing-liveness-probe").unwrap();
    assert_eq!(info.severity, kubeha::Severity::Info);
    // An empty file, and one of comments only, are the defaults.
    for text in ["", "# nothing yet\n"] {
        let config = Config::parse(".kubeha.yaml", text).unwrap();
        assert_eq!(config.default_namespace, "default");
        assert!(config.is_enabled("single-replica"));
    }
}

#[test]
fn the_schema_accepts_every_key_the_reader_accepts() {
    let schema = kubeha::config::schema();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let good = serde_json::json!({
        "limits": { "max-depth": 64, "max-run-alias-bytes": 1000, "max-alias-bytes": 1000 },
        "variants": [["a.yaml", "b.yaml"]],
        "ignore": [{ "kind": "Secret", "rules": ["single-replica"], "reason": "generated" }],
        "rules": {
            "missing-pod-spread": { "topology-keys": ["kubernetes.io/hostname"] },
            "mutable-image-tag": { "severity": "info", "floating-tags": ["main"] },
            "hpa-min-replicas": { "min-replicas": 3 },
            "missing-pdb": false,
        },
    });
    let errors: Vec<String> = validator
        .iter_errors(&good)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    for bad in [
        serde_json::json!({ "limits": { "max-depth": 2000 } }),
        serde_json::json!({ "variants": [["a.yaml"]] }),
        serde_json::json!({ "rules": { "single-replica": { "min-replicas": -1 } } }),
    ] {
        assert!(!validator.is_valid(&bad), "{bad}");
        let text = serde_json::to_string(&bad).unwrap();
        assert!(Config::parse(".kubeha.yaml", &text).is_err(), "{text}");
    }
}

/// A config-shaped YAML text: known and unknown keys at every level, values of every type.
fn config_text() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let key = prop::sample::select(vec![
        "rules",
        "limits",
        "ignore",
        "variants",
        "exclude",
        "default-namespace",
        "kubernetes-version",
        "single-replica",
        "missing-pod-spread",
        "severity",
        "min-replicas",
        "topology-keys",
        "max-depth",
        "path",
        "reason",
        "zzz",
    ]);
    let scalar = prop::sample::select(vec![
        "~", "off", "on", "error", "3", "-1", "1.30", "\"\"", "x", "a[", "[]", "{}", "[a, 3]",
    ]);
    let leaf = scalar.prop_map(str::to_owned);
    let tree = leaf.prop_recursive(3, 24, 4, move |inner| {
        prop_oneof![
            prop::collection::vec((key.clone(), inner.clone()), 0..4).prop_map(|entries| {
                let body: Vec<String> = entries.iter().map(|(k, v)| format!("{k}: {v}")).collect();
                format!("{{{}}}", body.join(", "))
            }),
            prop::collection::vec(inner, 0..3).prop_map(|items| format!("[{}]", items.join(", "))),
        ]
    });
    tree.prop_map(|t| format!("{t}\n"))
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

    /// Any config text gives a config or an error inside the text, never a panic, and the
    /// error names what the key expects.
    #[test]
    fn any_config_text_is_read_or_rejected_in_place(text in config_text()) {
        if let Err(e) = Config::parse(".kubeha.yaml", &text)
            && let Some(span) = e.span
        {
            proptest::prop_assert!(span.offset() + span.len() <= text.len(), "{text}");
            // Every failure has its own message: the catch-all of the reader is never reached.
            proptest::prop_assert!(!e.message.contains("is not valid here"), "{text}: {}", e.message);
        }
    }
}
